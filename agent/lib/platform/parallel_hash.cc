#include "platform/parallel_hash.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "core/root_digest.h"
#include "crypto/chunked_sha256.h"
#include "crypto/sha256.h"
#include "platform/aligned_buffer.h"
#include "platform/drop_behind.h"
#include "platform/thread.h"

namespace seattest {
namespace {

// One hashing thread: a ring of two read buffers that the reader fills and it hashes, and the
// digests of the chunks it finished, which the reader takes in order.
class Hasher {
 public:
  static Result<std::unique_ptr<Hasher>> Create(std::size_t piece) {
    SEA_ASSIGN_OR_RETURN(Sha256 sha, Sha256::Create());  // here: no allocation on the thread
    std::unique_ptr<Hasher> h(new Hasher(std::move(sha)));
    for (Slot& s : h->slots_) {
      s.buffer = AllocateAligned(piece);
      if (!s.buffer) return MakeError("out of memory for the read buffers");
    }
    return h;
  }
  Hasher(const Hasher&) = delete;
  Hasher& operator=(const Hasher&) = delete;
  ~Hasher() { Stop(); }

  Status Start() {
    SEA_ASSIGN_OR_RETURN(thread_, StartThread([this] { Run(); }, "a hashing thread"));
    return {};
  }

  // Reader side: a free buffer (waits for one).
  std::uint8_t* FreeBuffer() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return filled_ < slots_.size(); });
    return slots_[(next_hash_ + filled_) % slots_.size()].buffer.get();
  }
  // Reader side: the buffer FreeBuffer gave, holding `size` bytes, `ends_chunk` when they are
  // its chunk's last.
  void Post(std::size_t size, bool ends_chunk) {
    {
      std::lock_guard lock(mutex_);
      Slot& s = slots_[(next_hash_ + filled_) % slots_.size()];
      s.size = size;
      s.ends_chunk = ends_chunk;
      ++filled_;
    }
    changed_.notify_all();
  }
  // Reader side: the digest of this thread's oldest chunk not taken yet (waits for it).
  Sha256Digest TakeDigest() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return done_ > taken_; });
    const Sha256Digest d = digests_[taken_ % digests_.size()];
    ++taken_;
    changed_.notify_all();
    return d;
  }
  // Ends the thread (whatever it still holds is dropped) and joins it.
  void Stop() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    changed_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  struct Slot {
    AlignedBuffer buffer;
    std::size_t size = 0;
    bool ends_chunk = false;
  };

  explicit Hasher(Sha256 sha) : sha_(std::move(sha)) {}

  void Run() {
    for (;;) {
      const Slot* slot = nullptr;
      {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [this] { return filled_ > 0 || stop_; });
        if (stop_) return;
        slot = &slots_[next_hash_ % slots_.size()];
      }
      // The slot is this thread's until it is handed back below.
      sha_.Update(slot->buffer.get(), slot->size);
      Sha256Digest digest{};
      if (slot->ends_chunk) {
        digest = sha_.Finish();
        sha_.Reset();
      }
      std::unique_lock lock(mutex_);
      if (slot->ends_chunk) {
        // The reader takes each window's digests after the next window: at most two wait here.
        changed_.wait(lock, [this] { return done_ - taken_ < digests_.size() || stop_; });
        if (done_ - taken_ == digests_.size()) return;  // stopped
        digests_[done_ % digests_.size()] = digest;
        ++done_;
      }
      ++next_hash_;
      --filled_;
      lock.unlock();
      changed_.notify_all();
    }
  }

  Sha256 sha_;
  std::array<Slot, 2> slots_;
  std::array<Sha256Digest, 4> digests_{};
  std::thread thread_;

  std::mutex mutex_;
  std::condition_variable changed_;
  std::size_t next_hash_ = 0;  // the slot this thread hashes next (mod 2)
  std::size_t filled_ = 0;     // slots posted and not yet hashed
  std::uint64_t done_ = 0;     // chunks finished
  std::uint64_t taken_ = 0;    // their digests taken by the reader
  bool stop_ = false;
};

// A read buffer's share of kParallelHashBuffer: two per thread, whole pages, 64-256 KiB.
std::size_t PieceSize(unsigned threads) {
  std::size_t piece = kParallelHashBuffer / (2 * std::size_t{threads});
  piece = std::clamp<std::size_t>(piece - piece % kPageSize, 64u << 10, 256u << 10);
  return piece;
}

// Which chunks have a piece that on_chunk must see (read alone, on_chunk called in order): asked
// about chunks in ascending order (the same one may be asked again). Overlapping ranges (not the
// extents of files) could leave a chunk unmarked: ExtentPicker then fails on the skipped bytes.
class OrderedChunks {
 public:
  OrderedChunks(const HashOptions& options, std::uint64_t size)
      : all_(options.on_chunk && options.on_chunk_ranges.empty()),
        none_(!options.on_chunk),
        ranges_(options.on_chunk_ranges),
        size_(size) {
    std::sort(ranges_.begin(), ranges_.end(),
              [](const Extent& a, const Extent& b) { return a.physical + a.length < b.physical + b.length; });
  }
  bool operator()(std::uint64_t chunk) {
    if (all_ || none_) return all_;
    const std::uint64_t begin = chunk * kDigestChunkSize;
    const std::uint64_t end = std::min(size_, begin + kDigestChunkSize);
    // Ranges ending at or before this chunk end before every later chunk too. The ranges do not
    // overlap (extents of files), so the first one left is also the first to start.
    while (next_ < ranges_.size() && ranges_[next_].physical + ranges_[next_].length <= begin) ++next_;
    return next_ < ranges_.size() && ranges_[next_].physical < end;
  }

