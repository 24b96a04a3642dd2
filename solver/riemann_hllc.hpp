#pragma once
/// @file riemann_hllc.hpp
/// HLLC approximate Riemann solver for the shallow-water equations in the direction normal to
/// a face, combined with the hydrostatic reconstruction of Audusse et al. (2004),
/// "A fast and stable well-balanced scheme with hydrostatic reconstruction for shallow water
/// flows", SIAM J. Sci. Comput. 25(6), eqs. (2.7)-(2.11).
///
/// Pure functions: no globals, no side effects. States are given in a face-aligned frame:
/// `u` is the velocity normal to the face (positive from the left cell to the right cell),
/// `v` the tangential velocity.
///
/// HLLC wave speeds follow Toro, "Shock-capturing methods for free-surface shallow flows"
/// (2001), eqs. (10.21)-(10.22) (two-rarefaction estimates with dry-bed speeds (10.23)), and
/// the contact speed (10.71).
#include <algorithm>
#include <cmath>

#include "solver/real.hpp"

namespace floodtwin::solver {

/// One side of a face after reconstruction: depth [m], normal and tangential velocity [m/s]
/// and bed elevation at the face [m].
struct FaceState {
  Real h;
  Real u;
  Real v;
  Real z;
};

/// Numerical flux through a face, per unit face length.
/// `mass` [m2/s] is shared by both cells; the normal momentum flux differs between the two
/// sides by the hydrostatic-reconstruction pressure correction: the left cell uses
/// `momentum_left`, the right cell `momentum_right` [m3/s2]. `momentum_t` is the flux of
/// tangential momentum [m3/s2].
struct FaceFlux {
  Real mass;
  Real momentum_left;
  Real momentum_right;
  Real momentum_t;
};

/// HLLC flux between two states of depth h >= 0 on a flat bed.
/// @param g gravity [m/s2]
/// @return {mass, normal momentum, tangential momentum} flux (momentum_left == momentum_right).
inline FaceFlux hllc_flux(Real hL, Real uL, Real vL, Real hR, Real uR, Real vR, Real g) noexcept {
  if (!(hL > 0) && !(hR > 0)) return {0, 0, 0, 0};
  const Real cL = std::sqrt(g * hL);
  const Real cR = std::sqrt(g * hR);
  Real sL;
  Real sR;
  if (!(hL > 0)) {
    sL = uR - 2 * cR;
    sR = uR + cR;
  } else if (!(hR > 0)) {
    sL = uL - cL;
    sR = uL + 2 * cL;
  } else {
    const Real u_star = Real(0.5) * (uL + uR) + cL - cR;
    const Real c_star = Real(0.5) * (cL + cR) + Real(0.25) * (uL - uR);
    sL = std::min(uL - cL, u_star - c_star);
    sR = std::max(uR + cR, u_star + c_star);
  }
  const Real qL = hL * uL;
  const Real qR = hR * uR;
  const Real half_g = Real(0.5) * g;
  FaceFlux f;
  if (sL >= 0) {
    f.mass = qL;
    f.momentum_left = qL * uL + half_g * hL * hL;
    f.momentum_t = qL * vL;
  } else if (sR <= 0) {
    f.mass = qR;
    f.momentum_left = qR * uR + half_g * hR * hR;
    f.momentum_t = qR * vR;
  } else {
    const Real inv = Real(1) / (sR - sL);
    const Real fnL = qL * uL + half_g * hL * hL;
    const Real fnR = qR * uR + half_g * hR * hR;
    f.mass = (sR * qL - sL * qR + sL * sR * (hR - hL)) * inv;
    f.momentum_left = (sR * fnL - sL * fnR + sL * sR * (qR - qL)) * inv;
    // Contact wave speed (Toro 2001, eq. 10.71) decides which tangential velocity is carried.
    const Real s_star = (sL * hR * (uR - sR) - sR * hL * (uL - sL)) /
                        (hR * (uR - sR) - hL * (uL - sL));
    f.momentum_t = f.mass * (s_star >= 0 ? vL : vR);
  }
  f.momentum_right = f.momentum_left;
  return f;
}

/// The bed force on the water of one side of a face, as a momentum flux added to that side:
/// g/2 (h^2 - h*^2), the hydrostatic reconstruction's (Audusse et al. 2004), where the face bed
/// zf is at or above the side's bed z; where the other side's water surface lies below z (water
/// running down a step: a hillslope film at any slope steeper than h / dx), zf is that surface
/// (Chen and Noelle 2017, eq. 3.4), below z, and the force is the bed's slope
/// g h (zf - z) (their source term with h* = h): it pushes the water down the step, so that a
/// film on a slope runs at the speed friction allows (Manning's) instead of the speed at which
/// water falls off a ledge (docs/solver.md, "Hillslope films").
inline Real step_force(Real h, Real h_star, Real z, Real zf, Real half_g) noexcept {
  return zf < z ? 2 * half_g * h * (zf - z) : half_g * (h * h - h_star * h_star);
}

/// Flux through a face between two wet-or-dry cells over a non-flat bed, with the hydrostatic
/// reconstruction of Audusse et al. (2004): the depths are rebuilt at the face bed
/// z* = max(zL, zR), the HLLC flux is taken between the rebuilt states, and each side adds the
/// pressure difference g/2 (h^2 - h*^2) that keeps a lake at rest exactly at rest; a side
/// above the other's water surface gets the bed's slope instead (step_force).
inline FaceFlux hydrostatic_flux(const FaceState& L, const FaceState& R, Real g) noexcept {
  const Real z_star = std::max(L.z, R.z);
  const Real hL_star = std::max(Real(0), L.h + L.z - z_star);
  const Real hR_star = std::max(Real(0), R.h + R.z - z_star);
  FaceFlux f = hllc_flux(hL_star, L.u, L.v, hR_star, R.u, R.v, g);
  const Real half_g = Real(0.5) * g;
  const Real zf = std::min(z_star, std::min(L.h + L.z, R.h + R.z));
  f.momentum_left += step_force(L.h, hL_star, L.z, zf, half_g);
  f.momentum_right += step_force(R.h, hR_star, R.z, zf, half_g);
  return f;
}

/// Flux through a wall face: no mass, and the hydrostatic pressure of the wet side `h`.
inline FaceFlux wall_flux(Real h, Real g) noexcept {
  const Real p = Real(0.5) * g * h * h;
  return {0, p, p, 0};
}

/// Flux through a face where a discharge enters (or leaves) the domain.
/// @param q     unit discharge through the face, positive from left to right [m2/s]
/// @param h_in  depth of the cell on the domain side [m]
/// The boundary depth is the larger of the interior depth and the critical depth of q, so an
/// inflow onto a dry bed enters at critical flow.
inline FaceFlux discharge_flux(Real q, Real h_in, Real g) noexcept {
  if (q == 0) return wall_flux(h_in, g);
  const Real h_crit = std::cbrt(q * q / g);
  const Real hb = std::max(h_in, h_crit);
  const Real m = q * q / hb + Real(0.5) * g * hb * hb;
  return {q, m, m, 0};
}

}  // namespace floodtwin::solver
