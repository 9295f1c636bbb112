// The hashing core against its limit (Google Benchmark): libcrypto's SHA-256 on buffers in
// memory is the ceiling; HashPath over a file in the page cache should come within a few percent
// of it, and the one-thread "read, then hash" loop the agent used before shows what the reader
// thread buys; sha256-4m with 1, 2 and 4 hashing threads shows what the parallel engine buys.
// Run by tests/bench/run.sh; docs/performance.md has the figures.
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "crypto/sha256.h"
#include "platform/hash_path.h"

namespace seattest {
namespace {

// The file the path benchmarks read: SE_ATTEST_BENCH_FILE, or 256 MiB made once in /var/tmp.
const std::string& BenchFile() {
  static const std::string path = [] {
    // Read once, before any benchmark starts a thread.
    if (const char* f = std::getenv("SE_ATTEST_BENCH_FILE")) return std::string(f);  // NOLINT(concurrency-mt-unsafe)
    std::string p = "/var/tmp/se-attest-bench-hash.bin";
    if (access(p.c_str(), R_OK) != 0) {
      int fd = open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
      std::vector<std::uint8_t> block(1 << 20);
      std::uint64_t x = 0x9e3779b97f4a7c15ull;
      for (int i = 0; i < 256 && fd >= 0; ++i) {
        for (auto& b : block) {
          x ^= x << 13, x ^= x >> 7, x ^= x << 17;
          b = static_cast<std::uint8_t>(x);
        }
        if (write(fd, block.data(), block.size()) != static_cast<ssize_t>(block.size())) break;
      }
      if (fd >= 0) close(fd);
    }
    return p;
  }();
  return path;
}

std::int64_t FileSize(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 ? st.st_size : 0;
}

// The ceiling: SHA-256 of a buffer already in memory, in blocks of `range(0)` bytes.
void BM_Sha256InMemory(benchmark::State& state) {
  std::vector<std::uint8_t> data(64u << 20, 0x5a);
  const std::size_t block = static_cast<std::size_t>(state.range(0));
  for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores): Google Benchmark's loop idiom
    auto sha = Sha256::Create();
    for (std::size_t off = 0; off < data.size(); off += block) sha->Update(data.data() + off, block);
    benchmark::DoNotOptimize(sha->Finish());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(data.size()));
}
BENCHMARK(BM_Sha256InMemory)->Arg(64 << 10)->Arg(1 << 20)->Unit(benchmark::kMillisecond)->UseRealTime();

// What the agent did before the reader thread: read 1 MiB, hash it, repeat, on one thread.
void BM_ReadThenHashOneThread(benchmark::State& state) {
  const std::string& path = BenchFile();
  std::unique_ptr<std::uint8_t[]> buf(new std::uint8_t[1 << 20]);
  for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores): Google Benchmark's loop idiom
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    auto sha = Sha256::Create();
    for (ssize_t n = read(fd, buf.get(), 1 << 20); n > 0; n = read(fd, buf.get(), 1 << 20)) {
      sha->Update(buf.get(), static_cast<std::size_t>(n));
    }
    close(fd);
    benchmark::DoNotOptimize(sha->Finish());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * FileSize(path));
}
BENCHMARK(BM_ReadThenHashOneThread)->Unit(benchmark::kMillisecond)->UseRealTime();

// HashPath: a reader thread and a ring of `range(1)` buffers of `range(0)` bytes.
void BM_HashPath(benchmark::State& state) {
  const std::string& path = BenchFile();
  HashOptions how;
  how.chunk = static_cast<std::size_t>(state.range(0));
  how.buffers = static_cast<std::size_t>(state.range(1));
  for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores): Google Benchmark's loop idiom
    auto d = HashPath(path, how);
    if (!d) {
      state.SkipWithError(d.error().message.c_str());
      break;
    }
    benchmark::DoNotOptimize(d->digest);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * FileSize(path));
}
BENCHMARK(BM_HashPath)
    ->ArgsProduct({{64 << 10, 256 << 10, 1 << 20, 4 << 20}, {2, 3, 4}})
    ->ArgNames({"chunk", "buffers"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// sha256-4m alone (core/root_digest.h) by `range(0)` hashing threads beside one reader: the
// parallel engine (1: the sequential reader and hashing thread of the flat hash).
void BM_HashPathSha256_4m(benchmark::State& state) {
  const std::string& path = BenchFile();
  HashOptions how;
  how.sha256 = false;
  how.sha256_4m = true;
  how.threads = static_cast<unsigned>(state.range(0));
  for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores): Google Benchmark's loop idiom
    auto d = HashPath(path, how);
    if (!d) {
      state.SkipWithError(d.error().message.c_str());
      break;
    }
    benchmark::DoNotOptimize(d->sha256_4m);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * FileSize(path));
}
BENCHMARK(BM_HashPathSha256_4m)->Arg(1)->Arg(2)->Arg(4)->ArgName("threads")->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace seattest

BENCHMARK_MAIN();
