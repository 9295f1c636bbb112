#include "crypto/chain.h"

#include <openssl/err.h>
#include <openssl/rsa.h>

#include <cstdio>
#include <cstring>
#include <memory>
#include <utility>

#include "crypto/keys.h"

namespace seattest {
namespace {

using Asn1TimePtr = std::unique_ptr<ASN1_TIME, OsslDeleter<ASN1_TIME_free>>;
using AuthorityKeyIdPtr = std::unique_ptr<AUTHORITY_KEYID, OsslDeleter<AUTHORITY_KEYID_free>>;
using IssuingDistPointPtr = std::unique_ptr<ISSUING_DIST_POINT, OsslDeleter<ISSUING_DIST_POINT_free>>;
struct DistPointsDeleter {
  void operator()(STACK_OF(DIST_POINT)* points) const { sk_DIST_POINT_pop_free(points, DIST_POINT_free); }
};
using DistPointsPtr = std::unique_ptr<STACK_OF(DIST_POINT), DistPointsDeleter>;

constexpr int kFarAway = 1 << 30;  // days_left before any certificate was seen
constexpr const char* kHandChecked = "[signed by the code-signing certificate, checked by hand as in IBM's docs] ";

std::string ErrorText(int error) { return X509_verify_cert_error_string(error); }

// "<OpenSSL's reason> (depth N, <subject>)": the form of every refusal of the chain.
std::string Reason(int error, int depth, const std::string& subject) {
  return ErrorText(error) + " (depth " + std::to_string(depth) + (subject.empty() ? "" : ", " + subject) + ")";
}

// Appends `cert` to the verdict's path and counts its days left at `at`.
void AddToPath(ChainVerdict& verdict, const X509* cert, std::time_t at, const char* prefix = "") {
  if (!verdict.path.empty()) verdict.path += " -> ";
  verdict.path += prefix + SubjectLine(cert);
  int days = 0;
  int seconds = 0;
  const Asn1TimePtr now(ASN1_TIME_set(nullptr, at));
  if (now && ASN1_TIME_diff(&days, &seconds, now.get(), X509_get0_notAfter(cert)) == 1 && days < verdict.days_left) {
    verdict.days_left = days;
    verdict.first_to_expire = SubjectLine(cert);
  }
}

// --- code signing as an X509_PURPOSE ---------------------------------------------------------

// The extendedKeyUsage, when present, allows code signing.
bool EkuAllowsCodeSigning(X509* cert) {
  return (X509_get_extension_flags(cert) & EXFLAG_XKUSAGE) == 0 ||
         (X509_get_extended_key_usage(cert) & (XKU_CODE_SIGN | XKU_ANYEKU)) != 0;
}

// OpenSSL 3.0 has no code-signing purpose (3.2 added X509_PURPOSE_CODE_SIGN): ours, for the chain
// of the code-signing certificate. A CA above it must be a CA whose extendedKeyUsage (if any)
// allows code signing; the certificate itself must be a code-signing end entity.
int CheckCodeSignPurpose(const X509_PURPOSE* /*purpose*/, const X509* cert, int require_ca) {
  X509* x = const_cast<X509*>(cert);
  if (require_ca != 0) return X509_check_ca(x) != 0 && EkuAllowsCodeSigning(x) ? 1 : 0;
  return CodeSigningIssuerProblem(cert).empty() ? 1 : 0;
}

constexpr int kCodeSignPurposeId = 0x5ea1;  // an id OpenSSL's own table does not use

// The id of the code-signing purpose: OpenSSL's own ("codesign", 3.2 and later) or ours, added
// to OpenSSL's table once per process.
Result<int> CodeSignPurpose() {
  static const int id = [] {
    int index = X509_PURPOSE_get_by_sname("codesign");
    if (index < 0 && X509_PURPOSE_add(kCodeSignPurposeId, X509_TRUST_OBJECT_SIGN, 0, CheckCodeSignPurpose,
                                      "Code signing", "codesign", nullptr) == 1) {
      index = X509_PURPOSE_get_by_sname("codesign");
    }
    ERR_clear_error();
    return index >= 0 ? X509_PURPOSE_get_id(X509_PURPOSE_get0(index)) : 0;
  }();
  if (id == 0) return MakeError("certificate chain: cannot register the code-signing purpose with OpenSSL");
  return id;
}

// --- one run of OpenSSL's verifier -----------------------------------------------------------

struct StoreRun {
  bool ok = false;
  int error = X509_V_OK;
  int depth = 0;
  std::string error_subject;   // the certificate the error is about, when known
  std::vector<X509Ptr> chain;  // as far as it was built, `cert` first
};

// `cert` against the anchors, with the intermediates to build the path and the CRLs: strict
// RFC 5280 checks, CRL_CHECK of `cert` when CRLs were given, `purpose` unless 0. Never the
// network: the store has no lookup methods but the certificates and CRLs added here.
Result<StoreRun> RunStore(const ChainInput& input, const X509* cert, int purpose) {
  X509StorePtr store(X509_STORE_new());
  X509StackPtr untrusted(sk_X509_new_null());
  X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!store || !untrusted || !ctx) return OpensslError("certificate chain: out of memory");
  for (const X509* anchor : input.anchors) {
    if (X509_STORE_add_cert(store.get(), const_cast<X509*>(anchor)) != 1) {
      return OpensslError("certificate chain: cannot add a trust anchor");
    }
  }
  for (const X509_CRL* crl : input.crls) {
    if (X509_STORE_add_crl(store.get(), const_cast<X509_CRL*>(crl)) != 1) {
      return OpensslError("certificate chain: cannot add a CRL");
    }
  }
  for (const X509* intermediate : input.intermediates) {
    if (sk_X509_push(untrusted.get(), const_cast<X509*>(intermediate)) <= 0) {
      return OpensslError("certificate chain: out of memory");
    }
  }
  if (X509_STORE_CTX_init(ctx.get(), store.get(), const_cast<X509*>(cert), untrusted.get()) != 1) {
    return OpensslError("certificate chain: cannot start the verification");
  }
  if (purpose != 0 && X509_STORE_CTX_set_purpose(ctx.get(), purpose) != 1) {
    return OpensslError("certificate chain: cannot set the purpose");
  }
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  X509_VERIFY_PARAM_set_time(param, input.at);
  unsigned long flags = X509_V_FLAG_X509_STRICT;
  if (!input.crls.empty()) flags |= X509_V_FLAG_CRL_CHECK;
  X509_VERIFY_PARAM_set_flags(param, flags);

