#include "core/contract.h"

#include <yaml-cpp/yaml.h>

#include <set>
#include <utility>

#include "core/base64.h"
#include "core/pem_text.h"
#include "core/token_format.h"
#include "core/yaml_text.h"

namespace seattest {
namespace {

constexpr const char* kKnownKeys[] = {"workload", "env", "attestationPublicKey",
                                      "envWorkloadSignature"};

bool IsKnownKey(const std::string& key) {
  for (const char* k : kKnownKeys) {
    if (key == k) return true;
  }
  return false;
}

std::string_view TrimLeft(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\n' || s.front() == '\r' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  return s;
}

// Exactly one PEM block, and not a private key: the file is published in /var/hyperprotect.
Result<std::string> OnePublicPemBlock(std::string pem) {
  if (pem.find("PRIVATE KEY") != std::string::npos) return MakeError("contains a private key");
  if (const std::size_t blocks = CountPemBlocks(pem); blocks != 1) {
    return MakeError(std::to_string(blocks) + " PEM blocks, expected one public key");
  }
  return pem;
}

// attestationPublicKey: PEM text, base64 of the PEM, or a token (already decrypted by then).
Result<std::string> EffectivePem(const std::string& value, bool from_token) {
  if (TrimLeft(value).substr(0, kPemBegin.size()) == kPemBegin) return OnePublicPemBlock(value);
  if (from_token) return MakeError("the decrypted token is not PEM text");
  auto decoded = Base64Decode(value, /*ignore_whitespace=*/true);
  if (!decoded) return MakeError("neither PEM text, base64 of PEM, nor a token");
  std::string pem(decoded->begin(), decoded->end());
  if (TrimLeft(pem).substr(0, kPemBegin.size()) != kPemBegin) {
    return MakeError("base64 that does not decode to PEM text");
  }
  return OnePublicPemBlock(std::move(pem));
}

// What envWorkloadSignature needs from the other sections, gathered while they are read.
struct SectionSeen {
  bool present = false;
  std::optional<std::string> token;  // the scalar as it stands in the contract, when a token
};
struct SignatureInputs {
  SectionSeen workload;
  SectionSeen env;
  std::optional<std::string> signing_key_pem;  // env.signingKey
  std::optional<std::string> signature;        // envWorkloadSignature, still base64
  std::string signature_line;
};

// The first part of a yaml-cpp parser message: a few of them end in ": " and the characters the
// parser stopped at ("unknown escape character: x"), and a decrypted section may hold secrets.
std::string GenericYamlMessage(const std::string& message) { return message.substr(0, message.find(':')); }

// The decrypted plaintext of a workload or env token, read as YAML: one document, or none (an
// empty section, as `env:` with nothing after it is in plain YAML), with at most kMaxYamlNodes
// nodes. Anything else is an invalid contract: a section that yaml-cpp cannot read, or reads only
// the first document of, could hide from the agent what another reader finds in it (signingKey).
// Errors name the section and where in its plaintext, never what the plaintext says.
Result<YAML::Node> LoadDecryptedSection(const std::string& key, const std::string& plaintext) {
  const std::string what = key + ": the decrypted token";
  try {
    if (const std::size_t documents = CountYamlDocuments(plaintext); documents > 1) {
      return MakeError(what + " holds " + std::to_string(documents) + " YAML documents, expected one");
    }
    YAML::Node node = YAML::Load(plaintext);
    if (auto s = CheckYamlNodeCount(node); !s) return MakeError(what + " has " + s.error().message);
    return node;
  } catch (const YAML::Exception& e) {
    return MakeError(what + " is not valid YAML (line " + std::to_string(e.mark.line + 1) + ", column " +
                     std::to_string(e.mark.column + 1) + " of its plaintext: " + GenericYamlMessage(e.msg) + ")");
  } catch (const std::exception&) {
    return MakeError(what + " cannot be read as YAML");
  }
}

// env.signingKey, when env is a mapping that has one: one PEM public key or certificate.
Result<std::optional<std::string>> SigningKeyOf(const YAML::Node& env) {
  if (!env.IsDefined() || !env.IsMap()) return std::optional<std::string>();
  std::optional<std::string> found;
  for (const auto& kv : env) {
    if (!kv.first.IsScalar() || kv.first.Scalar() != "signingKey") continue;
    if (found) return MakeError("env.signingKey: appears twice");
    if (!kv.second.IsScalar() || TrimLeft(kv.second.Scalar()).substr(0, kPemBegin.size()) != kPemBegin) {
      return MakeError("env.signingKey: expected PEM text (a public key or certificate)");
    }
    auto pem = OnePublicPemBlock(kv.second.Scalar());
    if (!pem) return MakeError("env.signingKey: " + pem.error().message);
    found = std::move(*pem);
  }
  return found;
}

// The signature's parts, or why the contract cannot carry one.
Result<std::optional<EnvWorkloadSignature>> SignatureOf(const SignatureInputs& in) {
  if (!in.signature) {
    if (in.signing_key_pem) return MakeError("env.signingKey is set but envWorkloadSignature is missing");
    return std::optional<EnvWorkloadSignature>();
  }
  for (auto [name, section] : {std::pair{"workload", &in.workload}, {"env", &in.env}}) {
    if (!section->token) {
      return MakeError(std::string("envWorkloadSignature: workload and env must both be tokens; ") +
                       name + (section->present ? " is plain YAML" : " is missing") + in.signature_line);
    }
  }
  auto signature = Base64Decode(*in.signature, /*ignore_whitespace=*/true);
  if (!signature || signature->empty()) return MakeError("envWorkloadSignature: not base64" + in.signature_line);
  if (!in.signing_key_pem) {
    return MakeError("envWorkloadSignature: env has no signingKey to check it with" + in.signature_line);
  }
  return std::optional<EnvWorkloadSignature>(EnvWorkloadSignature{
      EnvWorkloadSignedData(*in.workload.token, *in.env.token), std::move(*signature), *in.signing_key_pem});
}

// A plain section as it stands in the contract, for user-data.decrypted: every scalar keeps its
// type and its text ("8080" stays a string, `8080` a number), so that the published copy means
// to any YAML reader what the measured contract says (and `se-attest verify` compares it so).
Result<std::string> EmitEntry(const std::string& key, const YAML::Node& value) {
  YAML::Node entry(YAML::NodeType::Map);
  entry[key] = value;
  auto text = RenderYamlKeepingTypes(entry);
  if (!text) return MakeError(key + ": " + text.error().message);
  return text;
}

Result<Contract> ParseTree(const YAML::Node& root, const TokenDecryptor& decrypt, TokenErrors token_errors) {
  // An error about what a token decrypted to: kUnreadableTokenSection unless detailed.
  const auto plaintext_error = [token_errors](const std::string& key, const Error& detail) {
    return token_errors == TokenErrors::kDetailed ? detail : MakeError(key + ": " + std::string(kUnreadableTokenSection));
  };
  if (!root.IsMap()) return MakeError("expected a mapping of contract sections");
  Contract contract;
  std::set<std::string> seen;
  // Decrypted sections, to check user-data.decrypted reads back to exactly these values.
  std::vector<std::pair<std::string, std::string>> plaintexts;
  SignatureInputs signature_inputs;
  for (const auto& kv : root) {
    if (!kv.first.IsScalar()) return MakeError("a key that is not a string");
    const std::string key = kv.first.Scalar();
    const std::string line = " (line " + std::to_string(kv.first.Mark().line + 1) + ")";
    if (!IsKnownKey(key)) return MakeError(key + ": unknown contract key" + line);
    if (!seen.insert(key).second) return MakeError(key + ": appears twice" + line);
    const YAML::Node& value = kv.second;
    const bool is_token = value.IsScalar() && LooksLikeToken(value.Scalar());
    std::string plaintext;
    if (is_token) {
      auto decrypted = decrypt(value.Scalar());
      if (!decrypted) return MakeError(key + ": " + decrypted.error().message);
      plaintext = std::move(*decrypted);
      plaintexts.emplace_back(key, plaintext);
      contract.decrypted_text += RenderStringEntry(key, plaintext);
    } else {
      if (StartsWithTokenPrefix(value.Scalar())) {
        return MakeError(key + ": malformed " + value.Scalar().substr(0, value.Scalar().find('.')) + " token" + line);
      }
      if (value.IsScalar()) {
        if (auto almost = AlmostAToken(value.Scalar())) return MakeError(key + ": " + *almost + line);
      }
      SEA_ASSIGN_OR_RETURN(std::string entry, EmitEntry(key, value));
      contract.decrypted_text += entry;
    }
    if (key == "attestationPublicKey" || key == "envWorkloadSignature") {
      if (!value.IsScalar() || value.Scalar().empty()) {
        return MakeError(key + ": expected a non-empty string" + line);
      }
    }
    if (key == "attestationPublicKey") {
      auto pem = EffectivePem(is_token ? plaintext : value.Scalar(), is_token);
      if (!pem && is_token) return plaintext_error(key, MakeError(key + ": " + pem.error().message));
      if (!pem) return MakeError(key + ": " + pem.error().message);
      contract.attestation_public_key_pem = std::move(*pem);
    }
    if (key == "workload" || key == "env") {
      SectionSeen& section = key == "env" ? signature_inputs.env : signature_inputs.workload;
      section.present = true;
      if (is_token) section.token = value.Scalar();
    }
    // A workload or env token's plaintext is read as YAML (a declaration, not an assignment:
    // assigning to a YAML::Node that refers to `value` would rewrite the contract's tree).
    const Result<YAML::Node> loaded = is_token && (key == "workload" || key == "env")
                                          ? LoadDecryptedSection(key, plaintext)
                                          : Result<YAML::Node>(value);
    if (!loaded) return plaintext_error(key, loaded.error());
    const YAML::Node& section_yaml = *loaded;
    if (key == "env") {
      auto signing_key = SigningKeyOf(section_yaml);
      if (!signing_key && is_token) return plaintext_error(key, signing_key.error());
      if (!signing_key) return signing_key.error();
      signature_inputs.signing_key_pem = std::move(*signing_key);
    }
    if (key == "envWorkloadSignature") {
      signature_inputs.signature = value.Scalar();
      signature_inputs.signature_line = line;
    }
  }
  // What we write must read back to what we decrypted, byte for byte.
  YAML::Node back = YAML::Load(contract.decrypted_text);
  for (const auto& [key, text] : plaintexts) {
    if (!back[key] || !back[key].IsScalar() || back[key].Scalar() != text) {
      return plaintext_error(key, MakeError(key + ": the decrypted section cannot be written back as YAML unchanged"));
    }
  }
  SEA_ASSIGN_OR_RETURN(contract.env_workload_signature, SignatureOf(signature_inputs));
  return contract;
}

}  // namespace

Result<std::string> EffectiveAttestationPublicKeyPem(std::string_view value) {
  return EffectivePem(std::string(value), /*from_token=*/false);
}

Result<Contract> ParseContract(std::string_view user_data, std::string_view source,
                               const TokenDecryptor& decrypt, TokenErrors token_errors) {
  const std::string where = "contract " + std::string(source);
  if (TrimLeft(user_data).empty()) return MakeError(where + ": empty");
  try {
    const std::string text(user_data);
    if (const std::size_t documents = CountYamlDocuments(text); documents != 1) {
      return MakeError(where + ": " + std::to_string(documents) + " YAML documents, expected one");
    }
    const YAML::Node document = YAML::Load(text);
    if (auto s = CheckYamlNodeCount(document); !s) return WithContext(where, s.error());
    auto contract = ParseTree(document, decrypt, token_errors);
    if (!contract) return WithContext(where, contract.error());
    if (const std::size_t most = MaxDecryptedContractSize(text.size()); contract->decrypted_text.size() > most) {
      return MakeError(where + ": user-data.decrypted would be " + std::to_string(contract->decrypted_text.size()) +
                       " bytes, more than " + std::to_string(most) + " (twice the contract and 64 KiB)");
    }
    return contract;
  } catch (const YAML::Exception& e) {
    return MakeError(where + ": malformed YAML at line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
  } catch (const std::exception& e) {
    return MakeError(where + ": cannot be read: " + e.what());
  }
}

}  // namespace seattest
