#include "platform/read_ahead.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "platform/thread.h"

namespace seattest {

Result<std::unique_ptr<ReadAhead>> ReadAhead::Start(int fd, std::size_t chunk, std::size_t count,
                                                    bool drop_behind) {
  std::unique_ptr<ReadAhead> r(new ReadAhead(fd, chunk, count, drop_behind));
  for (auto& b : r->buffers_) {
    b = AllocateAligned(chunk);
    if (!b) return MakeError("out of memory for the read buffers");
  }
  auto thread = StartThread([p = r.get()] { p->ReadAll(); }, "the reader thread");
  if (thread) r->thread_ = std::move(*thread);
  r->inline_ = !thread;  // no thread to be had: Next() reads, one chunk at a time
  return r;
}

ReadAhead::~ReadAhead() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::optional<ReadAhead::Chunk> ReadAhead::Next() {
  if (inline_) {
    if (ended_) return std::nullopt;
    int error = 0;
    const std::size_t got = ReadChunk(0, inline_offset_, &error);
    if (error != 0) {
      error_number_ = error;
      error_offset_ = inline_offset_ + got;
    }
    inline_offset_ += got;
    if (error != 0 || got < chunk_) ended_ = true;
    if (error != 0 || got == 0) return std::nullopt;
    return Chunk{buffers_[0].get(), got};
  }
  std::unique_lock lock(mutex_);
  if (holding_) {
    holding_ = false;
    --filled_;
    ++read_slot_;
    changed_.notify_all();
  }
  changed_.wait(lock, [this] { return filled_ > 0 || ended_; });
  if (filled_ == 0) return std::nullopt;
  holding_ = true;
  const std::size_t slot = read_slot_ % buffers_.size();
  return Chunk{buffers_[slot].get(), sizes_[slot]};
}

std::size_t ReadAhead::ReadChunk(std::size_t slot, std::uint64_t offset, int* error) {
  std::size_t got = 0;
  // Whole chunks; a short read means the end.
  while (got < chunk_) {
    ssize_t n = read(fd_, buffers_[slot].get() + got, chunk_ - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      *error = errno;
      break;
    }
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  drop_.Read(offset + got);
  return got;
}

void ReadAhead::ReadAll() {
  std::uint64_t offset = 0;
  for (std::size_t slot_index = 0;; ++slot_index) {
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [this] { return filled_ < buffers_.size() || stop_; });
      if (stop_) return;
    }
    // This slot is the reader's alone until it is counted as filled.
    const std::size_t slot = slot_index % buffers_.size();
    int error = 0;
    const std::size_t got = ReadChunk(slot, offset, &error);
    std::lock_guard lock(mutex_);
    if (error != 0) {
      error_number_ = error;
      error_offset_ = offset + got;
    }
    if (got > 0 && error == 0) {
      sizes_[slot] = got;
      ++filled_;
    }
    offset += got;
    if (error != 0 || got < chunk_) {
      ended_ = true;
      changed_.notify_all();
      return;
    }
    changed_.notify_all();
  }
}

}  // namespace seattest