  StoreRun run;
  run.ok = X509_verify_cert(ctx.get()) == 1;
  ERR_clear_error();
  STACK_OF(X509)* chain = X509_STORE_CTX_get0_chain(ctx.get());
  const int n = chain != nullptr ? sk_X509_num(chain) : 0;
  for (int i = 0; i < n; ++i) {
    X509* c = sk_X509_value(chain, i);
    if (X509_up_ref(c) != 1) return OpensslError("certificate chain: out of memory");
    run.chain.emplace_back(c);
  }
  if (!run.ok) {
    run.error = X509_STORE_CTX_get_error(ctx.get());
    run.depth = X509_STORE_CTX_get_error_depth(ctx.get());
    const X509* at = X509_STORE_CTX_get_current_cert(ctx.get());
    if (at != nullptr) run.error_subject = SubjectLine(at);
  }
  return run;
}

// --- IBM's shape: a code-signing end entity as the leaf's issuer -------------------------------

// The intermediates that could be the leaf's issuer but are not CAs: IBM's shape, or a mistake.
std::vector<const X509*> NonCaIssuers(const ChainInput& input) {
  std::vector<const X509*> out;
  const X509_NAME* issuer_name = X509_get_issuer_name(input.leaf);
  for (const X509* cert : input.intermediates) {
    if (X509_cmp(cert, input.leaf) != 0 && X509_NAME_cmp(X509_get_subject_name(cert), issuer_name) == 0 &&
        X509_check_ca(const_cast<X509*>(cert)) == 0) {
      out.push_back(cert);
    }
  }
  return out;
}

// Empty when `leaf` was signed with `issuer`'s key (and its authority key identifier, if any,
// names that key); else why not.
std::string LeafSignatureProblem(const X509* leaf, const X509* issuer) {
  const std::string leaf_name = SubjectLine(leaf);
  const std::string issuer_name = SubjectLine(issuer);
  int critical = 0;
  const AuthorityKeyIdPtr akid(
      static_cast<AUTHORITY_KEYID*>(X509_get_ext_d2i(leaf, NID_authority_key_identifier, &critical, nullptr)));
  if (!akid && critical != -1) return leaf_name + ": its authority key identifier cannot be read";
  if (akid && X509_check_akid(issuer, akid.get()) != X509_V_OK) {
    return Reason(X509_V_ERR_AKID_SKID_MISMATCH, 0, leaf_name) + ": it does not name the key of " + issuer_name;
  }
  EVP_PKEY* key = X509_get0_pubkey(issuer);
  if (key == nullptr) return issuer_name + ": its public key cannot be read";
  const int verified = X509_verify(const_cast<X509*>(leaf), key);
  ERR_clear_error();
  if (verified != 1) {
    return Reason(X509_V_ERR_CERT_SIGNATURE_FAILURE, 0, leaf_name) + ": not signed by the key of " + issuer_name;
  }
  return {};
}

// Empty when the leaf itself is fine at `at`: readable extensions, none critical that OpenSSL does
// not know, within its dates.
std::string LeafProblem(const X509* leaf, std::time_t at) {
  X509* x = const_cast<X509*>(leaf);
  const std::string name = SubjectLine(leaf);
  const uint32_t flags = X509_get_extension_flags(x);
  if ((flags & EXFLAG_INVALID) != 0) return name + ": its extensions cannot be read";
  if ((flags & EXFLAG_CRITICAL) != 0) return Reason(X509_V_ERR_UNHANDLED_CRITICAL_EXTENSION, 0, name);
  std::time_t t = at;
  const int before = X509_cmp_time(X509_get0_notBefore(leaf), &t);
  if (before == 0) return Reason(X509_V_ERR_ERROR_IN_CERT_NOT_BEFORE_FIELD, 0, name);
  if (before > 0) return Reason(X509_V_ERR_CERT_NOT_YET_VALID, 0, name);
  const int after = X509_cmp_time(X509_get0_notAfter(leaf), &t);
  if (after == 0) return Reason(X509_V_ERR_ERROR_IN_CERT_NOT_AFTER_FIELD, 0, name);
  if (after < 0) return Reason(X509_V_ERR_CERT_HAS_EXPIRED, 0, name);
  return {};
}

// One of the leaf's CRL distribution points has a full name in common with `name`.
bool LeafHasDistributionPoint(const X509* leaf, const DIST_POINT_NAME* name) {
  if (name->type != 0) return false;  // a name relative to the issuer: not matched here
  int critical = 0;
  const DistPointsPtr points(
      static_cast<STACK_OF(DIST_POINT)*>(X509_get_ext_d2i(leaf, NID_crl_distribution_points, &critical, nullptr)));
  if (!points) return false;
  for (int i = 0; i < sk_DIST_POINT_num(points.get()); ++i) {
    const DIST_POINT* point = sk_DIST_POINT_value(points.get(), i);
    if (point->distpoint == nullptr || point->distpoint->type != 0) continue;
    const GENERAL_NAMES* ours = point->distpoint->name.fullname;
    const GENERAL_NAMES* theirs = name->name.fullname;
    for (int a = 0; a < sk_GENERAL_NAME_num(ours); ++a) {
      for (int b = 0; b < sk_GENERAL_NAME_num(theirs); ++b) {
        if (GENERAL_NAME_cmp(sk_GENERAL_NAME_value(ours, a), sk_GENERAL_NAME_value(theirs, b)) == 0) return true;
      }
    }
  }
  return false;
}

// Empty when `crl` is a complete CRL whose scope covers `leaf`: not a delta CRL, no critical
// extension that is not understood here, an issuingDistributionPoint (if any) not limited to CA
// or attribute certificates or to some reasons, not indirect, and naming one of the leaf's CRL
// distribution points when it names one.
std::string CrlScopeProblem(const X509_CRL* crl, const X509* leaf) {
  for (int i = 0; i < X509_CRL_get_ext_count(crl); ++i) {
    const X509_EXTENSION* ext = X509_CRL_get_ext(crl, i);
    const int nid = OBJ_obj2nid(X509_EXTENSION_get_object(const_cast<X509_EXTENSION*>(ext)));
    if (X509_EXTENSION_get_critical(ext) != 0 && nid != NID_issuing_distribution_point &&
        nid != NID_authority_key_identifier && nid != NID_crl_number) {
      return ErrorText(X509_V_ERR_UNHANDLED_CRITICAL_CRL_EXTENSION);
    }
  }
  if (X509_CRL_get_ext_by_NID(crl, NID_delta_crl, -1) >= 0) return "a delta CRL, not a complete one";
  int critical = 0;
  const IssuingDistPointPtr idp(
      static_cast<ISSUING_DIST_POINT*>(X509_CRL_get_ext_d2i(crl, NID_issuing_distribution_point, &critical, nullptr)));
  if (!idp && critical != -1) return "its issuingDistributionPoint cannot be read";
  if (idp) {
    if (idp->onlyCA > 0 || idp->onlyattr > 0 || idp->onlysomereasons != nullptr || idp->indirectCRL > 0) {
      return "its issuingDistributionPoint limits it to some certificates or reasons";
    }
    if (idp->distpoint != nullptr && !LeafHasDistributionPoint(leaf, idp->distpoint)) {
      return "its issuingDistributionPoint is none of the certificate's CRL distribution points";
    }
  }
  return {};
}

// The leaf against the CRLs of its code-signing issuer, by hand: a CRL counts when it names the
// issuer, is signed with its key and covers the leaf; one of them must be current at `at`, and
// none may list the leaf. Empty when that holds, else why not.
std::string LeafRevocationProblem(const ChainInput& input, const X509* issuer) {
  const X509* leaf = input.leaf;
  const std::string leaf_name = SubjectLine(leaf);
  const std::string issuer_name = SubjectLine(issuer);
  EVP_PKEY* key = X509_get0_pubkey(issuer);
  if (key == nullptr) return issuer_name + ": its public key cannot be read";
  std::time_t t = input.at;
  bool named = false;
  bool current = false;
  std::string unusable;  // why the first CRL that names the issuer cannot be used
  for (const X509_CRL* given : input.crls) {
    X509_CRL* crl = const_cast<X509_CRL*>(given);
    if (X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_subject_name(issuer)) != 0) continue;
    named = true;
    const int signature = X509_CRL_verify(crl, key);
    ERR_clear_error();
    std::string problem = signature == 1 ? CrlScopeProblem(crl, leaf) : ErrorText(X509_V_ERR_CRL_SIGNATURE_FAILURE);
    if (!problem.empty()) {
      if (unusable.empty()) unusable = std::move(problem);
      continue;
    }
    X509_REVOKED* entry = nullptr;
    if (X509_CRL_get0_by_cert(crl, &entry, const_cast<X509*>(leaf)) == 1) {
      return Reason(X509_V_ERR_CERT_REVOKED, 0, leaf_name) + " in the CRL of " + issuer_name;
    }
    const ASN1_TIME* next = X509_CRL_get0_nextUpdate(crl);
    if (X509_cmp_time(X509_CRL_get0_lastUpdate(crl), &t) > 0) {
      problem = ErrorText(X509_V_ERR_CRL_NOT_YET_VALID);
    } else if (next != nullptr && X509_cmp_time(next, &t) < 0) {
      problem = ErrorText(X509_V_ERR_CRL_HAS_EXPIRED);
    } else {
      current = true;
    }
    if (!problem.empty() && unusable.empty()) unusable = std::move(problem);
  }
  if (current) return {};
  if (!named) return "no CRL from " + issuer_name + " was given (" + Reason(X509_V_ERR_UNABLE_TO_GET_CRL, 0, leaf_name) + ")";
  return "no usable CRL from " + issuer_name + " was given: " + unusable + " (depth 0, " + leaf_name + ")";
}

