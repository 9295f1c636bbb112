// The facts about a certificate that an hpcr-2026 record states (core/record_profile.h): its
// subject, SHA-256 fingerprint and notAfter; and whether it certifies a given key.
#pragma once

#include <string_view>

#include "core/record_profile.h"
#include "core/result.h"
#include "crypto/ossl.h"

namespace seattest {

// Subject as RFC 2253 (`openssl x509 -noout -subject -nameopt RFC2253`, less "subject="), SHA-256
// of the DER certificate (`openssl x509 -noout -fingerprint -sha256`), notAfter in seconds.
Result<CertificateValidity> CertificateValidityOf(const X509* cert);

// Fails, naming `what` and both fingerprints, unless `cert` certifies `key`'s public key.
Status CertificateMatchesKey(const X509* cert, const EVP_PKEY* key, std::string_view what);

}  // namespace seattest
