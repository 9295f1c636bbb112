#include "crypto/cert_validity.h"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/x509.h>

#include <cstdio>
#include <ctime>
#include <string>

#include "core/hex.h"
#include "crypto/keys.h"

namespace seattest {
namespace {


Result<std::string> Rfc2253Subject(const X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || X509_NAME_print_ex(bio.get(), X509_get_subject_name(cert), 0, XN_FLAG_RFC2253) < 0) {
    return MakeError("certificate: its subject cannot be printed");
  }
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

// Seconds since the epoch of an ASN.1 time (through its broken-down UTC form).
Result<UnixTime> SecondsOf(const ASN1_TIME* time) {
  struct tm tm {};
  if (time == nullptr || ASN1_TIME_to_tm(time, &tm) != 1) return MakeError("certificate: an unreadable notAfter");
  if (tm.tm_year < 70) return MakeError("certificate: notAfter before 1970 (long expired)");
  char iso[64];
  (void)std::snprintf(iso, sizeof iso, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                      tm.tm_hour, tm.tm_min, tm.tm_sec);
  return ParseIso8601(iso);
}

}  // namespace

Result<CertificateValidity> CertificateValidityOf(const X509* cert) {
  CertificateValidity v;
  SEA_ASSIGN_OR_RETURN(v.subject, Rfc2253Subject(cert));
  unsigned int n = 0;
  if (X509_digest(cert, EVP_sha256(), v.sha256.data(), &n) != 1 || n != v.sha256.size()) {
    return MakeError("certificate: cannot compute its SHA-256 fingerprint");
  }
  SEA_ASSIGN_OR_RETURN(v.not_after, SecondsOf(X509_get0_notAfter(cert)));
  return v;
}

Status CertificateMatchesKey(const X509* cert, const EVP_PKEY* key, std::string_view what) {
  EVP_PKEY* cert_key = X509_get0_pubkey(cert);
  if (cert_key != nullptr && EVP_PKEY_eq(cert_key, key) == 1) return {};
  auto theirs = cert_key != nullptr ? PublicKeyFingerprint(cert_key) : MakeError("no key");
  auto ours = PublicKeyFingerprint(key);
  return MakeError(std::string(what) + ": certifies another key (certificate's key " +
                   (theirs ? ToHex(*theirs) : std::string("unreadable")) + ", the key's " +
                   (ours ? ToHex(*ours) : std::string("unreadable")) + ")");
}

}  // namespace seattest
