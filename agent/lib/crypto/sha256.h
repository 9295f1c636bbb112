// Streaming SHA-256 (libcrypto's, SHA-NI on x86-64 and CPACF on s390x).
#pragma once

#include <cstddef>

#include "core/bytes.h"
#include "core/result.h"
#include "crypto/ossl.h"

namespace seattest {

class Sha256 {
 public:
  static Result<Sha256> Create();
  void Update(const void* data, std::size_t size);
  // The digest of everything given to Update; the object is spent afterwards, until Reset.
  Sha256Digest Finish();
  // Starts anew, as Create() would (after Finish: one context hashes many chunks).
  void Reset();

 private:
  explicit Sha256(EvpMdCtxPtr ctx) : ctx_(std::move(ctx)) {}
  EvpMdCtxPtr ctx_;
};

Sha256Digest Sha256Of(const void* data, std::size_t size);
inline Sha256Digest Sha256Of(std::string_view s) { return Sha256Of(s.data(), s.size()); }
inline Sha256Digest Sha256Of(const Bytes& b) { return Sha256Of(b.data(), b.size()); }

// Constant-time comparison of two digests.
bool DigestsEqual(const Sha256Digest& a, const Sha256Digest& b);

}  // namespace seattest
