// Key generation and X.509 certificates for the development key set (`se-attest keygen`).
#pragma once

#include <string>

#include "core/result.h"
#include "crypto/ossl.h"

namespace seattest {

Result<EvpPkeyPtr> GenerateRsaKey(int bits);

enum class CertProfile {
  kRootCa,          // self-signed; CA:TRUE; keyCertSign, cRLSign
  kIntermediateCa,  // CA:TRUE, pathlen:0; keyCertSign, cRLSign
  kSigning,         // CA:FALSE; digitalSignature (the attestation key)
  kEncryption,      // CA:FALSE; keyEncipherment, dataEncipherment (the contract key)
  kCodeSigning,     // CA:FALSE; digitalSignature; extendedKeyUsage codeSigning (IBM's issuer shape)
};

struct CertRequest {
  std::string common_name;
  CertProfile profile = CertProfile::kSigning;
  int days = 365;
};

// A certificate for `subject_key`, issued by `issuer` (null: self-signed) with `issuer_key`.
Result<X509Ptr> IssueCertificate(const CertRequest& request, EVP_PKEY* subject_key,
                                 const X509* issuer, EVP_PKEY* issuer_key);

}  // namespace seattest
