// sha256-4m (core/root_digest.h): the SHA-256 of the list of the 4 MiB chunks' SHA-256 digests,
// each as 64 lowercase hex digits and a line feed.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/bytes.h"
#include "core/result.h"
#include "crypto/sha256.h"

namespace seattest {

class ChunkedSha256 {
 public:
  static Result<ChunkedSha256> Create();

  // Streaming, any split: the bytes in order; a chunk's digest is taken every 4 MiB.
  void Update(const void* data, std::size_t size);
  // Or the chunks hashed elsewhere (in parallel): each chunk's SHA-256, in the chunks' order.
  // Not mixed with Update.
  void AddChunk(const Sha256Digest& chunk_sha256);
  // The digest; the object is spent afterwards.
  Sha256Digest Finish();

 private:
  ChunkedSha256(Sha256 list, Sha256 chunk) : list_(std::move(list)), chunk_(std::move(chunk)) {}
  Sha256 list_;   // over the hex lines
  Sha256 chunk_;  // over the current chunk's bytes (Update)
  std::uint64_t in_chunk_ = 0;
};

// sha256-4m of `size` bytes in memory (tests, small inputs).
Sha256Digest ChunkedSha256Of(const void* data, std::size_t size);

}  // namespace seattest
