#include "host/keygen.h"

#include "crypto/certs.h"
#include "crypto/keys.h"
#include "platform/atomic_write.h"
#include "platform/folders.h"

namespace seattest {

Result<std::vector<std::string>> Keygen(const std::string& dir, int key_bits) {
  SEA_RETURN_IF_ERROR(MakeDirs(dir, 0755));
  SEA_ASSIGN_OR_RETURN(EvpPkeyPtr root_key, GenerateRsaKey(key_bits));
  SEA_ASSIGN_OR_RETURN(EvpPkeyPtr intermediate_key, GenerateRsaKey(key_bits));
  SEA_ASSIGN_OR_RETURN(EvpPkeyPtr attestation_key, GenerateRsaKey(key_bits));
  SEA_ASSIGN_OR_RETURN(EvpPkeyPtr contract_key, GenerateRsaKey(key_bits));

  SEA_ASSIGN_OR_RETURN(X509Ptr root, IssueCertificate({"se-attest development root CA", CertProfile::kRootCa, 3650},
                                                      root_key.get(), nullptr, root_key.get()));
  SEA_ASSIGN_OR_RETURN(X509Ptr intermediate,
                       IssueCertificate({"se-attest development intermediate CA", CertProfile::kIntermediateCa, 1825},
                                        intermediate_key.get(), root.get(), root_key.get()));
  SEA_ASSIGN_OR_RETURN(X509Ptr attestation,
                       IssueCertificate({"se-attest development attestation", CertProfile::kSigning, 825},
                                        attestation_key.get(), intermediate.get(), intermediate_key.get()));
  SEA_ASSIGN_OR_RETURN(X509Ptr contract,
                       IssueCertificate({"se-attest development contract encryption", CertProfile::kEncryption, 825},
                                        contract_key.get(), intermediate.get(), intermediate_key.get()));

  std::vector<std::string> written;
  auto write_cert = [&](const char* name, const X509* cert) -> Status {
    SEA_ASSIGN_OR_RETURN(std::string pem, CertificatePem(cert));
    SEA_RETURN_IF_ERROR(WriteFileAtomic(dir, name, pem, 0644));
    written.push_back(dir + "/" + name);
    return {};
  };
  auto write_key = [&](const char* name, const EVP_PKEY* key) -> Status {
    SEA_ASSIGN_OR_RETURN(SecretBytes pem, PrivateKeyPem(key));
    SEA_RETURN_IF_ERROR(WriteFileAtomic(dir, name, pem.view(), 0600));
    written.push_back(dir + "/" + name);
    return {};
  };
  SEA_RETURN_IF_ERROR(write_cert("root-ca.crt", root.get()));
  SEA_RETURN_IF_ERROR(write_cert("intermediate-ca.crt", intermediate.get()));
  SEA_RETURN_IF_ERROR(write_key("attestation.key", attestation_key.get()));
  SEA_RETURN_IF_ERROR(write_cert("attestation.crt", attestation.get()));
  SEA_RETURN_IF_ERROR(write_key("contract.key", contract_key.get()));
  SEA_RETURN_IF_ERROR(write_cert("contract.crt", contract.get()));
  return written;
}

}  // namespace seattest