// The verdict on IBM's shape: `candidates` are the non-CA intermediates named like the leaf's
// issuer, `normal` OpenSSL's refusal of the chain.
Result<ChainVerdict> CodeSigningVerdict(const ChainInput& input, const std::vector<const X509*>& candidates,
                                        ChainVerdict normal) {
  const X509* leaf = input.leaf;
  // Which of them signed the leaf (by hand: OpenSSL takes no non-CA issuer). None: OpenSSL's
  // refusal stands, with why the shape does not apply.
  const X509* issuer = nullptr;
  std::string not_signed;
  for (const X509* candidate : candidates) {
    std::string problem = LeafSignatureProblem(leaf, candidate);
    if (problem.empty()) {
      issuer = candidate;
      break;
    }
    if (not_signed.empty()) not_signed = std::move(problem);
  }
  if (issuer == nullptr) {
    normal.reason += "; the non-CA certificate named as its issuer did not sign it: " + not_signed;
    return normal;
  }
  ChainVerdict verdict;
  verdict.code_signing_issuer = true;
  verdict.days_left = kFarAway;
  AddToPath(verdict, leaf, input.at);
  const std::string issuer_name = SubjectLine(issuer);

  if (std::string problem = CodeSigningIssuerProblem(issuer); !problem.empty()) {
    AddToPath(verdict, issuer, input.at);
    verdict.reason = Reason(X509_V_ERR_INVALID_CA, 1, issuer_name) + ": the issuer of " + SubjectLine(leaf) +
                     " is not a CA, and not a code-signing certificate either: " + problem;
    return verdict;
  }
  // The code-signing certificate's own chain, by OpenSSL: strict, for code signing, and with
  // CRLs its revocation by its CA.
  SEA_ASSIGN_OR_RETURN(const int purpose, CodeSignPurpose());
  SEA_ASSIGN_OR_RETURN(StoreRun run, RunStore(input, issuer, purpose));
  for (std::size_t i = 0; i < run.chain.size(); ++i) AddToPath(verdict, run.chain[i].get(), input.at, i == 0 ? kHandChecked : "");
  if (run.chain.empty()) AddToPath(verdict, issuer, input.at, kHandChecked);

  if (std::string problem = LeafProblem(leaf, input.at); !problem.empty()) {
    verdict.reason = std::move(problem);
    return verdict;
  }
  if (!run.ok) {
    if (run.error == X509_V_ERR_UNABLE_TO_GET_CRL) {
      const std::string ca = run.chain.size() > static_cast<std::size_t>(run.depth) + 1
                                 ? SubjectLine(run.chain[static_cast<std::size_t>(run.depth) + 1].get())
                                 : "the issuer of " + run.error_subject;
      verdict.reason = "no CRL from " + ca + " was given (" + Reason(run.error, run.depth + 1, run.error_subject) + ")";
    } else {
      verdict.reason = Reason(run.error, run.depth + 1, run.error_subject) + ", in the chain of the code-signing "
                       "certificate " + issuer_name + " (verified for code signing)";
    }
    return verdict;
  }
  if (!input.crls.empty()) {
    if (std::string problem = LeafRevocationProblem(input, issuer); !problem.empty()) {
      verdict.reason = std::move(problem);
      return verdict;
    }
    const std::string ca = run.chain.size() > 1 ? SubjectLine(run.chain[1].get()) : "its CA";
    verdict.revocation = SubjectLine(leaf) + " is not revoked (CRL of " + issuer_name + "), nor is " + issuer_name +
                         " (CRL of " + ca + "); the CAs above them are not checked for revocation";
  }
  verdict.ok = true;
  return verdict;
}

