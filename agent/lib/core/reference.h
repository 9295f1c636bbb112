// reference.yaml, the expected values `se-attest seal` writes for auditors (docs/formats.md):
// read back by `se-attest verify`. Pure.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/bytes.h"
#include "core/result.h"

namespace seattest {

struct Reference {
  std::string image_version;
  std::string commit_id;
  std::map<std::string, Sha256Digest> measurements;  // record name -> digest (baseimage, root.tar.gz)
  std::optional<Sha256Digest> attestation_public_key_sha256;  // fingerprint of the signing key
};

// Errors name the file (`source`) and the key.
Result<Reference> ParseReference(std::string_view text, std::string_view source);

}  // namespace seattest
