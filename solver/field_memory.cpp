/// @file field_memory.cpp
/// Untouched zeroed memory for large fields (field_memory.hpp).
#include "solver/field_memory.hpp"

#include <sys/mman.h>

#include <atomic>

namespace floodtwin::solver {

namespace {
std::atomic<bool> sparse{false};
}  // namespace

void keep_fields_sparse() { sparse = true; }

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
