/// @file field_memory.cpp
/// Untouched zeroed memory for large fields (field_memory.hpp).
#include "solver/field_memory.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>

namespace floodtwin::solver {

namespace {
std::atomic<bool> sparse{false};
}  // namespace

void keep_fields_sparse() { sparse = true; }

void release_pages(void* field, std::size_t field_bytes, std::size_t begin, std::size_t end) {
  if (field_bytes < detail::mapped_bytes || end > field_bytes || begin >= end) return;
  static const auto page = static_cast<std::uintptr_t>(sysconf(_SC_PAGESIZE));
  const auto base = reinterpret_cast<std::uintptr_t>(field);
  const std::uintptr_t first = (base + begin + page - 1) / page * page;
  const std::uintptr_t last = (base + end) / page * page;
  if (last <= first) return;
  // Private anonymous pages: dropped, they read as zero on the next access (advice that
  // fails changes nothing: the values stay and only the memory is not returned).
  madvise(reinterpret_cast<void*>(first), last - first, MADV_DONTNEED);
}

namespace detail {

void* map_zeroed(std::size_t bytes) {
  // Anonymous private pages read as zero and become resident only when written.
  void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
#ifdef MADV_NOHUGEPAGE
  if (sparse) madvise(p, bytes, MADV_NOHUGEPAGE);  // advice: a failure changes nothing else
#endif
  return p;
}

void unmap(void* p, std::size_t bytes) noexcept { munmap(p, bytes); }

}  // namespace detail
}  // namespace floodtwin::solver
