#include "crypto/keys.h"

#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "core/hex.h"
#include "test_support.h"

namespace seattest {
namespace {

using test::Fixture;

// sha256 of the DER SubjectPublicKeyInfo of keys/attestation.pub:
// openssl pkey -pubin -in attestation.pub -outform DER | sha256sum
constexpr std::string_view kAttestationFingerprint =
    "a80459df8139dc7573f5c16ffe9fa16792bcf46ea5ab52bc4652a205e4004e62";

std::string FingerprintOf(const EVP_PKEY* key) {
  auto fp = PublicKeyFingerprint(key);
  if (!fp) {
    ADD_FAILURE() << fp.error().message;
    return {};
  }
  return ToHex(*fp);
}

TEST(KeysTest, PrivateKeyPkcs8AndTraditional) {
  auto pkcs8 = PrivateKeyFromPem(Fixture("keys/contract.key"), "contract.key");
  ASSERT_TRUE(pkcs8.ok()) << pkcs8.error().message;
  auto traditional = PrivateKeyFromPem(Fixture("keys/contract.traditional.key"), "t");
  ASSERT_TRUE(traditional.ok()) << traditional.error().message;
  EXPECT_EQ(FingerprintOf(pkcs8->get()), FingerprintOf(traditional->get()));
  EXPECT_TRUE(RequireRsa(pkcs8->get(), 4096, 4096, "contract key").ok());
}

TEST(KeysTest, PrivateKeyErrorsNameTheSource) {
  for (const std::string& pem : {std::string(""), std::string("garbage"), Fixture("keys/contract.pub"),
                                 Fixture("keys/contract.crt"),
                                 Fixture("keys/contract.key").substr(0, 1000)}) {
    auto key = PrivateKeyFromPem(pem, "/etc/se-attest/attestation.key");
    ASSERT_FALSE(key.ok());
    EXPECT_EQ(key.error().message.rfind("/etc/se-attest/attestation.key: ", 0), 0u) << key.error().message;
  }
}

// Without a passphrase source an encrypted key is its own error, never "not a PEM private key"
// (with one: passphrase_test.cc).
TEST(KeysTest, EncryptedPrivateKeyIsAnErrorNotAPrompt) {
  for (const char* name : {"keys/rsa2048.encrypted.key", "keys/rsa2048.traditional-encrypted.key"}) {
    auto key = PrivateKeyFromPem(Fixture(name), "encrypted.key");
    ASSERT_FALSE(key.ok()) << name;
    EXPECT_EQ(key.error().message, "encrypted.key: passphrase required (an encrypted private key; give --passin)");
  }
}

TEST(KeysTest, PublicKeyFromEveryPemForm) {
  const std::string expected = FingerprintOf(test::TestPrivateKey("contract.key").get());
  ASSERT_FALSE(expected.empty());
  for (const char* name : {"keys/contract.pub", "keys/contract.rsa-public.pem", "keys/contract.crt"}) {
    auto key = PublicKeyFromPem(Fixture(name), name);
    ASSERT_TRUE(key.ok()) << name << ": " << key.error().message;
    EXPECT_EQ(FingerprintOf(key->get()), expected) << name;
  }
}

TEST(KeysTest, PublicKeyErrorsNameTheSource) {
  for (const std::string& pem :
       {std::string(""), std::string("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"),
        std::string("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"),
        Fixture("keys/contract.pub").substr(0, 300)}) {
    auto key = PublicKeyFromPem(pem, "cidata/user-data: attestationPublicKey");
    ASSERT_FALSE(key.ok()) << pem;
    EXPECT_EQ(key.error().message.rfind("cidata/user-data: attestationPublicKey: ", 0), 0u)
        << key.error().message;
  }
}

TEST(KeysTest, CertificateFromPem) {
  auto cert = CertificateFromPem(Fixture("keys/attestation.crt"), "attestation.crt");
  ASSERT_TRUE(cert.ok()) << cert.error().message;
  auto pem = CertificatePem(cert->get());
  ASSERT_TRUE(pem.ok()) << pem.error().message;
  EXPECT_EQ(*pem, Fixture("keys/attestation.crt"));
  auto bad = CertificateFromPem(Fixture("keys/attestation.pub"), "attestation.pub");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message.rfind("attestation.pub: ", 0), 0u) << bad.error().message;
}

TEST(KeysTest, RequireRsa) {
  EvpPkeyPtr rsa4096 = test::TestPrivateKey("attestation.key");
  EvpPkeyPtr rsa2048 = test::TestPrivateKey("rsa2048.key");
  EvpPkeyPtr ec = test::TestPrivateKey("ec-p256.key");
  ASSERT_TRUE(rsa4096 && rsa2048 && ec);
  EXPECT_TRUE(RequireRsa(rsa4096.get(), 2048, 4096, "k").ok());
  EXPECT_TRUE(RequireRsa(rsa4096.get(), 2048, 0, "k").ok());
  EXPECT_TRUE(RequireRsa(rsa2048.get(), 2048, 0, "k").ok());

  Status exact = RequireRsa(rsa2048.get(), 2048, 4096, "attestation key");
  ASSERT_FALSE(exact.ok());
  EXPECT_EQ(exact.error().message, "attestation key: RSA-2048, expected RSA-4096");
  Status short_key = RequireRsa(rsa2048.get(), 3072, 0, "k");
  ASSERT_FALSE(short_key.ok());
  EXPECT_NE(short_key.error().message.find("RSA-2048"), std::string::npos) << short_key.error().message;
  Status not_rsa = RequireRsa(ec.get(), 2048, 0, "k");
  ASSERT_FALSE(not_rsa.ok());
  EXPECT_EQ(not_rsa.error().message, "k: not an RSA key");
}

// A public key with the RSA modulus `n` and exponent `e` as a contract would bring it: PEM, read
// back by PublicKeyFromPem (nothing checks the numbers on the way in).
EvpPkeyPtr ForgedRsaKey(const BIGNUM* n, const BIGNUM* e) {
  std::unique_ptr<OSSL_PARAM_BLD, OsslDeleter<OSSL_PARAM_BLD_free>> bld(OSSL_PARAM_BLD_new());
  if (!bld || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, n) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, e) != 1) {
    return nullptr;
  }
  std::unique_ptr<OSSL_PARAM, OsslDeleter<OSSL_PARAM_free>> params(OSSL_PARAM_BLD_to_param(bld.get()));
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    return nullptr;
  }
  EvpPkeyPtr made(raw);
  auto pem = PublicKeyPem(made.get());
  if (!pem) return nullptr;
  auto key = PublicKeyFromPem(*pem, "forged");
  return key ? std::move(*key) : nullptr;
}

