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
      const std::size_t c =
          static_cast<std::size_t>(j) * static_cast<std::size_t>(nx) + static_cast<std::size_t>(i);
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

std::string BreachReport::summary() const {
  std::ostringstream o;
  o.precision(3);
  o << breaches << " depressions breached, " << cells_lowered << " cells lowered by up to "
    << max_cut << " m, " << volume << " m3 removed";
  if (not_breached > 0) o << "; " << not_breached << " not breachable within the limits";
  return o.str();
}

BreachReport breach_depressions(std::span<Real> z, int nx, int ny, double dx, double dy,
                                const BreachOptions& options) {
  if (nx <= 0 || ny <= 0 ||
      z.size() != static_cast<std::size_t>(nx) * static_cast<std::size_t>(ny)) {
    throw std::invalid_argument("breach_depressions: z must hold nx * ny values");
  }
  const std::size_t n = z.size();
  const double area = dx * dy;
  BreachReport r;
  std::vector<std::uint8_t> lowered(n, 0);
  std::vector<std::uint8_t> given_up(n, 0);  // lowest cells of depressions that failed
  for (int pass = 0; pass < 1000; ++pass) {
    const std::vector<Real> w = spill_levels(z, nx, ny);
    // Depressions: 4-connected cells with w > z and the same spill level.
    std::vector<long> label(n, -1);
    std::vector<std::size_t> lowest;
    for (std::size_t c = 0; c < n; ++c) {
      if (std::isnan(z[c]) || !(w[c] > z[c]) || label[c] >= 0) continue;
      const long id = static_cast<long>(lowest.size());
      std::size_t low = c;
      std::vector<std::size_t> stack{c};
      label[c] = id;
      while (!stack.empty()) {
        const std::size_t a = stack.back();
        stack.pop_back();
        if (z[a] < z[low]) low = a;
        const int i = static_cast<int>(a % static_cast<std::size_t>(nx));
        const int j = static_cast<int>(a / static_cast<std::size_t>(nx));
        const int di[4] = {1, -1, 0, 0}, dj[4] = {0, 0, 1, -1};
        for (int k = 0; k < 4; ++k) {
          const int ii = i + di[k], jj = j + dj[k];
          if (ii < 0 || jj < 0 || ii >= nx || jj >= ny) continue;
          const std::size_t b = static_cast<std::size_t>(jj) * static_cast<std::size_t>(nx) +
                                static_cast<std::size_t>(ii);
          if (label[b] >= 0 || std::isnan(z[b]) || !(w[b] > z[b]) || w[b] != w[a]) continue;
          label[b] = id;
          stack.push_back(b);
        }
      }
      lowest.push_back(low);
    }
    bool changed = false;
    for (std::size_t d = 0; d < lowest.size(); ++d) {
      const std::size_t pit = lowest[d];
      if (given_up[pit] != 0) continue;
      const double z0 = z[pit];
      // Least cut volume (at the pit's level), then fewest steps, to a draining cell at or
      // below the pit outside the depression.
      using Key = std::pair<double, long>;
      std::vector<Key> best(n, {std::numeric_limits<double>::infinity(), 0});
      std::vector<std::size_t> from(n, n);
      std::priority_queue<std::pair<Key, std::size_t>, std::vector<std::pair<Key, std::size_t>>,
                          std::greater<>>
          queue;
      best[pit] = {0.0, 0};
      queue.push({best[pit], pit});
      std::size_t target = n;
      const double max_steps = options.max_length / std::min(dx, dy) + 1;  // + the target
      while (!queue.empty()) {
        const auto [key, a] = queue.top();
        queue.pop();
        if (key > best[a]) continue;
        if (label[a] != static_cast<long>(d) && w[a] == z[a] && z[a] <= z0) {
          target = a;
          break;
        }
        if (key.first > options.max_volume || static_cast<double>(key.second) >= max_steps) {
          continue;
        }
        const int i = static_cast<int>(a % static_cast<std::size_t>(nx));
        const int j = static_cast<int>(a / static_cast<std::size_t>(nx));
        const int di[4] = {1, -1, 0, 0}, dj[4] = {0, 0, 1, -1};
        for (int k = 0; k < 4; ++k) {
          const int ii = i + di[k], jj = j + dj[k];
          if (ii < 0 || jj < 0 || ii >= nx || jj >= ny) continue;
          const std::size_t b = static_cast<std::size_t>(jj) * static_cast<std::size_t>(nx) +
                                static_cast<std::size_t>(ii);
          if (std::isnan(z[b])) continue;
          const double cut = z[b] - z0;
          if (cut > options.max_depth) continue;
          const Key next{key.first + std::max(0.0, cut) * area, key.second + 1};
          if (next < best[b]) {
            best[b] = next;
            from[b] = a;
            queue.push({next, b});
          }
        }
      }
      bool done = false;
      if (target != n) {
        std::vector<std::size_t> path;
        for (std::size_t c = target; c != pit; c = from[c]) path.push_back(c);
        path.push_back(pit);
        std::reverse(path.begin(), path.end());
        const double steps = static_cast<double>(path.size() - 1);
        const double z1 = z[target];
        // Exact limits on the even fall from z0 to z1 (the search used the pit's level).
        double cut_volume = 0, deepest = 0;
        for (std::size_t k = 1; k + 1 < path.size(); ++k) {
          const double level = z0 - (z0 - z1) * static_cast<double>(k) / steps;
          const double cut = std::max(0.0, z[path[k]] - level);
          cut_volume += cut * area;
          deepest = std::max(deepest, cut);
        }
        if (deepest <= options.max_depth && cut_volume <= options.max_volume &&
            (steps - 1) * std::min(dx, dy) <= options.max_length + 1e-9) {
          for (std::size_t k = 1; k + 1 < path.size(); ++k) {
            const std::size_t c = path[k];
            const double level = z0 - (z0 - z1) * static_cast<double>(k) / steps;
            if (z[c] > level) {
              r.max_cut = std::max(r.max_cut, z[c] - level);
              z[c] = static_cast<Real>(level);
              if (lowered[c] == 0) ++r.cells_lowered;
              lowered[c] = 1;
            }
          }
          r.volume += cut_volume;
          ++r.breaches;
          done = changed = true;
        }
      }
      if (!done) {
        given_up[pit] = 1;
        ++r.not_breached;
      }
    }
    if (!changed) break;
  }
  return r;
}

}  // namespace floodtwin::terrain
