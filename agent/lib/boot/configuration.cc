#include "boot/configuration.h"

#include <string_view>
#include <utility>

#include "core/limits_and_defaults.h"
#include "crypto/cert_validity.h"
#include "crypto/keys.h"
#include "platform/folders.h"
#include "platform/key_file.h"
#include "platform/read_file.h"

namespace seattest {

Outcome<Configuration> LoadConfiguration(const AgentOptions& options) {
  const std::string& path = options.config_path;
  auto text = ReadFile(path, kMaxConfigSize);
  if (!text) return Fail(FailureClass::kConfiguration, "configuration: " + text.error().message, path);
  auto agent = ParseAgentConfig(AsText(*text), path);
  if (!agent) return Fail(FailureClass::kConfiguration, agent.error().message, path);
  Configuration config{std::move(*agent), DirName(path), {}};
  config.output_dir = options.output_dir ? *options.output_dir : ResolvePath(config.dir, config.agent.output_dir);
  return config;
}

namespace {

// The agent never asks for a passphrase: nobody can type at boot. An encrypted sealed key is its
// own configuration error (`se-attest seal` writes the keys decrypted).
class NoPassphraseAtBoot final : public PassphraseSource {
 public:
  Result<SecretBytes> Get(std::string_view /*key_name*/) override {
    return MakeError("passphrase required (an encrypted private key): the sealed keys must be unencrypted, "
                     "nobody can type a passphrase at boot (se-attest seal writes them so)");
  }
};

Outcome<EvpPkeyPtr> LoadKey(const Configuration& config, const std::string& configured, const char* what,
                            int exact_bits) {
  const std::string path = ResolvePath(config.dir, configured);
  NoPassphraseAtBoot no_passphrase;
  auto file = ReadPrivateKeyFile(path, kMinRsaKeyBits, exact_bits, &no_passphrase);
  if (!file) return Fail(FailureClass::kKeys, std::string(what) + " key: " + file.error().message, path);
  return std::move(file->key);
}

// The certificate at agent.yaml's `configured`: one PEM certificate that certifies `key`.
Outcome<CertificateValidity> LoadCertificate(const Configuration& config, const std::string& configured,
                                             const char* what, const EVP_PKEY* key) {
  const std::string path = ResolvePath(config.dir, configured);
  const std::string name = std::string(what) + " certificate";
  auto pem = ReadFile(path, kMaxPublicKeyFileSize);
  if (!pem) return Fail(FailureClass::kKeys, name + ": " + pem.error().message, path);
  auto cert = CertificateFromPem(AsText(*pem), path);
  if (!cert) return Fail(FailureClass::kKeys, name + ": " + cert.error().message, path);
  if (auto s = CertificateMatchesKey(cert->get(), key, name + " " + path); !s) {
    return Fail(FailureClass::kKeys, s.error().message, path);
  }
  auto validity = CertificateValidityOf(cert->get());
  if (!validity) return Fail(FailureClass::kKeys, name + " " + path + ": " + validity.error().message, path);
  return std::move(*validity);
}

}  // namespace

Outcome<Keys> LoadKeys(const Configuration& config) {
  SEA_ASSIGN_OR_RETURN(EvpPkeyPtr attestation, LoadKey(config, config.agent.attestation_key, "attestation", kAttestationKeyBits));
  SEA_ASSIGN_OR_RETURN(EvpPkeyPtr contract, LoadKey(config, config.agent.contract_key, "contract", 0));
  Keys keys{std::move(attestation), std::move(contract), std::nullopt};
  if (config.agent.record_profile == RecordProfile::kHpcr2026) {
    CertificateExpiry certs;
    SEA_ASSIGN_OR_RETURN(certs.encryption,
                         LoadCertificate(config, config.agent.contract_cert, "contract", keys.contract.get()));
    SEA_ASSIGN_OR_RETURN(certs.attestation,
                         LoadCertificate(config, config.agent.attestation_cert, "attestation", keys.attestation.get()));
    keys.certificates = std::move(certs);
  }
  return keys;
}

}  // namespace seattest
