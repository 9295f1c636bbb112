#include "boot/output.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <utility>

#include "platform/atomic_write.h"
#include "platform/errno_text.h"
#include "platform/folders.h"
#include "platform/unique_fd.h"

namespace seattest {

OutputFile MakeOutputFile(OutputItem item, std::string content) {
  const OutputEntry& e = Output(item);
  return {std::string(e.name), std::move(content), static_cast<mode_t>(e.mode)};
}

const std::vector<std::string>& OutputFileNames() {
  static const std::vector<std::string> kNames = [] {
    std::vector<std::string> names;
    names.reserve(kOutputLayout.size());
    for (const OutputEntry& e : kOutputLayout) names.emplace_back(e.name);
    std::reverse(names.begin(), names.end());
    return names;
  }();
  return kNames;
}

namespace {

// The output folder's one subfolder; every other name is a file in the folder itself.
constexpr std::string_view kSubfolder = kOutputSubfolder;

// `name` of OutputFileNames(): in the subfolder ("cidata/user-data") or not.
bool InSubfolder(const std::string& name) { return name.find('/') != std::string::npos; }
std::string LastComponent(const std::string& name) { return name.substr(name.rfind('/') + 1); }

}  // namespace

// The folder is opened once, never followed if it is itself a symbolic link (the components of
// the configured path above it are followed: agent.yaml is trusted); everything below is done
// relative to its descriptor, and to the descriptor of `cidata` opened the same way, so no
// symbolic link planted in the folder (at `cidata`, at a file's name, at a temporary's name) is
// ever followed: such a link is unlinked like any older file of ours.
Status ClearOutputFolder(const std::string& dir) {
  SEA_ASSIGN_OR_RETURN(UniqueFd folder, OpenFolderNoFollow(dir, Create::kNo, 0755));
  if (folder.get() < 0) return {};  // no folder, nothing to clear
  const std::string sub_shown = dir + "/" + std::string(kSubfolder);
  // Not a folder at `cidata` (a symbolic link, a file): removed; the name is the agent's.
  SEA_ASSIGN_OR_RETURN(UniqueFd sub, OpenOwnedSubfolder(folder.get(), std::string(kSubfolder), Create::kNo, 0755, sub_shown));
  for (const std::string& name : OutputFileNames()) {
    const bool below = InSubfolder(name);
    if (below && sub.get() < 0) continue;
    const int at = below ? sub.get() : folder.get();
    const std::string base = LastComponent(name);
    SEA_RETURN_IF_ERROR(RemoveIfExistsAt(at, base, dir + "/" + name));
    // ... and the temporary file of a run killed before its rename (it may hold a plaintext record).
    SEA_RETURN_IF_ERROR(RemoveIfExistsAt(at, TempNameFor(base), TempPathFor(dir, name)));
  }
  if (sub.get() >= 0) unlinkat(folder.get(), std::string(kSubfolder).c_str(), AT_REMOVEDIR);  // only if empty
  return {};
}

Status WriteOutputFolder(const std::string& dir, const std::vector<OutputFile>& files) {
  SEA_ASSIGN_OR_RETURN(UniqueFd folder, OpenFolderNoFollow(dir, Create::kYes, 0755));
  if (fchmod(folder.get(), 0755) != 0) return MakeError("chmod " + dir + ": " + ErrnoText(errno));
  const std::string sub_name(kSubfolder);
  const std::string sub_shown = dir + "/" + sub_name;
  UniqueFd sub(-1);
  // What this run wrote: (in the subfolder?, last component).
  std::vector<std::pair<bool, std::string>> written;
  auto undo = [&](const Error& e) -> Status {
    std::for_each(written.rbegin(), written.rend(), [&](const std::pair<bool, std::string>& w) {
      unlinkat(w.first ? sub.get() : folder.get(), w.second.c_str(), 0);
    });
    unlinkat(folder.get(), sub_name.c_str(), AT_REMOVEDIR);  // only if empty
    return e;
  };
  for (const OutputFile& f : files) {
    const bool below = InSubfolder(f.name);
    if (below && DirName(f.name) != sub_name) return undo(MakeError(dir + "/" + f.name + ": not a name of the output folder"));
    if (below && sub.get() < 0) {
      auto opened = OpenOwnedSubfolder(folder.get(), sub_name, Create::kYes, 0755, sub_shown);
      if (!opened) return undo(opened.error());
      sub = std::move(*opened);
    }
    const std::string base = LastComponent(f.name);
    if (auto w = WriteFileAtomicAt(below ? sub.get() : folder.get(), base, f.content, f.mode, dir + "/" + f.name); !w) {
      return undo(w.error());
    }
    written.emplace_back(below, base);
  }
  if (sub.get() >= 0) {
    if (auto s = SyncFolder(sub.get(), sub_shown); !s) return undo(s.error());
  }
  if (auto s = SyncFolder(folder.get(), dir); !s) return undo(s.error());
  return {};
}

std::string OutputReadme(bool encrypted, ReadmeFiles with) {
  std::string r =
      "This folder is the attestation record of this instance, written at boot by se-attest-agent\n"
      "from the initrd, before the root filesystem was entered.\n"
      "\n";
  r += encrypted
           ? "  se-checksums.txt.enc  the record, encrypted for the contract's attestationPublicKey\n"
             "                        (a token, hyper-protect-basic or contract-basic as the image was\n"
             "                        sealed; decrypt with the matching private key:\n"
             "                        se-attest decrypt --key KEY se-checksums.txt.enc)\n"
           : "  se-checksums.txt      the record: image version, machine, and SHA-256 lines\n";
  r +=
      "  se-signature.bin      RSA-4096 PKCS#1 v1.5 signature over SHA-256 of the plaintext record,\n"
      "                        by the attestation key of the image\n"
      "  se-version            the image version\n"
      "  se-commit-id          the commit the image was built from\n"
      "  cidata/               the cloud-init files exactly as measured: trust these copies, never\n"
      "                        the cidata device (the host can change it at any time)\n"
      "  user-data.decrypted   the contract with its encrypted sections decrypted\n";
  if (encrypted) r += "  attestationPublicKey  the public key the record is encrypted for\n";
  if (with.certificate_expiry) {
    r += "  certificate_expiry_date.json  the image's encryption and attestation certificates: subject,\n"
         "                        SHA-256 fingerprint, notAfter\n";
  }
  if (with.sbom) r += "  sbom                  the image's software bill of materials, as measured in its root partition\n";
  r +=
      "\n"
      "To check the record:\n"
      "  openssl x509 -pubkey -noout -in attestation.crt > attestation.pub\n"
      "  openssl dgst -sha256 -verify attestation.pub -signature se-signature.bin se-checksums.txt\n"
      "  sha256sum cidata/* attestationPublicKey" +
      std::string(with.certificate_expiry ? " certificate_expiry_date.json" : "") + (with.sbom ? " sbom" : "") +
      "   (compare with the record's lines)\n";
  if (encrypted) {
    r += "(decrypt se-checksums.txt.enc first; the signature is over the plaintext record)\n";
  }
  return r;
}

}  // namespace seattest
