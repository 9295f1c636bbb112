// se-attest: the host command for image builders and auditors. A thin main: one function per
// subcommand, each parsing its options and calling the library.
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <exception>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "app/contract_author.h"
#include "app/keygen.h"
#include "app/seal.h"
#include "app/verify.h"
#include "core/args.h"
#include "core/hex.h"
#include "core/token_format.h"
#include "crypto/chain.h"
#include "crypto/keys.h"
#include "crypto/token.h"
#include "platform/file_io.h"

namespace seattest {
namespace {

// Exit codes of se-attest (docs/cli.md).
constexpr int kOk = 0;
constexpr int kUsage = 1;
constexpr int kFailed = 2;

constexpr std::size_t kMaxInput = 64u << 20;

constexpr const char* kMainUsage =
    "usage: se-attest COMMAND [OPTIONS]\n"
    "\n"
    "commands:\n"
    "  keygen DIR        a development key set: CAs, attestation and contract keys\n"
    "  seal ...          the agent's configuration and keys for the initrd, and reference values\n"
    "  encrypt ...       a file or stdin to a hyper-protect-basic token\n"
    "  decrypt ...       a token or se-checksums.txt.enc back to plaintext\n"
    "  contract ...      a contract (cidata/user-data) from a workload and an env file\n"
    "  measure PATH...   SHA-256 of files or block devices, in the record's format\n"
    "  verify DIR ...    an auditor's checks of a /var/hyperprotect folder (own exit codes)\n"
    "\n"
    "'se-attest COMMAND --help' describes a command. Exit codes: 0 success, 1 usage error,\n"
    "2 the command failed (unreadable or invalid input, wrong key, nothing written).\n";

constexpr const char* kKeygenUsage =
    "usage: se-attest keygen DIR\n"
    "\n"
    "Writes a development key set (RSA-4096): DIR/root-ca.crt, DIR/intermediate-ca.crt,\n"
    "DIR/attestation.crt, DIR/attestation.key, DIR/contract.crt, DIR/contract.key (.key 0600),\n"
    "and prints the paths written, one a line.\n"
    "Production keys belong in an HSM; these are for development and tests.\n"
    "A key ever sealed into a development image (se-attest seal --development) is burnt for\n"
    "production: that image runs outside Secure Execution, so whoever has it can read its keys\n"
    "and sign records with them. Use one key set per image kind, never the same for both.\n";

constexpr const char* kSealUsage =
    "usage: se-attest seal --root IMAGE_OR_DEVICE --root-device SPEC --tarball PATH_IN_ROOT_FS\n"
    "                      (--baseimage FILE | --baseimage-sha256 HEX) --image-version V\n"
    "                      --commit-id ID --attestation-key KEY --contract-key KEY\n"
    "                      [--cidata-device SPEC] [--output-dir DIR] [--tarball-copy PATH]\n"
    "                      [--development] [--contract-signing-key PUBLIC_KEY]...\n"
    "                      --out DIR\n"
    "\n"
    "Hashes the root partition (IMAGE_OR_DEVICE) and root.tar.gz inside its filesystem, and\n"
    "writes, laid out as files to add to the initrd:\n"
    "  DIR/etc/se-attest/agent.yaml        the agent's configuration\n"
    "  DIR/etc/se-attest/attestation.key   the RSA-4096 attestation key (0600)\n"
    "  DIR/etc/se-attest/contract.key      the contract decryption key (0600)\n"
    "and DIR/reference.yaml, the expected values for auditors (not for the initrd).\n"
    "\n"
    "  --root-device SPEC     how the agent finds the root partition at boot: LABEL=, PARTLABEL=,\n"
    "                         UUID=, PARTUUID= or a path\n"
    "  --cidata-device SPEC   the cloud-init device (default LABEL=cidata)\n"
    "  --output-dir DIR       where the agent writes its record at boot\n"
    "                         (default /run/se-attest/hyperprotect)\n"
    "  --development          the image may boot outside Secure Execution (QEMU, tests), and every\n"
    "                         record it signs says it is a development image; without it the\n"
    "                         agent refuses to run unless /sys/firmware/uv/prot_virt_guest is 1.\n"
    "                         Keys sealed with it can be read by whoever has the image: they are\n"
    "                         burnt, never seal them into a production image (another keygen set)\n"
    "  --contract-signing-key PUBLIC_KEY\n"
    "                         (repeatable; PEM public key or certificate, RSA >= 2048 bits) the\n"
    "                         agent accepts only contracts whose envWorkloadSignature is made\n"
    "                         with one of these keys; unsigned contracts are refused too\n"
    "  --tarball-copy PATH    where the agent keeps the root.tar.gz it measured, for the initrd to\n"
    "                         unpack the real root from (/run/se-attest/root.tar.gz in the initrd)\n"
    "Mounting an image file needs root (a read-only loop device).\n";

constexpr const char* kEncryptUsage =
    "usage: se-attest encrypt --to CERT_OR_PUBLIC_KEY [FILE]\n"
    "\n"
    "Encrypts FILE (or stdin) for the RSA key of a certificate or PEM public key; prints the\n"
    "hyper-protect-basic token on stdout, without a trailing newline. A certificate that is\n"
    "expired or not yet valid is still used, with a warning on stderr.\n";

constexpr const char* kContractUsage =
    "usage: se-attest contract --workload FILE --env FILE [--encrypt-for CERT_OR_PUBLIC_KEY]\n"
    "                          [--attestation-public-key PEM [--attestation-key-form pem|base64|token]]\n"
    "                          [--signing-key PRIVATE_KEY] [--out FILE]\n"
    "\n"
    "Builds a contract (cidata/user-data) from a workload file and an env file, each a YAML\n"
    "mapping, and prints it (or writes FILE). Every input is checked, and the contract is read\n"
    "back as the agent reads it, before anything is written.\n"
    "\n"
    "  --encrypt-for CERT    workload and env become hyper-protect-basic tokens for the contract\n"
    "                        certificate (or PEM public key); without it they are plain YAML and\n"
    "                        --out FILE is written 0600\n"
    "  --attestation-public-key PEM   the RSA public key the agent encrypts the record for\n"
    "  --attestation-key-form F       how the contract carries it: pem (the PEM text, the\n"
    "                        default), base64 (of the PEM) or token (needs --encrypt-for)\n"
    "  --signing-key KEY     adds envWorkloadSignature: RSA PKCS#1 v1.5 with SHA-256 over the\n"
    "                        workload token followed by the env token; the key's public half goes\n"
    "                        into env as signingKey before env is encrypted (needs --encrypt-for)\n";

constexpr const char* kDecryptUsage =
    "usage: se-attest decrypt --key PRIVATE_KEY [FILE]\n"
    "\n"
    "Decrypts a hyper-protect-basic token or se-checksums.txt.enc from FILE (or stdin) with the\n"
    "private key; prints the plaintext on stdout.\n";

constexpr const char* kMeasureUsage =
    "usage: se-attest measure PATH...\n"
    "\n"
    "Prints '<sha256> <PATH>' for each file or block device, as in the record. Nothing is signed.\n";

constexpr const char* kVerifyUsage =
    "usage: se-attest verify [DIR] [--record FILE] [--signature FILE]\n"
    "                        [--cert CERT]... [--chain CERTS]... [--ca CERTS]... [--crl CRL]...\n"
    "                        [--key PRIVATE_KEY] [--reference reference.yaml]\n"
    "                        [--contract FILE] [--attestation-public-key PEM]\n"
    "                        [--expect-cidata DIR] [--machine TYPE/PLANT/SERIAL]\n"
    "                        [--at YYYY-MM-DDTHH:MM:SSZ] [--allow-development] [--json]\n"
    "\n"
    "Checks DIR, laid out like /var/hyperprotect (or --record/--signature), and prints one line per\n"
    "check (pass, FAIL, not checked and why) and a verdict; --json prints the same as JSON\n"
    "(schema se-attest-verify/1, docs/auditing.md). Nothing is fetched from the network.\n"
    "\n"
    "  --cert CERT        a candidate attestation certificate; repeat it: the report says which\n"
    "                     one made the signature, by fingerprint\n"
    "  --chain CERTS      intermediate certificates (PEM, bundles allowed)\n"
    "  --ca CERTS         trust anchors (PEM, bundles allowed)\n"
    "  --crl CRL          a revocation list (PEM or DER): the certificate must not be in it\n"
    "  --key KEY          the private key of attestationPublicKey, for se-checksums.txt.enc\n"
    "  --reference FILE   reference.yaml from se-attest seal: baseimage, root.tar.gz, version\n"
    "  --contract FILE    the contract you expect (cidata/user-data)\n"
    "  --attestation-public-key PEM   the attestationPublicKey you expect\n"
    "  --expect-cidata DIR            meta-data, user-data, vendor-data you expect\n"
    "  --machine T/P/S    the machine you expect (Type/Plant/Serial of the record)\n"
    "  --at TIME          check certificate validity at TIME (UTC) instead of now\n"
    "  --allow-development  accept a record signed by a development image (sealed with\n"
    "                     --development: it runs outside Secure Execution, so its attestation\n"
    "                     key is not secret); without it such a record fails\n"
    "\n"
    "Each line says whether what it checked is covered by the signed record (signed), is not\n"
    "(UNSIGNED: it can fail the verdict, never carry it) or is about your inputs (-).\n"
    "\n"
    "Exit codes: 0 verified (every check that could be made passed, and the required ones were\n"
    "made: chain, signature, record syntax, image kind, reference values when given, the record's\n"
    "binding to --key when given); 1 a check failed;\n"
    "2 bad input (unreadable file, wrong key, usage); 3 incomplete (nothing failed, but a\n"
    "required check could not be made, e.g. no certificate).\n";

int UsageError(const char* usage, const std::string& message) {
  (void)std::fprintf(stderr, "se-attest: %s\n%s", message.c_str(), usage);
  return kUsage;
}

int Failed(const std::string& message) {
  (void)std::fprintf(stderr, "se-attest: %s\n", message.c_str());
  return kFailed;
}

// Parses a subcommand's options; on --help prints `usage` and sets `*exit_code` to 0.
std::optional<ParsedArgs> Parse(const std::vector<std::string>& args, std::vector<OptionSpec> specs,
                                const char* usage, int* exit_code) {
  specs.push_back({"help", false});
  auto parsed = ParseArgs(args, specs);
  if (!parsed) {
    *exit_code = UsageError(usage, parsed.error().message);
    return std::nullopt;
  }
  if (parsed->Has("help")) {
    (void)std::fputs(usage, stdout);
    *exit_code = kOk;
    return std::nullopt;
  }
  return std::move(*parsed);
}

Result<Bytes> ReadInput(const std::vector<std::string>& positional) {
  if (!positional.empty()) return ReadFile(positional[0], kMaxInput);
  std::string data((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  if (data.size() > kMaxInput) return MakeError("stdin: more than " + std::to_string(kMaxInput) + " bytes");
  return ToBytes(data);
}

bool WriteStdout(std::string_view data) {
  return std::fwrite(data.data(), 1, data.size(), stdout) == data.size() && std::fflush(stdout) == 0;
}

int Keygen(const std::vector<std::string>& args) {
  int code = kOk;
  auto parsed = Parse(args, {}, kKeygenUsage, &code);
  if (!parsed) return code;
  if (parsed->positional().size() != 1) return UsageError(kKeygenUsage, "expected one folder");
  auto written = seattest::Keygen(parsed->positional()[0]);
  if (!written) return Failed("keygen: " + written.error().message);
  for (const std::string& path : *written) std::printf("%s\n", path.c_str());
  // On stderr: stdout stays the list of paths, for scripts (flushed first: `2>&1` keeps the order).
  if (std::fflush(stdout) != 0) return Failed("keygen: cannot write to stdout");
  (void)std::fputs(
      "se-attest keygen: note: once sealed into a development image (seal --development), these keys are "
      "burnt for production: make another set for production images\n",
      stderr);
  return kOk;
}

int Seal(const std::vector<std::string>& args) {
  int code = kOk;
  auto parsed = Parse(args,
                      {{"root", true}, {"root-device", true}, {"tarball", true}, {"baseimage", true},
                       {"baseimage-sha256", true}, {"image-version", true}, {"commit-id", true},
                       {"attestation-key", true}, {"contract-key", true}, {"cidata-device", true},
                       {"output-dir", true}, {"tarball-copy", true}, {"development", false}, {"out", true},
                       {"contract-signing-key", true, true}},
                      kSealUsage, &code);
  if (!parsed) return code;
  if (!parsed->positional().empty()) return UsageError(kSealUsage, "unexpected argument '" + parsed->positional()[0] + "'");
  SealOptions o;
  for (auto [name, field] : {std::pair{"root", &o.root}, {"root-device", &o.root_device}, {"tarball", &o.tarball},
                             {"image-version", &o.image_version}, {"commit-id", &o.commit_id},
                             {"attestation-key", &o.attestation_key}, {"contract-key", &o.contract_key},
                             {"out", &o.out}}) {
    auto v = parsed->Get(name);
    if (!v) return UsageError(kSealUsage, std::string("missing --") + name);
    *field = *v;
  }
  o.baseimage_file = parsed->Get("baseimage");
  o.baseimage_sha256 = parsed->Get("baseimage-sha256");
  if (auto v = parsed->Get("cidata-device")) o.cidata_device = *v;
  if (auto v = parsed->Get("output-dir")) o.output_dir = *v;
  if (auto v = parsed->Get("tarball-copy")) o.tarball_copy = *v;
  o.development = parsed->Has("development");
  o.contract_signing_keys = parsed->GetAll("contract-signing-key");
  if (o.baseimage_file.has_value() == o.baseimage_sha256.has_value()) {
    return UsageError(kSealUsage, "give exactly one of --baseimage and --baseimage-sha256");
  }
  auto devices = MakeLibblkidDevices();
  auto mounter = MakeKernelMounter("/run/se-attest");
  auto result = seattest::Seal(o, *devices, *mounter);
  if (!result) return Failed("seal: " + result.error().message);
  std::printf("wrote %s\nwrote %s\n%s", result->config_path.c_str(), result->reference_path.c_str(),
              result->reference_text.c_str());
  return kOk;
}

int Encrypt(const std::vector<std::string>& args) {
  int code = kOk;
  auto parsed = Parse(args, {{"to", true}}, kEncryptUsage, &code);
  if (!parsed) return code;
  auto to = parsed->Get("to");
  if (!to) return UsageError(kEncryptUsage, "missing --to");
  if (parsed->positional().size() > 1) return UsageError(kEncryptUsage, "at most one input file");
  auto pem = ReadFile(*to, kMaxInput);
  if (!pem) return Failed("encrypt: " + pem.error().message);
  auto key = PublicKeyFromPem(AsText(*pem), *to);
  if (!key) return Failed("encrypt: " + key.error().message);
  if (auto s = RequireRecipientKey(key->get(), *to); !s) return Failed("encrypt: " + s.error().message);
  if (const std::string warning = PemCertificateValidityWarning(AsText(*pem), std::time(nullptr), *to); !warning.empty()) {
    (void)std::fprintf(stderr, "se-attest encrypt: warning: %s\n", warning.c_str());
  }
  auto input = ReadInput(parsed->positional());
  if (!input) return Failed("encrypt: " + input.error().message);
  auto token = EncryptToken(key->get(), AsText(*input));
  if (!token) return Failed("encrypt: " + token.error().message);
  return WriteStdout(*token) ? kOk : Failed("encrypt: writing to stdout failed");
}

int Decrypt(const std::vector<std::string>& args) {
  int code = kOk;
  auto parsed = Parse(args, {{"key", true}}, kDecryptUsage, &code);
  if (!parsed) return code;
  auto key_path = parsed->Get("key");
  if (!key_path) return UsageError(kDecryptUsage, "missing --key");
  if (parsed->positional().size() > 1) return UsageError(kDecryptUsage, "at most one input file");
  auto pem = ReadSecretFile(*key_path, kMaxInput);
  if (!pem) return Failed("decrypt: " + pem.error().message);
  auto key = PrivateKeyFromPem(pem->view(), *key_path);
  if (!key) return Failed("decrypt: " + key.error().message);
  auto input = ReadInput(parsed->positional());
  const std::string source = parsed->positional().empty() ? "stdin" : parsed->positional()[0];
  if (!input) return Failed("decrypt: " + input.error().message);
  auto plain = DecryptToken(key->get(), AsText(*input));
  if (!plain) return Failed("decrypt: " + source + ": " + plain.error().message);
  return WriteStdout(plain->view()) ? kOk : Failed("decrypt: writing to stdout failed");
}

int ContractCommand(const std::vector<std::string>& args) {
  int code = kOk;
  auto parsed = Parse(args,
                      {{"workload", true}, {"env", true}, {"encrypt-for", true}, {"attestation-public-key", true},
                       {"attestation-key-form", true}, {"signing-key", true}, {"out", true}},
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
  if (auto s = CheckContractOptions(o); !s) return UsageError(kContractUsage, s.error().message);
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

int Measure(const std::vector<std::string>& args) {
  int code = kOk;
  auto parsed = Parse(args, {}, kMeasureUsage, &code);
  if (!parsed) return code;
  if (parsed->positional().empty()) return UsageError(kMeasureUsage, "expected at least one path");
  for (const std::string& path : parsed->positional()) {
    auto d = HashPath(path);
    if (!d) return Failed("measure: " + d.error().message);
    std::printf("%s %s\n", ToHex(d->digest).c_str(), path.c_str());
  }
  return std::fflush(stdout) == 0 ? kOk : Failed("measure: writing to stdout failed");
}

// "2026-11-23T12:00:00Z" to seconds since the epoch.
std::optional<std::time_t> ParseUtc(const std::string& text) {
  std::tm tm{};
  const char* end = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  if (end == nullptr || *end != '\0') return std::nullopt;
  return timegm(&tm);
}

int Verify(const std::vector<std::string>& args) {
  auto parsed = ParseArgs(args, {{"record", true}, {"signature", true}, {"cert", true, true}, {"chain", true, true},
                                 {"ca", true, true}, {"crl", true, true}, {"key", true}, {"reference", true},
                                 {"contract", true}, {"attestation-public-key", true}, {"expect-cidata", true},
                                 {"machine", true}, {"at", true}, {"json", false}, {"allow-development", false},
                                 {"help", false}});
  auto usage = [](const std::string& message) {
    (void)std::fprintf(stderr, "se-attest verify: %s\n%s", message.c_str(), kVerifyUsage);
    return kVerifyExitBadInput;
  };
  if (!parsed) return usage(parsed.error().message);
  if (parsed->Has("help")) {
    (void)std::fputs(kVerifyUsage, stdout);
    return kOk;
  }
  VerifyOptions o;
  if (parsed->positional().size() > 1) return usage("at most one folder");
  if (!parsed->positional().empty()) o.folder = parsed->positional()[0];
  if (!parsed->positional().empty() && o.folder.empty()) return usage("the folder is an empty string");
  o.allow_development = parsed->Has("allow-development");
  for (auto [name, field] : {std::pair{"record", &o.record_path}, {"signature", &o.signature_path},
                             {"key", &o.key_path}, {"reference", &o.reference_path}, {"contract", &o.contract_path},
                             {"attestation-public-key", &o.attestation_public_key_path},
                             {"expect-cidata", &o.expect_cidata_dir}, {"machine", &o.machine}}) {
    if (auto v = parsed->Get(name)) *field = *v;
  }
  o.certs = parsed->GetAll("cert");
  o.chain = parsed->GetAll("chain");
  o.cas = parsed->GetAll("ca");
  o.crls = parsed->GetAll("crl");
  if (o.folder.empty() && o.record_path.empty()) return usage("give a folder or --record");
  if (o.folder.empty() && !o.record_path.empty() && o.signature_path.empty() && !o.certs.empty()) {
    return usage("--record without a folder needs --signature");
  }
  o.at = std::time(nullptr);
  if (auto at = parsed->Get("at")) {
    auto t = ParseUtc(*at);
    if (!t) return usage("--at: expected YYYY-MM-DDTHH:MM:SSZ, found '" + *at + "'");
    o.at = *t;
  }
  const VerifyReport report = seattest::Verify(o);
  const std::string out = parsed->Has("json") ? RenderReportJson(report) : RenderReportText(report);
  if (!WriteStdout(out)) return Failed("verify: writing to stdout failed");
  return report.exit_code();
}

int Run(const std::vector<std::string>& args) {
  if (args.empty()) return UsageError(kMainUsage, "missing command");
  const std::string& command = args[0];
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (command == "--help" || command == "help") {
    (void)std::fputs(kMainUsage, stdout);
    return kOk;
  }
  if (command == "--version") {
    std::puts("se-attest " SE_ATTEST_VERSION);
    return kOk;
  }
  if (command == "keygen") return Keygen(rest);
  if (command == "seal") return Seal(rest);
  if (command == "encrypt") return Encrypt(rest);
  if (command == "decrypt") return Decrypt(rest);
  if (command == "contract") return ContractCommand(rest);
  if (command == "measure") return Measure(rest);
  if (command == "verify") return Verify(rest);
  return UsageError(kMainUsage, "unknown command '" + command + "'");
}

}  // namespace
}  // namespace seattest

int main(int argc, char** argv) {
  try {
    return seattest::Run(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const std::exception& e) {
    // No library code throws on purpose; this is std::bad_alloc and its kind: one line and the
    // exit code of a failed command rather than std::terminate.
    (void)std::fprintf(stderr, "se-attest: unexpected failure: %s\n", e.what());
    return seattest::kFailed;
  }
}
