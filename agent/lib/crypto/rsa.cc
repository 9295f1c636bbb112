#include "crypto/rsa.h"

#include <openssl/err.h>
#include <openssl/rsa.h>

namespace seattest {
namespace {

Result<EvpPkeyCtxPtr> NewCtx(EVP_PKEY* key) {
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
  if (!ctx) return OpensslError("cannot use the RSA key");
  return ctx;
}

}  // namespace

Result<Bytes> SignSha256(EVP_PKEY* key, std::string_view data) {
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  if (!ctx || EVP_DigestSignInit(ctx.get(), &pctx, EVP_sha256(), nullptr, key) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1) {
    return OpensslError("cannot start the RSA signature");
  }
  std::size_t len = 0;
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  if (EVP_DigestSign(ctx.get(), nullptr, &len, p, data.size()) != 1) return OpensslError("RSA signature failed");
  Bytes sig(len);
  if (EVP_DigestSign(ctx.get(), sig.data(), &len, p, data.size()) != 1) return OpensslError("RSA signature failed");
  sig.resize(len);
  return sig;
}

Result<bool> VerifySha256(EVP_PKEY* key, std::string_view data, const Bytes& signature) {
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), &pctx, EVP_sha256(), nullptr, key) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1) {
    return OpensslError("cannot start the RSA signature check");
  }
  int rc = EVP_DigestVerify(ctx.get(), signature.data(), signature.size(),
                            reinterpret_cast<const unsigned char*>(data.data()), data.size());
  ERR_clear_error();
  return rc == 1;
}

Result<Bytes> RsaEncrypt(EVP_PKEY* key, const std::uint8_t* data, std::size_t size) {
  SEA_ASSIGN_OR_RETURN(EvpPkeyCtxPtr ctx, NewCtx(key));
  if (EVP_PKEY_encrypt_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1) {
    return OpensslError("cannot start RSA encryption");
  }
  std::size_t len = 0;
  if (EVP_PKEY_encrypt(ctx.get(), nullptr, &len, data, size) != 1) return OpensslError("RSA encryption failed");
  Bytes out(len);
  if (EVP_PKEY_encrypt(ctx.get(), out.data(), &len, data, size) != 1) return OpensslError("RSA encryption failed");
  out.resize(len);
  return out;
}

Result<SecretBytes> RsaDecrypt(EVP_PKEY* key, const Bytes& ciphertext) {
  SEA_ASSIGN_OR_RETURN(EvpPkeyCtxPtr ctx, NewCtx(key));
  if (EVP_PKEY_decrypt_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1) {
    return OpensslError("cannot start RSA decryption");
  }
  std::size_t len = 0;
  if (EVP_PKEY_decrypt(ctx.get(), nullptr, &len, ciphertext.data(), ciphertext.size()) != 1) {
    return OpensslError("RSA decryption failed");
  }
  SecretBytes out(len);
  if (EVP_PKEY_decrypt(ctx.get(), out.data(), &len, ciphertext.data(), ciphertext.size()) != 1) {
    return OpensslError("RSA decryption failed (a key other than the one the token was made for?)");
  }
  out.Truncate(len);
  return out;
}

}  // namespace seattest
