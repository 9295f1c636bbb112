// RSA keys and certificates from and to PEM text.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/limits_and_defaults.h"
#include "core/result.h"
#include "crypto/ossl.h"
#include "crypto/secret.h"

namespace seattest {

// Where the passphrase of an encrypted private key comes from: `--passin` or a prompt on the
// terminal (platform/passphrase.h), a refusal in the agent; tests give their own. Asked only when
// the key is encrypted, at most once per key read.
class PassphraseSource {
 public:
  PassphraseSource() = default;
  PassphraseSource(const PassphraseSource&) = delete;
  PassphraseSource& operator=(const PassphraseSource&) = delete;
  PassphraseSource(PassphraseSource&&) = delete;
  PassphraseSource& operator=(PassphraseSource&&) = delete;
  virtual ~PassphraseSource() = default;
  // The passphrase of the key `key_name` (the name PrivateKeyFromPem was given: its path). An
  // error is reported as "<key_name>: <message>".
  virtual Result<SecretBytes> Get(std::string_view key_name) = 0;
  // Every key that needs it has been read: wipe whatever passphrase is kept for the next one.
  virtual void Forget() {}
};

// The longest passphrase OpenSSL takes (PEM_BUFSIZE less its terminating NUL).
inline constexpr std::size_t kMaxPassphraseSize = 1023;

// A private key from PEM: PKCS#8 or traditional RSA, either encrypted ("ENCRYPTED PRIVATE KEY",
// "Proc-Type: 4,ENCRYPTED") with the passphrase from `passphrase`. `source` names the key in errors
// and to `passphrase`. An encrypted key is "<source>: passphrase required (an encrypted private
// key; give --passin)" without a `passphrase`, "<source>: wrong passphrase" when it does not open
// it; never "not a PEM private key". The passphrase is wiped once the key is read.
Result<EvpPkeyPtr> PrivateKeyFromPem(std::string_view pem, std::string_view source,
                                     PassphraseSource* passphrase = nullptr);

// A public key from PEM: "PUBLIC KEY", "RSA PUBLIC KEY", or the key of a "CERTIFICATE".
Result<EvpPkeyPtr> PublicKeyFromPem(std::string_view pem, std::string_view source);

// A certificate from PEM.
Result<X509Ptr> CertificateFromPem(std::string_view pem, std::string_view source);
// Every certificate of a PEM bundle (at least one).
Result<std::vector<X509Ptr>> CertificatesFromPem(std::string_view pem, std::string_view source);
// A certificate revocation list, PEM or DER.
Result<X509CrlPtr> CrlFromPemOrDer(std::string_view data, std::string_view source);

// Fails unless `key` is RSA with at least `min_bits` bits (and exactly `exact_bits` when non-zero).
Status RequireRsa(const EVP_PKEY* key, int min_bits, int exact_bits, std::string_view what);

// The bounds of a key the agent encrypts for (the contract's attestationPublicKey, `se-attest
// encrypt --to`), kMinRecipientKeyBits to kMaxRecipientKeyBits (core/limits_and_defaults.h): the
// key comes from whoever wrote the contract, possibly the host.

// Fails unless `key` is an RSA public key it is safe to encrypt for: kMinRecipientKeyBits to
// kMaxRecipientKeyBits bits; public exponent odd, at least 65537 and below 2^64 (e = 1 makes the
// "ciphertext" the plaintext, small ones invite low-exponent attacks, OpenSSL refuses to encrypt
// with longer ones above 3072 bits); an odd modulus that passes OpenSSL's public-key check
// (EVP_PKEY_public_check: composite, not a prime power, no prime factor below 752). That check
// is one Miller-Rabin round, the costliest step the key's author controls: 0.86 s of CPU at
// 16384 bits (0.12 s at 8192, 0.03 s at 4096; AMD EPYC), where encrypting takes milliseconds.
// The message names `what` and what is wrong.
Status RequireRecipientKey(const EVP_PKEY* key, std::string_view what);

// SubjectPublicKeyInfo PEM ("-----BEGIN PUBLIC KEY-----").
Result<std::string> PublicKeyPem(const EVP_PKEY* key);
// PKCS#8 PEM of a private key, in memory that wipes itself.
Result<SecretBytes> PrivateKeyPem(const EVP_PKEY* key);
Result<std::string> CertificatePem(const X509* cert);

// SHA-256 of the DER SubjectPublicKeyInfo: the key's fingerprint in reports.
Result<Sha256Digest> PublicKeyFingerprint(const EVP_PKEY* key);

}  // namespace seattest
