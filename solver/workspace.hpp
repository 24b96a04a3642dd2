#pragma once
/// @file workspace.hpp
/// Per-thread scratch rows of the stepper (private to solver/).
#include <array>
#include <cmath>
#include <vector>

#include "solver/row_kernels.hpp"
#include "solver/simulation.hpp"

namespace floodtwin::solver {

/// Four arrays holding depth, velocities and bed (or free surface) of a row.
struct RowFields {
  std::vector<Real> h, u, v, z;
  void resize(std::size_t n) {
    h.assign(n, 0);
    u.assign(n, 0);
    v.assign(n, 0);
    z.assign(n, 0);
  }
};

/// Four arrays of face fluxes of a row.
struct FluxRow {
  std::vector<Real> mass, momentum_left, momentum_right, momentum_t;
  void resize(std::size_t n) {
    mass.assign(n, 0);
    momentum_left.assign(n, 0);
    momentum_right.assign(n, 0);
    momentum_t.assign(n, 0);
  }
  [[nodiscard]] FluxRowOut out(std::size_t offset = 0) {
    return {mass.data() + offset, momentum_left.data() + offset, momentum_right.data() + offset,
            momentum_t.data() + offset};
  }
};

struct Simulation::Workspace {
  static constexpr int ring = 4;  ///< primitive rows kept: r-1 .. r+2
  /// Primitive rows (h, u, v, eta in the `z` slot), cells -1 .. nx (index i + 1).
  std::array<RowFields, ring> prim;
  RowFields x_minus, x_plus;          ///< x reconstruction of the current row (second order)
  RowFields y_minus, y_plus, y_prev;  ///< y reconstruction: N and S of row r+1, S of row r
  RowFields cell;                     ///< updated h, qx (u slot), qy (v slot) of a row
  FluxRow fx;                         ///< x faces of the current row (nx + 1)
  FluxRow fy_n, fy_s;                 ///< y faces north and south of the current row (nx)
  std::vector<Real> scx, scy, scy_next, scy_dummy;  ///< bed-slope corrections (second order)
  std::vector<Real> corr;  ///< round-off depth corrections of the current row
  std::vector<Real> loss;  ///< loss depths of the current row (LossModel::compute_run)
  /// Rows of an in-place stage written after the barrier (h, qx in u, qy in v) and their rows.
  std::array<RowFields, 4> deferred;
  std::array<int, 4> deferred_row{};

  void resize(int nx) {
    const auto w = static_cast<std::size_t>(nx + 2);
    for (auto& p : prim) p.resize(w);
    x_minus.resize(w);
    x_plus.resize(w);
    y_minus.resize(w);
    y_plus.resize(w);
    y_prev.resize(w);
    cell.resize(w);
    fx.resize(w);
    fy_n.resize(w);
    fy_s.resize(w);
    scx.assign(w, 0);
    scy.assign(w, 0);
    scy_next.assign(w, 0);
    scy_dummy.assign(w, 0);
    corr.assign(w, 0);
    loss.assign(w, 0);
    for (auto& d : deferred) d.resize(w);
    width = nx;
  }
  int width = -1;
};

struct Simulation::StageResult {
  double max_rate = 0;
  double boundary_in = 0;
  double boundary_out = 0;
  double rain = 0;
  double correction = 0;
  long long bad_cells = 0;
  double losses = 0;         ///< depth lost, summed over cells (finish_in_stage) [m]
  long long bad_losses = 0;  ///< loss depths outside [0, h] (finish_in_stage)
  std::ptrdiff_t first_bad = -1;
  Real first_bad_value = 0;
};

/// Largest (|u| + c) / dx + (|v| + c) / dy of a cell; the CFL condition bounds dt by cfl / rate.
/// The stepper's vectorised loop evaluates exactly these operations, so a rate recomputed after
/// a restore equals the one cached by the step (bitwise resume).
inline Real wave_rate(Real h, Real qx, Real qy, Real g, Real dry, Real inv_dx,
                      Real inv_dy) noexcept {
  const bool wet = h > dry;
  const Real c = std::sqrt(g * (h > 0 ? h : Real(0)));
  const Real inv_h = Real(1) / (wet ? h : Real(1));
  const Real ax = wet ? std::abs(qx) * inv_h : Real(0);
  const Real ay = wet ? std::abs(qy) * inv_h : Real(0);
  return (ax + c) * inv_dx + (ay + c) * inv_dy;
}

}  // namespace floodtwin::solver
