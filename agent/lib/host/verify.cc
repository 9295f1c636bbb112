// `se-attest verify`: the checks in their order. Each family of checks is a file of its own
// (host/verifier.h lists them).
#include "host/verify.h"

#include <sys/stat.h>

#include <utility>

#include "core/hex.h"
#include "crypto/keys.h"
#include "host/verifier.h"

namespace seattest {
namespace verify_detail {

std::string Fingerprint(const EVP_PKEY* key) {
  auto fp = PublicKeyFingerprint(key);
  return fp ? "SHA256:" + ToHex(*fp) : "(no fingerprint)";
}

bool Exists(const std::string& path) {
  struct stat st {};
  return lstat(path.c_str(), &st) == 0;
}

std::string WithoutFinalNewline(std::string_view text) {
  if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  return std::string(text);
}

VerifyReport Verifier::Run() {
  LoadInputs();
  if (!LoadRecord()) return std::move(report_);
  Decrypt();
  CheckTokenPrefix();
  CheckSyntax();
  CheckKeyBinding();
  CheckImageKind();
  CheckProfile();
  CheckSignature();
  CheckCertificate();
  CheckFolderFiles();
  CheckCertificateExpiry();
  CheckReference();
  CheckExpectations();
  ListUncheckedLines();
  return std::move(report_);
}

}  // namespace verify_detail

VerifyReport Verify(const VerifyOptions& options) { return verify_detail::Verifier(options).Run(); }

}  // namespace seattest
