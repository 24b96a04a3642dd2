#pragma once
/// @file row_kernels.hpp
/// The stepper's inner loops over one row of faces or cells, written branch-free over
/// contiguous arrays so that the compiler vectorises them (`omp simd`). Each computes exactly
/// what the scalar kernels of riemann_hllc.hpp and reconstruction.hpp compute for one face or
/// cell (up to rounding); tests/unit/test_row_kernels.cpp checks that.
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "solver/real.hpp"
#include "solver/reconstruction.hpp"
#include "solver/riemann_hllc.hpp"

namespace floodtwin::solver {

/// One side of a row of faces: depth, normal and tangential velocity, bed.
/// The normal velocity is `sign * un[f]` (sign = -1 turns northward v into the southward
/// normal of y faces).
struct FaceRowIn {
  const Real* h;
  const Real* un;
  const Real* ut;
  const Real* z;
};

/// Fluxes of a row of faces (see FaceFlux in riemann_hllc.hpp).
struct FluxRowOut {
  Real* mass;
  Real* momentum_left;
  Real* momentum_right;
  Real* momentum_t;
};

/// Hydrostatic reconstruction + HLLC flux (as hydrostatic_flux) for n faces.
/// The HLL upwind cases are folded in by clamping sL <= 0 <= sR, which gives the left or right
/// physical flux exactly when all waves move one way.
inline void hydrostatic_hllc_row(int n, const FaceRowIn& L, const FaceRowIn& R, Real sign, Real g,
                                 const FluxRowOut& out) noexcept {
  const Real half_g = Real(0.5) * g;
  const Real* __restrict hL_ = L.h;
  const Real* __restrict uL_ = L.un;
  const Real* __restrict vL_ = L.ut;
  const Real* __restrict zL_ = L.z;
  const Real* __restrict hR_ = R.h;
  const Real* __restrict uR_ = R.un;
  const Real* __restrict vR_ = R.ut;
  const Real* __restrict zR_ = R.z;
  Real* __restrict fm = out.mass;
  Real* __restrict fl = out.momentum_left;
  Real* __restrict fr = out.momentum_right;
  Real* __restrict ft = out.momentum_t;
#pragma omp simd
  for (int f = 0; f < n; ++f) {
    const Real hl = hL_[f];
    const Real hr = hR_[f];
    const Real ul = sign * uL_[f];
    const Real ur = sign * uR_[f];
    const Real zl = zL_[f];
    const Real zr = zR_[f];
    const Real vl = vL_[f];  // loaded unconditionally: a conditional load would stop vectorising
    const Real vr = vR_[f];
    const Real zs = std::max(zl, zr);
    const Real el = hl + zl;
    const Real er = hr + zr;
    const Real hls = std::max(Real(0), el - zs);
    const Real hrs = std::max(Real(0), er - zs);
    const Real zf = std::min(zs, std::min(el, er));  // as hydrostatic_flux
    const Real cl = std::sqrt(g * hls);
    const Real cr = std::sqrt(g * hrs);
    const Real us = Real(0.5) * (ul + ur) + cl - cr;
    const Real cs = Real(0.5) * (cl + cr) + Real(0.25) * (ul - ur);
    // Comparisons are used directly in the selects (no bool temporaries) so that the loop
    // vectorises; dry sides use the dry-bed speeds of Toro (2001), eq. (10.23).
    const Real sl_wet = std::min(ul - cl, us - cs);
    const Real sr_wet = std::max(ur + cr, us + cs);
    const Real sl = hls > 0 ? (hrs > 0 ? sl_wet : ul - cl) : ur - 2 * cr;
    const Real sr = hls > 0 ? (hrs > 0 ? sr_wet : ul + 2 * cl) : ur + cr;
    const Real slm = std::min(sl, Real(0));
    const Real srp = std::max(sr, Real(0));
    const Real ql = hls * ul;
    const Real qr = hrs * ur;
    const Real pl = ql * ul + half_g * hls * hls;
    const Real pr = qr * ur + half_g * hrs * hrs;
    const Real wet_sum = hls + hrs;
    const Real den = wet_sum > 0 ? srp - slm : Real(1);
    const Real inv = wet_sum > 0 ? Real(1) / den : Real(0);
    const Real mass = (srp * ql - slm * qr + slm * srp * (hrs - hls)) * inv;
    const Real mom = (srp * pl - slm * pr + slm * srp * (qr - ql)) * inv;
    // Contact speed s* = star_num / (hrs (ur - sr) - hls (ul - sl)), whose denominator is
    // negative whenever a side is wet: s* >= 0 <=> star_num <= 0 (both dry: mass = 0).
    const Real star_num = sl * hrs * (ur - sr) - sr * hls * (ul - sl);
    fm[f] = mass;
    ft[f] = mass * (star_num <= 0 ? vl : vr);
    fl[f] = mom + step_force(hl, hls, zl, zf, half_g);
    fr[f] = mom + step_force(hr, hrs, zr, zf, half_g);
  }
}

/// MC limiter (mc_limiter in reconstruction.hpp) without branches.
inline Real mc_select(Real a, Real b, Real theta = 2) noexcept {
  const Real m =
      std::min(std::min(theta * std::abs(a), theta * std::abs(b)), Real(0.5) * std::abs(a + b));
  const Real s = a > 0 ? m : -m;
  return a * b <= 0 ? Real(0) : s;
}

/// van Leer's limiter (van_leer_limiter in reconstruction.hpp) without branches; the divisor
/// of a lane that returns 0 is 1, so no lane divides by zero.
inline Real van_leer_select(Real a, Real b) noexcept {
  const Real p = a * b;
  const bool agree = p > 0;
  const Real d = agree ? a + b : Real(1);
  const Real s = 2 * p / d;
  return agree ? s : Real(0);
}

/// The branch-free limiters as types, for muscl_row's template argument.
struct VanLeerSelect {
  static Real apply(Real a, Real b) noexcept { return van_leer_select(a, b); }
};
struct McSelect {
  static Real apply(Real a, Real b) noexcept { return mc_select(a, b); }
};
struct MinmodSelect {
  static Real apply(Real a, Real b) noexcept { return mc_select(a, b, Real(1)); }
};

/// Cell-kind codes (as CellKind in simulation.hpp).
inline constexpr std::uint8_t kind_wall = 0;
inline constexpr std::uint8_t kind_active = 1;

/// A row of cells with its neighbours on both sides along the sweep direction.
struct ReconRowIn {
  const Real* h[3];    ///< minus neighbour, cell, plus neighbour
  const Real* u[3];    ///< velocity along the sweep
  const Real* v[3];    ///< velocity across the sweep
  const Real* eta[3];  ///< free surface
  const std::uint8_t* mask[3];
  const Real* z;  ///< bed of the cells
  /// The same row from cell a on (a span of cells [a, ...)).
  [[nodiscard]] ReconRowIn from(int a) const noexcept {
    ReconRowIn r = *this;
    for (int k = 0; k < 3; ++k) {
      r.h[k] += a;
      r.u[k] += a;
      r.v[k] += a;
      r.eta[k] += a;
      r.mask[k] += a;
    }
    r.z += a;
    return r;
  }
};

/// Face values at the minus and plus faces of each cell (h, u, v, z).
struct ReconRowOut {
  Real* h[2];
  Real* u[2];
  Real* v[2];
  Real* z[2];
  Real* source;  ///< bed-slope correction g/2 (h- + h+)(z- - z+) [m2/s2]
  /// The same row from cell a on.
  [[nodiscard]] ReconRowOut from(int a) const noexcept {
    ReconRowOut r = *this;
    for (int k = 0; k < 2; ++k) {
      r.h[k] += a;
      r.u[k] += a;
      r.v[k] += a;
      r.z[k] += a;
    }
    r.source += a;
    return r;
  }
};

/// MUSCL reconstruction with limiter Lim (as limited_slopes + face_value) for n cells. Cells
/// that are not active, or have a wall on either side, get no slope. A boundary-ghost neighbour
/// (kind 2 or 3) holds a face value, so its difference is doubled (see beyond_face).
///
/// The cell kinds are turned into difference weights first, in a loop of their own, a chunk of
/// cells at a time: a loop that reads uint8 kinds next to doubles is vectorised 64 cells per
/// iteration (one byte vector; eight vectors for every double), and with the ~40 doubles live in
/// the reconstruction that spilled to the stack on every iteration (4.7 ns a cell with MC, 3.7
/// with minmod; 2.5 ns now, docs/solver.md "Limiter"). The weight is 0 for a cell without slope:
/// both differences are then +-0 (the values are finite), every limited slope is +0, and the
/// face values are exactly those of the unsloped cell.
template <class Lim>
void muscl_row(int n, const ReconRowIn& in, Real g, const ReconRowOut& out) noexcept {
  const std::uint8_t* __restrict mm = in.mask[0];
  const std::uint8_t* __restrict mc = in.mask[1];
  const std::uint8_t* __restrict mp = in.mask[2];
  const Real* __restrict hm = in.h[0];
  const Real* __restrict hc_ = in.h[1];
  const Real* __restrict hp = in.h[2];
  const Real* __restrict um = in.u[0];
  const Real* __restrict uc_ = in.u[1];
  const Real* __restrict up = in.u[2];
  const Real* __restrict vm = in.v[0];
  const Real* __restrict vc_ = in.v[1];
  const Real* __restrict vp = in.v[2];
  const Real* __restrict em = in.eta[0];
  const Real* __restrict ec_ = in.eta[1];
  const Real* __restrict ep = in.eta[2];
  const Real* __restrict zc_ = in.z;
  Real* __restrict h_minus = out.h[0];
  Real* __restrict h_plus = out.h[1];
  Real* __restrict u_minus = out.u[0];
  Real* __restrict u_plus = out.u[1];
  Real* __restrict v_minus = out.v[0];
  Real* __restrict v_plus = out.v[1];
  Real* __restrict z_minus = out.z[0];
  Real* __restrict z_plus = out.z[1];
  Real* __restrict source = out.source;
  constexpr int chunk = 512;
  alignas(64) Real weight_m[chunk];  // 0: no slope; 1: a cell behind the minus face; 2: a ghost
  alignas(64) Real weight_p[chunk];
  for (int i0 = 0; i0 < n; i0 += chunk) {
    const int len = std::min(chunk, n - i0);
#pragma omp simd
    for (int k = 0; k < len; ++k) {
      const std::uint8_t km = mm[i0 + k];
      const std::uint8_t kc = mc[i0 + k];
      const std::uint8_t kp = mp[i0 + k];
      const bool sloped = (kc == kind_active) & (km != kind_wall) & (kp != kind_wall);
      weight_m[k] = sloped ? (km >= 2 ? Real(2) : Real(1)) : Real(0);
      weight_p[k] = sloped ? (kp >= 2 ? Real(2) : Real(1)) : Real(0);
    }
#pragma omp simd
    for (int k = 0; k < len; ++k) {
      const int i = i0 + k;
      const Real wm = weight_m[k];
      const Real wp = weight_p[k];
      const bool sloped = wm > 0;
      const Real hc = hc_[i];
      const Real uc = uc_[i];
      const Real vc = vc_[i];
      const Real ec = ec_[i];
      const Real zc = zc_[i];
      // All loads are unconditional (walls hold finite values); the weights select.
      const Real cap = 2 * std::max(hc, Real(0));
      const Real sh = std::clamp(Lim::apply(wm * (hc - hm[i]), wp * (hp[i] - hc)), -cap, cap);
      const Real su = Lim::apply(wm * (uc - um[i]), wp * (up[i] - uc));
      const Real sv = Lim::apply(wm * (vc - vm[i]), wp * (vp[i] - vc));
      const Real se_lim = Lim::apply(wm * (ec - em[i]), wp * (ep[i] - ec));
      const Real se = sh + std::clamp(se_lim - sh, Real(-8) * hc,
                                      Real(8) * hc);  // = eta_slope (reconstruction.hpp)
      const Real hmf = hc - Real(0.5) * sh;
      const Real hpf = hc + Real(0.5) * sh;
      const Real emf = ec - Real(0.5) * se;
      const Real epf = ec + Real(0.5) * se;
      const Real du = Real(0.5) * su;
      const Real dv = Real(0.5) * sv;
      const bool wet_m = hmf > 0;
      const bool wet_p = hpf > 0;
      const Real zmf = sloped ? (wet_m ? emf - hmf : emf) : zc;
      const Real zpf = sloped ? (wet_p ? epf - hpf : epf) : zc;
      const Real hm_out = wet_m ? hmf : Real(0);
      const Real hp_out = wet_p ? hpf : Real(0);
      h_minus[i] = hm_out;
      h_plus[i] = hp_out;
      u_minus[i] = wet_m ? uc - du : Real(0);
      u_plus[i] = wet_p ? uc + du : Real(0);
      v_minus[i] = wet_m ? vc - dv : Real(0);
      v_plus[i] = wet_p ? vc + dv : Real(0);
      z_minus[i] = zmf;
      z_plus[i] = zpf;
      source[i] = Real(0.5) * g * (hm_out + hp_out) * (zmf - zpf);
    }
  }
}

/// muscl_row with the limiter chosen at run time (one branch per row, not per cell).
inline void muscl_row(Limiter lim, int n, const ReconRowIn& in, Real g,
                      const ReconRowOut& out) noexcept {
  switch (lim) {
    case Limiter::mc:
      muscl_row<McSelect>(n, in, g, out);
      return;
    case Limiter::minmod:
      muscl_row<MinmodSelect>(n, in, g, out);
      return;
    case Limiter::van_leer:
      break;
  }
  muscl_row<VanLeerSelect>(n, in, g, out);
}

}  // namespace floodtwin::solver
