// What an auditor asks of the attestation certificate and the signature: does the certificate
// chain to a trust anchor the auditor holds (files only: no network, no AIA fetching, CRLs given
// as files), and which key made a signature.
#pragma once

#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "core/result.h"
#include "crypto/ossl.h"

namespace seattest {

struct ChainInput {
  const X509* leaf = nullptr;
  std::vector<const X509*> intermediates;  // untrusted, to build the path
  std::vector<const X509*> anchors;        // trusted
  std::vector<const X509_CRL*> crls;       // when not empty, the leaf must not be revoked
  std::time_t at = 0;                      // the time to check validity at
};

struct ChainVerdict {
  bool ok = false;
  std::string path;    // "CN=a -> CN=b -> CN=root"
  std::string reason;  // when !ok: OpenSSL's reason and the certificate it is about
  int days_left = 0;   // until the first certificate of the path expires (from `at`)
  std::string first_to_expire;  // its subject
};

// Fails (an Error) only when the check could not be run at all.
Result<ChainVerdict> VerifyChain(const ChainInput& input);

// The leaf may sign: a keyUsage extension, when present, has digitalSignature; an extendedKeyUsage,
// when present, is not limited to purposes that exclude it. Empty when fine, else why not.
std::string SigningUsageProblem(const X509* leaf);

// The SHA-256 digest inside an RSASSA-PKCS1-v1_5 signature, recovered with `key`'s public half;
// nullopt when the signature is not one made by that key (wrong key, or the signature altered).
// Telling "signed by another key" from "record altered after signing" needs exactly this.
std::optional<Sha256Digest> RecoverSignedSha256(EVP_PKEY* key, const Bytes& signature);

// "CN=..., O=..." of a certificate's subject, one line.
std::string SubjectLine(const X509* cert);

}  // namespace seattest
