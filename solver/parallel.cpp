#include "solver/parallel.hpp"

#include <omp.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <string>

#include "solver/error.hpp"

namespace floodtwin::solver {
namespace {

constexpr long long kNotSet = -1;
std::atomic<long long> g_set{kNotSet};  // set_min_cells_per_thread's value

std::size_t from_environment() {
  const char* text = std::getenv("FLOODTWIN_MIN_CELLS_PER_THREAD");
  if (text == nullptr || *text == '\0') return kDefaultMinCellsPerThread;
  errno = 0;
  char* end = nullptr;
  const long long v = std::strtoll(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || v < 0) {
    throw ConfigError(std::string("FLOODTWIN_MIN_CELLS_PER_THREAD: expected a non-negative "
                                  "integer (cells per thread, 0 for always all threads), got '") +
                      text + "'");
  }
  return static_cast<std::size_t>(v);
}

}  // namespace

std::size_t min_cells_per_thread() {
  const long long set = g_set.load(std::memory_order_relaxed);
  if (set != kNotSet) return static_cast<std::size_t>(set);
  static const std::size_t environment = from_environment();
  return environment;
}

void set_min_cells_per_thread(std::size_t cells) {
  g_set.store(static_cast<long long>(std::min<std::size_t>(cells, 1ULL << 62)),
              std::memory_order_relaxed);
}

int loop_threads(std::size_t cells, int rows) {
  const int all = std::min(omp_get_max_threads(), std::max(rows, 1));
  const std::size_t per = min_cells_per_thread();
  if (per == 0) return all;
  return static_cast<int>(std::clamp<std::size_t>(cells / per, 1, static_cast<std::size_t>(all)));
}

}  // namespace floodtwin::solver
