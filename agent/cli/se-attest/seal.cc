// se-attest seal: the agent's configuration and keys for the initrd, and reference values. Options here, the work in the library.
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/limits_and_defaults.h"
#include "core/record_profile.h"
#include "core/token_format.h"
#include "host/seal.h"
#include "platform/block_devices.h"
#include "platform/mount.h"
#include "platform/passphrase.h"
#include "verb.h"

namespace seattest {
namespace {

// The usage text; the defaults it names come from core/limits_and_defaults.h.
std::string SealUsage() {
  return std::string(
    "usage: se-attest seal --root IMAGE_OR_DEVICE --root-device SPEC --tarball PATH_IN_ROOT_FS\n"
    "                      (--baseimage FILE | --baseimage-sha256 HEX) --image-version V\n"
    "                      --commit-id ID --attestation-key KEY --contract-key KEY\n"
    "                      [--passin SOURCE]\n"
    "                      [--cidata-device SPEC] [--output-dir DIR] [--tarball-copy PATH]\n"
    "                      [--root-disk SPEC] [--development]\n"
    "                      [--contract-signing-key PUBLIC_KEY]...\n"
    "                      [--record-profile hpcr-2023|hpcr-2026] [--sbom PATH_IN_ROOT_FS]\n"
    "                      [--attestation-cert CERT] [--contract-cert CERT]\n"
    "                      [--build-time YYYY-MM-DDTHH:MM:SSZ]\n"
    "                      [--token-prefix hyper-protect-basic|contract-basic]\n"
    "                      [--root-digest sha256-4m|sha256]\n"
    "                      --out DIR\n"
    "\n"
    "Hashes the root partition (IMAGE_OR_DEVICE) and root.tar.gz inside its filesystem, and\n"
    "writes, laid out as files to add to the initrd:\n"
    "  DIR/etc/se-attest/agent.yaml        the agent's configuration\n"
    "  DIR/etc/se-attest/attestation.key   the RSA-4096 attestation key (0600)\n"
    "  DIR/etc/se-attest/contract.key      the contract decryption key (0600)\n"
    "  DIR/etc/se-attest/attestation.crt   their certificates (hpcr-2026)\n"
    "  DIR/etc/se-attest/contract.crt\n"
    "and DIR/reference.yaml, the expected values for auditors (not for the initrd).\n"
    "\n") +
    "  --record-profile P     the layout of the records the image writes (default " +
    std::string(RecordProfileName(kDefaultRecordProfile)) + "):\n"
    "                         hpcr-2023 as HPCR 23.x; hpcr-2026 as today's IBM runtime (image\n"
    "                         age, certificate validity, sbom and contract:* lines)\n"
    "  --attestation-cert CERT, --contract-cert CERT\n"
    "                         (hpcr-2026: required) the PEM certificates of --attestation-key\n"
    "                         and --contract-key, whose notAfter every record states; each must\n"
    "                         certify its key. A certificate expired at the build time is\n"
    "                         sealed with a warning\n"
    "  --sbom PATH_IN_ROOT_FS (hpcr-2026) the image's SBOM, an absolute path in the root\n"
    "                         filesystem like --tarball, at most " + std::to_string(kMaxSbomSize >> 20) + " MiB: the agent\n"
    "                         measures it at boot and copies it into its output folder\n"
    "  --build-time T         (hpcr-2026) when the image was built, which the records' image age\n"
    "                         counts from (default: SOURCE_DATE_EPOCH when set, else now)\n" + std::string(
    "  --token-prefix P       the prefix of the image's encrypted records (se-checksums.txt.enc):\n"
    "                         hyper-protect-basic (the default) as HPVS and HPCR write them,\n"
    "                         contract-basic as CCRT and CCRV do\n"
    "  --root-digest D        the root partition's digest the agent checks at boot: sha256-4m\n"
    "                         (the default; every CPU hashes a part) or sha256 (one SHA-256\n"
    "                         stream, as images sealed before sha256-4m). reference.yaml has both\n"
    "  --passin SOURCE        the passphrase of --attestation-key and --contract-key when they\n"
    "                         are encrypted (one for both): pass:TEXT, env:VAR, file:PATH, fd:N\n"
    "                         or stdin, as openssl takes them. Without it, asked for on the\n"
    "                         terminal (once per encrypted key) when stdin is one. The keys are\n"
    "                         sealed decrypted: nobody can type a passphrase at boot\n"
    "  --root-device SPEC     how the agent finds the root partition at boot: LABEL=, PARTLABEL=,\n"
    "                         UUID=, PARTUUID= or a path\n"
    "  --cidata-device SPEC   the cloud-init device (default LABEL=cidata)\n"
    "  --root-disk SPEC       the disk or partition that becomes the real root: at every boot,\n"
    "                         after the agent succeeded, the initrd formats it anew (LUKS2,\n"
    "                         aes-xts-plain64, a 512-bit key made in the guest and never kept)\n"
    "                         and unpacks the measured root.tar.gz into it; whatever it held is\n"
    "                         lost. Without it the real root is a tmpfs\n"
    "  --output-dir DIR       where the agent writes its record at boot (default\n"
    "                         ") + std::string(kDefaultOutputDir) + "); the initrd binds it read-only at\n"
    "                         /var/hyperprotect in the real root\n"
    "  --development          the image may boot outside Secure Execution (QEMU, tests), and every\n"
    "                         record it signs says it is a development image; without it the\n"
    "                         agent refuses to run unless /sys/firmware/uv/prot_virt_guest is 1.\n"
    "                         Keys sealed with it can be read by whoever has the image: they are\n"
    "                         burnt, never seal them into a production image (another keygen set)\n"
    "  --contract-signing-key PUBLIC_KEY\n"
    "                         (repeatable; PEM public key or certificate, RSA >= 2048 bits) the\n"
    "                         agent accepts only contracts whose envWorkloadSignature is made\n"
    "                         with one of these keys; unsigned contracts are refused too\n"
    "  --tarball-copy PATH    (absolute) where the agent keeps the root.tar.gz it measured, for the\n"
    "                         initrd to unpack the real root from (default\n"
    "                         " + std::string(kDefaultTarballCopy) + ")\n"
    "The initrd (se-attest-root) reads both paths from agent.yaml: any value boots.\n"
    "Mounting an image file needs root (a read-only loop device).\n";
}

}  // namespace

int SealVerb(const std::vector<std::string>& args) {
  const std::string usage = SealUsage();
  const char* const kSealUsage = usage.c_str();
  int code = kOk;
  auto parsed = Parse(args,
                      {{"root", true}, {"root-device", true}, {"tarball", true}, {"baseimage", true},
                       {"baseimage-sha256", true}, {"image-version", true}, {"commit-id", true},
                       {"attestation-key", true}, {"contract-key", true}, {"cidata-device", true},
                       {"output-dir", true}, {"tarball-copy", true}, {"root-disk", true}, {"development", false}, {"out", true},
                       {"contract-signing-key", true, true}, {"record-profile", true}, {"sbom", true},
                       {"attestation-cert", true}, {"contract-cert", true}, {"build-time", true},
                       {"token-prefix", true}, {"passin", true}, {"root-digest", true}},
                      kSealUsage, &code);
  if (!parsed) return code;
  if (!parsed->positional().empty()) return UsageError(kSealUsage, "unexpected argument '" + parsed->positional()[0] + "'");
  SealOptions o;
  for (auto [name, field] : {std::pair{"root", &o.root}, {"root-device", &o.root_device}, {"tarball", &o.tarball},
                             {"image-version", &o.image_version}, {"commit-id", &o.commit_id},
                             {"attestation-key", &o.attestation_key}, {"contract-key", &o.contract_key},
                             {"out", &o.out}}) {
    auto v = parsed->Get(name);
    if (!v) return UsageError(kSealUsage, std::string("missing --") + name);
    *field = *v;
  }
  o.baseimage_file = parsed->Get("baseimage");
  o.baseimage_sha256 = parsed->Get("baseimage-sha256");
  if (auto v = parsed->Get("cidata-device")) o.cidata_device = *v;
  if (auto v = parsed->Get("output-dir")) o.output_dir = *v;
  if (auto v = parsed->Get("tarball-copy")) o.tarball_copy = *v;
  if (auto v = parsed->Get("root-disk")) o.root_disk = *v;
  o.development = parsed->Has("development");
  o.contract_signing_keys = parsed->GetAll("contract-signing-key");
  if (o.baseimage_file.has_value() == o.baseimage_sha256.has_value()) {
    return UsageError(kSealUsage, "give exactly one of --baseimage and --baseimage-sha256");
  }
  if (auto v = parsed->Get("record-profile")) {
    auto profile = ParseRecordProfile(*v);
    if (!profile) return UsageError(kSealUsage, "--record-profile: " + profile.error().message);
    o.record_profile = *profile;
  }
  if (auto v = parsed->Get("token-prefix")) {
    auto prefix = ParseTokenPrefix(*v);
    if (!prefix) return UsageError(kSealUsage, "--token-prefix: " + prefix.error().message);
    o.token_prefix = *prefix;
  }
  if (auto v = parsed->Get("root-digest")) {
    auto digest = ParseRootDigest(*v);
    if (!digest) return UsageError(kSealUsage, "--root-digest: " + digest.error().message);
    o.root_digest = *digest;
  }
  if (auto v = parsed->Get("sbom")) o.sbom = *v;
  if (auto v = parsed->Get("attestation-cert")) o.attestation_cert = *v;
  if (auto v = parsed->Get("contract-cert")) o.contract_cert = *v;
  // Read before any thread starts; nothing here sets the environment.
  const char* epoch = std::getenv("SOURCE_DATE_EPOCH");  // NOLINT(concurrency-mt-unsafe): see above
  auto build_time = ResolveBuildTime(o.record_profile, parsed->Get("build-time"),
                                     epoch != nullptr ? std::optional<std::string>(epoch) : std::nullopt,
                                     static_cast<UnixTime>(std::time(nullptr)));
  if (!build_time) return Failed("seal: " + build_time.error().message);
  o.build_time = *build_time;
  auto passphrase = PassphraseSourceFor(parsed->Get("passin"));
  if (!passphrase) return UsageError(kSealUsage, passphrase.error().message);
  o.passphrase = passphrase->get();
  auto devices = MakeLibblkidDevices();
  auto mounter = MakeKernelMounter(std::string(kRunDir));
  auto result = seattest::Seal(o, *devices, *mounter);
  if (!result) return Failed("seal: " + result.error().message);
  for (const std::string& warning : result->warnings) {
    (void)std::fprintf(stderr, "se-attest seal: warning: %s\n", warning.c_str());
  }
  for (const std::string& note : result->notes) {
    (void)std::fprintf(stderr, "se-attest seal: note: %s\n", note.c_str());
  }
  std::printf("wrote %s\nwrote %s\n%s", result->config_path.c_str(), result->reference_path.c_str(),
              result->reference_text.c_str());
  return kOk;
}

}  // namespace seattest
