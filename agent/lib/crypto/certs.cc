#include "crypto/certs.h"

#include <openssl/rand.h>

namespace seattest {
namespace {

Status AddExtension(X509* cert, X509V3_CTX* ctx, int nid, const char* value) {
  X509ExtensionPtr ext(X509V3_EXT_conf_nid(nullptr, ctx, nid, value));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) {
    return OpensslError(std::string("cannot add extension ") + OBJ_nid2sn(nid));
  }
  return {};
}

}  // namespace

Result<EvpPkeyPtr> GenerateRsaKey(int bits) {
  EvpPkeyPtr key(EVP_RSA_gen(static_cast<unsigned int>(bits)));
  if (!key) return OpensslError("RSA-" + std::to_string(bits) + " key generation failed");
  return key;
}

Result<X509Ptr> IssueCertificate(const CertRequest& request, EVP_PKEY* subject_key,
                                 const X509* issuer, EVP_PKEY* issuer_key) {
  X509Ptr cert(X509_new());
  if (!cert) return OpensslError("cannot allocate a certificate");
  unsigned char serial_bytes[16];
  if (RAND_bytes(serial_bytes, sizeof serial_bytes) != 1) return OpensslError("random serial");
  serial_bytes[0] &= 0x7f;  // positive
  BignumPtr serial(BN_bin2bn(serial_bytes, sizeof serial_bytes, nullptr));
  X509_NAME* name = X509_get_subject_name(cert.get());
  const auto* cn = reinterpret_cast<const unsigned char*>(request.common_name.c_str());
  if (!serial || X509_set_version(cert.get(), 2) != 1 ||
      !BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())) ||
      !X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60) ||
      !X509_gmtime_adj(X509_getm_notAfter(cert.get()), 60L * 60 * 24 * request.days) ||
      X509_set_pubkey(cert.get(), subject_key) != 1 ||
      X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                                 reinterpret_cast<const unsigned char*>("se-attest development"), -1, -1, 0) != 1 ||
      X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, cn, -1, -1, 0) != 1) {
    return OpensslError("cannot fill in the certificate for " + request.common_name);
  }
  const X509* signer = issuer != nullptr ? issuer : cert.get();
  if (X509_set_issuer_name(cert.get(), X509_get_subject_name(signer)) != 1) {
    return OpensslError("cannot set the issuer of " + request.common_name);
  }
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, const_cast<X509*>(signer), cert.get(), nullptr, nullptr, 0);
  const char* basic = "critical,CA:FALSE";
  const char* usage = "critical,digitalSignature";
  switch (request.profile) {
    case CertProfile::kRootCa: basic = "critical,CA:TRUE"; usage = "critical,keyCertSign,cRLSign"; break;
    case CertProfile::kIntermediateCa: basic = "critical,CA:TRUE,pathlen:0"; usage = "critical,keyCertSign,cRLSign"; break;
    case CertProfile::kSigning: break;
    case CertProfile::kEncryption: usage = "critical,keyEncipherment,dataEncipherment"; break;
    case CertProfile::kCodeSigning: break;
  }
  if (request.profile == CertProfile::kCodeSigning) {
    SEA_RETURN_IF_ERROR(AddExtension(cert.get(), &ctx, NID_ext_key_usage, "codeSigning"));
  }
  SEA_RETURN_IF_ERROR(AddExtension(cert.get(), &ctx, NID_basic_constraints, basic));
  SEA_RETURN_IF_ERROR(AddExtension(cert.get(), &ctx, NID_key_usage, usage));
  SEA_RETURN_IF_ERROR(AddExtension(cert.get(), &ctx, NID_subject_key_identifier, "hash"));
  SEA_RETURN_IF_ERROR(AddExtension(cert.get(), &ctx, NID_authority_key_identifier, "keyid:always"));
  if (X509_sign(cert.get(), issuer_key, EVP_sha256()) <= 0) {
    return OpensslError("cannot sign the certificate of " + request.common_name);
  }
  return cert;
}

}  // namespace seattest
