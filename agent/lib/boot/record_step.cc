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

Outcome<SignedRecord> SignRecord(const Record& record, EVP_PKEY* attestation_key, EVP_PKEY* recipient) {
  auto text = RenderRecord(record);
  if (!text) return Fail(FailureClass::kRecord, text.error().message);
  auto signature = SignSha256(attestation_key, *text);
  if (!signature) return Fail(FailureClass::kRecord, "signing the record: " + signature.error().message);
  SignedRecord signed_record{std::move(*text), std::move(*signature), std::nullopt};
  if (recipient != nullptr) {
    auto token = EncryptToken(recipient, signed_record.text);
    if (!token) return Fail(FailureClass::kRecord, "encrypting the record: " + token.error().message);
    signed_record.encrypted = std::move(*token);
  }
  return signed_record;
}

std::vector<OutputFile> OutputFiles(const AgentConfig& config, const CidataFiles& cidata, const Contract& contract,
                                    const SignedRecord& record) {
  std::vector<OutputFile> files = CidataOutputFiles(cidata);
  files.push_back(MakeOutputFile(OutputItem::kDecryptedContract, contract.decrypted_text));
  if (contract.attestation_public_key_pem) {
    files.push_back(MakeOutputFile(OutputItem::kAttestationPublicKey, *contract.attestation_public_key_pem));
  }
  files.push_back(MakeOutputFile(OutputItem::kVersion, config.image_version + "\n"));
  files.push_back(MakeOutputFile(OutputItem::kCommitId, config.commit_id + "\n"));
  files.push_back(MakeOutputFile(OutputItem::kReadme, OutputReadme(record.encrypted.has_value())));
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
