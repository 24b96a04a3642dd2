#include "terrain/conditioning.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <queue>
#include <sstream>
#include <stdexcept>
#include <utility>

namespace floodtwin::terrain {

namespace {

void check_size(std::size_t size, int nx, int ny) {
  if (nx <= 0 || ny <= 0 || size != static_cast<std::size_t>(nx) * static_cast<std::size_t>(ny)) {
    throw std::invalid_argument("DEM conditioning: expected " + std::to_string(nx) + " x " +
                                std::to_string(ny) + " elevations, got " + std::to_string(size));
  }
}

}  // namespace

std::string ConditioningReport::summary() const {
  std::ostringstream s;
  s << depressions_filled << " depressions filled, " << cells_raised << " cells raised by up to "
    << max_raise << " m, " << volume << " m3 of storage removed";
  if (depressions_kept > 0) {
    s << "; " << depressions_kept << " deeper or larger depressions kept (deepest "
      << kept_max_depth << " m)";
  }
  return s.str();
}

std::vector<Real> spill_levels(std::span<const Real> z, int nx, int ny) {
  check_size(z.size(), nx, ny);
  const auto n = z.size();
  std::vector<Real> w(n, std::numeric_limits<Real>::quiet_NaN());
  std::vector<std::uint8_t> closed(n, 0);
  using Item = std::pair<Real, std::size_t>;  // (level, cell): ties popped by cell index
  std::priority_queue<Item, std::vector<Item>, std::greater<>> open;
  const auto active = [&](int i, int j) {
    return i >= 0 && i < nx && j >= 0 && j < ny &&
           !std::isnan(z[static_cast<std::size_t>(j) * static_cast<std::size_t>(nx) +
                         static_cast<std::size_t>(i)]);
  };
  constexpr int di[4] = {1, -1, 0, 0};
  constexpr int dj[4] = {0, 0, 1, -1};
  for (int j = 0; j < ny; ++j) {
    for (int i = 0; i < nx; ++i) {
      const std::size_t c = static_cast<std::size_t>(j) * static_cast<std::size_t>(nx) +
                            static_cast<std::size_t>(i);
      if (std::isnan(z[c])) continue;
      bool outlet = false;
      for (int k = 0; k < 4; ++k) outlet = outlet || !active(i + di[k], j + dj[k]);
      if (outlet) {
        w[c] = z[c];
        closed[c] = 1;
        open.emplace(z[c], c);
      }
    }
  }
  while (!open.empty()) {
    const auto [level, c] = open.top();
    open.pop();
    const int i = static_cast<int>(c % static_cast<std::size_t>(nx));
    const int j = static_cast<int>(c / static_cast<std::size_t>(nx));
    for (int k = 0; k < 4; ++k) {
      if (!active(i + di[k], j + dj[k])) continue;
      const std::size_t m = static_cast<std::size_t>(j + dj[k]) * static_cast<std::size_t>(nx) +
                            static_cast<std::size_t>(i + di[k]);
      if (closed[m] != 0) continue;
      closed[m] = 1;
      w[m] = std::max(z[m], level);
      open.emplace(w[m], m);
    }
  }
  return w;
}

ConditioningReport fill_depressions(std::span<Real> z, int nx, int ny, double dx, double dy,
                                    const ConditioningOptions& options) {
  check_size(z.size(), nx, ny);
  if (!(dx > 0 && dy > 0)) throw std::invalid_argument("DEM conditioning: cell size must be > 0");
  const std::vector<Real> w = spill_levels(z, nx, ny);
  const double area = dx * dy;
  ConditioningReport report;
  std::vector<std::uint8_t> seen(z.size(), 0);
  std::vector<std::size_t> members, stack;
  const auto in_depression = [&](std::size_t c) { return !std::isnan(z[c]) && w[c] > z[c]; };
  for (std::size_t start = 0; start < z.size(); ++start) {
    if (seen[start] != 0 || !in_depression(start)) continue;
    // Gather the depression (4-connected cells with W > z; they share one W).
    members.clear();
    stack.assign(1, start);
    seen[start] = 1;
    double depth = 0, volume = 0;
    while (!stack.empty()) {
      const std::size_t c = stack.back();
      stack.pop_back();
      members.push_back(c);
      depth = std::max(depth, static_cast<double>(w[c] - z[c]));
      volume += static_cast<double>(w[c] - z[c]) * area;
      const int i = static_cast<int>(c % static_cast<std::size_t>(nx));
      const int j = static_cast<int>(c / static_cast<std::size_t>(nx));
      const std::pair<int, int> nb[4] = {{i + 1, j}, {i - 1, j}, {i, j + 1}, {i, j - 1}};
      for (const auto& [a, b] : nb) {
        if (a < 0 || a >= nx || b < 0 || b >= ny) continue;
        const std::size_t m = static_cast<std::size_t>(b) * static_cast<std::size_t>(nx) +
                              static_cast<std::size_t>(a);
        if (seen[m] == 0 && in_depression(m)) {
          seen[m] = 1;
          stack.push_back(m);
        }
      }
    }
    if (depth > options.max_depth || volume > options.max_volume) {
      ++report.depressions_kept;
      report.kept_max_depth = std::max(report.kept_max_depth, depth);
      continue;
    }
    ++report.depressions_filled;
    report.cells_raised += members.size();
    report.max_raise = std::max(report.max_raise, depth);
    report.volume += volume;
    for (const std::size_t c : members) z[c] = w[c];
  }
  return report;
}

}  // namespace floodtwin::terrain