std::string DateOf(const ASN1_TIME* time) {
  struct tm tm {};
  if (time == nullptr || ASN1_TIME_to_tm(time, &tm) != 1) return "(an unreadable date)";
  char text[48];
  (void)std::snprintf(text, sizeof text, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
  return text;
}

}  // namespace

std::string SubjectLine(const X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || X509_NAME_print_ex(bio.get(), X509_get_subject_name(cert), 0, XN_FLAG_ONELINE & ~ASN1_STRFLGS_ESC_MSB) < 0) {
    return "(unreadable subject)";
  }
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

Result<ChainVerdict> VerifyChain(const ChainInput& input) {
  SEA_ASSIGN_OR_RETURN(StoreRun run, RunStore(input, input.leaf, 0));
  ChainVerdict verdict;
  verdict.days_left = kFarAway;
  for (const X509Ptr& cert : run.chain) AddToPath(verdict, cert.get(), input.at);
  if (run.ok) {
    verdict.ok = true;
    if (!input.crls.empty()) {
      verdict.revocation = SubjectLine(input.leaf) + " is not revoked; the CAs above it are not checked for revocation";
    }
    return verdict;
  }
  verdict.reason = Reason(run.error, run.depth, run.error_subject);
  // IBM's shape is tried only when the leaf's issuer is a non-CA among the intermediates
  // (OpenSSL then says "invalid CA certificate" at depth 1, or stops earlier at the leaf).
  const std::vector<const X509*> candidates = NonCaIssuers(input);
  if (!candidates.empty()) return CodeSigningVerdict(input, candidates, std::move(verdict));
  if (run.error == X509_V_ERR_INVALID_CA && run.depth == 1 && run.chain.size() > 1 &&
      CodeSigningIssuerProblem(run.chain[1].get()).empty()) {
    verdict.reason += "; a code-signing certificate is taken as the issuer only among the intermediates "
                      "(--chain), not as a trust anchor";
  }
  return verdict;
}

