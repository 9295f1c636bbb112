// se-attest verify: an auditor's checks of a record folder. Options here, the work in the library.
#include <cstdio>
#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "host/verify.h"
#include "platform/passphrase.h"
#include "verb.h"

namespace seattest {
namespace {

constexpr const char* kVerifyUsage =
    "usage: se-attest verify [DIR] [--record FILE] [--signature FILE]\n"
    "                        [--cert CERT]... [--chain CERTS]... [--ca CERTS]... [--crl CRL]...\n"
    "                        [--key PRIVATE_KEY [--passin SOURCE]] [--reference reference.yaml]\n"
    "                        [--contract FILE] [--attestation-public-key PEM]\n"
    "                        [--contract-cert CERT] [--expect-cidata DIR] [--machine TYPE/PLANT/SERIAL]\n"
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
    "  --passin SOURCE    the passphrase of --key when it is encrypted: pass:TEXT, env:VAR,\n"
    "                     file:PATH, fd:N or stdin, as openssl takes them; without it, asked\n"
    "                     for on the terminal when stdin is one\n"
    "  --reference FILE   reference.yaml from se-attest seal: baseimage, root.tar.gz, version\n"
    "  --contract FILE    the contract you expect (cidata/user-data)\n"
    "  --attestation-public-key PEM   the attestationPublicKey you expect\n"
    "  --contract-cert CERT           the certificate contracts are encrypted for (hpcr-2026\n"
    "                     records: certificate_expiry_date.json, the Encryption valid-until line)\n"
    "  --expect-cidata DIR            meta-data, user-data, vendor-data you expect\n"
    "  --machine T/P/S    the machine you expect (Type/Plant/Serial of the record)\n"
    "  --at TIME          check certificate validity and the image age at TIME (UTC), not now\n"
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

// "2026-11-23T12:00:00Z" to seconds since the epoch.
std::optional<std::time_t> ParseUtc(const std::string& text) {
  std::tm tm{};
  const char* end = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  if (end == nullptr || *end != '\0') return std::nullopt;
  return timegm(&tm);
}

}  // namespace

int VerifyVerb(const std::vector<std::string>& args) {
  auto parsed = ParseArgs(args, {{"record", true}, {"signature", true}, {"cert", true, true}, {"chain", true, true},
                                 {"ca", true, true}, {"crl", true, true}, {"key", true}, {"passin", true}, {"reference", true},
                                 {"contract", true}, {"attestation-public-key", true}, {"contract-cert", true},
                                 {"expect-cidata", true},
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
                             {"contract-cert", &o.contract_cert_path},
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
  if (parsed->Has("passin") && o.key_path.empty()) return usage("--passin needs --key");
  auto passphrase = PassphraseSourceFor(parsed->Get("passin"));
  if (!passphrase) return usage(passphrase.error().message);
  o.passphrase = passphrase->get();
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

}  // namespace seattest
