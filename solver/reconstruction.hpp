#pragma once
/// @file reconstruction.hpp
/// MUSCL reconstruction of face values (van Leer 1979) on the primitive variables
/// depth h, free-surface elevation eta = h + z and velocities u, v, as in Audusse et al. (2004),
/// section 3 ("second order extension"): reconstructing eta (not z) keeps a lake at rest flat,
/// and a limited h keeps face depths non-negative.
///
/// The slopes are limited with the monotonised-central limiter (MC, van Leer 1977):
/// s = minmod(2a, 2b, (a + b)/2). It is the least diffusive of the TVD limiters that keep the
/// centred slope on smooth data; on Thacker's planar basin (3 periods, 100^2) it halves the
/// depth error of minmod (docs/solver.md, "Limiter"). MC lets a face depth reach 0 (never below:
/// |s| <= 2 min(|a|, |b|) <= 2 h for a positive cell next to a non-negative one); the h slope is
/// also clamped to |s| <= 2 h so that the doubled difference towards a boundary ghost cannot
/// push a face depth below zero either.
#include <algorithm>
#include <cmath>

#include "solver/real.hpp"

namespace floodtwin::solver {

/// minmod limiter: the smaller of two one-sided differences if they agree in sign, else 0.
inline Real minmod(Real a, Real b) noexcept {
  if (a * b <= 0) return 0;
  return std::abs(a) < std::abs(b) ? a : b;
}

/// Generalised minmod limiter: 0 if a and b differ in sign, else the one of theta a, theta b
/// and (a + b)/2 smallest in magnitude. theta = 2: monotonised central (MC); theta = 1: minmod.
inline Real mc_limiter(Real a, Real b, Real theta = 2) noexcept {
  if (a * b <= 0) return 0;
  const Real m =
      std::min(std::min(theta * std::abs(a), theta * std::abs(b)), Real(0.5) * std::abs(a + b));
  return a > 0 ? m : -m;
}

/// The limiter's theta for the free surface of a cell of depth h: MC (2) in wet cells, minmod
/// (1) in dry ones. A dry cell's face bed is eta -+ s/2; with MC it may come down exactly to the
/// level of a wet neighbour at rest, where round-off would then leak 1e-17 m films onto the
/// bank; minmod keeps it half the bank height above (lake at rest over random terrain exact).
inline Real eta_theta(Real h) noexcept { return h > 0 ? Real(2) : Real(1); }

/// Primitive variables of one cell as used by the reconstruction.
struct Primitive {
  Real h;    ///< depth [m]
  Real u;    ///< velocity along the sweep direction [m/s]
  Real v;    ///< velocity across the sweep direction [m/s]
  Real eta;  ///< free-surface elevation h + z [m]
};

/// Limited slopes (differences per cell) of the primitive variables of cell c.
struct Slopes {
  Real h;
  Real u;
  Real v;
  Real eta;
};

inline Slopes limited_slopes(const Primitive& m, const Primitive& c, const Primitive& p) noexcept {
  const Real cap = 2 * std::max(c.h, Real(0));
  return {std::clamp(mc_limiter(c.h - m.h, p.h - c.h), -cap, cap), mc_limiter(c.u - m.u, p.u - c.u),
          mc_limiter(c.v - m.v, p.v - c.v), mc_limiter(c.eta - m.eta, p.eta - c.eta, eta_theta(c.h))};
}

/// A boundary ghost cell holds the boundary state at the face, half a cell from the centre of
/// its neighbour c; the virtual cell a full cell away carries twice the difference, so that a
/// slope through a boundary (e.g. towards an imposed water level) is not halved.
inline Primitive beyond_face(const Primitive& ghost, const Primitive& c) noexcept {
  return {2 * ghost.h - c.h, 2 * ghost.u - c.u, 2 * ghost.v - c.v, 2 * ghost.eta - c.eta};
}

/// Value of the reconstruction of cell c at the face in direction `side` (+1: the face towards
/// larger index, -1: towards smaller index), returned as depth, velocities and face bed.
struct FaceValues {
  Real h;
  Real u;
  Real v;
  Real z;
};

inline FaceValues face_value(const Primitive& c, const Slopes& s, Real side) noexcept {
  const Real half = Real(0.5) * side;
  const Real h = c.h + half * s.h;
  const Real eta = c.eta + half * s.eta;
  if (h > 0) return {h, c.u + half * s.u, c.v + half * s.v, eta - h};
  return {0, 0, 0, eta};
}

}  // namespace floodtwin::solver
