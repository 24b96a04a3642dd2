#include "solver/decomposition.hpp"

#include <algorithm>
#include <sstream>
#include <stdexcept>

#include "solver/error.hpp"

namespace floodtwin::solver {

std::vector<int> split_rows(std::span<const double> weights, int parts, int min_rows) {
  const auto rows = static_cast<int>(weights.size());
  if (parts < 1 || min_rows < 1 || static_cast<long long>(rows) < 1LL * parts * min_rows) {
    std::ostringstream msg;
    msg << "decomposition: a grid of " << rows << " rows cannot be split over " << parts
        << " processes (each needs at least " << min_rows
        << " rows for the stencil); run on fewer processes";
    throw InputError(msg.str());
  }
  double total = 0;
  for (const double w : weights) total += w;
  std::vector<int> begins(static_cast<std::size_t>(parts) + 1, 0);
  begins.back() = rows;
  // Block p ends where the running weight first reaches (p + 1) / parts of the total, kept
  // between the minimum rows of the blocks before it and those after it.
  double running = 0;
  int j = 0;
  for (int p = 0; p + 1 < parts; ++p) {
    const double target = total * (p + 1) / parts;
    const int lo = begins[static_cast<std::size_t>(p)] + min_rows;
    const int hi = rows - (parts - 1 - p) * min_rows;
    while (j < rows && (j < lo || running + weights[static_cast<std::size_t>(j)] / 2 < target) &&
           j < hi) {
      running += weights[static_cast<std::size_t>(j)];
      ++j;
    }
    begins[static_cast<std::size_t>(p) + 1] = j;
  }
  return begins;
}

int Decomposition::owner(int j) const {
  const auto it = std::upper_bound(begins_.begin() + 1, begins_.end() - 1, j);
  return static_cast<int>(it - begins_.begin()) - 1;
}

void Decomposition::sum_rows(std::span<double> values, int per_row, std::span<double> totals) {
  const auto n = static_cast<std::size_t>(per_row);
  if (per_row < 1 || totals.size() != n || values.size() % n != 0) {
    throw std::invalid_argument("Decomposition::sum_rows: sizes do not match");
  }
  allgather_rows(values.data(), per_row);
  std::fill(totals.begin(), totals.end(), 0.0);
  for (std::size_t r = 0; r < values.size(); r += n) {
    for (std::size_t c = 0; c < n; ++c) totals[c] += values[r + c];
  }
}

}  // namespace floodtwin::solver
