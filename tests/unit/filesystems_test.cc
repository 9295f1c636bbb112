// The filesystems cidata may hold and the ext4 superblocks the agent refuses (core/filesystems.h).
#include "core/filesystems.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace seattest {
namespace {

TEST(CidataFilesystemsTest, WhatCloudInitReadsAndExt4OnlyForDevelopment) {
  EXPECT_EQ(CidataFilesystems(false), (std::vector<std::string>{"iso9660", "vfat"}));
  EXPECT_EQ(CidataFilesystems(true), (std::vector<std::string>{"iso9660", "vfat", "ext4"}));
}

TEST(CidataFilesystemsTest, ProbedTypeOutsideTheListIsRefusedNamingDeviceAndType) {
  const auto production = CidataFilesystems(false);
  EXPECT_TRUE(CheckCidataFilesystem("/dev/vdb", "iso9660", production).ok());
  EXPECT_TRUE(CheckCidataFilesystem("/dev/vdb", "vfat", production).ok());
  auto ext4 = CheckCidataFilesystem("/dev/vdb", "ext4", production);
  ASSERT_FALSE(ext4.ok());
  EXPECT_EQ(ext4.error().message,
            "/dev/vdb: filesystem type 'ext4' is not one cidata is delivered on (iso9660, vfat; ext4 only in an "
            "image sealed with --development)");
  const auto development = CidataFilesystems(true);
  EXPECT_TRUE(CheckCidataFilesystem("/dev/loop3", "ext4", development).ok());
  for (const char* t : {"squashfs", "erofs", "ext3", "ext2", "btrfs", "xfs", "msdos", ""}) {
    auto s = CheckCidataFilesystem("/dev/loop3", t, development);
    ASSERT_FALSE(s.ok()) << t;
    EXPECT_EQ(s.error().message, "/dev/loop3: filesystem type '" + std::string(t) +
                                     "' is not one cidata is delivered on (iso9660, vfat, ext4)");
  }
}

// A superblock as mkfs.ext4 leaves it (magic, has_journal, journal inode 8), then changed.
class ExtSuperblockTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sb_.fill(0);
    Put(0x38, 0xef53, 2);
    Put(0x5c, 0x4 | 0x38, 4);     // has_journal, ext_attr, resize_inode, dir_index
    Put(0x60, 0x2 | 0x40, 4);     // filetype, extents
    Put(0xe0, 8, 4);              // s_journal_inum
  }
  void Put(std::size_t at, std::uint32_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) sb_[at + i] = static_cast<std::uint8_t>(v >> (8 * i));
  }
  Status Check() { return CheckExtSuperblock("/dev/loop3", sb_.data(), sb_.size()); }
  std::array<std::uint8_t, kExtSuperblockSize> sb_{};
};

TEST_F(ExtSuperblockTest, CleanFilesystemIsMounted) { EXPECT_TRUE(Check().ok()) << Check().error().message; }

TEST_F(ExtSuperblockTest, NoJournalAtAllIsFine) {
  Put(0x5c, 0x38, 4);
  Put(0xe0, 0, 4);
  EXPECT_TRUE(Check().ok());
}

TEST_F(ExtSuperblockTest, JournalThatNeedsRecoveryIsRefused) {
  Put(0x60, 0x2 | 0x40 | 0x4, 4);  // needs_recovery
  auto s = Check();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message,
            "/dev/loop3: the ext4 journal needs recovery (not cleanly unmounted): what the agent would read is not "
            "what a later mount shows once the journal is replayed");
}

TEST_F(ExtSuperblockTest, ExternalJournalIsRefused) {
  Put(0xe0, 0, 4);  // has_journal, but no journal inode: the journal is the device s_journal_dev
  Put(0xe4, 0x0700, 4);
  ASSERT_FALSE(Check().ok());
  EXPECT_EQ(Check().error().message, "/dev/loop3: the ext4 journal is on another device");
}

TEST_F(ExtSuperblockTest, JournalDeviceIsNoFilesystem) {
  Put(0x60, 0x8, 4);
  ASSERT_FALSE(Check().ok());
  EXPECT_EQ(Check().error().message, "/dev/loop3: an ext4 external journal, not a filesystem");
}

TEST_F(ExtSuperblockTest, WrongMagicOrShortReadIsRefused) {
  EXPECT_FALSE(CheckExtSuperblock("/dev/loop3", sb_.data(), 100).ok());
  Put(0x38, 0x53ef, 2);
  auto s = Check();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, "/dev/loop3: no ext2/3/4 superblock at byte 1024");
}

}  // namespace
}  // namespace seattest
