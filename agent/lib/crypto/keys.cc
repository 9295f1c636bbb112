#include "crypto/keys.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/decoder.h>
#include <openssl/evp.h>

#include <algorithm>
#include <optional>
#include <string>
#include <utility>

#include "crypto/sha256.h"

namespace seattest {
namespace {

BioPtr ReadBio(std::string_view text) {
  return BioPtr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

Result<std::string> DrainBio(BIO* bio, const std::string& what) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  if (len <= 0 || data == nullptr) return OpensslError(what);
  return std::string(data, static_cast<std::size_t>(len));
}

// What OpenSSL's passphrase callback saw while one key was read: whether the key asked for a
// passphrase at all (it is encrypted), and the passphrase, fetched once however often OpenSSL asks
// (it may try several decoders and then its legacy reader, each asking anew).
struct PassphraseAsk {
  PassphraseSource* source = nullptr;
  std::string_view key_name;
  bool asked = false;
  std::optional<SecretBytes> passphrase;
  std::optional<Error> error;
};

int PassphraseCallback(char* buf, int size, int /*rwflag*/, void* user) {
  auto* ask = static_cast<PassphraseAsk*>(user);
  ask->asked = true;
  if (ask->source == nullptr || ask->error) return -1;
  if (!ask->passphrase) {
    auto got = ask->source->Get(ask->key_name);
    if (!got) {
      ask->error = got.error();
      return -1;
    }
    ask->passphrase = std::move(*got);
  }
  const SecretBytes& pass = *ask->passphrase;
  if (pass.empty() || size <= 0 || pass.size() > static_cast<std::size_t>(size)) {
    ask->error = MakeError(pass.empty() ? "empty passphrase"
                                        : "passphrase longer than " + std::to_string(size) + " bytes");
    return -1;
  }
  std::copy(pass.data(), pass.data() + pass.size(), buf);
  return static_cast<int>(pass.size());
}

// For what is never encrypted (certificates, CRLs): without a callback OpenSSL would ask on the
// terminal, or read stdin, for a PEM block marked "Proc-Type: 4,ENCRYPTED" — the host writes some
// of them (the contract's attestationPublicKey, a verified folder).
int RefusePassphrase(char* /*buf*/, int /*size*/, int /*rwflag*/, void* /*user*/) { return 0; }

}  // namespace

Result<EvpPkeyPtr> PrivateKeyFromPem(std::string_view pem, std::string_view source, PassphraseSource* passphrase) {
  BioPtr bio = ReadBio(pem);
  PassphraseAsk ask;
  ask.source = passphrase;
  ask.key_name = source;
  // OpenSSL asks for a passphrase only for an encrypted key; it wipes its own copy of it.
  EvpPkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, PassphraseCallback, &ask));
  if (key) {
    ERR_clear_error();
    return key;
  }
  const std::string where(source);
  if (ask.asked) {
    // An algorithm OpenSSL 3 keeps in its legacy provider (DES, MD5-based PBE, RC2, SEED) fails
    // whatever the passphrase: not the user's typing error. Only that failure comes from fetching
    // the algorithm (library EVP, "unsupported"). A wrong passphrase whose garbage passes the
    // padding check (about 1 in 256) leaves the decoder's own "unsupported" (no decoder took the
    // garbage): that is still a wrong passphrase.
    bool unsupported = false;
    while (const unsigned long e = ERR_get_error()) {
      unsupported = unsupported || (ERR_GET_LIB(e) == ERR_LIB_EVP && ERR_GET_REASON(e) == ERR_R_UNSUPPORTED);
    }
    if (passphrase == nullptr) return MakeError(where + ": passphrase required (an encrypted private key; give --passin)");
    if (ask.error) return MakeError(where + ": " + ask.error->message);
    if (unsupported) {
      return MakeError(where + ": encrypted with an algorithm this OpenSSL does not enable (a legacy one such as DES): "
                       "encrypt it anew, e.g. openssl pkcs8 -topk8 -v2 aes-256-cbc");
    }
    return MakeError(where + ": wrong passphrase");
  }
  return OpensslError(where + ": not a PEM private key");
}

