#include "host/contract_author.h"

#include <yaml-cpp/yaml.h>

#include <map>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "platform/key_file.h"
#include "core/base64.h"
#include "core/contract.h"
#include "core/hex.h"
#include "core/limits_and_defaults.h"
#include "core/pem_text.h"
#include "core/yaml_text.h"
#include "crypto/chain.h"
#include "crypto/contract_signature.h"
#include "crypto/keys.h"
#include "crypto/token.h"
#include "platform/read_file.h"

namespace seattest {
namespace {

constexpr std::size_t kMaxPemFileSize = 1u << 20;

std::string Line(const YAML::Node& node) { return "line " + std::to_string(node.Mark().line + 1); }

// A workload or env file: one YAML mapping.
struct SectionFile {
  std::string name;  // "workload" or "env"
  std::string path;
  std::string text;  // the file as given
  YAML::Node mapping;
  std::string where() const { return name + " file " + path; }
};

const char* KindOf(const YAML::Node& node) {
  return node.IsSequence() ? "a list" : node.IsScalar() ? "a single value" : "nothing";
}

// yaml-cpp keeps both entries of a key given twice; HPCR's parser refuses them, so do we.
Status CheckNoDuplicateKeys(const YAML::Node& node) {
  if (node.IsMap()) {
    std::set<std::string> seen;
    for (const auto& kv : node) {
      if (kv.first.IsScalar() && !seen.insert(kv.first.Scalar()).second) {
        return MakeError(Line(kv.first) + ": '" + kv.first.Scalar() + "' appears twice");
      }
      SEA_RETURN_IF_ERROR(CheckNoDuplicateKeys(kv.second));
    }
  } else if (node.IsSequence()) {
    for (const auto& item : node) SEA_RETURN_IF_ERROR(CheckNoDuplicateKeys(item));
  }
  return {};
}

Result<SectionFile> ReadSectionFile(const char* name, const std::string& path) {
  SectionFile f{name, path, {}, {}};
  auto bytes = ReadFile(path, kMaxCidataFileSize);
  if (!bytes) return MakeError(std::string(name) + " file: " + bytes.error().message);
  f.text = std::string(AsText(*bytes));
  try {
    if (const std::size_t documents = CountYamlDocuments(f.text); documents > 1) {
      return MakeError(f.where() + ": " + std::to_string(documents) + " YAML documents, expected one mapping");
    }
    const YAML::Node document = YAML::Load(f.text);  // Null when there is no document
    if (document.IsNull()) return MakeError(f.where() + ": empty, expected a YAML mapping");
    if (!document.IsMap()) {
      return MakeError(f.where() + ": " + Line(document) + ": expected a YAML mapping, found " + KindOf(document));
    }
    f.mapping = document;
  } catch (const YAML::Exception& e) {
    return MakeError(f.where() + ": line " + std::to_string(e.mark.line + 1) + ": malformed YAML: " + e.msg);
  }
  if (auto s = CheckYamlNodeCount(f.mapping); !s) return WithContext(f.where(), s.error());
  if (auto s = CheckNoDuplicateKeys(f.mapping); !s) return WithContext(f.where(), s.error());
  return f;
}

struct PublicKeyFile {
  std::string pem;
  EvpPkeyPtr key;
};

// A certificate or PEM public key of an RSA key a token may be made for (RequireRecipientKey: 2048
// to 16384 bits, a sane exponent). Read as a secret: a private key given by mistake is wiped, and
// refused.
Result<PublicKeyFile> ReadPublicKeyFile(std::string_view option, const std::string& path) {
  const std::string where = std::string(option) + " " + path;
  auto bytes = ReadSecretFile(path, kMaxPemFileSize);
  if (!bytes) return WithContext(std::string(option), bytes.error());
  if (bytes->view().find("PRIVATE KEY") != std::string_view::npos) {
    return MakeError(where + ": holds a private key; give the public key (openssl pkey -pubout) or certificate");
  }
  PublicKeyFile f{std::string(bytes->view()), nullptr};
  auto key = PublicKeyFromPem(f.pem, path);
  if (!key) return WithContext(std::string(option), key.error());
  if (auto s = RequireRecipientKey(key->get(), path); !s) return WithContext(std::string(option), s.error());
  f.key = std::move(*key);
  return f;
}

// attestationPublicKey: one PEM block, as the agent takes it (it writes the PEM to the output
// folder and hashes it there).
Result<PublicKeyFile> ReadAttestationKey(const std::string& path) {
  constexpr std::string_view kOption = "--attestation-public-key";
  SEA_ASSIGN_OR_RETURN(PublicKeyFile f, ReadPublicKeyFile(kOption, path));
  const std::size_t blocks = CountPemBlocks(f.pem);
  const std::size_t first = f.pem.find_first_not_of(" \t\r\n");
  if (blocks != 1 || first == std::string::npos || f.pem.compare(first, kPemBegin.size(), kPemBegin) != 0) {
    return MakeError(std::string(kOption) + " " + path + ": expected one PEM public key and nothing else, found " +
                     std::to_string(blocks) + " PEM blocks" + (blocks == 1 ? " after other text" : ""));
  }
  return f;
}

struct SigningKey {
  std::string path;
  EvpPkeyPtr key;
  std::string public_pem;  // SubjectPublicKeyInfo: what goes into env as signingKey
};

Result<SigningKey> ReadSigningKey(const std::string& path, PassphraseSource* passphrase) {
  const std::string option = "--signing-key";
  auto file = ReadPrivateKeyFile(path, kMinSigningKeyBits, 0, passphrase);
  if (passphrase != nullptr) passphrase->Forget();  // the only key the contract reads
  if (!file) return WithContext(option, file.error());
  auto public_pem = PublicKeyPem(file->key.get());
  if (!public_pem) return WithContext(option, public_pem.error());
  return SigningKey{path, std::move(file->key), std::move(*public_pem)};
}

// A scalar that is written quoted (or as a literal block): a string whatever it looks like.
YAML::Node StringNode(const std::string& text) {
  YAML::Node node(text);
  node.SetTag("!");
  return node;
}

// The env section's plaintext: the file as given or, with a signing key, re-written with that
// key's public half added as signingKey (unless env already names that very key).
Result<std::string> EnvPlaintext(const SectionFile& env, const SigningKey* signing) {
  std::optional<YAML::Node> existing;
  for (const auto& kv : env.mapping) {
    if (kv.first.IsScalar() && kv.first.Scalar() == "signingKey") existing = kv.second;
  }
  if (!existing) {
    if (!signing) return env.text;
    YAML::Node with_key = YAML::Clone(env.mapping);
    with_key["signingKey"] = StringNode(signing->public_pem);
    auto text = RenderYamlKeepingTypes(with_key);
    if (!text) return WithContext(env.where(), text.error());
    return *text;
  }
  const std::string where = env.where() + ": " + Line(*existing) + ": signingKey";
  if (!signing) {
    return MakeError(where + " is set but no --signing-key was given (the agent refuses env.signingKey without "
                     "envWorkloadSignature)");
  }
  if (!existing->IsScalar()) return MakeError(where + ": expected PEM text");
  SEA_ASSIGN_OR_RETURN(EvpPkeyPtr theirs, PublicKeyFromPem(existing->Scalar(), where));
  SEA_ASSIGN_OR_RETURN(Sha256Digest their_print, PublicKeyFingerprint(theirs.get()));
  SEA_ASSIGN_OR_RETURN(Sha256Digest our_print, PublicKeyFingerprint(signing->key.get()));
  if (their_print != our_print) {
    return MakeError(where + " is another key than --signing-key " + signing->path + " (sha256 " +
                     ToHex(their_print) + ", --signing-key " + ToHex(our_print) + ")");
  }
  return env.text;
}

// Reads the new contract back as the agent will, with the plaintexts of the tokens we made.
Status ReadBack(const std::string& text, const std::map<std::string, std::string>& plaintexts,
                const PublicKeyFile* attestation, bool signed_contract) {
  TokenDecryptor known = [&plaintexts](std::string_view token) -> Result<std::string> {
    auto it = plaintexts.find(std::string(token));
    if (it == plaintexts.end()) return MakeError("a token this command did not make");
    return it->second;
  };
  SEA_ASSIGN_OR_RETURN(Contract contract, ParseContract(text, "(new)", known, TokenErrors::kDetailed));
  if (attestation) {
    if (contract.attestation_public_key_pem != attestation->pem) {
      return MakeError("attestationPublicKey does not read back as the PEM given");
    }
    SEA_ASSIGN_OR_RETURN(EvpPkeyPtr key, PublicKeyFromPem(*contract.attestation_public_key_pem, "attestationPublicKey"));
    SEA_RETURN_IF_ERROR(RequireRecipientKey(key.get(), "attestationPublicKey"));
  }
  if (signed_contract != contract.env_workload_signature.has_value()) {
    return MakeError("envWorkloadSignature does not read back");
  }
  if (signed_contract) SEA_RETURN_IF_ERROR(VerifyEnvWorkloadSignature(*contract.env_workload_signature));
  return {};
}

}  // namespace

Result<AttestationKeyForm> ParseAttestationKeyForm(std::string_view text) {
  if (text == "pem") return AttestationKeyForm::kPem;
  if (text == "base64") return AttestationKeyForm::kBase64;
  if (text == "token") return AttestationKeyForm::kToken;
  return MakeError("--attestation-key-form: expected pem, base64 or token, found '" + std::string(text) + "'");
}

Status CheckContractOptions(const ContractAuthorOptions& o) {
  if (o.workload_file.empty()) return MakeError("missing --workload");
  if (o.env_file.empty()) return MakeError("missing --env");
  if (o.encrypt_for.empty() && o.attestation_key_form == AttestationKeyForm::kToken) {
    return MakeError("--attestation-key-form token needs --encrypt-for (the token is made for the contract key)");
  }
  if (o.encrypt_for.empty() && !o.signing_key_file.empty()) {
    return MakeError("--signing-key needs --encrypt-for (envWorkloadSignature signs the workload and env tokens)");
  }
  return {};
}

Result<AuthoredContract> AuthorContract(const ContractAuthorOptions& o) {
  SEA_RETURN_IF_ERROR(CheckContractOptions(o));
  SEA_ASSIGN_OR_RETURN(SectionFile workload, ReadSectionFile("workload", o.workload_file));
  SEA_ASSIGN_OR_RETURN(SectionFile env, ReadSectionFile("env", o.env_file));
  EvpPkeyPtr recipient;
  std::vector<std::string> warnings;
  if (!o.encrypt_for.empty()) {
    SEA_ASSIGN_OR_RETURN(PublicKeyFile contract_key, ReadPublicKeyFile("--encrypt-for", o.encrypt_for));
    recipient = std::move(contract_key.key);
    const std::time_t now = o.now != 0 ? o.now : std::time(nullptr);
    if (std::string w = PemCertificateValidityWarning(contract_key.pem, now, o.encrypt_for); !w.empty()) {
      warnings.push_back(std::move(w));
    }
  }
  std::optional<PublicKeyFile> attestation;
  if (!o.attestation_public_key_file.empty()) {
    SEA_ASSIGN_OR_RETURN(attestation, ReadAttestationKey(o.attestation_public_key_file));
  }
  std::optional<SigningKey> signing;
  if (!o.signing_key_file.empty()) {
    SEA_ASSIGN_OR_RETURN(signing, ReadSigningKey(o.signing_key_file, o.passphrase));
  }
  SEA_ASSIGN_OR_RETURN(std::string env_plaintext, EnvPlaintext(env, signing ? &*signing : nullptr));

  // Token -> plaintext of every token made here, to read the contract back.
  std::map<std::string, std::string> plaintexts;
  auto encrypt = [&](const std::string& what, const std::string& plaintext) -> Result<std::string> {
    auto token = EncryptToken(recipient.get(), plaintext, o.token_prefix);
    if (!token) return WithContext("encrypting " + what, token.error());
    plaintexts[*token] = plaintext;
    return *token;
  };
  YAML::Node contract(YAML::NodeType::Map);
  if (recipient) {
    SEA_ASSIGN_OR_RETURN(std::string workload_token, encrypt("workload", workload.text));
    SEA_ASSIGN_OR_RETURN(std::string env_token, encrypt("env", env_plaintext));
    contract["workload"] = workload_token;
    contract["env"] = env_token;
    if (signing) {
      auto signature = SignEnvWorkload(signing->key.get(), workload_token, env_token);
      if (!signature) return WithContext("--signing-key " + signing->path, signature.error());
      contract["envWorkloadSignature"] = *signature;
    }
  } else {
    contract["workload"] = workload.mapping;
    contract["env"] = env.mapping;
  }
  if (attestation) {
    switch (o.attestation_key_form) {
      case AttestationKeyForm::kPem:
        contract["attestationPublicKey"] = StringNode(attestation->pem);
        break;
      case AttestationKeyForm::kBase64:
        contract["attestationPublicKey"] = Base64Encode(ToBytes(attestation->pem));
        break;
      case AttestationKeyForm::kToken: {
        SEA_ASSIGN_OR_RETURN(std::string token, encrypt("attestationPublicKey", attestation->pem));
        contract["attestationPublicKey"] = token;
        break;
      }
    }
  }

  auto text = RenderYamlKeepingTypes(contract);
  if (!text) return WithContext("the contract", text.error());
  if (text->size() > kMaxCidataFileSize) {
    return MakeError("the contract is " + std::to_string(text->size()) + " bytes; the agent reads at most " +
                     std::to_string(kMaxCidataFileSize) + " bytes of user-data");
  }
  if (auto s = ReadBack(*text, plaintexts, attestation ? &*attestation : nullptr, signing.has_value()); !s) {
    return WithContext("the new contract does not read back as the agent would read it", s.error());
  }
  return AuthoredContract{std::move(*text), !recipient, std::move(warnings)};
}

}  // namespace seattest
