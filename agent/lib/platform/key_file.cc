#include "platform/key_file.h"

#include "crypto/keys.h"
#include "platform/read_file.h"

namespace seattest {

Result<PrivateKeyFile> ReadPrivateKeyFile(const std::string& path, int min_bits, int exact_bits) {
  SEA_ASSIGN_OR_RETURN(SecretBytes pem, ReadSecretFile(path, kMaxKeyFileSize));
  SEA_ASSIGN_OR_RETURN(EvpPkeyPtr key, PrivateKeyFromPem(pem.view(), path));
  SEA_RETURN_IF_ERROR(RequireRsa(key.get(), min_bits, exact_bits, path));
  return PrivateKeyFile{std::move(pem), std::move(key)};
}

}  // namespace seattest
