#include "app/output.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "platform/errno_text.h"
#include "platform/file_io.h"

namespace seattest {

const std::vector<std::string>& OutputFileNames() {
  static const std::vector<std::string> kNames = {
      std::string(kRecordFile), std::string(kEncryptedRecordFile), std::string(kSignatureFile),
      "se-version", "se-commit-id", "cidata/meta-data", "cidata/user-data", "cidata/vendor-data",
      "user-data.decrypted", "attestationPublicKey", "README"};
  return kNames;
}

Status ClearOutputFolder(const std::string& dir) {
  for (const std::string& name : OutputFileNames()) {
    SEA_RETURN_IF_ERROR(RemoveIfExists(dir + "/" + name));
    // ... and the temporary file of a run killed before its rename (it may hold a plaintext record).
    SEA_RETURN_IF_ERROR(RemoveIfExists(TempPathFor(dir, name)));
  }
  rmdir((dir + "/cidata").c_str());  // only if empty
  return {};
}

Status WriteOutputFolder(const std::string& dir, const std::vector<OutputFile>& files) {
  std::vector<std::string> written;
  auto undo = [&](const Error& e) -> Status {
    std::for_each(written.rbegin(), written.rend(), [](const std::string& path) { unlink(path.c_str()); });
    rmdir((dir + "/cidata").c_str());
    return e;
  };
  if (auto made = MakeDirs(dir, 0755); !made) return made;
  if (chmod(dir.c_str(), 0755) != 0) return MakeError("chmod " + dir + ": " + ErrnoText(errno));
  for (const OutputFile& f : files) {
    if (f.name.find('/') != std::string::npos) {
      if (auto made = MakeDirs(dir + "/" + DirName(f.name), 0755); !made) return undo(made.error());
    }
    if (auto w = WriteFileAtomic(dir, f.name, f.content, f.mode); !w) return undo(w.error());
    written.push_back(dir + "/" + f.name);
  }
  if (auto s = SyncDir(dir + "/cidata"); !s && access((dir + "/cidata").c_str(), F_OK) == 0) return undo(s.error());
  if (auto s = SyncDir(dir); !s) return undo(s.error());
  return {};
}

std::string OutputReadme(bool encrypted) {
  std::string r =
      "This folder is the attestation record of this instance, written at boot by se-attest-agent\n"
      "from the initrd, before the root filesystem was entered.\n"
      "\n";
  r += encrypted
           ? "  se-checksums.txt.enc  the record, encrypted for the contract's attestationPublicKey\n"
             "                        (hyper-protect-basic token; decrypt with the matching private key:\n"
             "                        se-attest decrypt --key KEY se-checksums.txt.enc)\n"
           : "  se-checksums.txt      the record: image version, machine, and SHA-256 lines\n";
  r +=
      "  se-signature.bin      RSA-4096 PKCS#1 v1.5 signature over SHA-256 of the plaintext record,\n"
      "                        by the attestation key of the image\n"
      "  se-version            the image version\n"
      "  se-commit-id          the commit the image was built from\n"
      "  cidata/               the cloud-init files exactly as measured\n"
      "  user-data.decrypted   the contract with its encrypted sections decrypted\n";
  if (encrypted) r += "  attestationPublicKey  the public key the record is encrypted for\n";
  r +=
      "\n"
      "To check the record:\n"
      "  openssl x509 -pubkey -noout -in attestation.crt > attestation.pub\n"
      "  openssl dgst -sha256 -verify attestation.pub -signature se-signature.bin se-checksums.txt\n"
      "  sha256sum cidata/* attestationPublicKey   (compare with the record's lines)\n";
  if (encrypted) {
    r += "(decrypt se-checksums.txt.enc first; the signature is over the plaintext record)\n";
  }
  return r;
}

}  // namespace seattest
