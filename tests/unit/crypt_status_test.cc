// `cryptsetup status` read back (core/crypt_status.h): the live device against what se-attest-root
// formatted. The flow's use of it: real_root_test OpenedDeviceNotAsFormattedIsRefusedBeforeUse.
#include "core/crypt_status.h"

#include <gtest/gtest.h>

#include <string>

namespace seattest {
namespace {

// cryptsetup 2.6.1's output for the demo's root disk, --disable-keyring.
const std::string kStatus =
    "/dev/mapper/se-attest-rootfs is active and is in use.\n"
    "  type:    LUKS2\n"
    "  cipher:  aes-xts-plain64\n"
    "  keysize: 512 bits\n"
    "  key location: dm-crypt\n"
    "  device:  /dev/vda2\n"
    "  sector size:  4096\n"
    "  offset:  32768 sectors\n"
    "  size:    98304 sectors\n"
    "  mode:    read/write\n";

TEST(CryptStatusTest, FieldsTrimmed) {
  const auto f = ParseCryptStatus(kStatus);
  EXPECT_EQ(f.at("cipher"), "aes-xts-plain64");
  EXPECT_EQ(f.at("sector size"), "4096");
  EXPECT_EQ(f.at("key location"), "dm-crypt");
  EXPECT_EQ(f.count("/dev/mapper/se-attest-rootfs is active and is in use."), 0u);
}

TEST(CryptStatusTest, TheFormattedDevicePasses) { EXPECT_TRUE(CheckRootDiskStatus(kStatus, "/dev/vda2").ok()); }

TEST(CryptStatusTest, AnyOtherValueFailsNamingIt) {
  struct Case {
    std::string from, to, message;
  };
  for (const Case& c : {
           Case{"aes-xts-plain64", "cipher_null-ecb", "the opened device's cipher is 'cipher_null-ecb', not 'aes-xts-plain64'"},
           Case{"512 bits", "0 bits", "the opened device's keysize is '0 bits', not '512 bits'"},
           Case{"/dev/vda2", "/dev/vda1", "the opened device's device is '/dev/vda1', not '/dev/vda2'"},
           Case{"32768 sectors", "4096 sectors", "the opened device's offset is '4096 sectors', not '32768 sectors'"},
           Case{"  type:    LUKS2\n", "", "the opened device's type is nothing, not 'LUKS2'"},
       }) {
    std::string text = kStatus;
    text.replace(text.find(c.from), c.from.size(), c.to);
    auto s = CheckRootDiskStatus(text, "/dev/vda2");
    ASSERT_FALSE(s.ok()) << c.to;
    EXPECT_EQ(s.error().message, c.message);
  }
  EXPECT_FALSE(CheckRootDiskStatus("", "/dev/vda2").ok());
}

}  // namespace
}  // namespace seattest
