// Bytes that hold a secret (a private key's PEM, a password, an AES key): wiped with
// OPENSSL_cleanse when they go away, never copied implicitly.
#pragma once

#include <openssl/crypto.h>

#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

namespace seattest {

class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(std::size_t size) : data_(size) {}
  explicit SecretBytes(std::vector<std::uint8_t>&& data) : data_(std::move(data)) {}
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;
  SecretBytes(SecretBytes&& other) noexcept : data_(std::move(other.data_)) { other.data_.clear(); }
  SecretBytes& operator=(SecretBytes&& other) noexcept {
    if (this != &other) {
      Wipe();
      data_ = std::move(other.data_);
      other.data_.clear();
    }
    return *this;
  }
  ~SecretBytes() { Wipe(); }

  std::uint8_t* data() { return data_.data(); }
  const std::uint8_t* data() const { return data_.data(); }
  std::size_t size() const { return data_.size(); }
  bool empty() const { return data_.empty(); }
  // Shrinks without reallocating, wiping the tail.
  void Truncate(std::size_t size) {
    if (size < data_.size()) {
      OPENSSL_cleanse(data_.data() + size, data_.size() - size);
      data_.resize(size);
    }
  }
  std::string_view view() const { return {reinterpret_cast<const char*>(data_.data()), data_.size()}; }

 private:
  void Wipe() {
    if (!data_.empty()) OPENSSL_cleanse(data_.data(), data_.size());
  }
  std::vector<std::uint8_t> data_;
};

}  // namespace seattest
