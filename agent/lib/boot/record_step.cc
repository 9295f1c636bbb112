#include "boot/record_step.h"

#include <utility>

#include "core/hex.h"
#include "core/output_layout.h"
#include "crypto/rsa.h"
#include "crypto/sha256.h"
#include "crypto/token.h"

namespace seattest {

Outcome<void> ClearOutput(const std::string& dir) {
  if (auto s = ClearOutputFolder(dir); !s) {
    return Fail(FailureClass::kOutput, "cannot clear the output folder: " + s.error().message, dir);
  }
  return {};
}

Outcome<Record> LayOutRecord(const AgentConfig& config, const std::string& machine,
                             const std::optional<CertificateExpiry>& certificates, UnixTime now,
                             std::vector<RecordEntry> entries) {
  RecordContent content;
  content.profile = config.record_profile;
  content.version = config.image_version;
  content.machine = machine;
  // An image sealed with --development says so in every record it signs.
  content.development_image = !config.require_secure_execution;
  if (config.record_profile == RecordProfile::kHpcr2026) {
    if (!certificates) return Fail(FailureClass::kRecord, "record: profile hpcr-2026 without the certificates");
    content.image_age_days = ImageAgeDays(config.build_time, now);
    content.encryption_not_after = certificates->encryption.not_after;
    content.attestation_not_after = certificates->attestation.not_after;
  }
  content.entries = std::move(entries);
  auto record = MakeProfileRecord(content);
  if (!record) return Fail(FailureClass::kRecord, record.error().message);
  return std::move(*record);
}

CertificateExpiryFile MakeCertificateExpiryFile(const CertificateExpiry& certificates) {
  std::string text = RenderCertificateExpiryJson(certificates);
  StepLine line = MeasuredLine(kNameCertificateExpiry, Sha256Of(text),
                               "the sealed certificates (encryption valid until " +
                                   FormatIso8601(certificates.encryption.not_after) + ", attestation valid until " +
                                   FormatIso8601(certificates.attestation.not_after) + ")");
  return {std::move(text), std::move(line)};
}

Outcome<SignedRecord> SignRecord(const Record& record, EVP_PKEY* attestation_key, EVP_PKEY* recipient,
                                 TokenPrefix token_prefix) {
  auto text = RenderRecord(record);
  if (!text) return Fail(FailureClass::kRecord, text.error().message);
  auto signature = SignSha256(attestation_key, *text);
  if (!signature) return Fail(FailureClass::kRecord, "signing the record: " + signature.error().message);
  SignedRecord signed_record{std::move(*text), std::move(*signature), std::nullopt};
  if (recipient != nullptr) {
    auto token = EncryptToken(recipient, signed_record.text, token_prefix);
    if (!token) return Fail(FailureClass::kRecord, "encrypting the record: " + token.error().message);
    signed_record.encrypted = std::move(*token);
  }
  return signed_record;
}

std::vector<OutputFile> OutputFiles(const AgentConfig& config, const CidataFiles& cidata, const Contract& contract,
                                    const ProfileFiles& profile_files, const SignedRecord& record) {
  std::vector<OutputFile> files = CidataOutputFiles(cidata);
  files.push_back(MakeOutputFile(OutputItem::kDecryptedContract, contract.decrypted_text));
  if (contract.attestation_public_key_pem) {
    files.push_back(MakeOutputFile(OutputItem::kAttestationPublicKey, *contract.attestation_public_key_pem));
  }
  if (profile_files.certificate_expiry) {
    files.push_back(MakeOutputFile(OutputItem::kCertificateExpiry, *profile_files.certificate_expiry));
  }
  if (profile_files.sbom) files.push_back(MakeOutputFile(OutputItem::kSbom, *profile_files.sbom));
  files.push_back(MakeOutputFile(OutputItem::kVersion, config.image_version + "\n"));
  files.push_back(MakeOutputFile(OutputItem::kCommitId, config.commit_id + "\n"));
  files.push_back(MakeOutputFile(OutputItem::kReadme, OutputReadme(record.encrypted.has_value(),
                                                                {profile_files.certificate_expiry.has_value(),
                                                                 profile_files.sbom.has_value()})));
  files.push_back(MakeOutputFile(OutputItem::kSignature, std::string(AsText(record.signature))));
  if (record.encrypted) {
    files.push_back(MakeOutputFile(OutputItem::kEncryptedRecord, *record.encrypted));
  } else {
    files.push_back(MakeOutputFile(OutputItem::kRecord, record.text));
  }
  return files;
}

Outcome<StepLine> WriteRecord(const std::string& dir, const std::vector<OutputFile>& files, const SignedRecord& record,
                              std::size_t measurements) {
  if (auto s = WriteOutputFolder(dir, files); !s) {
    return Fail(FailureClass::kOutput, "writing the output folder: " + s.error().message, dir);
  }
  const std::string path = dir + "/" + std::string(record.encrypted ? kEncryptedRecordFile : kRecordFile);
  const std::string digest = ToHex(Sha256Of(record.text));
  return InfoLine(message_id::kRecordWritten,
                  "record written to " + path + " (" + std::to_string(measurements) + " measurements, plaintext sha256 " +
                      digest + ")",
                  {{"SE_ATTEST_ITEM", path}, {"SE_ATTEST_ACTUAL", digest}});
}

}  // namespace seattest
