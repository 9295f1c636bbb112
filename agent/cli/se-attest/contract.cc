// se-attest contract: a contract from a workload and an env file. Options here, the work in the library.
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "core/token_format.h"
#include "host/contract_author.h"
#include "platform/atomic_write.h"
#include "platform/folders.h"
#include "platform/passphrase.h"
#include "verb.h"

namespace seattest {
namespace {

constexpr const char* kContractUsage =
    "usage: se-attest contract --workload FILE --env FILE [--encrypt-for CERT_OR_PUBLIC_KEY]\n"
    "                          [--attestation-public-key PEM [--attestation-key-form pem|base64|token]]\n"
    "                          [--signing-key PRIVATE_KEY [--passin SOURCE]] [--token-prefix P]\n"
    "                          [--out FILE]\n"
    "\n"
    "Builds a contract (cidata/user-data) from a workload file and an env file, each a YAML\n"
    "mapping, and prints it (or writes FILE). Every input is checked, and the contract is read\n"
    "back as the agent reads it, before anything is written.\n"
    "\n"
    "  --encrypt-for CERT    workload and env become tokens for the contract certificate (or PEM\n"
    "                        public key); without it they are plain YAML and --out FILE is\n"
    "                        written 0600\n"
    "  --token-prefix P      the tokens' prefix: hyper-protect-basic (the default: HPVS, HPCR,\n"
    "                        CCCO) or contract-basic (CCRT, CCRV); needs --encrypt-for\n"
    "  --attestation-public-key PEM   the RSA public key the agent encrypts the record for\n"
    "  --attestation-key-form F       how the contract carries it: pem (the PEM text, the\n"
    "                        default), base64 (of the PEM) or token (needs --encrypt-for)\n"
    "  --signing-key KEY     adds envWorkloadSignature: RSA PKCS#1 v1.5 with SHA-256 over the\n"
    "                        workload token followed by the env token; the key's public half goes\n"
    "                        into env as signingKey before env is encrypted (needs --encrypt-for)\n"
    "  --passin SOURCE       the passphrase of --signing-key when it is encrypted: pass:TEXT,\n"
    "                        env:VAR, file:PATH, fd:N or stdin, as openssl takes them. Without\n"
    "                        it, asked for on the terminal when stdin is one\n";

}  // namespace

int ContractVerb(const std::vector<std::string>& args) {
  int code = kOk;
  auto parsed = Parse(args,
                      {{"workload", true}, {"env", true}, {"encrypt-for", true}, {"attestation-public-key", true},
                       {"attestation-key-form", true}, {"signing-key", true}, {"out", true}, {"token-prefix", true},
                       {"passin", true}},
                      kContractUsage, &code);
  if (!parsed) return code;
  if (!parsed->positional().empty()) return UsageError(kContractUsage, "unexpected argument '" + parsed->positional()[0] + "'");
  ContractAuthorOptions o;
  for (auto [name, field] : {std::pair{"workload", &o.workload_file}, {"env", &o.env_file}, {"encrypt-for", &o.encrypt_for},
                             {"attestation-public-key", &o.attestation_public_key_file},
                             {"signing-key", &o.signing_key_file}}) {
    if (auto v = parsed->Get(name)) *field = *v;
  }
  if (auto form = parsed->Get("attestation-key-form")) {
    if (o.attestation_public_key_file.empty()) {
      return UsageError(kContractUsage, "--attestation-key-form needs --attestation-public-key");
    }
    auto parsed_form = ParseAttestationKeyForm(*form);
    if (!parsed_form) return UsageError(kContractUsage, parsed_form.error().message);
    o.attestation_key_form = *parsed_form;
  }
  if (auto v = parsed->Get("token-prefix")) {
    auto prefix = ParseTokenPrefix(*v);
    if (!prefix) return UsageError(kContractUsage, "--token-prefix: " + prefix.error().message);
    if (o.encrypt_for.empty()) return UsageError(kContractUsage, "--token-prefix needs --encrypt-for");
    o.token_prefix = *prefix;
  }
  if (auto s = CheckContractOptions(o); !s) return UsageError(kContractUsage, s.error().message);
  if (parsed->Has("passin") && o.signing_key_file.empty()) return UsageError(kContractUsage, "--passin needs --signing-key");
  auto passphrase = PassphraseSourceFor(parsed->Get("passin"));
  if (!passphrase) return UsageError(kContractUsage, passphrase.error().message);
  o.passphrase = passphrase->get();
  const std::optional<std::string> out = parsed->Get("out");
  const std::string out_name = out ? out->substr(out->rfind('/') + 1) : std::string();
  if (out && out_name.empty()) return UsageError(kContractUsage, "--out: expected a file, found '" + *out + "'");

  auto contract = AuthorContract(o);
  if (!contract) return Failed("contract: " + contract.error().message);
  for (const std::string& warning : contract->warnings) {
    (void)std::fprintf(stderr, "se-attest contract: warning: %s\n", warning.c_str());
  }
  if (!out) return WriteStdout(contract->text) ? kOk : Failed("contract: writing to stdout failed");
  // Plain sections may hold secrets (registry passwords, logging keys): then for the owner only.
  if (auto s = WriteFileAtomic(DirName(*out), out_name, contract->text, contract->plaintext_sections ? 0600 : 0644); !s) {
    return Failed("contract: " + s.error().message);
  }
  std::printf("wrote %s\n", out->c_str());
  return kOk;
}

}  // namespace seattest
