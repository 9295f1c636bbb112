#include "platform/key_file.h"

#include <optional>
#include <string_view>
#include <utility>

#include "platform/read_file.h"

namespace seattest {
namespace {

// Passes `inner`'s passphrase on and remembers that one was asked for: the key was encrypted.
class NoticingPassphrase final : public PassphraseSource {
 public:
  explicit NoticingPassphrase(PassphraseSource* inner) : inner_(inner) {}
  Result<SecretBytes> Get(std::string_view key_name) override {
    asked_ = true;
    return inner_->Get(key_name);
  }
  bool asked() const { return asked_; }

 private:
  PassphraseSource* inner_;
  bool asked_ = false;
};

}  // namespace

Result<PrivateKeyFile> ReadPrivateKeyFile(const std::string& path, int min_bits, int exact_bits,
                                          PassphraseSource* passphrase) {
  SEA_ASSIGN_OR_RETURN(SecretBytes pem, ReadSecretFile(path, kMaxKeyFileSize));
  std::optional<NoticingPassphrase> noticing;
  if (passphrase != nullptr) noticing.emplace(passphrase);
  SEA_ASSIGN_OR_RETURN(EvpPkeyPtr key, PrivateKeyFromPem(pem.view(), path, noticing ? &*noticing : nullptr));
  SEA_RETURN_IF_ERROR(RequireRsa(key.get(), min_bits, exact_bits, path));
  const bool was_encrypted = noticing && noticing->asked();
  if (was_encrypted) {
    SEA_ASSIGN_OR_RETURN(SecretBytes plain, PrivateKeyPem(key.get()));
    pem = std::move(plain);
  }
  return PrivateKeyFile{std::move(pem), std::move(key), was_encrypted};
}

}  // namespace seattest
