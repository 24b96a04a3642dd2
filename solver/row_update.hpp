#pragma once
/// @file row_update.hpp
/// The stepper's per-row update loops (private to solver/, included by stage.cpp and
/// stepper.cpp only): primitive variables of a loaded row, the end of a row's update
/// (Runge-Kutta average, rain, dry cut-off, wave rate), and the end of a step on a run of
/// cells (losses, rate, flood maps).
/// Each is a function of its own with restrict parameters so that GCC vectorises it (written
/// inline in the stage's lambdas, GCC 12 ran two of them scalar: bench/README.md).
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "solver/flood_maps.hpp"
#include "solver/friction.hpp"
#include "solver/simulation.hpp"
#include "solver/workspace.hpp"

namespace floodtwin::solver {

/// A row's sum of non-negative per-cell values (rain, losses) in an order that depends only on
/// the columns, not on the spans the row is visited in or the vector lanes: column i adds into
/// lane i % 8 (in column order), and the lanes are added pairwise at the end. A cell left out
/// adds +0, as a visited cell with nothing to add does, so that visiting more cells or fewer
/// (skipping dry ground, threads, processes) gives the same sum, bitwise. Eight sums side by
/// side instead of one chain of dependent additions: the chain cost ~2 % of a step each.
class ColumnSum {
 public:
  static constexpr int lanes = 8;
  /// Adds value(i) for each column i in [first, last).
  template <class Value>
  void add(int first, int last, Value value) {
    alignas(64) double acc[lanes];  // in registers through the loop, not in *this
    for (int l = 0; l < lanes; ++l) acc[l] = lane_[l];
    int i = first;
    for (; i < last && lane(i) != 0; ++i) acc[lane(i)] += static_cast<double>(value(i));
    for (; i + lanes <= last; i += lanes) {
#pragma omp simd
      for (int l = 0; l < lanes; ++l) acc[l] += static_cast<double>(value(i + l));
    }
    for (; i < last; ++i) acc[lane(i)] += static_cast<double>(value(i));
    for (int l = 0; l < lanes; ++l) lane_[l] = acc[l];
  }
  [[nodiscard]] double total() const {
    return ((lane_[0] + lane_[1]) + (lane_[2] + lane_[3])) +
           ((lane_[4] + lane_[5]) + (lane_[6] + lane_[7]));
  }