std::string CodeSigningIssuerProblem(const X509* issuer) {
  X509* cert = const_cast<X509*>(issuer);
  const uint32_t ext = X509_get_extension_flags(cert);
  if ((ext & EXFLAG_INVALID) != 0) return "its extensions cannot be read";
  if (X509_check_ca(cert) != 0) return "it is a CA";
  if ((ext & EXFLAG_XKUSAGE) == 0) return "it has no extendedKeyUsage (codeSigning is required)";
  if ((X509_get_extended_key_usage(cert) & XKU_CODE_SIGN) == 0) return "its extendedKeyUsage does not include codeSigning";
  if ((ext & EXFLAG_KUSAGE) != 0 && (X509_get_key_usage(cert) & KU_DIGITAL_SIGNATURE) == 0) {
    return "its keyUsage does not allow digitalSignature";
  }
  return {};
}

std::string CertificateValidityWarning(const X509* cert, std::time_t now, std::string_view path) {
  std::time_t t = now;
  const ASN1_TIME* not_before = X509_get0_notBefore(cert);
  const ASN1_TIME* not_after = X509_get0_notAfter(cert);
  if (X509_cmp_time(not_after, &t) < 0) {
    return std::string(path) + " expired on " + DateOf(not_after) +
           " (notAfter); the runtime may no longer accept contracts for it";
  }
  if (X509_cmp_time(not_before, &t) > 0) {
    return std::string(path) + " is not valid before " + DateOf(not_before) + " (notBefore; notAfter " +
           DateOf(not_after) + "); the runtime may not accept contracts for it yet";
  }
  return {};
}