 private:
  const bool all_;
  const bool none_;
  std::vector<Extent> ranges_;  // by their end
  const std::uint64_t size_;
  std::size_t next_ = 0;
};

// `size` bytes at `offset` read whole: how many were read, fewer at the end or on an error (then
// `*error` is its errno).
std::int64_t ReadPiece(int fd, std::uint8_t* buffer, std::size_t size, std::uint64_t offset, int* error) {
  std::size_t got = 0;
  while (got < size) {
    const ssize_t n = pread(fd, buffer + got, size - got, static_cast<off_t>(offset + got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      *error = errno;
      break;
    }
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  return static_cast<std::int64_t>(got);
}

}  // namespace

Result<std::optional<ReadOutcome>> ReadInParallel(const std::string& path, int fd, bool block_device,
                                                  std::uint64_t size, const HashOptions& options,
                                                  unsigned threads) {
  const std::size_t piece = PieceSize(threads);
  std::vector<std::unique_ptr<Hasher>> hashers;
  for (unsigned i = 0; i < threads; ++i) {
    SEA_ASSIGN_OR_RETURN(std::unique_ptr<Hasher> h, Hasher::Create(piece));
    if (!h->Start()) break;  // fewer threads than asked: as many as there are
    hashers.push_back(std::move(h));
  }
  if (hashers.empty()) return std::optional<ReadOutcome>();
  const std::uint64_t n = hashers.size();
  SEA_ASSIGN_OR_RETURN(ChunkedSha256 list, ChunkedSha256::Create());

  OrderedChunks ordered(options, size);
  const std::uint64_t chunks = (size + kDigestChunkSize - 1) / kDigestChunkSize;
  auto chunk_end = [size](std::uint64_t k) { return std::min(size, (k + 1) * kDigestChunkSize); };
  // The window starting at chunk `first`: the chunks read together, [first, end); alone: one
  // chunk whose pieces go to on_chunk.
  struct Window {
    std::uint64_t end;
    bool alone;
  };
  auto window_at = [&](std::uint64_t first) {
    if (first >= chunks) return Window{first, false};
    if (ordered(first)) return Window{first + 1, true};
    std::uint64_t end = first + 1;
    while (end < chunks && end < first + n && !ordered(end)) ++end;
    return Window{end, false};
  };

  // The windows before the one being read are dropped from the page cache (a block device's).
  DropBehind drop(fd, block_device);
  ReadOutcome out;
  // Chunk k goes to thread k mod n: the threads that hashed a chunk (one for an empty file).
  out.hashing_threads = static_cast<unsigned>(std::clamp<std::uint64_t>(chunks, 1, n));
  std::uint64_t collected = 0;  // chunks whose digests are in `list`
  std::uint64_t first = 0;
  Window window = window_at(0);
  while (first < chunks) {
    const std::uint64_t last = window.end;
    const bool alone = window.alone;
    drop.Read(first * kDigestChunkSize);
    const Window next = window_at(last);
    bool short_read = false;
    for (std::uint64_t at = 0; at < kDigestChunkSize && !short_read; at += piece) {
      for (std::uint64_t k = first; k < last; ++k) {
        const std::uint64_t offset = k * kDigestChunkSize + at;
        if (offset >= chunk_end(k)) continue;  // the last chunk, shorter
        if (options.cancel != nullptr && options.cancel->load()) return MakeError("hashing " + path + ": stopped");
        const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(piece, chunk_end(k) - offset));
        Hasher& h = *hashers[k % n];
        std::uint8_t* buffer = h.FreeBuffer();
        int error = 0;
        const auto got = static_cast<std::size_t>(ReadPiece(fd, buffer, want, offset, &error));
        if (error != 0 || got < want) {
          // Pieces of this window before this one in the file may not be read yet: what was read
          // in order is the chunks before the window.
          out.error_number = error;
          out.error_offset = offset + got;
          short_read = true;
          break;
        }
        if (alone) SEA_RETURN_IF_ERROR(options.on_chunk(offset, buffer, got));
        h.Post(got, offset + got == chunk_end(k));
        out.read += got;
        if (options.progress) options.progress(out.read, size);
      }
    }
    if (short_read) {
      out.read = first * kDigestChunkSize;  // read in order: the chunks before the window
      if (out.error_number == 0) out.error_offset = 0;
      break;
    }
    // The window before this one is hashed by now or soon: its digests, in order.
    for (; collected < first; ++collected) list.AddChunk(hashers[collected % n]->TakeDigest());
    first = last;
    window = next;
  }
  if (first >= chunks) {
    drop.Read(size);
    // As the one-thread reader, which reads to the end: a byte past the size at the start is
    // more than that size (or a read error there, named as such).
    std::uint8_t probe = 0;
    int probe_error = 0;
    if (ReadPiece(fd, &probe, 1, size, &probe_error) > 0) out.more = true;
    if (probe_error != 0) {
      out.error_number = probe_error;
      out.error_offset = size;
    }
    for (; collected < chunks; ++collected) list.AddChunk(hashers[collected % n]->TakeDigest());
    out.sha256_4m = list.Finish();
  }
  return std::optional<ReadOutcome>(out);
}

}  // namespace seattest
