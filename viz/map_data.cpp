#include "viz/map_data.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "solver/row_source.hpp"

namespace floodtwin::viz {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

/// Interior values of a padded field, NaN where the cell is inactive. Under a decomposition
/// rank 0 holds a stripe of rows at a time (solver/row_source.hpp).
template <class T>
std::vector<double> interior(const solver::Simulation& sim, const T* padded) {
  const solver::Grid& g = sim.grid();
  std::vector<double> out(g.cell_count());
  for (int j0 = 0; j0 < g.ny; j0 += solver::held_stripe_rows) {
    const int j1 = std::min(g.ny, j0 + solver::held_stripe_rows);
    const solver::HeldRows held(g, j0, j1, {padded});
    for (int j = j0; j < j1; ++j) {
      for (int i = 0; i < g.nx; ++i) {
        const auto c = static_cast<std::size_t>(j) * static_cast<std::size_t>(g.nx) +
                       static_cast<std::size_t>(i);
        out[c] = sim.is_active(i, j) ? static_cast<double>(padded[g.index(i, j)]) : nan;
      }
    }
  }
  return out;
}

template <class T>
std::vector<double> interior(const solver::Simulation& sim, const solver::Field<T>& v) {
  return interior(sim, v.data());
}

/// A copy of an interior field (nx * ny) with NaN in inactive cells.
std::vector<double> masked(const solver::Simulation& sim, const std::vector<solver::Real>& v) {
  const solver::Grid& g = sim.grid();
  std::vector<double> out(v.begin(), v.end());
  for (int j = 0; j < g.ny; ++j) {
    for (int i = 0; i < g.nx; ++i) {
      if (!sim.is_active(i, j)) out[static_cast<std::size_t>(j * g.nx + i)] = nan;
    }
  }
  return out;
}

}  // namespace

Basin basin_of(const solver::Simulation& sim, const std::string& crs_wkt) {
  Basin b;
  b.grid = sim.grid();
  b.crs_wkt = crs_wkt;
  b.elevation = masked(sim, sim.elevation());
  return b;
}

Snapshot snapshot_of(const solver::Simulation& sim) {
  Snapshot s;
  s.time = static_cast<double>(sim.time());
  s.depth = masked(sim, sim.depth());
  s.water_level = masked(sim, sim.water_level());
  s.velocity_x = masked(sim, sim.velocity_x());
  s.velocity_y = masked(sim, sim.velocity_y());
  return s;
}

PeakMaps peak_maps_of(const solver::FloodMaps& maps, const solver::Simulation& sim) {
  PeakMaps p;
  p.max_depth = interior(sim, maps.max_depth);
  p.max_speed = interior(sim, maps.max_speed);
  p.max_water_level = interior(sim, maps.max_water_level);
  p.time_of_max_depth = interior(sim, maps.time_of_max_depth);
  p.arrival_time = interior(sim, maps.arrival_time);
  p.flood_duration = interior(sim, maps.flood_duration);
  p.max_hazard = interior(sim, maps.max_hazard);
  return p;
}

std::string format_clock(double seconds) {
  const long long total = std::llround(seconds);
  const long long days = total / 86400;
  const long long rest = total % 86400;
  char buf[48];
  if (days > 0) {
    std::snprintf(buf, sizeof buf, "%lldd %02lld:%02lld:%02lld", days, rest / 3600, rest / 60 % 60,
                  rest % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld", rest / 3600, rest / 60 % 60, rest % 60);
  }
  return buf;
}

}  // namespace floodtwin::viz
