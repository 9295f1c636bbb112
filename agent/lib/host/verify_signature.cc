// `se-attest verify`: the signature over the plaintext record (which --cert made it) and that
// certificate: an RSA-4096 key, a chain to a trust anchor (crypto/chain.h: the files given, no
// network), revocation, expiry.
#include <openssl/x509.h>

#include <ctime>
#include <string>
#include <utility>

#include "core/hex.h"
#include "core/limits_and_defaults.h"
#include "core/output_layout.h"
#include "crypto/chain.h"
#include "crypto/keys.h"
#include "crypto/rsa.h"
#include "crypto/sha256.h"
#include "host/verifier.h"
#include "platform/read_file.h"

namespace seattest::verify_detail {
namespace {

constexpr int kExpiryWarningDays = 30;
constexpr std::size_t kSignatureBytes = 512;  // RSA-4096

std::string UtcText(std::time_t t) {
  std::tm tm{};
  char buf[32];
  if (gmtime_r(&t, &tm) == nullptr || std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) return "?";
  return buf;
}

}  // namespace

void Verifier::CheckSignature() {
  Check c{.id = "signature", .title = "signature (RSA PKCS#1 v1.5, SHA-256, over the plaintext record)",
          .required = true};
  const std::string sig_path = !o_.signature_path.empty() ? o_.signature_path : InFolder(kSignatureFile);
  if (!plaintext_) {
    c.detail = "no plaintext record";
    report_.Add(std::move(c));
    return;
  }
  if (certs_.empty()) {
    c.detail = "no certificate (--cert)";
    report_.Add(std::move(c));
    return;
  }
  auto sig = o_.signature_path.empty() ? ReadFolderFile(kSignatureFile)
                                       : ReadFile(sig_path, FolderFileLimit(kSignatureFile));
  if (!sig) {
    // A folder without its signature has lost something; a --signature that cannot be read is bad input.
    c.status = o_.signature_path.empty() ? CheckStatus::kFail : CheckStatus::kError;
    c.detail = sig.error().message;
    report_.Add(std::move(c));
    return;
  }
  FindSigner(std::move(c), *sig, sig_path);
}

// Which certificate's key made `sig` (read from `sig_path`): one whose key verifies it over the
// record (pass), or one whose key made it over other bytes (fail: the record was altered after
// signing). Either is the signer; with none, the check fails naming every key tried.
void Verifier::FindSigner(Check c, const Bytes& sig, const std::string& sig_path) {
  const Sha256Digest record_digest = Sha256Of(*plaintext_);
  std::string tried;
  for (const NamedCert& nc : certs_) {
    EVP_PKEY* key = X509_get0_pubkey(nc.cert.get());
    if (key == nullptr) continue;
    const std::string who = nc.path + " (" + Fingerprint(key) + ")";
    tried += (tried.empty() ? "" : ", ") + who;
    auto ok = VerifySha256(key, *plaintext_, sig);
    if (ok && *ok) {
      c.status = CheckStatus::kPass;
      c.detail = "made by the key of " + who;
      signer_ = &nc;
      report_.Add(std::move(c));
      return;
    }
    if (auto signed_digest = RecoverSignedSha256(key, sig)) {
      c.status = CheckStatus::kFail;
      c.detail = "the signature is by the key of " + who + ", over another record: the record was altered after signing";
      c.expected = ToHex(*signed_digest);
      c.expected_source = "SHA-256 inside " + sig_path;
      c.actual = ToHex(record_digest);
      c.actual_source = "SHA-256 of the record " + record_source_;
      signer_ = &nc;
      report_.Add(std::move(c));
      return;
    }
  }
  c.status = CheckStatus::kFail;
  c.detail = "signed by another key, or the signature was altered: no certificate matches; tried " + tried;
  if (sig.size() != kSignatureBytes) {
    c.detail += "; the signature is " + std::to_string(sig.size()) + " bytes, an RSA-4096 one is 512";
  }
  report_.Add(std::move(c));
}

void Verifier::CheckCertificate() {
  const NamedCert* cert = signer_;
  if (cert == nullptr && certs_.size() == 1) cert = &certs_.front();
  Check key_check{.id = "certificate-key", .title = "attestation key is RSA-4096", .required = true};
  Check chain{.id = "chain", .title = "certificate chain to a trust anchor", .required = true};
  if (cert == nullptr) {
    key_check.detail = chain.detail = certs_.empty() ? "no certificate (--cert)" : "no certificate matched the signature";
    report_.Add(std::move(key_check));
    report_.Add(std::move(chain));
    return;
  }
  EVP_PKEY* key = X509_get0_pubkey(cert->cert.get());
  auto rsa = key != nullptr ? RequireRsa(key, kAttestationKeyBits, kAttestationKeyBits, cert->path)
                            : Status(MakeError(cert->path + ": the public key cannot be read"));
  key_check.status = rsa ? CheckStatus::kPass : CheckStatus::kFail;
  key_check.detail = rsa ? cert->path + ": RSA-4096" : rsa.error().message;
  report_.Add(std::move(key_check));
  CheckChain(*cert, std::move(chain));
}

// `cert`'s chain to a trust anchor (--ca) through the intermediates (--chain), with the CRLs
// (--crl), at --at; then its key usage, and a warning when a certificate expires soon.
void Verifier::CheckChain(const NamedCert& cert, Check chain) {
  chain.title += " (" + cert.path + ")";
  if (cas_.empty()) {
    chain.detail = "no trust anchor (--ca)";
    report_.Add(std::move(chain));
    return;
  }
  ChainInput in;
  in.leaf = cert.cert.get();
  in.at = o_.at;
  for (const NamedCert& c : chain_) in.intermediates.push_back(c.cert.get());
  for (const NamedCert& c : cas_) in.anchors.push_back(c.cert.get());
  for (const X509CrlPtr& crl : crls_) in.crls.push_back(crl.get());
  chain.title += " at " + UtcText(o_.at);
  auto verdict = VerifyChain(in);
  if (!verdict) {
    chain.status = CheckStatus::kError;
    chain.detail = verdict.error().message;
  } else if (!verdict->ok) {
    chain.status = CheckStatus::kFail;
    chain.detail = verdict->reason;
  } else if (std::string usage = SigningUsageProblem(cert.cert.get()); !usage.empty()) {
    chain.status = CheckStatus::kFail;
    chain.detail = cert.path + ": " + usage;
  } else {
    chain.status = CheckStatus::kPass;
    chain.detail = verdict->path + (verdict->revocation.empty() ? "" : "; " + verdict->revocation);
    if (verdict->days_left < kExpiryWarningDays) {
      chain.status = CheckStatus::kWarning;
      chain.detail += "; " + verdict->first_to_expire + " expires in " + std::to_string(verdict->days_left) + " days";
    }
  }
  report_.Add(std::move(chain));
}

}  // namespace seattest::verify_detail