Result<EvpPkeyPtr> PublicKeyFromPem(std::string_view pem, std::string_view source) {
  const std::string where(source);
  if (pem.find("-----BEGIN CERTIFICATE-----") != std::string_view::npos) {
    SEA_ASSIGN_OR_RETURN(X509Ptr cert, CertificateFromPem(pem, source));
    EvpPkeyPtr key(X509_get_pubkey(cert.get()));
    if (!key) return OpensslError(where + ": the certificate's public key cannot be read");
    return key;
  }
  // OSSL_DECODER reads both SubjectPublicKeyInfo ("PUBLIC KEY") and PKCS#1 ("RSA PUBLIC KEY").
  EVP_PKEY* raw = nullptr;
  std::unique_ptr<OSSL_DECODER_CTX, OsslDeleter<OSSL_DECODER_CTX_free>> dctx(
      OSSL_DECODER_CTX_new_for_pkey(&raw, "PEM", nullptr, nullptr, EVP_PKEY_PUBLIC_KEY, nullptr,
                                    nullptr));
  const auto* data = reinterpret_cast<const unsigned char*>(pem.data());
  std::size_t len = pem.size();
  if (dctx) OSSL_DECODER_from_data(dctx.get(), &data, &len);
  EvpPkeyPtr key(raw);
  if (!key) return OpensslError(where + ": not a PEM public key or certificate");
  return key;
}

Result<X509Ptr> CertificateFromPem(std::string_view pem, std::string_view source) {
  BioPtr bio = ReadBio(pem);
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, RefusePassphrase, nullptr));
  if (!cert) return OpensslError(std::string(source) + ": not a PEM certificate");
  return cert;
}

Result<std::vector<X509Ptr>> CertificatesFromPem(std::string_view pem, std::string_view source) {
  BioPtr bio = ReadBio(pem);
  std::vector<X509Ptr> certs;
  while (X509* raw = PEM_read_bio_X509(bio.get(), nullptr, RefusePassphrase, nullptr)) certs.emplace_back(raw);
  // The end of the bundle is "no start line"; anything else is a damaged certificate in it.
  const unsigned long err = ERR_peek_last_error();
  if (err != 0 && !(ERR_GET_LIB(err) == ERR_LIB_PEM && ERR_GET_REASON(err) == PEM_R_NO_START_LINE)) {
    return OpensslError(std::string(source) + ": certificate " + std::to_string(certs.size() + 1) + " cannot be read");
  }
  ERR_clear_error();
  if (certs.empty()) return MakeError(std::string(source) + ": no PEM certificate");
  return certs;
}

Result<X509CrlPtr> CrlFromPemOrDer(std::string_view data, std::string_view source) {
  BioPtr bio = ReadBio(data);
  X509CrlPtr crl(PEM_read_bio_X509_CRL(bio.get(), nullptr, RefusePassphrase, nullptr));
  if (!crl) {
    ERR_clear_error();
    const auto* p = reinterpret_cast<const unsigned char*>(data.data());
    crl.reset(d2i_X509_CRL(nullptr, &p, static_cast<long>(data.size())));
  }
  if (!crl) return OpensslError(std::string(source) + ": not a certificate revocation list (PEM or DER)");
  return crl;
}

Status RequireRsa(const EVP_PKEY* key, int min_bits, int exact_bits, std::string_view what) {
  const std::string where(what);
  if (EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) return MakeError(where + ": not an RSA key");
  int bits = EVP_PKEY_get_bits(key);
  if (exact_bits != 0 && bits != exact_bits) {
    return MakeError(where + ": RSA-" + std::to_string(bits) + ", expected RSA-" + std::to_string(exact_bits));
  }
  if (bits < min_bits) {
    return MakeError(where + ": RSA-" + std::to_string(bits) + " is shorter than " + std::to_string(min_bits) + " bits");
  }
  return {};
}

