#include "crypto/sha256.h"

#include <openssl/crypto.h>
#include <openssl/err.h>

namespace seattest {

Error OpensslError(const std::string& what) {
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return MakeError(what);
  char buf[256];
  ERR_error_string_n(code, buf, sizeof buf);
  const char* reason = ERR_reason_error_string(code);
  return MakeError(what + ": " + (reason ? reason : buf));
}

Result<Sha256> Sha256::Create() {
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) {
    return OpensslError("SHA-256 initialisation failed");
  }
  return Sha256(std::move(ctx));
}

void Sha256::Update(const void* data, std::size_t size) {
  // Cannot fail for an initialised software or CPACF digest.
  EVP_DigestUpdate(ctx_.get(), data, size);
}

void Sha256::Reset() {
  // Cannot fail: the context was initialised with SHA-256 by Create().
  EVP_DigestInit_ex(ctx_.get(), nullptr, nullptr);
}

Sha256Digest Sha256::Finish() {
  Sha256Digest d{};
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx_.get(), d.data(), &len);
  return d;
}

Sha256Digest Sha256Of(const void* data, std::size_t size) {
  Sha256Digest d{};
  unsigned int len = 0;
  EVP_Digest(data, size, d.data(), &len, EVP_sha256(), nullptr);
  return d;
}

bool DigestsEqual(const Sha256Digest& a, const Sha256Digest& b) {
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace seattest
