#include "solver/flood_maps.hpp"

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
  const Real nan = std::numeric_limits<Real>::quiet_NaN();
  max_depth.assign(n, 0);
  max_speed.assign(n, 0);
  max_water_level.assign(n, nan);
  time_of_max_depth.assign(n, nan);
  arrival_time.assign(n, nan);
  flood_duration.assign(n, 0);
  max_hazard.assign(n, 0);
}

namespace {

/// The maps of one run of cells (pointers at its first cell). Branch-free (every map is stored
/// back, changed or not) so that the loop vectorises, the square root and the divide on whole
/// vectors. Each select picks exactly the value the cell-by-cell form stores (hazard_rating,
/// the NaN tests included), so the maps are bitwise those of that form
/// (tests/unit/test_flood_maps.cpp).
// The pointers are parameters (not members of a struct copied to locals) so that GCC honours
// __restrict: with 12 streams, run-time alias checks would exceed its limit and stop the
// vectoriser.
[[gnu::noinline]] void update_row(int n, const Real* __restrict h, const Real* __restrict qx,
                                  const Real* __restrict qy, const Real* __restrict z,
                                  const std::uint8_t* __restrict mask, Real* __restrict md,
                                  Real* __restrict ms, Real* __restrict mwl, Real* __restrict tmd,
                                  Real* __restrict arr, Real* __restrict dur, Real* __restrict mhr,
                                  Real dry, Real t, Real dt, Real thr, Real df) {
  for (int i = 0; i < n; ++i) {
    const bool active = mask[i] == cell_active;
    const Real d = h[i];
    const bool wet = d > dry;
    const Real q = std::sqrt(qx[i] * qx[i] + qy[i] * qy[i]);
    const Real speed = wet ? q / (wet ? d : Real(1)) : Real(0);
    const bool deeper = active & (d > md[i]);
    md[i] = deeper ? d : md[i];
    tmd[i] = deeper ? t : tmd[i];
    const Real wl = d + z[i];
    mwl[i] = active & wet & !(wl <= mwl[i]) ? wl : mwl[i];
    ms[i] = active & (speed > ms[i]) ? speed : ms[i];
    const Real hr = hazard_rating(d, speed, df);
    mhr[i] = active & (hr > mhr[i]) ? hr : mhr[i];
    const bool flooded = active & (d > thr);
    arr[i] = flooded & std::isnan(arr[i]) ? t : arr[i];
    dur[i] = flooded ? dur[i] + dt : dur[i];
  }
}

}  // namespace

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
#pragma omp parallel for schedule(static)
  for (int j = 0; j < g.ny; ++j) {
    // Only the wet columns: a cell with h = qx = qy = 0 changes no map (its speed, hazard and
    // depth are 0, no more than the maxima, which start at 0).
    const auto [first, last] = sim.wet_columns(j);
    if (!(first < last)) continue;
    const auto k = static_cast<std::size_t>(g.index(first, j));
    update_row(last - first, h + k, qx + k, qy + k, z + k, mask + k, max_depth.data() + k,
               max_speed.data() + k, max_water_level.data() + k, time_of_max_depth.data() + k,
               arrival_time.data() + k, flood_duration.data() + k, max_hazard.data() + k, dry, t,
               dt, threshold_, debris_factor_);
  }
}

}  // namespace floodtwin::solver
