// Helpers shared by the unit tests: fixture paths, whole-file reads and writes, temporary folders
// and the committed test keys. Header-only; test code only.
#pragma once

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "core/contract.h"
#include "crypto/keys.h"
#include "crypto/ossl.h"
#include "crypto/token.h"

namespace seattest::test {

// tests/fixtures/<relative>
inline std::string FixturePath(std::string_view relative) {
  return std::string(SE_ATTEST_FIXTURES) + "/" + std::string(relative);
}

// The shared folder beside the checkout (interop vectors): <shared>/<relative>
inline std::string SharedPath(std::string_view relative) {
  return std::string(SE_ATTEST_SHARED) + "/" + std::string(relative);
}

// The whole file, byte for byte; a test failure (and "") when it cannot be read.
inline std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ADD_FAILURE() << "cannot read " << path;
    return {};
  }
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline std::string Fixture(std::string_view relative) { return ReadText(FixturePath(relative)); }

inline void WriteText(const std::string& path, std::string_view data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
  out.close();
  if (!out) ADD_FAILURE() << "cannot write " << path;
}

inline bool Exists(const std::string& path) {
  struct stat st {};
  return lstat(path.c_str(), &st) == 0;
}

// The permission bits of `path`, or -1 when it does not exist.
inline int ModeOf(const std::string& path) {
  struct stat st {};
  if (lstat(path.c_str(), &st) != 0) return -1;
  return static_cast<int>(st.st_mode & 07777);
}

// Every regular file under `dir`, relative to it ("cidata/user-data"); empty when `dir` is missing.
inline std::set<std::string> FilesUnder(const std::string& dir) {
  std::set<std::string> out;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file()) out.insert(std::filesystem::relative(it->path(), dir).string());
  }
  return out;
}

// A fresh folder under the test temporary folder, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string pattern = ::testing::TempDir();
    if (pattern.empty() || pattern.back() != '/') pattern += '/';
    pattern += "se-attest-test-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) ADD_FAILURE() << "mkdtemp " << pattern;
    path_ = pattern;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  // path()/relative
  std::string Sub(std::string_view relative) const { return path_ + "/" + std::string(relative); }

 private:
  std::string path_;
};

// A test name part from a fixture name or any text: letters and digits kept, the rest '_'.
inline std::string ParamName(std::string_view text) {
  std::string out;
  for (char c : text) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    out += alnum ? c : '_';
  }
  return out.empty() ? "empty" : out;
}

// The committed test keys (tests/fixtures/keys, see README.txt there).
inline EvpPkeyPtr TestPrivateKey(std::string_view name) {
  auto key = PrivateKeyFromPem(Fixture(std::string("keys/") + std::string(name)), name);
  if (!key) {
    ADD_FAILURE() << key.error().message;
    return nullptr;
  }
  return std::move(*key);
}

inline EvpPkeyPtr TestPublicKey(std::string_view name) {
  auto key = PublicKeyFromPem(Fixture(std::string("keys/") + std::string(name)), name);
  if (!key) {
    ADD_FAILURE() << key.error().message;
    return nullptr;
  }
  return std::move(*key);
}

// Decrypts contract tokens with the committed test contract key, as the agent does; counts calls.
// A passphrase source that answers `passphrase` (or fails with `error`) and records the keys
// it was asked for.
class FakePassphrase final : public PassphraseSource {
 public:
  explicit FakePassphrase(std::string passphrase) : passphrase_(std::move(passphrase)) {}
  Result<SecretBytes> Get(std::string_view key_name) override {
    asked.emplace_back(key_name);
    if (!error.empty()) return MakeError(error);
    SecretBytes out(passphrase_.size());
    std::copy(passphrase_.begin(), passphrase_.end(), out.data());
    return out;
  }
  std::vector<std::string> asked;
  std::string error;

 private:
  std::string passphrase_;
};

class ContractKeyDecryptor {
 public:
  ContractKeyDecryptor() : key_(TestPrivateKey("contract.key")) {}
  TokenDecryptor Get() {
    return [this](std::string_view token) -> Result<std::string> {
      ++calls_;
      auto plain = DecryptToken(key_.get(), token);
      if (!plain) return plain.error();
      return std::string(plain->view());
    };
  }
  int calls() const { return calls_; }

 private:
  EvpPkeyPtr key_;
  int calls_ = 0;
};

}  // namespace seattest::test
