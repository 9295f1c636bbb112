#include "crypto/token.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cstring>

#include "core/token_format.h"
#include "crypto/constant_time.h"
#include "crypto/rsa.h"

namespace seattest {
namespace {

constexpr std::size_t kSaltSize = 8;
constexpr std::size_t kKeySize = 32;
constexpr std::size_t kIvSize = 16;

// key || IV = PBKDF2-HMAC-SHA256(password, salt, 10000, 48), as `openssl enc -pbkdf2` derives.
Result<SecretBytes> DeriveKeyIv(std::string_view password, const std::uint8_t* salt) {
  SecretBytes key_iv(kKeySize + kIvSize);
  if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), salt, kSaltSize,
                        kTokenPbkdf2Iterations, EVP_sha256(), static_cast<int>(key_iv.size()),
                        key_iv.data()) != 1) {
    return OpensslError("PBKDF2 failed");
  }
  return key_iv;
}

Result<Bytes> AesCbc(bool encrypt, const SecretBytes& key_iv, const std::uint8_t* in, std::size_t size) {
  EvpCipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  if (!ctx || EVP_CipherInit_ex(ctx.get(), EVP_aes_256_cbc(), nullptr, key_iv.data(),
                                key_iv.data() + kKeySize, encrypt ? 1 : 0) != 1) {
    return OpensslError("cannot start AES-256-CBC");
  }
  Bytes out(size + kIvSize);
  int len1 = 0;
  int len2 = 0;
  if (EVP_CipherUpdate(ctx.get(), out.data(), &len1, in, static_cast<int>(size)) != 1 ||
      EVP_CipherFinal_ex(ctx.get(), out.data() + len1, &len2) != 1) {
    OPENSSL_cleanse(out.data(), out.size());  // all but the last block of a plaintext
    return OpensslError(encrypt ? "AES-256-CBC encryption failed"
                                : "AES-256-CBC decryption failed (bad padding: wrong password?)");
  }
  out.resize(static_cast<std::size_t>(len1) + static_cast<std::size_t>(len2));
  return out;
}

// v in [0, 62) as one of the password's characters 'A'..'Z', 'a'..'z', '0'..'9', without a table
// lookup: no memory index that depends on the (secret) value.
std::uint8_t PasswordChar(ct::Word v) {
  ct::Word c = 'A' + v;
  c += ~ct::IsLess(v, 26) & ('a' - 'A' - 26);
  c += ~ct::IsLess(v, 52) & static_cast<ct::Word>('0' - 'a' - 26);
  return static_cast<std::uint8_t>(c);
}

// The password used instead of <A>'s when <A> is not a PKCS#1 v1.5 block (implicit
// rejection, rsa.h RsaDecryptOr): 32 characters of [A-Za-z0-9] from HMAC-SHA256(the private
// key's DER, <A>), made before <A> is decrypted so that both paths do the same work. Derived
// rather than drawn at random so that one token always fails the same way: AES accepts the
// padding of a wrong password's last block about once in 256, and with a fresh random password
// that would vary from boot to boot for a bad block but not for a good one.
Result<SecretBytes> ReplacementPassword(EVP_PKEY* key, const Bytes& encrypted_password) {
  unsigned char* der = nullptr;
  const int der_size = i2d_PrivateKey(key, &der);
  if (der_size <= 0 || der == nullptr) return OpensslError("cannot encode the private key");
  SecretBytes der_copy(std::vector<std::uint8_t>(der, der + der_size));
  OPENSSL_clear_free(der, static_cast<std::size_t>(der_size));
  SecretBytes mac(EVP_MAX_MD_SIZE);
  unsigned int mac_size = 0;
  if (HMAC(EVP_sha256(), der_copy.data(), der_size, encrypted_password.data(), encrypted_password.size(),
           mac.data(), &mac_size) == nullptr ||
      mac_size < static_cast<unsigned int>(kTokenPasswordLength)) {
    return OpensslError("HMAC-SHA256 failed");
  }
  SecretBytes password(kTokenPasswordLength);
  for (std::size_t i = 0; i < password.size(); ++i) {
    // The slight bias of % 62 does not matter for a password nobody has to guess.
    password.data()[i] = PasswordChar(mac.data()[i] % 62);
  }
  return password;
}

// `openssl enc -pass stdin` reads one line: the password ends at the first line break. Found
// without a branch on the password's bytes.
std::size_t PasswordLength(const SecretBytes& password) {
  ct::Word length = password.size();
  ct::Word found = 0;
  for (std::size_t i = 0; i < password.size(); ++i) {
    const ct::Word is_newline = ct::IsEqual(password.data()[i], '\n');
    length = ct::Select(~found & is_newline, i, length);
    found |= is_newline;
  }
  return length;
}

