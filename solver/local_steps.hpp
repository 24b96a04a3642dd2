#pragma once
/// @file local_steps.hpp
/// The buffers of local time stepping (Simulation::local_cycle, local_steps.cpp, and
/// Simulation::plan_local_cycle, local_levels.cpp; private to solver/).
#include <cstdint>
#include <vector>

#include "solver/simulation.hpp"

namespace floodtwin::solver {

namespace local_detail {
/// 2^l for the levels (exact in floating point).
inline constexpr Real kPow2[8] = {1, 2, 4, 8, 16, 32, 64, 128};

/// Cells per level between a cell and a faster one: a wave from a cell of level m reaches a
/// cell d cells away after about d 2^m global steps, so that cell should not wait much longer
/// than that for its next update (levels then grow as log2 d; this spreads them linearly,
/// by one level every kSpread cells).
inline constexpr int kSpread = 4;

/// min(a, b + 1) without overflow past 255 (the chamfer passes of levels and reach).
inline std::uint8_t sat_next(std::uint8_t a, std::uint8_t b) {
  const auto next = static_cast<std::uint8_t>(b + (b != 255 ? 1 : 0));
  return a < next ? a : next;
}
}  // namespace local_detail

struct Simulation::LocalSteps {
  /// Level per padded cell (ghosts and walls included): a cell steps 2^level global steps at a
  /// time; a face takes the lower level of its two cells. `own`: the level from the cell's own
  /// wave rate, before its neighbours' and the smoothing.
  Field<std::uint8_t> level, own;
  /// Per padded cell: its distance in cells (255: far) from water, rain or an inflow at the
  /// cycle's start; a cycle visits the cells within 2^L of them.
  Field<std::uint8_t> reach;
  /// Per padded cell: the change of h, qx, qy its faces have brought since its last update.
  Field<Real> acc_h, acc_qx, acc_qy;
  /// Per row r (index r + 1 for rows -1..ny), one list per level threshold m = 0..L-1:
  /// `cells`: runs of columns with level <= m; `yfaces`: columns of the y faces between rows r
  /// and r + 1 that cells of either row need (their union); `load`: the columns whose
  /// primitive values rows r-1..r+1 need (their cells widened by one column).
  using RowLists = std::vector<std::vector<Span>>;
  std::vector<RowLists> cells, yfaces, load;
  /// Per level threshold m: the work of rows 0..r-1 (cells of levels <= m plus a fixed cost a
  /// row), for r = 0..ny: the first pass's thread bands.
  std::vector<std::vector<long long>> work;
  /// The state of each cell before its first update in the cycle (h, qx, qy and the loss
  /// model's state fields), restored when the cycle is rejected.
  Field<Real> snap_h, snap_qx, snap_qy;
  std::vector<Field<Real>> snap_loss;
  /// The levels the next cycle tries (lowered by a rejected cycle, raised again after
  /// `accepted` cycles in a row).
  int try_levels = -1;
  int accepted = 0;
};

}  // namespace floodtwin::solver
