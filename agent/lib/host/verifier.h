// The checks of `se-attest verify` (host/verify.h), private to it. One Verifier holds what the
// checks share (the auditor's inputs, the record, the report being written); its members are
// defined by check family, one file each:
//   host/verify.cc               Verify(): the checks in their order; helpers of every family
//   host/verify_inputs.cc        the auditor's inputs: certificates, CRLs, --key, reference.yaml
//   host/verify_record.cc        the record found and read, its syntax, the image kind; one record
//                                line compared with a digest from elsewhere
//   host/verify_decryption.cc    an encrypted record decrypted with --key, --record against the
//                                folder's, the key the record was made for (key binding)
//   host/verify_signature.cc     the signature and the certificate chain
//   host/verify_folder.cc        the folder's files against the record lines, user-data.decrypted
//   host/verify_reference.cc     reference.yaml from `se-attest seal`
//   host/verify_expectations.cc  what the auditor expects: --contract, --expect-cidata,
//                                --attestation-public-key, --machine
//   host/verify_profile.cc       the record profile (core/record_profile.h) and what only
//                                hpcr-2026 records hold: header lines, contract:* lines against
//                                user-data.decrypted, certificate_expiry_date.json, image age,
//                                the 25.x/26.x lines nothing checks, shown by name
// The folder's names and limits come from core/output_layout.h.
#pragma once

#include <openssl/evp.h>

#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/contract_sections.h"
#include "core/record.h"
#include "core/record_profile.h"
#include "core/reference.h"
#include "core/result.h"
#include "core/verify_report.h"
#include "crypto/ossl.h"
#include "host/verify.h"

namespace seattest::verify_detail {

// The most read of each of the auditor's own inputs (certificates, CRLs, keys, reference.yaml,
// expectations).
inline constexpr std::size_t kMaxFile = 16u << 20;

// "SHA256:<hex>" of a public key, or "(no fingerprint)".
std::string Fingerprint(const EVP_PKEY* key);
// Whether there is anything at `path` (a dangling symbolic link counts).
bool Exists(const std::string& path);
// One-line files of the folder (se-version, se-commit-id) hold the value and a newline, nothing else.
std::string WithoutFinalNewline(std::string_view text);
// The most the agent writes into the folder's file `name` (verify_folder.cc).
std::size_t FolderFileLimit(std::string_view name);

struct NamedCert {
  std::string path;
  X509Ptr cert;
};

// How a record names one of its two certificates (verify_profile.cc).
struct CertificateRole;

class Verifier {
 public:
  explicit Verifier(const VerifyOptions& o) : o_(o) {
    report_.subject = !o.folder.empty() ? o.folder : o.record_path;
  }

  // Every check, in the report's order.
  VerifyReport Run();

 private:
  // Which side of a comparison the record's line is: what a file must match (the record is the
  // signed claim), or what must match a value the auditor holds (reference, expectations).
  enum class RecordSide { kExpected, kActual };

  // --- verify_inputs.cc: inputs the auditor gave; unreadable or unparsable is bad input (exit 2)
  void InputError(const std::string& option, const std::string& message);
  std::optional<Bytes> ReadInput(const std::string& option, const std::string& path);
  void LoadCertificates(const std::string& option, const std::vector<std::string>& paths,
                        std::vector<NamedCert>& out);
  void LoadInputs();
  EVP_PKEY* ExpectedRecipient();

  // --- verify_record.cc: the record found, read, linted; its lines ----------------------------
  bool LoadRecord();
  void CheckSyntax();
  void CheckImageKind();
  bool IsDevelopment() const;
  const RecordEntry* Line(std::string_view name) const;
  // The line that names the record's recipient: attestationPublicKey, or in hpcr-2026 records
  // contract:attestationPublicKey (the same bytes hashed).
  std::string_view KeyLineName() const;
  // A check of the report names this record line (ListUncheckedLines shows the others).
  void Looked(std::string_view name) { looked_at_.insert(std::string(name)); }
  void CompareLine(Check c, std::string_view name, const Sha256Digest& other, const std::string& other_source,
                   RecordSide side);