BignumPtr Number(unsigned long long v) {
  BignumPtr b(BN_new());
  BN_set_word(b.get(), v);
  return b;
}

// A random odd number of exactly `bits` bits with no prime factor below 752 (what OpenSSL's
// public-key check looks for): a modulus that passes it, whether or not anyone can factor it.
BignumPtr PlausibleModulus(int bits) {
  std::vector<BN_ULONG> small_primes;
  for (BN_ULONG p = 3; p < 752; p += 2) {
    bool prime = true;
    for (BN_ULONG d = 3; d * d <= p; d += 2) prime = prime && p % d != 0;
    if (prime) small_primes.push_back(p);
  }
  BignumPtr n(BN_new());
  for (;;) {
    BN_rand(n.get(), bits, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ODD);
    bool clean = true;
    for (BN_ULONG p : small_primes) clean = clean && BN_mod_word(n.get(), p) != 0;
    if (clean) return n;
  }
}

// A PlausibleModulus that passes OpenSSL's public-key check, as a real key's modulus does: about
// 1 in 70 of them fails it (its Miller-Rabin round finds a factor), and is drawn again.
BignumPtr ModulusPassingTheCheck(int bits) {
  const BignumPtr f4 = Number(65537);
  for (;;) {
    BignumPtr n = PlausibleModulus(bits);
    EvpPkeyPtr key = ForgedRsaKey(n.get(), f4.get());
    EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
    if (ctx && EVP_PKEY_public_check(ctx.get()) == 1) return n;
  }
}

std::string RecipientKeyError(const EVP_PKEY* key) {
  if (key == nullptr) return "(no key)";
  Status s = RequireRecipientKey(key, "user-data: attestationPublicKey");
  return s.ok() ? "" : s.error().message;
}