// Everything after the token's form was read. Any error here becomes DecryptToken's one error.
Result<SecretBytes> DecryptParts(EVP_PKEY* key, const TokenParts& parts) {
  SEA_ASSIGN_OR_RETURN(SecretBytes replacement, ReplacementPassword(key, parts.encrypted_password));
  SEA_ASSIGN_OR_RETURN(SecretBytes message, RsaDecryptOr(key, parts.encrypted_password, replacement));
  // An empty password (a message that starts with a line break) is no encryption: PBKDF2 of ""
  // and the salt, which the token carries, is anyone's key. Were it used, a host could make <B>
  // for it and learn from the boot that its forged <A> was a valid PKCS#1 block starting with a
  // line break (a Bleichenbacher oracle). Such a message is taken as the replacement, by mask.
  const std::size_t length = PasswordLength(message);
  const ct::Word empty = ct::IsZero(length);
  SecretBytes password(std::max(message.size(), replacement.size()));
  for (std::size_t i = 0; i < password.size(); ++i) {  // sizes are public
    const std::uint8_t from_message = i < message.size() ? message.data()[i] : 0;
    const std::uint8_t from_replacement = i < replacement.size() ? replacement.data()[i] : 0;
    password.data()[i] = ct::Select8(empty, from_replacement, from_message);
  }
  const std::string_view pass = password.view().substr(0, ct::Select(empty, replacement.size(), length));
  const std::uint8_t* salt = parts.encrypted_message.data() + kOpensslSaltMagic.size();
  SEA_ASSIGN_OR_RETURN(SecretBytes key_iv, DeriveKeyIv(pass, salt));
  const std::size_t header = kOpensslSaltMagic.size() + kSaltSize;
  SEA_ASSIGN_OR_RETURN(Bytes plain, AesCbc(false, key_iv, parts.encrypted_message.data() + header,
                                           parts.encrypted_message.size() - header));
  return SecretBytes(std::move(plain));
}

}  // namespace

Result<SecretBytes> RandomTokenPassword() {
  SecretBytes password(kTokenPasswordLength);
  SecretBytes pool(64);
  std::size_t filled = 0;
  while (filled < password.size()) {
    if (RAND_bytes(pool.data(), static_cast<int>(pool.size())) != 1) return OpensslError("random bytes");
    for (std::size_t i = 0; i < pool.size() && filled < password.size(); ++i) {
      if (pool.data()[i] >= 248) continue;  // 248 = 4 * 62: reject to stay uniform
      password.data()[filled++] = PasswordChar(pool.data()[i] % 62);
    }
  }
  return password;
}

Result<std::string> EncryptToken(EVP_PKEY* recipient, std::string_view plaintext, TokenPrefix prefix) {
  SEA_ASSIGN_OR_RETURN(SecretBytes password, RandomTokenPassword());
  TokenParts parts;
  parts.prefix = prefix;
  SEA_ASSIGN_OR_RETURN(parts.encrypted_password, RsaEncrypt(recipient, password.data(), password.size()));
  std::uint8_t salt[kSaltSize];
  if (RAND_bytes(salt, sizeof salt) != 1) return OpensslError("random salt");
  SEA_ASSIGN_OR_RETURN(SecretBytes key_iv, DeriveKeyIv(password.view(), salt));
  SEA_ASSIGN_OR_RETURN(Bytes ciphertext, AesCbc(true, key_iv, reinterpret_cast<const std::uint8_t*>(plaintext.data()), plaintext.size()));
  parts.encrypted_message.assign(kOpensslSaltMagic.begin(), kOpensslSaltMagic.end());
  parts.encrypted_message.insert(parts.encrypted_message.end(), salt, salt + kSaltSize);
  parts.encrypted_message.insert(parts.encrypted_message.end(), ciphertext.begin(), ciphertext.end());
  return RenderToken(parts);
}

Result<SecretBytes> DecryptToken(EVP_PKEY* key, std::string_view token) {
  // A malformed token keeps its own error: its form says nothing about the key.
  SEA_ASSIGN_OR_RETURN(TokenParts parts, ParseToken(token));
  auto plain = DecryptParts(key, parts);
  ERR_clear_error();  // no OpenSSL reason left for a later error to pick up
  if (!plain) return MakeError(std::string(kTokenUndecryptable));
  return plain;
}

bool IsUndecryptableToken(const Error& error) { return error.message == kTokenUndecryptable; }

}  // namespace seattest
