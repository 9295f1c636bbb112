// What an auditor asks of the attestation certificate and the signature: does the certificate
// chain to a trust anchor the auditor holds (files only: no network, no AIA fetching, CRLs given
// as files), and which key made a signature. Also the dates of a certificate a command is given.
#pragma once

#include <ctime>
#include <optional>
#include <string>
#include <string_view>
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
  // IBM's shape (docs/auditing.md, "IBM's certificate chain"): true when the verdict is on a leaf
  // whose issuer is a certificate among the intermediates that is NOT a CA and whose key signed
  // the leaf (`ok` says whether the shape passed; a refusal then names what failed: the issuer is
  // no code-signing end entity, its own chain, the leaf's dates, a CRL). When ok: the leaf's
  // signature, issuer name, authority key identifier, critical extensions, dates and, with CRLs,
  // its revocation by that issuer's CRL were checked here by hand with the issuer's key; the
  // issuer was verified by OpenSSL (X509_V_FLAG_X509_STRICT, purpose code signing, with CRLs its
  // revocation by its CA) up to a trust anchor. `path` then reads "leaf -> [signed by the
  // code-signing certificate, checked by hand as in IBM's docs] issuer -> CA -> root", and
  // `days_left` and `first_to_expire` cover the leaf and every certificate above it.
  bool code_signing_issuer = false;
  // When ok and CRLs were given: which certificates were found not revoked, and by whose CRL, one
  // phrase: "<leaf> is not revoked; the CAs above it are not checked for revocation", or on IBM's
  // shape "<leaf> is not revoked (CRL of <issuer>), nor is <issuer> (CRL of <CA>); the CAs above
  // them are not checked for revocation". Empty without CRLs or when not ok.
  std::string revocation;
};

// Fails (an Error) only when the check could not be run at all.
//
// A normal chain is verified by OpenSSL alone (X509_V_FLAG_X509_STRICT, CRL_CHECK of the leaf
// when CRLs are given). Only when that fails and the leaf's issuer is a non-CA among the
// intermediates is IBM's shape tried: the issuer must have extendedKeyUsage codeSigning (keyUsage,
// if any, with digitalSignature) and chain for code signing to an anchor; with CRLs, the leaf must
// be covered by a CRL of that issuer and the issuer by one of its CA ("no CRL from X was given"
// otherwise). Any other non-CA issuer is refused as before.
Result<ChainVerdict> VerifyChain(const ChainInput& input);

// Why `issuer` is not a code-signing end entity (CA:FALSE or no basicConstraints, extendedKeyUsage
// with codeSigning, keyUsage absent or with digitalSignature); empty when it is one.
std::string CodeSigningIssuerProblem(const X509* issuer);

// One line when `cert` is not valid at `now`, naming `path` and the date:
//   "<path> expired on 2026-08-12 (notAfter); the runtime may no longer accept contracts for it"
//   "<path> is not valid before 2027-01-01 (notBefore; notAfter 2028-01-01); ..."
// Empty when it is valid. For commands that encrypt for a certificate: a warning, not an error.
std::string CertificateValidityWarning(const X509* cert, std::time_t now, std::string_view path);
// The same for the text of a PEM file given as a certificate or public key: empty unless it holds
// a readable certificate that is not valid at `now` (a bare public key has no dates).
std::string PemCertificateValidityWarning(std::string_view pem, std::time_t now, std::string_view path);

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
