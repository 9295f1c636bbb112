#include "crypto/rsa.h"

#include <openssl/err.h>
#include <openssl/rsa.h>

#include "crypto/constant_time.h"

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

namespace {

using ct::IsEqual;
using ct::IsLess;
using ct::IsZero;
using ct::Select;
using ct::Select8;
using ct::Word;

constexpr std::size_t kPkcs1Overhead = 11;  // 00 02, at least 8 padding bytes, 00

}  // namespace

SecretBytes Pkcs1Type2MessageOr(const SecretBytes& em, const SecretBytes& replacement) {
  const std::size_t k = em.size();
  const std::size_t r = replacement.size();
  // Sizes are public: the key's and the replacement's.
  if (r == 0 || k < kPkcs1Overhead + r) {
    SecretBytes out(r);
    for (std::size_t i = 0; i < r; ++i) out.data()[i] = replacement.data()[i];
    return out;
  }
  const std::uint8_t* in = em.data();
  Word good = IsZero(in[0]) & IsEqual(in[1], 2);
  // The first zero byte after 00 02: every byte is looked at, the first one found is kept.
  Word found = 0;
  Word zero_index = 0;
  for (std::size_t i = 2; i < k; ++i) {
    const Word is_zero = IsZero(in[i]);
    zero_index = Select(~found & is_zero, i, zero_index);
    found |= is_zero;
  }
  good &= found;
  good &= ~IsLess(zero_index, 2 + 8);  // at least 8 padding bytes
  const Word message_size = k - 1 - zero_index;
  good &= ~IsZero(message_size);  // an empty message is no password
  // The message is the last message_size bytes of em. Copy everything after the least padding
  // (max bytes), then shift it left by max - message_size, one bit of the shift at a time: every
  // step reads and writes the same bytes whatever the bit (O(k log k)).
  const std::size_t max = k - kPkcs1Overhead;
  SecretBytes message(max);
  std::uint8_t* m = message.data();
  for (std::size_t i = 0; i < max; ++i) m[i] = in[kPkcs1Overhead + i];
  const Word shift = max - message_size;  // garbage when !good: the result is the replacement then
  for (std::size_t step = 1; step < max; step <<= 1) {
    const Word take = ~IsZero(shift & step);
    for (std::size_t i = 0; i + step < max; ++i) m[i] = Select8(take, m[i + step], m[i]);
  }
  // The result: the message where good, else the replacement, in a buffer of max bytes, then cut.
  SecretBytes result(max);
  std::uint8_t* res = result.data();
  for (std::size_t i = 0; i < max; ++i) {
    const std::uint8_t other = i < r ? replacement.data()[i] : 0;  // i and r are public
    res[i] = Select8(good & IsLess(i, message_size), m[i], other);
  }
  result.Truncate(Select(good, message_size, r));
  return result;
}

Result<SecretBytes> RsaDecryptOr(EVP_PKEY* key, const Bytes& ciphertext, const SecretBytes& replacement) {
  SEA_ASSIGN_OR_RETURN(EvpPkeyCtxPtr ctx, NewCtx(key));
  if (EVP_PKEY_decrypt_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_NO_PADDING) != 1) {
    return OpensslError("cannot start RSA decryption");
  }
  const int key_size = EVP_PKEY_get_size(key);
  if (key_size <= 0 || replacement.empty() ||
      static_cast<std::size_t>(key_size) < kPkcs1Overhead + replacement.size()) {
    return MakeError("RSA decryption: the key is too small");
  }
  // The raw RSA operation (OpenSSL's constant-time, blinded exponentiation). It fails only for a
  // ciphertext longer than the modulus or not below it: facts about public numbers. Its output
  // is then taken as all zeros, which the padding check refuses like any other bad block.
  const std::size_t k = static_cast<std::size_t>(key_size);
  SecretBytes em(k);
  std::size_t len = k;
  const int rc = EVP_PKEY_decrypt(ctx.get(), em.data(), &len, ciphertext.data(), ciphertext.size());
  ERR_clear_error();
  const Word usable = IsEqual(static_cast<Word>(rc), 1) & IsEqual(len, k);
  for (std::size_t i = 0; i < k; ++i) em.data()[i] = Select8(usable, em.data()[i], 0);
  return Pkcs1Type2MessageOr(em, replacement);
}

}  // namespace seattest
