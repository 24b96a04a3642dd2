#pragma once
/// @file reconstruction.hpp
/// MUSCL reconstruction of face values (van Leer 1979) on the primitive variables
/// depth h, free-surface elevation eta = h + z and velocities u, v, as in Audusse et al. (2004),
/// section 3 ("second order extension"): reconstructing eta (not z) keeps a lake at rest flat,
/// and a limited h keeps face depths non-negative.
#include <algorithm>
#include <cmath>

#include "solver/real.hpp"

namespace floodtwin::solver {

/// minmod limiter: the smaller of two one-sided differences if they agree in sign, else 0.
inline Real minmod(Real a, Real b) noexcept {
  if (a * b <= 0) return 0;
  return std::abs(a) < std::abs(b) ? a : b;
}

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
  return {minmod(c.h - m.h, p.h - c.h), minmod(c.u - m.u, p.u - c.u),
          minmod(c.v - m.v, p.v - c.v), minmod(c.eta - m.eta, p.eta - c.eta)};
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