 private:
  /// Column i's lane, i mod 8 (for a ghost column -1 too: 7).
  static int lane(int i) { return static_cast<int>(static_cast<unsigned>(i) % lanes); }
  alignas(64) double lane_[lanes] = {};
};

/// What finish_cells needs of the step, the same for every cell.
struct StepEnd {
  Real g, dry, inv_dx, inv_dy;
  Real t, dt;       ///< the step's end time and length (the maps record them)
  FloodMaps* maps;  ///< the maps to fold, or null
};

/// A run's share of the step's end sums (finish_cells adds to them).
struct EndSums {
  ColumnSum lost;     ///< depth lost [m]
  long long bad = 0;  ///< loss depths outside [0, h]
  double rate = 0;    ///< wave rate of the state after the losses (with losses only)
};

/// The end of a step on the cells [first, last) of a row whose fields are h, qx, qy, mask
/// and bed (column i at [i]; `base` the padded index of column 0): when `loss` is given, each
/// active cell's loss depth loss[i] is taken (the velocity kept, or the cell left still when
/// what stays is below the dry depth) and the wave rate after it raised; then the flood maps
/// fold the active cells with water. A bad loss depth (outside [0, h]) is counted and leaves
/// its cell out of what follows: the stepper stops on it.
/// Vectorised (the losses, the rate and the maps in loops of their own over the run, which is
/// in cache), the depth lost summed by ColumnSum.
inline void finish_cells(const std::uint8_t* __restrict mask, Real* __restrict h,
                         Real* __restrict qx, Real* __restrict qy, const Real* __restrict loss,
                         const Real* __restrict z, std::ptrdiff_t base, int first, int last,
                         const StepEnd& e, EndSums& sums) {
  std::vector<int> bad_cells;  // filled only in the run of a failing step
  if (loss != nullptr) {
    long long bad = 0;
#pragma omp simd reduction(+ : bad)
    for (int i = first; i < last; ++i) {
      const Real l = loss[i];
      bad += (mask[i] == cell_active && !(l >= 0 && l <= h[i])) ? 1 : 0;
    }
    if (bad > 0) {
      for (int i = first; i < last; ++i) {
        if (mask[i] == cell_active && !(loss[i] >= 0 && loss[i] <= h[i])) bad_cells.push_back(i);
      }
      sums.bad += bad;
    }
    sums.lost.add(first, last, [&](int i) {
      const Real l = loss[i];
      return mask[i] == cell_active && l != 0 && l >= 0 && l <= h[i] ? l : Real(0);
    });
    // The losses of the active cells with a good loss depth (one division per cell).
    double rate = sums.rate;
#pragma omp simd reduction(max : rate)
    for (int i = first; i < last; ++i) {
      const Real l = loss[i];
      const Real hc = h[i];
      const bool good = mask[i] == cell_active && l >= 0 && l <= hc;
      const bool take = good && l != 0;
      const Real h_new = hc - l;
      const bool moving = h_new > e.dry;
      const Real ratio = h_new / (take && moving ? hc : Real(1));
      const Real hn = take ? h_new : hc;
      const Real qxn = take ? (moving ? qx[i] * ratio : Real(0)) : qx[i];
      const Real qyn = take ? (moving ? qy[i] * ratio : Real(0)) : qy[i];
      h[i] = hn;
      qx[i] = qxn;
      qy[i] = qyn;
      const Real w = wave_rate(hn, qxn, qyn, e.g, e.dry, e.inv_dx, e.inv_dy);
      rate = std::max(rate, good ? static_cast<double>(w) : 0.0);
    }
    sums.rate = rate;
  }
  if (e.maps == nullptr) return;
  int from = first;  // the maps fold the stretches between bad cells
  for (const int b : bad_cells) {
    e.maps->update_run(static_cast<std::size_t>(base), from, b, mask, h, qx, qy, z, e.dry, e.t,
                       e.dt);
    from = b + 1;
  }
  e.maps->update_run(static_cast<std::size_t>(base), from, last, mask, h, qx, qy, z, e.dry, e.t,
                     e.dt);
}

/// Point-implicit Manning friction (friction.hpp) over a step dt on cells [i0, i1) of a row:
/// the discharges of the cells deeper than `dry` are scaled by manning_factor (vectorised).
inline void friction_row(const Real* __restrict h, Real* __restrict qx, Real* __restrict qy,
                         const Real* __restrict manning, Real g, Real dry, Real dt, int i0,
                         int i1) {
#pragma omp simd
  for (int i = i0; i < i1; ++i) {
    const Real hc = h[i];
    const Real u = qx[i];
    const Real v = qy[i];
    const bool wet = hc > dry;
    const Real f = manning_factor(wet ? hc : Real(1), std::sqrt(u * u + v * v), manning[i], g, dt);
    qx[i] = wet ? u * f : u;
    qy[i] = wet ? v * f : v;
  }
}

/// The primitive variables of cells [c0, c1) of a row (index c in every array): depth,
/// velocities (0 in walls and dry cells) and free surface. A function of its own with restrict
/// parameters so that it vectorises (as a loop in the stage's lambda GCC 12 ran it scalar).
inline void primitive_row(const Real* __restrict h, const Real* __restrict qx,
                          const Real* __restrict qy, const Real* __restrict z,
                          const std::uint8_t* __restrict mask, Real dry, int c0, int c1,
                          Real* __restrict ph, Real* __restrict pu, Real* __restrict pv,
                          Real* __restrict pe) {
#pragma omp simd
  for (int c = c0; c < c1; ++c) {
    const Real hc = h[c];
    const bool moving = mask[c] != cell_wall && hc > dry;
    const Real inv = Real(1) / (moving ? hc : Real(1));
    ph[c] = hc;
    pu[c] = moving ? qx[c] * inv : Real(0);
    pv[c] = moving ? qy[c] * inv : Real(0);
    pe[c] = hc + z[c];
  }
}

/// Step 3 of the update of cells [i0, i1) of a row: the Runge-Kutta average with the base
/// state (kAverage), the rain of the step (kFinal: rain_depth + rain[i] dt on active cells, and
/// a non-finite discharge counted in `bad`), the dry cut-off and (kRate) the largest wave rate
/// of the active cells, raised into `rate`. A function of its own, the options template
/// arguments and the arrays restrict parameters, so that it vectorises: written inline in the
/// stage, GCC 12 ran it as a scalar loop (its conditional loads kept branches in the loop).
/// The rain it adds is summed by the caller (ColumnSum).
/// The rain depth a cell receives over a step: the uniform depth plus its field's rate times
/// dt, 0 outside active cells (end_row_update adds it, the stage sums it: the same value).
inline Real cell_rain(bool active, Real rain_depth, Real rate, Real dt) {
  return active ? rain_depth + rate * dt : Real(0);
}

template <bool kAverage, bool kFinal, bool kRate>
void end_row_update(const std::uint8_t* __restrict mask, const Real* __restrict h_new,
                    const Real* __restrict qx_new, const Real* __restrict qy_new,
                    const Real* __restrict h_base, const Real* __restrict qx_base,
                    const Real* __restrict qy_base, const Real* __restrict rain, Real rain_depth,
                    Real dt, Real g, Real dry, Real inv_dx, Real inv_dy, int i0, int i1,
                    Real* __restrict h_out, Real* __restrict qx_out, Real* __restrict qy_out,
                    long long& bad, double& rate) {
  long long b = 0;
  double r = rate;
#pragma omp simd reduction(+ : b) reduction(max : r)
  for (int i = i0; i < i1; ++i) {
    const bool active = mask[i] == cell_active;
    Real h = h_new[i];
    Real qx = qx_new[i];
    Real qy = qy_new[i];
    if constexpr (kAverage) {
      h = Real(0.5) * (h_base[i] + h);
      qx = Real(0.5) * (qx_base[i] + qx);
      qy = Real(0.5) * (qy_base[i] + qy);
    }
    if constexpr (kFinal) {
      h += cell_rain(active, rain_depth, rain[i], dt);
      b += (active && !(std::isfinite(qx) && std::isfinite(qy))) ? 1 : 0;
    }
    const bool wet = h > dry;
    qx = wet ? qx : Real(0);
    qy = wet ? qy : Real(0);
    if constexpr (kRate) {
      const Real w = wave_rate(h, qx, qy, g, dry, inv_dx, inv_dy);
      r = std::max(r, active ? static_cast<double>(w) : 0.0);
    }
    h_out[i] = h;
    qx_out[i] = qx;
    qy_out[i] = qy;
  }
  bad += b;
  rate = r;
}

/// end_row_update<kAverage, kFinal, kRate> for the options given at run time.
using EndRowUpdate = decltype(&end_row_update<false, false, false>);
inline constexpr std::array<EndRowUpdate, 8> end_row_updates = {
    &end_row_update<false, false, false>, &end_row_update<false, false, true>,
    &end_row_update<false, true, false>,  &end_row_update<false, true, true>,
    &end_row_update<true, false, false>,  &end_row_update<true, false, true>,
    &end_row_update<true, true, false>,   &end_row_update<true, true, true>};

}  // namespace floodtwin::solver