std::string PemCertificateValidityWarning(std::string_view pem, std::time_t now, std::string_view path) {
  if (pem.find("-----BEGIN CERTIFICATE-----") == std::string_view::npos) return {};
  auto cert = CertificateFromPem(pem, path);
  if (!cert) return {};  // the key is read (and refused) elsewhere
  return CertificateValidityWarning(cert->get(), now, path);
}

std::string SigningUsageProblem(const X509* leaf) {
  X509* cert = const_cast<X509*>(leaf);
  const uint32_t ext = X509_get_extension_flags(cert);
  if (ext & EXFLAG_INVALID) return "the certificate's extensions cannot be read";
  if ((ext & EXFLAG_KUSAGE) && !(X509_get_key_usage(cert) & KU_DIGITAL_SIGNATURE)) {
    return "its keyUsage does not allow digitalSignature";
  }
  if ((ext & EXFLAG_XKUSAGE) && !(X509_get_extended_key_usage(cert) & (XKU_ANYEKU | XKU_CODE_SIGN | XKU_SSL_CLIENT))) {
    // An EKU list narrows the key to its purposes; our development certificates carry none.
    return "its extendedKeyUsage does not allow signing records";
  }
  return {};
}

std::optional<Sha256Digest> RecoverSignedSha256(EVP_PKEY* key, const Bytes& signature) {
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new(key, nullptr));
  if (!ctx || EVP_PKEY_verify_recover_init(ctx.get()) <= 0 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) <= 0 ||
      EVP_PKEY_CTX_set_signature_md(ctx.get(), EVP_sha256()) <= 0) {
    ERR_clear_error();
    return std::nullopt;
  }
  unsigned char out[1024];
  std::size_t out_len = sizeof out;
  if (EVP_PKEY_verify_recover(ctx.get(), out, &out_len, signature.data(), signature.size()) <= 0 ||
      out_len != Sha256Digest{}.size()) {
    ERR_clear_error();
    return std::nullopt;
  }
  Sha256Digest digest{};
  std::memcpy(digest.data(), out, digest.size());
  return digest;
}

}  // namespace seattest
