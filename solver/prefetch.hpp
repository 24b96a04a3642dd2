#pragma once
/// @file prefetch.hpp
/// Software prefetching of the cells a stage will visit next (private to solver/).
///
/// On a mostly dry grid a step updates short runs of wet cells scattered over many rows (in the
/// 30 m demo's recession about 21,000 runs of 4-5 cells per step). The hardware prefetchers
/// follow long sequential streams and do not foresee such runs, so each run's first touch of
/// every field (state, bed, Manning n, rain, loss state, flood maps) waits on memory. The stage
/// knows the next rows' column sets in advance and asks for their cache lines one row ahead.
#include <algorithm>
#include <cstddef>
#include <vector>

namespace floodtwin::solver {

class PrefetchStreams {
 public:
  /// Adds a field read at the visited cells (padded layout); null is skipped.
  template <class T>
  void add(const T* field) {
    if (field != nullptr) streams_.push_back({reinterpret_cast<const char*>(field), sizeof(T)});
  }
  /// Asks for the cache lines of cells [a, b) of every field, at most the first kMaxLines of
  /// each: past them the hardware prefetcher has caught a long span's stream. Always inlined:
  /// GCC finds that a call changes no memory (a prefetch does not count) and deletes it.
  [[gnu::always_inline]] void cells(std::ptrdiff_t a, std::ptrdiff_t b) const {
    for (const Stream& s : streams_) {
      const std::ptrdiff_t bytes = std::min((b - a) * s.size, kMaxLines * kLine);
      if (bytes <= 0) continue;
      const char* lo = s.data + a * s.size;
      // Line by line from the first cell's line to the last cell's (inclusive).
      for (std::ptrdiff_t c = 0; c < bytes; c += kLine) __builtin_prefetch(lo + c, 0, 2);
      __builtin_prefetch(lo + bytes - 1, 0, 2);
    }
  }

 private:
  static constexpr std::ptrdiff_t kLine = 64;
  static constexpr std::ptrdiff_t kMaxLines = 4;
  struct Stream {
    const char* data;
    std::ptrdiff_t size;
  };
  std::vector<Stream> streams_;
};

}  // namespace floodtwin::solver
