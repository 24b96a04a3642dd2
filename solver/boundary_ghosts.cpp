/// @file boundary_ghosts.cpp
/// The boundary conditions of a Simulation as ghost cells: which ghost cells each condition
/// sets (add_boundary, rebuild_boundary_cells, the open-ghost lists of the second order), the
/// ghost states of a stage (fill_ghosts) and the wave speed they add to the time step
/// (boundary_rate). docs/solver.md, "Boundaries".
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "solver/error.hpp"
#include "solver/simulation.hpp"
#include "solver/workspace.hpp"

namespace floodtwin::solver {

void Simulation::add_boundary(const BoundaryCondition& bc) {
  const std::string what = "boundary " + to_string(bc.side) + " " + to_string(bc.type);
  if (bc.type == BoundaryType::discharge || bc.type == BoundaryType::water_level) {
    if (bc.series.empty()) throw ConfigError(what + ": a time series is required");
  }
  if (bc.type == BoundaryType::discharge) {
    for (const Real q : bc.series.values()) {
      if (q < 0) {
        std::ostringstream msg;
        msg << what << ": discharge must be >= 0 (an inflow), got " << q
            << "; use an open or water_level boundary for outflow";
        throw ConfigError(msg.str());
      }
    }
  }
  if (bc.type == BoundaryType::water_level && bc.series.after_end() == AfterEnd::zero &&
      bc.series.times().size() > 1) {
    throw ConfigError(what +
                      ": after_end = \"zero\" would drop the level to 0 m; use \"hold\" "
                      "or extend the series");
  }
  if (std::isnan(bc.from) || std::isnan(bc.to)) throw ConfigError(what + ": segment is NaN");
  boundaries_.push_back(bc);
  try {
    rebuild_boundary_cells();
  } catch (...) {
    boundaries_.pop_back();
    rebuild_boundary_cells();
    throw;
  }
  mark_state_changed();
}

void Simulation::clear_boundaries() {
  boundaries_.clear();
  rebuild_boundary_cells();
  mark_state_changed();
}

void Simulation::rebuild_boundary_cells() {
  const Grid& g = grid_;
  const auto [kept0, kept1] = g.kept_rows();
  active_cells_ = 0;
  loss_mask_.clear();
  std::fill(mask_.begin(), mask_.end(), cell_wall);
  for (int j = 0; j < g.ny; ++j) {
    for (int i = 0; i < g.nx; ++i) {
      const auto k = static_cast<std::size_t>(g.index(i, j));
      if (!user_inactive_[k]) {
        mask_[k] = cell_active;
        ++active_cells_;
      }
    }
  }
  // The ghost cell of each boundary cell: which condition (last one wins) applies to it.
  struct Slot {
    std::ptrdiff_t ghost, interior;
    Side side;
    Real coord;
  };
  std::vector<Slot> slots;
  for (int i = 0; i < g.nx; ++i) {
    slots.push_back({g.index(i, -1), g.index(i, 0), Side::north, g.x_center(i)});
    slots.push_back({g.index(i, g.ny), g.index(i, g.ny - 1), Side::south, g.x_center(i)});
  }
  for (int j = 0; j < g.ny; ++j) {
    slots.push_back({g.index(-1, j), g.index(0, j), Side::west, g.y_center(j)});
    slots.push_back({g.index(g.nx, j), g.index(g.nx - 1, j), Side::east, g.y_center(j)});
  }
  std::vector<std::ptrdiff_t> chosen(slots.size(), -1);
  for (std::size_t b = 0; b < boundaries_.size(); ++b) {
    const BoundaryCondition& bc = boundaries_[b];
    const Real lo = std::min(bc.from, bc.to);
    const Real hi = std::max(bc.from, bc.to);
    std::size_t selected = 0, wet_able = 0;
    Real side_lo = std::numeric_limits<Real>::infinity(), side_hi = -side_lo;
    for (std::size_t s = 0; s < slots.size(); ++s) {
      if (slots[s].side != bc.side) continue;
      side_lo = std::min(side_lo, slots[s].coord);
      side_hi = std::max(side_hi, slots[s].coord);
      if (slots[s].coord < lo || slots[s].coord > hi) continue;
      ++selected;
      if (mask_[static_cast<std::size_t>(slots[s].interior)] == cell_active) {
        chosen[s] = static_cast<std::ptrdiff_t>(b);
        ++wet_able;
      }
    }
    if (selected == 0 || wet_able == 0) {
      std::ostringstream msg;
      msg << "boundary " << to_string(bc.side) << " " << to_string(bc.type) << ": the segment "
          << lo << " to " << hi << (selected == 0 ? " selects no cell" : " has no active cell")
          << " on the " << to_string(bc.side) << " side (cell centres from " << side_lo << " to "
          << side_hi << ")";
      throw ConfigError(msg.str());
    }
  }
  {
    // Boundary faces for the flow accounts: west, east (rows), north, south (columns).
    const auto nx = static_cast<std::size_t>(g.nx);
    const auto ny = static_cast<std::size_t>(g.ny);
    std::vector<int> face(2 * nx + 2 * ny, -1);
    for (std::size_t s = 0; s < slots.size(); ++s) {
      if (chosen[s] < 0) continue;
      const std::size_t at =
          s < 2 * nx ? 2 * ny + (s % 2) * nx + s / 2 : ((s - 2 * nx) % 2) * ny + (s - 2 * nx) / 2;
      face[at] = static_cast<int>(chosen[s]);
    }
    flows_.set_boundary_faces(g, std::move(face), boundaries_.size());
  }
  ghost_cells_.clear();
  discharge_width_.assign(boundaries_.size(), 0);
  for (std::size_t s = 0; s < slots.size(); ++s) {
    if (chosen[s] < 0) continue;
    const auto b = static_cast<std::size_t>(chosen[s]);
    const BoundaryType type = boundaries_[b].type;
    if (type == BoundaryType::wall) continue;
    const Slot& slot = slots[s];
    ghost_cells_.push_back({slot.ghost, slot.interior, slot.side, type, b});
    const auto kg = static_cast<std::size_t>(slot.ghost);
    const auto kc = static_cast<std::size_t>(slot.interior);
    mask_[kg] = type == BoundaryType::discharge ? cell_discharge : cell_ghost;
    // The ghost stands for the boundary face: its bed is the interior bed extrapolated half a
    // cell outwards (for open boundaries only downwards, so a rising edge cannot feed water
    // in through a zero-gradient ghost). The first-order scheme takes an open ghost for the
    // next cell (it has no reconstruction to carry the slope on): its bed falls a whole cell's
    // drop, so that the outlet face sees the drop of an interior face and a uniform flow leaves
    // at its normal depth (with half the drop the outlet cell stood 14 % above it on a 1e-3
    // slope, on every grid: tests/analytic/test_uniform_flow.cpp).
    const std::ptrdiff_t inward = slot.interior - (slot.ghost - slot.interior);
    const bool has_inward =
        (slot.side == Side::west || slot.side == Side::east) ? grid_.nx > 1 : grid_.ny > 1;
    const Real reach =
        type == BoundaryType::open && config_.scheme == Scheme::first_order ? Real(1) : Real(0.5);
    Real dz = 0;
    if (has_inward && mask_[static_cast<std::size_t>(inward)] == cell_active) {
      dz = reach * (z_[kc] - z_[static_cast<std::size_t>(inward)]);
    }
    if (type == BoundaryType::open) dz = std::min(dz, Real(0));
    if (type == BoundaryType::discharge) dz = 0;
    // Bed and n of the ghost in the kept rows only (Grid::kept_rows), as the interior's.
    const auto row = static_cast<int>(slot.ghost / grid_.stride()) - Grid::ghost;
    if (row >= kept0 && row < kept1) {
      z_[kg] = z_[kc] + dz;
      n_[kg] = n_[kc];
    }
    const bool ns = slot.side == Side::north || slot.side == Side::south;
    discharge_width_[b] += ns ? grid_.dx : grid_.dy;
  }
  open_x_.assign(2 * static_cast<std::size_t>(g.ny), 0);
  open_y_ = {};
  for (const GhostCell& gc : ghost_cells_) {  // in slot order: columns increase
    if (gc.type != BoundaryType::open) continue;
    const std::ptrdiff_t row = gc.ghost / g.stride() - Grid::ghost;
    const auto col = static_cast<int>(gc.ghost % g.stride() - Grid::ghost);
    if (gc.side == Side::north || gc.side == Side::south) {
      open_y_[gc.side == Side::north ? 0 : 1].push_back(col);
    } else {
      open_x_[2 * static_cast<std::size_t>(row) + (gc.side == Side::east ? 1 : 0)] = 1;
    }
  }
  auto special = [&](std::ptrdiff_t a, std::ptrdiff_t b) {
    const std::uint8_t ma = mask_[static_cast<std::size_t>(a)];
    const std::uint8_t mb = mask_[static_cast<std::size_t>(b)];
    return ma == cell_wall || mb == cell_wall || ma == cell_discharge || mb == cell_discharge;
  };
  special_x_.assign(static_cast<std::size_t>(g.ny), {});
  special_y_.assign(static_cast<std::size_t>(g.ny + 1), {});
  for (int j = 0; j < g.ny; ++j) {
    for (int f = 0; f <= g.nx; ++f) {
      if (special(g.index(f - 1, j), g.index(f, j))) {
        special_x_[static_cast<std::size_t>(j)].push_back(f);
      }
    }
  }
  for (int r = -1; r < g.ny; ++r) {
    for (int i = 0; i < g.nx; ++i) {
      if (special(g.index(i, r), g.index(i, r + 1))) {
        special_y_[static_cast<std::size_t>(r + 1)].push_back(i);
      }
    }
  }
}

namespace {
/// Depth hb at an inflow face with unit discharge q > 0 such that the outgoing Riemann
/// invariant of the interior state (velocity into the domain u_in, depth h_in) is kept:
/// 2 sqrt(g hb) - q / hb = 2 sqrt(g h_in) - u_in; never below critical depth.
Real inflow_depth(Real q, Real u_in, Real h_in, Real g) {
  if (!(q > 0)) return h_in;
  const Real h_crit = std::cbrt(q * q / g);
  const Real J = 2 * std::sqrt(g * h_in) - u_in;
  auto f = [&](Real hb) { return 2 * std::sqrt(g * hb) - q / hb - J; };
  if (f(h_crit) >= 0) return h_crit;  // no subcritical state: enters at critical depth
  // f is increasing and concave, so Newton's method from h_crit (where f < 0) climbs
  // monotonically to the root.
  Real hb = h_crit;
  for (int it = 0; it < 50; ++it) {
    const Real step = f(hb) / (std::sqrt(g / hb) + q / (hb * hb));
    hb -= step;
    if (std::abs(step) <= Real(1e-13) * hb) break;
  }
  return hb;
}
}  // namespace

void Simulation::fill_ghosts(Real* h, Real* qx, Real* qy, Real t, Real step_start, Real dt,
                             GhostRows rows) const {
  // Under a decomposition, only the ghosts of the kept rows (Grid::kept_rows): those of the
  // block's rows and the halo are all a process reads, and writing the others would make
  // every page along the west and east edges of h, qx and qy resident. A ghost cell's
  // interior cell is in its row or (the grid's ghost rows) in the block's first or last row.
  const bool all_rows = grid_.keeps_all() && rows == GhostRows::kept;
  const auto [kept0, kept1] = grid_.kept_rows();
  const int block0 = row0_ == 0 ? -1 : row0_;
  const int block1 = row1_ == grid_.ny ? grid_.ny + 1 : row1_;
  const std::ptrdiff_t stride = grid_.stride();
  for (const GhostCell& gc : ghost_cells_) {
    if (!all_rows) {
      const auto row = static_cast<int>(gc.ghost / stride) - Grid::ghost;
      if (row < kept0 || row >= kept1) continue;
      const bool in_block = row >= block0 && row < block1;
      if ((rows == GhostRows::block && !in_block) || (rows == GhostRows::halo && in_block)) {
        continue;
      }
    }
    const auto kg = static_cast<std::size_t>(gc.ghost);
    const auto kc = static_cast<std::size_t>(gc.interior);
    const BoundaryCondition& bc = boundaries_[gc.condition];
    switch (gc.type) {
      case BoundaryType::open:
        h[kg] = h[kc];
        qx[kg] = qx[kc];
        qy[kg] = qy[kc];
        break;
      case BoundaryType::water_level: {
        // Imposed level; the normal velocity U keeps the outgoing Riemann invariant U + 2c of
        // the interior cell (Toro 2001, section 8.3), the tangential one is copied. Along the
        // outgoing characteristic, from the cell's centre to the ghost's point d away (the
        // face), the invariant changes by -g (dz/dn + Sf) dt, dt = d / (U + c): by the bed's
        // drop and the Manning friction slope. The bed's share is taken in the form that
        // cancels exactly for still water at the imposed level (2 (c_c - c') with c' still
        // water's celerity over the ghost's bed), so that a lake at rest stays at rest over a
        // bed that is not flat at the boundary; in a uniform outflow the bed's and the
        // friction's shares cancel, as the slope and friction do.
        const Real g = config_.gravity;
        const Real level = bc.series(t);
        const Real hg = std::max(Real(0), level - z_[kg]);
        const Real hc = h[kc];
        const bool wet = hc > config_.dry_depth;
        const Real u = wet ? qx[kc] / hc : Real(0);
        const Real v = wet ? qy[kc] / hc : Real(0);
        const Real c_c = std::sqrt(g * hc);
        const Real dc = c_c - std::sqrt(g * hg);
        h[kg] = hg;
        if (!(hg > config_.dry_depth)) {
          qx[kg] = qy[kg] = 0;
          break;
        }
        // Outward unit normal of the side: east +x, west -x, north +y, south -y.
        const Real out_x = gc.side == Side::east ? 1 : gc.side == Side::west ? -1 : 0;
        const Real out_y = gc.side == Side::north ? 1 : gc.side == Side::south ? -1 : 0;
        const Real un = u * out_x + v * out_y;
        Real along = 0;  // the change of U + 2c from the centre to the ghost's point
        if (wet && un + c_c > 0) {
          const Real d = Real(0.5) * (out_x != 0 ? grid_.dx : grid_.dy);
          const Real c_still = std::sqrt(g * std::max(Real(0), hc + z_[kc] - z_[kg]));
          const Real n = n_[kc];
          const Real sf = n * n * un * std::hypot(u, v) / (hc * std::cbrt(hc));  // h^(4/3)
          along = -(2 * (c_c - c_still) * c_c + g * sf * d) / (un + c_c);
        }
        const Real du = 2 * dc + along;
        qx[kg] = hg * (u + du * out_x);
        qy[kg] = hg * (v + du * out_y);
        break;
      }
      case BoundaryType::discharge: {
        // Unit discharge pointing into the domain, the mean over the step so that the volume
        // entering is exactly the integral of Q(t); the ghost depth is the boundary depth that
        // keeps the interior's outgoing Riemann invariant, at least critical depth.
        const Real mean_q =
            dt > 0 ? bc.series.integral(step_start, step_start + dt) / dt : bc.series(step_start);
        const Real q = mean_q / discharge_width_[gc.condition];
        const bool wet = h[kc] > config_.dry_depth;
        const Real u_in = !wet                     ? Real(0)
                          : gc.side == Side::west  ? qx[kc] / h[kc]
                          : gc.side == Side::east  ? -qx[kc] / h[kc]
                          : gc.side == Side::south ? qy[kc] / h[kc]
                                                   : -qy[kc] / h[kc];
        h[kg] = inflow_depth(q, u_in, h[kc], config_.gravity);
        qx[kg] = gc.side == Side::west ? q : gc.side == Side::east ? -q : Real(0);
        qy[kg] = gc.side == Side::south ? q : gc.side == Side::north ? -q : Real(0);
        break;
      }
      case BoundaryType::wall:
        break;
    }
  }
}

Real Simulation::boundary_rate(Real t) const {
  if (ghost_cells_.empty()) return 0;
  // Ghost states at time t in scratch copies of the boundary cells only.
  Real rate = 0;
  const Real g = config_.gravity;
  const Real inv_dx = 1 / grid_.dx;
  const Real inv_dy = 1 / grid_.dy;
  const std::ptrdiff_t stride = grid_.stride();
  for (const GhostCell& gc : ghost_cells_) {
    const auto kc = static_cast<std::size_t>(gc.interior);
    // Decomposed: the interior cell's owner counts it (elsewhere its state is stale).
    const auto row = static_cast<int>(gc.interior / stride) - Grid::ghost;
    if (row < row0_ || row >= row1_) continue;
    const BoundaryCondition& bc = boundaries_[gc.condition];
    Real hg = 0;
    Real qn = 0;
    if (gc.type == BoundaryType::water_level) {
      hg = std::max(Real(0), bc.series(t) - z_[static_cast<std::size_t>(gc.ghost)]);
      qn = h_[kc] > config_.dry_depth ? hg * std::hypot(qx_[kc], qy_[kc]) / h_[kc] : Real(0);
    } else if (gc.type == BoundaryType::discharge) {
      qn = bc.series(t) / discharge_width_[gc.condition];
      hg = inflow_depth(qn, 0, h_[kc], g);
    }
    rate = std::max(rate, wave_rate(hg, qn, qn, g, config_.dry_depth, inv_dx, inv_dy));
  }
  return rate;
}

}  // namespace floodtwin::solver
