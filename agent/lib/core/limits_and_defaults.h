// Every limit and default that more than one part of se-attest relies on, in one place: the
// agent, seal, verify and the host command read them from here, never write them again.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace seattest {

// --- Where things are, in the initrd and on the host ------------------------------------------
inline constexpr std::string_view kDefaultConfigPath = "/etc/se-attest/agent.yaml";
inline constexpr std::string_view kDefaultSysinfoPath = "/proc/sysinfo";
// The ultravisor's word on whether this is a Secure Execution guest.
inline constexpr std::string_view kProtVirtGuestPath = "/sys/firmware/uv/prot_virt_guest";
// The agent's run-time folder in the initrd: mount points (under it), the output folder and the
// kept copy of root.tar.gz that units/se-attest-root unpacks the real root from.
inline constexpr std::string_view kRunDir = "/run/se-attest";
inline constexpr std::string_view kDefaultOutputDir = "/run/se-attest/hyperprotect";
inline constexpr std::string_view kDefaultTarballCopy = "/run/se-attest/root.tar.gz";
inline constexpr std::string_view kDefaultCidataSpec = "LABEL=cidata";
// Where the real root shows the output folder (read-only), relative to the real root.
inline constexpr std::string_view kRecordMountPoint = "var/hyperprotect";
// The encrypted root disk (seal --root-disk), opened as /dev/mapper/<kRootDiskMapping> by
// se-attest-root.
inline constexpr std::string_view kRootDiskMapping = "se-attest-rootfs";

// --- Keys ---------------------------------------------------------------------------------------
// The root disk's volume key: 512 bits, aes-xts-plain64 with two AES-256 keys (cryptsetup makes it
// from the kernel's CSPRNG). Its one keyslot's passphrase, made by se-attest-root from the same
// source and erased with the keyslot once the disk is open, is as long.
inline constexpr int kRootDiskKeyBits = 512;
inline constexpr std::size_t kRootDiskPassphraseBytes = kRootDiskKeyBits / 8;
// What LUKS2 keeps before the data (cryptsetup's default data offset: the header, its copy and
// the keyslot area).
inline constexpr std::uint64_t kLuks2HeaderBytes = 16u << 20;
inline constexpr int kAttestationKeyBits = 4096;  // exactly: the record's signature is RSA-4096
// The least RSA size of every other key: the contract key, contract signing keys, and every key
// a token or the record is encrypted for.
inline constexpr int kMinRsaKeyBits = 2048;
inline constexpr int kMinRecipientKeyBits = kMinRsaKeyBits;
inline constexpr int kMinSigningKeyBits = kMinRsaKeyBits;
// The encryption's time grows with the modulus (about its cube): the host's lever on boot time.
// 16384 is also OpenSSL's own limit (OPENSSL_RSA_MAX_MODULUS_BITS), above which it refuses to
// encrypt at all.
inline constexpr int kMaxRecipientKeyBits = 16384;

// --- Sizes of what the host controls -------------------------------------------------------------
inline constexpr std::size_t kMaxCidataFileSize = 8u << 20;  // each cidata file
// The image's SBOM (seal --sbom): the agent holds it in memory to copy it into the output folder.
inline constexpr std::size_t kMaxSbomSize = 32u << 20;
// The whole cidata device: its three files at their limit and a filesystem around them. A larger
// device is refused before it is read: the host must not choose how long the boot hashes.
inline constexpr std::uint64_t kMaxCidataDeviceSize = 64u << 20;
inline constexpr std::size_t kMaxConfigSize = 1u << 20;   // agent.yaml, se-version, se-commit-id
inline constexpr std::size_t kMaxSysinfoSize = 1u << 20;
inline constexpr std::size_t kMaxPublicKeyFileSize = 64u << 10;  // a PEM public key or certificate
// The most user-data.decrypted may hold for a contract of `user_data_size` bytes: a token's
// plaintext is 3/4 of the token, and a literal block adds 4 bytes a line. The agent refuses a
// contract whose user-data.decrypted would be larger, and `se-attest verify` refuses a larger one
// before parsing it, so what the agent signs is always what its verifier reads (in bounded time:
// 8 MiB and 16 MiB of plain scalars parse in about 4 s).
constexpr std::size_t MaxDecryptedContractSize(std::size_t user_data_size) { return 2 * user_data_size + (64u << 10); }

}  // namespace seattest
