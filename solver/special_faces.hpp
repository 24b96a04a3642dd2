#pragma once
/// @file special_faces.hpp
/// Faces the vectorised flux rows leave to scalar code (private to solver/, included by
/// stage.cpp and local_steps.cpp): walls, inactive cells, discharge ghosts and open sides.
#include <algorithm>
#include <cstdint>
#include <vector>

#include "solver/real.hpp"
#include "solver/riemann_hllc.hpp"
#include "solver/simulation.hpp"
#include "solver/workspace.hpp"

namespace floodtwin::solver {

/// An open side lets water out, never in: a face of an open ghost whose mass flux points into
/// the domain (inward * mass > 0) carries what a wall carries instead: no mass, the hydrostatic
/// pressure of the interior side's face depth h. A zero-gradient ghost copies the interior's
/// velocity, so wherever the water near the edge flows away from it (a film running down from
/// a ridge beyond the grid, water drawn back after a wave left) the ghost would feed it.
inline void outflow_only(FluxRow& F, std::size_t f, Real inward, Real h, Real g) {
  if (!(inward * F.mass[f] > 0)) return;
  const FaceFlux w = wall_flux(h, g);
  F.mass[f] = w.mass;
  F.momentum_left[f] = w.momentum_left;
  F.momentum_right[f] = w.momentum_right;
  F.momentum_t[f] = w.momentum_t;
}

/// Negative depths down to this magnitude are round-off and clipped (and booked) [m].
inline constexpr Real negative_round_off = Real(1e-10);

/// Flux through a face between cells of kinds mL and mR with face values L and R, in the
/// face frame (u normal, v tangential). For a discharge ghost, its face state carries the
/// boundary depth and q_ghost_* its normal unit discharge (positive left to right).
inline FaceFlux face_flux(std::uint8_t mL, std::uint8_t mR, const FaceState& L, const FaceState& R,
                          Real q_ghost_L, Real q_ghost_R, Real g) {
  if (mL == cell_wall || mR == cell_wall) {
    if (mL == cell_wall && mR == cell_wall) return {0, 0, 0, 0};
    return wall_flux(mL == cell_wall ? R.h : L.h, g);
  }
  if (mL == cell_discharge) return discharge_flux(q_ghost_L, q_ghost_L == 0 ? R.h : L.h, g);
  if (mR == cell_discharge) return discharge_flux(q_ghost_R, q_ghost_R == 0 ? L.h : R.h, g);
  return hydrostatic_flux(L, R, g);
}

/// Sets the faces of a flux row that a stage did not compute to 0: v[c] for every c outside
/// the spans [first, last + extra) of `cols` (increasing). x faces: extra 1 (the faces of
/// cells [first, last) are first..last), y faces: 0.
template <class Spans>
void zero_outside(std::vector<Real>& v, const Spans& cols, int extra) {
  auto from = v.begin();
  for (const auto& sp : cols) {
    const auto a = v.begin() + sp.first;
    if (a > from) std::fill(from, a, Real(0));
    from = std::max(from, v.begin() + sp.last + extra);
  }
  if (from < v.end()) std::fill(from, v.end(), Real(0));
}

/// Stores the flux of a face between cells of kinds mL and mR (face_flux) at index f of F.
inline void set_face(FluxRow& F, std::size_t f, std::uint8_t mL, std::uint8_t mR,
                     const FaceState& L, const FaceState& R, Real q_ghost_L, Real q_ghost_R,
                     Real g) {
  const FaceFlux ff = face_flux(mL, mR, L, R, q_ghost_L, q_ghost_R, g);
  F.mass[f] = ff.mass;
  F.momentum_left[f] = ff.momentum_left;
  F.momentum_right[f] = ff.momentum_right;
  F.momentum_t[f] = ff.momentum_t;
}

/// Whether column c lies in [first, last + extra) of one of `cols`.
template <class Spans>
bool in_cols(const Spans& cols, int c, int extra) {
  for (const auto& sp : cols) {
    if (c >= sp.first && c < sp.last + extra) return true;
  }
  return false;
}

/// Before a row's boundary faces and sections are read: the faces a stage did not compute
/// carry nothing (x faces outside `cols` and their east faces, y faces outside `north` and
/// `south`, the spans of the y faces north and south of the row).
template <class Spans>
void clear_uncomputed(std::vector<Real>& fx, std::vector<Real>& fy_north,
                      std::vector<Real>& fy_south, const Spans& cols, const Spans& north,
                      const Spans& south, int j, int ny, int nx, bool sections) {
  if (cols.empty() || cols.front().first > 0) fx[0] = 0;
  if (cols.empty() || cols.back().last < nx) fx[static_cast<std::size_t>(nx)] = 0;
  if (sections) zero_outside(fx, cols, 1);
  if (j == 0 || sections) zero_outside(fy_north, north, 0);
  if (j == ny - 1 || sections) zero_outside(fy_south, south, 0);
}

/// The volume row j's boundary faces let in and out per second [m3/s] (inflow positive into
/// the domain): the west and east faces of the row, the north faces of row 0 and the south
/// faces of row ny - 1. fx: the row's x-face mass fluxes (nx + 1), fy_north / fy_south: its
/// y faces (nx, positive southward).
inline void boundary_row_flows(const Grid& G, int j, const Real* fx, const Real* fy_north,
                               const Real* fy_south, double& in, double& out) {
  auto book = [&](Real into_domain, Real length) {
    const double v = static_cast<double>(into_domain) * static_cast<double>(length);
    if (v > 0) {
      in += v;
    } else {
      out -= v;
    }
  };
  book(fx[0], G.dy);
  book(-fx[G.nx], G.dy);
  if (j == 0) {
    for (int i = 0; i < G.nx; ++i) book(fy_north[i], G.dx);
  }
  if (j == G.ny - 1) {
    for (int i = 0; i < G.nx; ++i) book(-fy_south[i], G.dx);
  }
}

}  // namespace floodtwin::solver
