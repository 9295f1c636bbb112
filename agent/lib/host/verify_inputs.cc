// `se-attest verify`: the auditor's own inputs (--cert, --chain, --ca, --crl, --key,
// --reference, --attestation-public-key, --contract-cert). One that cannot be read or parsed is bad input: an
// "input:<option>" check with status error (exit 2).
#include <openssl/evp.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "crypto/keys.h"
#include "host/verifier.h"
#include "platform/read_file.h"

namespace seattest::verify_detail {

void Verifier::InputError(const std::string& option, const std::string& message) {
  report_.Add({.id = "input:" + option, .title = "input --" + option, .status = CheckStatus::kError, .detail = message});
}

std::optional<Bytes> Verifier::ReadInput(const std::string& option, const std::string& path) {
  auto data = ReadFile(path, kMaxFile);
  if (!data) {
    InputError(option, data.error().message);
    return std::nullopt;
  }
  return std::move(*data);
}

void Verifier::LoadCertificates(const std::string& option, const std::vector<std::string>& paths,
                                std::vector<NamedCert>& out) {
  for (const std::string& path : paths) {
    auto data = ReadInput(option, path);
    if (!data) continue;
    auto certs = CertificatesFromPem(AsText(*data), path);
    if (!certs) {
      InputError(option, certs.error().message);
      continue;
    }
    for (X509Ptr& c : *certs) out.push_back({path, std::move(c)});
  }
}

void Verifier::LoadInputs() {
  LoadCertificates("cert", o_.certs, certs_);
  LoadCertificates("chain", o_.chain, chain_);
  LoadCertificates("ca", o_.cas, cas_);
  for (const std::string& path : o_.crls) {
    auto data = ReadInput("crl", path);
    if (!data) continue;
    auto crl = CrlFromPemOrDer(AsText(*data), path);
    if (!crl) InputError("crl", crl.error().message);
    else crls_.push_back(std::move(*crl));
  }
  if (!o_.key_path.empty()) {
    auto pem = ReadSecretFile(o_.key_path, kMaxFile);
    if (!pem) {
      InputError("key", pem.error().message);
    } else if (auto key = PrivateKeyFromPem(pem->view(), o_.key_path, o_.passphrase); !key) {
      InputError("key", key.error().message);
    } else {
      key_ = std::move(*key);
    }
    if (o_.passphrase != nullptr) o_.passphrase->Forget();  // the only key verify reads
  }
  if (key_ && ExpectedRecipient() != nullptr && EVP_PKEY_eq(ExpectedRecipient(), key_.get()) != 1) {
    InputError("attestation-public-key", o_.attestation_public_key_path + " (" + Fingerprint(ExpectedRecipient()) +
                                             ") is not the public half of --key " + o_.key_path + " (" +
                                             Fingerprint(key_.get()) + ")");
  }
  if (!o_.contract_cert_path.empty()) {
    std::vector<NamedCert> certs;
    LoadCertificates("contract-cert", {o_.contract_cert_path}, certs);
    if (certs.size() > 1) {
      InputError("contract-cert", o_.contract_cert_path + ": " + std::to_string(certs.size()) +
                                      " certificates, expected the one contracts are encrypted for");
    } else if (certs.size() == 1) {
      contract_cert_ = std::move(certs.front());
    }
  }
  if (!o_.reference_path.empty()) {
    if (auto data = ReadInput("reference", o_.reference_path)) {
      auto ref = ParseReference(AsText(*data), o_.reference_path);
      if (!ref) InputError("reference", ref.error().message);
      else reference_ = std::move(*ref);
    }
  }
}

// The auditor's --attestation-public-key, when given and readable (reported in CheckExpectations).
EVP_PKEY* Verifier::ExpectedRecipient() {
  if (!expected_recipient_loaded_) {
    expected_recipient_loaded_ = true;
    if (!o_.attestation_public_key_path.empty()) {
      if (auto pem = ReadFile(o_.attestation_public_key_path, kMaxFile)) {
        if (auto key = PublicKeyFromPem(AsText(*pem), o_.attestation_public_key_path)) expected_recipient_ = std::move(*key);
      }
    }
  }
  return expected_recipient_.get();
}

}  // namespace seattest::verify_detail
