#include "solver/flood_maps.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "solver/error.hpp"

namespace floodtwin::solver {

FloodMaps::FloodMaps(const Grid& grid, Real threshold, Real debris_factor)
    : grid_(grid), threshold_(threshold), debris_factor_(debris_factor) {
  if (!(threshold > 0 && std::isfinite(threshold))) {
    std::ostringstream msg;
    msg << "flood threshold: expected a positive depth [m], got " << threshold;
    throw ConfigError(msg.str());
  }
  if (!(debris_factor >= 0 && std::isfinite(debris_factor))) {
    std::ostringstream msg;
    msg << "debris factor: expected a value >= 0, got " << debris_factor;
    throw ConfigError(msg.str());
  }
  const std::size_t n = grid.padded_size();
  max_depth.resize(n);
  max_speed.resize(n);
  max_water_level.resize(n);
  time_of_max_depth.resize(n);
  arrival_time.resize(n);
  flood_duration.resize(n);
  max_hazard.resize(n);
  reset();
}

void FloodMaps::reset() {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  // The grid's kept rows (Grid::kept_rows; every row in one process): under a decomposition
  // the others are never written here and take no memory (field_memory.hpp).
  const auto [first, end] = grid_.kept_offsets();
  const auto a = static_cast<std::ptrdiff_t>(first);
  const auto b = static_cast<std::ptrdiff_t>(end);
  auto fill = [&](auto& field, auto value) {
    std::fill(field.begin() + a, field.begin() + b, value);
  };
  fill(max_depth, Real(0));
  fill(max_speed, 0.0F);
  fill(max_water_level, nan);
  fill(time_of_max_depth, nan);
  fill(arrival_time, nan);
  fill(flood_duration, Real(0));
  fill(max_hazard, 0.0F);
}

void FloodMaps::update(const Simulation& sim, Real dt) {
  const Grid& g = sim.grid();
  if (g.nx != grid_.nx || g.ny != grid_.ny) {
    throw InputError("flood maps: the simulation grid does not match the maps' grid");
  }
  const Real* h = sim.h();
  const Real* qx = sim.qx();
  const Real* qy = sim.qy();
  const Real* z = sim.z();
  const std::uint8_t* mask = sim.mask();
  const Real dry = sim.config().dry_depth;
  const Real t = sim.time();
#pragma omp parallel for num_threads(sim.step_threads()) schedule(dynamic, 8)
  for (int j = 0; j < g.ny; ++j) {
    const std::ptrdiff_t base = g.index(0, j);
    // Only the wet columns: a cell with h = qx = qy = 0 changes no map (its speed, hazard and
    // depth are 0, no more than the maxima, which start at 0).
    sim.for_each_wet_run(j, [&](int first, int last) {
      update_run(static_cast<std::size_t>(base), first, last, mask + base, h + base, qx + base,
                 qy + base, z + base, dry, t, dt);
    });
  }
  if (sim.channels() != nullptr) update_channels(sim, dt);
}

void FloodMaps::update_channels(const Simulation& sim, Real dt) {
  // The river of each channel cell (depth above the channel bed), in a pass of its own: a
  // channel cell holds water while its 2D depth, all the loop above sees, is 0. The loop has
  // already counted the duration of a cell whose 2D depth is above the threshold.
  const Real* h = sim.h();
  const Real dry = sim.config().dry_depth;
  const Real t = sim.time();
  for (const ChannelCellOutput& c : sim.channel_outputs()) {
    const auto k = static_cast<std::size_t>(c.k);
    const Real d = c.depth;
    if (d > max_depth[k]) {
      max_depth[k] = d;
      time_of_max_depth[k] = static_cast<float>(t);
    }
    if (d > dry && !(c.level <= max_water_level[k]))
      max_water_level[k] = static_cast<float>(c.level);
    if (c.speed > max_speed[k]) max_speed[k] = static_cast<float>(c.speed);
    const Real hr = hazard_rating(d, c.speed, debris_factor_);
    if (hr > max_hazard[k]) max_hazard[k] = static_cast<float>(hr);
    if (d > threshold_) {
      if (std::isnan(arrival_time[k])) arrival_time[k] = static_cast<float>(t);
      if (!(h[k] > threshold_)) flood_duration[k] += dt;
    }
  }
}

}  // namespace floodtwin::solver
