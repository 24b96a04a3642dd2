#pragma once
/// @file flood_maps.hpp
/// Flood products accumulated every step (not only at output times): maximum depth, speed and
/// water level, time of maximum depth, arrival time and duration above a depth threshold, and
/// the maximum UK flood hazard rating HR = d (v + 0.5) + DF (Defra/EA FD2320, 2006), with the
/// debris factor DF = 0 for d <= 0.25 m, else `debris_factor` (default 1: the conservative
/// value for all land uses in FD2321).
///
/// Fields use the padded layout of grid.hpp. Never-reached times are NaN.
///
/// Storage (docs/solver.md, "Flood maps"): max_depth and flood_duration are Real; the other
/// five are float, the type the results file holds them in. A maximum and a first time
/// commute with rounding to float (rounding is monotonic), so each float map is bitwise the
/// double map rounded: the files are unchanged, and the maps take 36 instead of 56 bytes per
/// cell. max_depth stays Real because time_of_max_depth follows its comparisons, and
/// flood_duration because it is a sum.
#include <cmath>
#include <cstddef>
#include <vector>

#include "solver/decomposition.hpp"
#include "solver/simulation.hpp"

namespace floodtwin::solver {

/// UK flood hazard rating HR = d (v + 0.5) + DF, DF = 0 for d <= 0.25 m.
inline Real hazard_rating(Real depth, Real speed, Real debris_factor) {
  if (!(depth > 0)) return 0;
  return depth * (speed + Real(0.5)) + (depth > Real(0.25) ? debris_factor : Real(0));
}

class FloodMaps {
 public:
  /// @param threshold      depth above which a cell counts as flooded [m]
  /// @param debris_factor  DF of the hazard rating for depths above 0.25 m
  explicit FloodMaps(const Grid& grid, Real threshold = Real(0.1), Real debris_factor = Real(1));

  /// Folds in the state of `sim` at its current time, which the flood held for `dt` seconds
  /// (the step that just ended). Call after every step. On sub-grid channel cells the maps
  /// follow the river (Simulation::channel_outputs(): depth above the channel bed, the shared
  /// level, the channel's mean velocity); speed and hazard there are the larger of the
  /// river's and the 2D floodplain's.
  void update(const Simulation& sim, Real dt);
  /// Folds in the state before the first step (update(sim, 0)): a cell that starts at 1.6 m
  /// reports a peak of at least 1.6 m at the start time, and arrives at the start time when
  /// above the threshold. Call once, before stepping (not on a resume).
  void record_initial_state(const Simulation& sim) { update(sim, Real(0)); }
  /// Back to the maps before any update, in place (pointers into the maps stay valid).
  void reset();
  /// update's work on the cells [first, last) of a row whose fields are mask, h, qx, qy and z
  /// (column i at [i]; `base` the padded index of column 0) that are active (a cell with
  /// h = 0 changes no map), at time t after a step of dt (`dry`: the simulation's dry depth),
  /// in a loop that vectorises (masked stores: a map is written only where it changes). Rows
  /// and runs are independent: they may be updated on several threads at once.
  void update_run(std::size_t base, int first, int last, const std::uint8_t* __restrict mask,
                  const Real* __restrict h, const Real* __restrict qx, const Real* __restrict qy,
                  const Real* __restrict z, Real dry, Real t, Real dt) {
    Real* __restrict depth = max_depth.data() + base;
    float* __restrict speed_max = max_speed.data() + base;
    float* __restrict level = max_water_level.data() + base;
    float* __restrict time_max = time_of_max_depth.data() + base;
    float* __restrict arrival = arrival_time.data() + base;
    Real* __restrict duration = flood_duration.data() + base;
    float* __restrict hazard = max_hazard.data() + base;
    const auto tf = static_cast<float>(t);
    const Real threshold = threshold_;
    const Real debris = debris_factor_;
#pragma omp simd
    for (int i = first; i < last; ++i) {
      const bool active = mask[i] == cell_active;
      const Real d = h[i];
      const bool moving = d > dry;
      const Real speed =
          moving ? std::sqrt(qx[i] * qx[i] + qy[i] * qy[i]) / (moving ? d : Real(1)) : Real(0);
      if (active && d > depth[i]) {
        depth[i] = d;
        time_max[i] = tf;
      }
      const Real wl = d + z[i];  // compared in Real with the stored float: the rounded maximum
      if (active && moving && !(wl <= level[i])) level[i] = static_cast<float>(wl);
      if (active && speed > speed_max[i]) speed_max[i] = static_cast<float>(speed);
      const Real hr = hazard_rating(d, speed, debris);
      if (active && hr > hazard[i]) hazard[i] = static_cast<float>(hr);
      const bool flooded = active && d > threshold;
      if (flooded && std::isnan(arrival[i])) arrival[i] = tf;
      if (flooded) duration[i] += dt;
    }
  }

  /// Calls f(name, field) for each map, in the order of the results file (name as there);
  /// `field` is a Field<Real> or Field<float> (field_memory.hpp).
  template <class F>
  void for_each_map(F&& f) {
    visit_maps(*this, f);
  }
  template <class F>
  void for_each_map(F&& f) const {
    visit_maps(*this, f);
  }
  /// Collective under a decomposition: rank 0 receives the other processes' rows of every map
  /// (Decomposition::gather_to_root).
  void gather_to_root(Decomposition& d) {
    for_each_map([&](const char*, auto& field) { d.gather_to_root(field.data(), grid_); });
  }

  [[nodiscard]] Real threshold() const { return threshold_; }
  [[nodiscard]] Real debris_factor() const { return debris_factor_; }
  [[nodiscard]] const Grid& grid() const { return grid_; }

  Field<Real> max_depth;           ///< [m]
  Field<float> max_speed;          ///< [m/s]
  Field<float> max_water_level;    ///< [m], NaN where never wet
  Field<float> time_of_max_depth;  ///< [s]
  Field<float> arrival_time;       ///< first time depth > threshold [s], NaN if never
  Field<Real> flood_duration;      ///< time with depth > threshold [s]
  Field<float> max_hazard;         ///< UK hazard rating [-]

 private:
  /// for_each_map for a const or a mutable FloodMaps.
  template <class Maps, class F>
  static void visit_maps(Maps& m, F& f) {
    f("max_depth", m.max_depth);
    f("max_speed", m.max_speed);
    f("max_water_level", m.max_water_level);
    f("time_of_max_depth", m.time_of_max_depth);
    f("arrival_time", m.arrival_time);
    f("flood_duration", m.flood_duration);
    f("max_hazard", m.max_hazard);
  }
  /// The pass over the sub-grid channel cells (few) after the per-cell update.
  void update_channels(const Simulation& sim, Real dt);
  Grid grid_;
  Real threshold_;
  Real debris_factor_;
};

}  // namespace floodtwin::solver