  // --- verify_decryption.cc: the record's encryption ------------------------------------------
  void Decrypt();
  void CheckTokenPrefix();
  std::string RecordTokenPrefixName() const;
  void CheckPlainRecord(Check c);
  void CheckOwnDecryption(Check c);
  void CheckKeyBinding();
  void NoteUnclaimedRecipient(Check c);

  // --- verify_signature.cc: the signature and the certificate that made it --------------------
  void CheckSignature();
  void FindSigner(Check c, const Bytes& sig, const std::string& sig_path);
  void CheckCertificate();
  void CheckChain(const NamedCert& cert, Check chain);

  // --- verify_folder.cc: the folder's files ---------------------------------------------------
  std::string InFolder(std::string_view name) const;
  Result<Bytes> ReadFolderFile(std::string_view name) const;
  EVP_PKEY* FolderRecipient();
  void CheckFolderFiles();
  void FileAbsentInIbmLayout(Check c, std::string_view line_name);
  void CheckVersionFile();
  void CheckDecryptedContract(Check c, std::string_view decrypted);

  // --- verify_reference.cc: reference.yaml ----------------------------------------------------
  void CheckReference();
  void CheckReferenceImage(const std::string& src);
  void CheckReferenceCommitId(const std::string& src);
  void CheckReferenceContractSigningKeys();
  void CheckReferenceRealRoot();
  void CheckReferenceAttestationKey(const std::string& src);

  // --- verify_expectations.cc: what the auditor expects ---------------------------------------
  void CheckExpectations();
  void CheckExpectedCidata();
  void CheckExpectedAttestationKey();
  void CheckExpectedMachine();

  // --- verify_profile.cc: the record profile; what only hpcr-2026 records hold ----------------
  bool Is2026() const { return lint_ && profile_ == RecordProfile::kHpcr2026; }
  void CheckProfile();
  void CheckHeaderLines();
  void ShowUnknownHeaderLines();
  void CheckImageAge();
  const Result<std::vector<MeasuredSection>>* ContractSections();
  const MeasuredSection* ContractSection(std::string_view key);
  void CheckContractLines();
  void CheckCertificateExpiry();
  void CheckAttestationValidity();
  void CheckContractCertificate();
  void CompareStatedCertificate(Check c, const CertificateValidity& mine, const CertificateValidity* entry,
                                const std::optional<UnixTime>& until, const CertificateRole& role);
  void CheckReferenceProfile(const std::string& src);
  void CheckReferenceCertificates(const std::string& src);
  void ListUncheckedLines();

  const VerifyOptions& o_;
  VerifyReport report_;
  std::vector<NamedCert> certs_, chain_, cas_;
  std::vector<X509CrlPtr> crls_;
  EvpPkeyPtr key_;
  std::optional<Reference> reference_;
  std::string record_source_, record_file_;
  bool encrypted_ = false;
  // The folder's se-checksums.txt.enc when --record gave its plaintext (CheckOwnDecryption).
  std::string folder_token_;
  std::optional<std::string> plaintext_;
  std::optional<RecordLint> lint_;
  const NamedCert* signer_ = nullptr;
  EvpPkeyPtr folder_recipient_, expected_recipient_;
  bool folder_recipient_loaded_ = false, expected_recipient_loaded_ = false;
  bool record_in_folder_ = false;
  std::string folder_recipient_source_;
  // verify_profile.cc
  RecordProfile profile_ = RecordProfile::kHpcr2023;
  std::optional<NamedCert> contract_cert_;
  std::optional<std::int64_t> image_age_days_;
  std::optional<UnixTime> encryption_valid_until_, attestation_valid_until_;
  std::optional<CertificateExpiry> expiry_file_;  // certificate_expiry_date.json, when it parsed
  std::optional<Result<std::vector<MeasuredSection>>> sections_;
  bool sections_loaded_ = false;
  std::set<std::string, std::less<>> looked_at_;
};

}  // namespace seattest::verify_detail