Status RequireRecipientKey(const EVP_PKEY* key, std::string_view what) {
  const std::string where(what);
  // The size first: OpenSSL's check below costs a modular exponentiation with the modulus.
  SEA_RETURN_IF_ERROR(RequireRsa(key, kMinRecipientKeyBits, 0, what));
  const int bits = EVP_PKEY_get_bits(key);
  if (bits > kMaxRecipientKeyBits) {
    return MakeError(where + ": RSA-" + std::to_string(bits) + " is longer than " +
                     std::to_string(kMaxRecipientKeyBits) + " bits");
  }
  BIGNUM* raw_e = nullptr;
  BIGNUM* raw_n = nullptr;
  EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_E, &raw_e);
  EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_N, &raw_n);
  const BignumPtr e(raw_e);
  const BignumPtr n(raw_n);
  if (!e || !n) return OpensslError(where + ": the RSA key's modulus and exponent cannot be read");
  // Odd, 2^16 < e < 2^64: at least 65537 (SP 800-56B's lower bound; 3 would be legal RSA, but
  // nobody makes such keys any more and low exponents are what the classic attacks on PKCS#1
  // v1.5 feed on), and below OpenSSL's own limit for moduli over 3072 bits
  // (OPENSSL_RSA_MAX_PUBEXP_BITS: it refuses to encrypt with a longer exponent).
  const int e_bits = BN_num_bits(e.get());
  if (!BN_is_odd(e.get()) || e_bits <= 16 || e_bits > 64) {
    std::string shown = "of " + std::to_string(e_bits) + " bits";
    if (e_bits <= 64) {
      char* dec = BN_bn2dec(e.get());
      if (dec != nullptr) shown = dec;
      OPENSSL_free(dec);
    }
    return MakeError(where + ": RSA public exponent " + shown +
                     " is refused (an odd number from 65537 to 2^64-1 is required)");
  }
  if (!BN_is_odd(n.get())) return MakeError(where + ": the RSA modulus is even (not a product of two odd primes)");
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, const_cast<EVP_PKEY*>(key), nullptr));
  if (!ctx) return OpensslError(where + ": cannot check the RSA key");
  if (EVP_PKEY_public_check(ctx.get()) != 1) {
    return OpensslError(where + ": the RSA modulus fails OpenSSL's public-key check (a prime, a prime power or "
                        "a small prime factor)");
  }
  return {};
}

Result<std::string> PublicKeyPem(const EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), const_cast<EVP_PKEY*>(key)) != 1) {
    return OpensslError("cannot write the public key as PEM");
  }
  return DrainBio(bio.get(), "cannot write the public key as PEM");
}

Result<SecretBytes> PrivateKeyPem(const EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_secmem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), const_cast<EVP_PKEY*>(key), nullptr, nullptr, 0,
                                       nullptr, nullptr) != 1) {
    return OpensslError("cannot write the private key as PEM");
  }
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  if (len <= 0) return OpensslError("cannot write the private key as PEM");
  SecretBytes out(static_cast<std::size_t>(len));
  std::copy(data, data + len, out.data());
  return out;  // the secure-heap BIO wipes its own copy when freed
}

Result<std::string> CertificatePem(const X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), const_cast<X509*>(cert)) != 1) {
    return OpensslError("cannot write the certificate as PEM");
  }
  return DrainBio(bio.get(), "cannot write the certificate as PEM");
}

Result<Sha256Digest> PublicKeyFingerprint(const EVP_PKEY* key) {
  unsigned char* der = nullptr;
  int len = i2d_PUBKEY(const_cast<EVP_PKEY*>(key), &der);
  if (len <= 0) return OpensslError("cannot encode the public key");
  Sha256Digest d = Sha256Of(der, static_cast<std::size_t>(len));
  OPENSSL_free(der);
  return d;
}

}  // namespace seattest