TEST(KeysTest, RecipientKeyAcceptsRealKeys) {
  for (const char* name : {"rsa2048.pub", "attestation.pub", "contract.crt"}) {
    EvpPkeyPtr key = test::TestPublicKey(name);
    ASSERT_TRUE(key) << name;
    EXPECT_EQ(RecipientKeyError(key.get()), "") << name;
  }
}

TEST(KeysTest, RecipientKeyBoundsAreInclusive) {
  const BignumPtr f4 = Number(65537);
  BignumPtr e_max(BN_new());  // 2^64 - 1
  BN_set_bit(e_max.get(), 64);
  BN_sub_word(e_max.get(), 1);
  for (int bits : {2048, 16384}) {
    EvpPkeyPtr key = ForgedRsaKey(ModulusPassingTheCheck(bits).get(), f4.get());
    // The check's cost is the host's to choose up to this size (one Miller-Rabin round).
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(RecipientKeyError(key.get()), "") << bits;
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    std::printf("RSA-%d: the recipient key check took %.3f s\n", bits, took.count());
  }
  EXPECT_EQ(RecipientKeyError(ForgedRsaKey(ModulusPassingTheCheck(2048).get(), e_max.get()).get()), "");
}

TEST(KeysTest, RecipientKeyRefusesDegenerateKeys) {
  const BignumPtr f4 = Number(65537);
  const BignumPtr n = PlausibleModulus(2048);
  BignumPtr even(BN_dup(n.get()));
  BN_add_word(even.get(), 1);
  // 3 x a 2047-bit odd number: 2048 or 2049 bits, odd, and no product of two large primes.
  BignumPtr with_factor(BN_new());
  {
    BignumPtr m(BN_new());
    BN_rand(m.get(), 2047, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ODD);
    BN_mul_word(m.get(), 3);
    with_factor = std::move(m);
  }
  BignumPtr prime(BN_new());
  ASSERT_EQ(BN_generate_prime_ex(prime.get(), 2048, 0, nullptr, nullptr, nullptr), 1);
  BignumPtr e_too_long(BN_new());  // 2^64 + 1
  BN_set_bit(e_too_long.get(), 64);
  BN_add_word(e_too_long.get(), 1);
  struct Case {
    const char* what;
    EvpPkeyPtr key;
    std::string expected;
  };
  const Case cases[] = {
      {"e = 1", ForgedRsaKey(n.get(), Number(1).get()), "RSA public exponent 1 is refused"},
      {"e = 2", ForgedRsaKey(n.get(), Number(2).get()), "RSA public exponent 2 is refused"},
      {"e = 3", ForgedRsaKey(n.get(), Number(3).get()), "RSA public exponent 3 is refused"},
      {"e = 65535", ForgedRsaKey(n.get(), Number(65535).get()), "RSA public exponent 65535 is refused"},
      {"e = 65538", ForgedRsaKey(n.get(), Number(65538).get()), "RSA public exponent 65538 is refused"},
      {"e = 2^64 + 1", ForgedRsaKey(n.get(), e_too_long.get()), "RSA public exponent of 65 bits is refused"},
      {"even modulus", ForgedRsaKey(even.get(), f4.get()), "the RSA modulus is even"},
      {"modulus with the factor 3", ForgedRsaKey(with_factor.get(), f4.get()), "fails OpenSSL's public-key check"},
      {"prime modulus", ForgedRsaKey(prime.get(), f4.get()), "fails OpenSSL's public-key check"},
      {"RSA-1024", ForgedRsaKey(PlausibleModulus(1024).get(), f4.get()), "RSA-1024 is shorter than 2048 bits"},
      {"RSA-16385", ForgedRsaKey(PlausibleModulus(16385).get(), f4.get()), "RSA-16385 is longer than 16384 bits"},
      {"RSA-20000", ForgedRsaKey(PlausibleModulus(20000).get(), f4.get()), "RSA-20000 is longer than 16384 bits"},
      {"EC P-256", test::TestPublicKey("ec-p256.pub"), "not an RSA key"},
  };
  for (const Case& c : cases) {
    ASSERT_TRUE(c.key) << c.what;
    const std::string error = RecipientKeyError(c.key.get());
    EXPECT_EQ(error.rfind("user-data: attestationPublicKey: ", 0), 0u) << c.what << ": " << error;
    EXPECT_NE(error.find(c.expected), std::string::npos) << c.what << ": " << error;
  }
}

