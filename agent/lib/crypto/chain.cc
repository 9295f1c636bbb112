#include "crypto/chain.h"

#include <openssl/err.h>
#include <openssl/rsa.h>

#include <cstring>

namespace seattest {

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
  for (const X509* cert : input.intermediates) {
    if (sk_X509_push(untrusted.get(), const_cast<X509*>(cert)) <= 0) return OpensslError("certificate chain: out of memory");
  }
  if (X509_STORE_CTX_init(ctx.get(), store.get(), const_cast<X509*>(input.leaf), untrusted.get()) != 1) {
    return OpensslError("certificate chain: cannot start the verification");
  }
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  X509_VERIFY_PARAM_set_time(param, input.at);
  // Strict RFC 5280 checks; the leaf's revocation when the auditor gave CRLs. Never the network:
  // the store has no lookup methods but the certificates and CRLs added above.
  unsigned long flags = X509_V_FLAG_X509_STRICT;
  if (!input.crls.empty()) flags |= X509_V_FLAG_CRL_CHECK;
  X509_VERIFY_PARAM_set_flags(param, flags);

  ChainVerdict verdict;
  const int ok = X509_verify_cert(ctx.get());
  ERR_clear_error();
  STACK_OF(X509)* chain = X509_STORE_CTX_get0_chain(ctx.get());
  const int n = chain != nullptr ? sk_X509_num(chain) : 0;
  verdict.days_left = 1 << 30;
  for (int i = 0; i < n; ++i) {
    const X509* cert = sk_X509_value(chain, i);
    if (!verdict.path.empty()) verdict.path += " -> ";
    verdict.path += SubjectLine(cert);
    int days = 0, seconds = 0;
    ASN1_TIME* now = ASN1_TIME_set(nullptr, input.at);
    if (now != nullptr && ASN1_TIME_diff(&days, &seconds, now, X509_get0_notAfter(cert)) == 1 &&
        days < verdict.days_left) {
      verdict.days_left = days;
      verdict.first_to_expire = SubjectLine(cert);
    }
    ASN1_TIME_free(now);
  }
  if (ok == 1) {
    verdict.ok = true;
    return verdict;
  }
  const int err = X509_STORE_CTX_get_error(ctx.get());
  const int depth = X509_STORE_CTX_get_error_depth(ctx.get());
  const X509* at = X509_STORE_CTX_get_current_cert(ctx.get());
  verdict.reason = std::string(X509_verify_cert_error_string(err)) + " (depth " + std::to_string(depth) +
                   (at != nullptr ? ", " + SubjectLine(at) : std::string()) + ")";
  return verdict;
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
