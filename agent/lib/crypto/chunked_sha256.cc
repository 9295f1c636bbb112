#include "crypto/chunked_sha256.h"

#include <algorithm>
#include <utility>

#include "core/hex.h"
#include "core/root_digest.h"

namespace seattest {

Result<ChunkedSha256> ChunkedSha256::Create() {
  SEA_ASSIGN_OR_RETURN(Sha256 list, Sha256::Create());
  SEA_ASSIGN_OR_RETURN(Sha256 chunk, Sha256::Create());
  return ChunkedSha256(std::move(list), std::move(chunk));
}

void ChunkedSha256::AddChunk(const Sha256Digest& chunk_sha256) {
  const std::string line = ToHex(chunk_sha256) + "\n";
  list_.Update(line.data(), line.size());
}

void ChunkedSha256::Update(const void* data, std::size_t size) {
  const auto* p = static_cast<const std::uint8_t*>(data);
  while (size > 0) {
    const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(size, kDigestChunkSize - in_chunk_));
    chunk_.Update(p, take);
    in_chunk_ += take;
    p += take;
    size -= take;
    if (in_chunk_ == kDigestChunkSize) {
      AddChunk(chunk_.Finish());
      chunk_.Reset();
      in_chunk_ = 0;
    }
  }
}

Sha256Digest ChunkedSha256::Finish() {
  if (in_chunk_ > 0) AddChunk(chunk_.Finish());
  in_chunk_ = 0;
  return list_.Finish();
}

Sha256Digest ChunkedSha256Of(const void* data, std::size_t size) {
  auto c = ChunkedSha256::Create();
  if (!c) return {};
  c->Update(data, size);
  return c->Finish();
}

}  // namespace seattest