TEST(KeysTest, PublicKeyPemIsWhatOpensslWrites) {
  EvpPkeyPtr key = test::TestPrivateKey("attestation.key");
  ASSERT_TRUE(key);
  auto pem = PublicKeyPem(key.get());
  ASSERT_TRUE(pem.ok()) << pem.error().message;
  EXPECT_EQ(*pem, Fixture("keys/attestation.pub"));
}

TEST(KeysTest, PrivateKeyPemRoundTrip) {
  EvpPkeyPtr key = test::TestPrivateKey("contract.traditional.key");
  ASSERT_TRUE(key);
  auto pem = PrivateKeyPem(key.get());
  ASSERT_TRUE(pem.ok()) << pem.error().message;
  EXPECT_EQ(pem->view().rfind("-----BEGIN PRIVATE KEY-----\n", 0), 0u);  // PKCS#8
  EXPECT_EQ(pem->view(), Fixture("keys/contract.key"));
  auto back = PrivateKeyFromPem(pem->view(), "back");
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(FingerprintOf(back->get()), FingerprintOf(key.get()));
}

TEST(KeysTest, FingerprintIsSha256OfDerSubjectPublicKeyInfo) {
  EXPECT_EQ(FingerprintOf(test::TestPublicKey("attestation.pub").get()), kAttestationFingerprint);
  EXPECT_EQ(FingerprintOf(test::TestPublicKey("attestation.crt").get()), kAttestationFingerprint);
  EXPECT_EQ(FingerprintOf(test::TestPrivateKey("attestation.key").get()), kAttestationFingerprint);
  EXPECT_NE(FingerprintOf(test::TestPublicKey("contract.pub").get()), kAttestationFingerprint);
}

}  // namespace
}  // namespace seattest

namespace seattest {
namespace {

// A certificate PEM marked "Proc-Type: 4,ENCRYPTED" (the host can write one into the contract or
// a folder) is refused without asking anybody: OpenSSL's default would prompt on the terminal or,
// without one, read a passphrase from stdin. Stdin here is a pipe holding a line: still there after.
TEST(KeysTest, EncryptedCertificatePemIsRefusedWithoutReadingAPassphrase) {
  auto parsed = CertificateFromPem(Fixture("keys/contract.crt"), "contract.crt");
  ASSERT_TRUE(parsed.ok());
  X509Ptr cert = std::move(*parsed);
  BioPtr bio(BIO_new(BIO_s_mem()));
  unsigned char pass[] = "secret";
  ASSERT_EQ(PEM_ASN1_write_bio(reinterpret_cast<i2d_of_void*>(i2d_X509), PEM_STRING_X509, bio.get(), cert.get(),
                               EVP_aes_128_cbc(), pass, 6, nullptr, nullptr),
            1);
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  const std::string pem(data, static_cast<std::size_t>(len));
  ASSERT_NE(pem.find("Proc-Type: 4,ENCRYPTED"), std::string::npos);

  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  ASSERT_EQ(write(fds[1], "secret\n", 7), 7);
  const int saved_stdin = dup(0);
  ASSERT_EQ(dup2(fds[0], 0), 0);
  auto one = CertificateFromPem(pem, "evil.crt");
  auto all = CertificatesFromPem(pem, "evil.crt");
  auto crl = CrlFromPemOrDer(pem, "evil.crl");
  char left[8] = {};
  const ssize_t got = read(0, left, sizeof left);
  ASSERT_EQ(dup2(saved_stdin, 0), 0);
  close(saved_stdin);
  close(fds[0]);
  close(fds[1]);
  EXPECT_FALSE(one.ok());
  EXPECT_FALSE(all.ok());
  EXPECT_FALSE(crl.ok());
  EXPECT_EQ(std::string(left, got > 0 ? static_cast<std::size_t>(got) : 0), "secret\n") << "a passphrase was read";
}

}  // namespace
}  // namespace seattest
