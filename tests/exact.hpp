#pragma once
/// @file exact.hpp
/// Exact solutions of the shallow-water equations used by the verification tests
/// (after SWASHES, Delestre et al. 2013), and helpers to measure errors.
#include <algorithm>
#include <cmath>
#include <functional>
#include <vector>

namespace floodtwin::testing {

constexpr double g = 9.81;

/// Ritter (1892): dam break of depth hl onto a dry bed at x0. Returns the depth at (x, t).
inline double ritter_depth(double x, double t, double hl, double x0) {
  const double cl = std::sqrt(g * hl);
  const double xa = x0 - cl * t;
  const double xb = x0 + 2 * cl * t;
  if (x <= xa) return hl;
  if (x >= xb) return 0;
  const double s = 2 * cl - (x - x0) / t;
  return s * s / (9 * g);
}

/// Stoker (1957): dam break of depth hl onto a wet bed of depth hr at x0.
struct Stoker {
  double hl, hr, x0, hm, um, cm, shock;
  Stoker(double hl_, double hr_, double x0_) : hl(hl_), hr(hr_), x0(x0_) {
    const double cl = std::sqrt(g * hl);
    // Middle depth: rarefaction (u = 2 (cl - cm)) meets the shock (Rankine-Hugoniot).
    auto f = [&](double h) {
      const double u_rare = 2 * (cl - std::sqrt(g * h));
      const double u_shock = (h - hr) * std::sqrt(g * (h + hr) / (2 * h * hr));
      return u_rare - u_shock;
    };
    double lo = hr, hi = hl;
    for (int k = 0; k < 200; ++k) {
      const double mid = 0.5 * (lo + hi);
      (f(mid) > 0 ? lo : hi) = mid;
    }
    hm = 0.5 * (lo + hi);
    cm = std::sqrt(g * hm);
    um = 2 * (cl - cm);
    shock = hm * um / (hm - hr);
  }
  [[nodiscard]] double depth(double x, double t) const {
    const double cl = std::sqrt(g * hl);
    const double xi = (x - x0) / t;
    if (xi <= -cl) return hl;
    if (xi <= um - cm) {
      const double s = 2 * cl - xi;
      return s * s / (9 * g);
    }
    if (xi < shock) return hm;
    return hr;
  }
};

/// Thacker (1981) planar surface in a paraboloid, as in SWASHES: a = 1, h0 = 0.1, eta = 0.5,
/// on [0, L]^2 with L = 4.
struct ThackerPlanar {
  double a = 1, h0 = 0.1, eta = 0.5, L = 4;
  [[nodiscard]] double omega() const { return std::sqrt(2 * g * h0) / a; }
  [[nodiscard]] double period() const { return 2 * M_PI / omega(); }
  [[nodiscard]] double bed(double x, double y) const {
    const double r2 = (x - L / 2) * (x - L / 2) + (y - L / 2) * (y - L / 2);
    return -h0 * (1 - r2 / (a * a));
  }
  [[nodiscard]] double depth(double x, double y, double t) const {
    const double w = omega();
    const double h = eta * h0 / (a * a) *
                         (2 * (x - L / 2) * std::cos(w * t) + 2 * (y - L / 2) * std::sin(w * t) -
                          eta) -
                     bed(x, y);
    return std::max(0.0, h);
  }
  [[nodiscard]] double u(double t) const { return -eta * omega() * std::sin(omega() * t); }
  [[nodiscard]] double v(double t) const { return eta * omega() * std::cos(omega() * t); }
};

/// MacDonald-type steady flow with Manning friction (MacDonald et al. 1997; SWASHES 3.1.1):
/// a prescribed smooth subcritical depth profile h(x) on [0, L] with unit discharge q
/// (Froude number 0.3-0.5: SWASHES' own profile sits at Froude 0.97 near its ends, where any
/// O(dx) boundary error is amplified by 1 / (1 - Fr^2)); the
/// bed that makes it an exact steady solution is z(x) = int_x^L (1 - q^2/(g h^3)) h' +
/// n^2 q^2 / h^(10/3) ds, with z(L) = 0.
struct MacDonald {
  double L = 1000, q = 1.5, n = 0.033;
  [[nodiscard]] double depth(double x) const {
    const double s = x / L - 0.5;
    return 1.0 + 0.25 * std::exp(-16 * s * s);
  }
  [[nodiscard]] double depth_prime(double x) const {
    const double s = x / L - 0.5;
    return 0.25 * std::exp(-16 * s * s) * (-32 * s / L);
  }
  [[nodiscard]] double bed_slope_integrand(double x) const {
    const double h = depth(x);
    return (1 - q * q / (g * h * h * h)) * depth_prime(x) +
           n * n * q * q / std::pow(h, 10.0 / 3.0);
  }
  /// Bed elevation by composite Simpson quadrature (error far below the tests' tolerances).
  [[nodiscard]] double bed(double x) const {
    const int m = 2000;
    const double hgt = (L - x) / m;
    if (hgt <= 0) return 0;
    double s = bed_slope_integrand(x) + bed_slope_integrand(L);
    for (int k = 1; k < m; ++k) s += (k % 2 ? 4 : 2) * bed_slope_integrand(x + k * hgt);
    return s * hgt / 3;
  }
};

/// Steady frictionless flow over a bump (Goutal and Maurel 1997; SWASHES 3.1.1 to 3.1.3):
/// a 25 m channel, bed z = 0.2 - 0.05 (x - 10)^2 on 8 < x < 12 (kinks at both feet), else 0;
/// unit discharge q in at x = 0, water level h_out at x = 25. Bernoulli's head
/// E = q^2 / (2 g h^2) + h + z is constant along a smooth reach; a hydraulic jump conserves
/// the momentum flux q^2 / h + g h^2 / 2 instead.
struct BumpSteady {
  double q = 4.42, h_out = 2.0;  ///< subcritical; q 0.18, h_out 0.33: transcritical with a jump
  static constexpr double L = 25;
  [[nodiscard]] static double bed(double x) {
    return x > 8 && x < 12 ? 0.2 - 0.05 * (x - 10) * (x - 10) : 0.0;
  }
  [[nodiscard]] double critical_depth() const { return std::cbrt(q * q / g); }
  /// The depth with head E over bed z on the sub- (true) or supercritical branch; the critical
  /// depth where E is below the critical head.
  [[nodiscard]] double depth_at_head(double E, double z, bool subcritical) const {
    const double hc = critical_depth();
    auto f = [&](double h) { return q * q / (2 * g * h * h) + h + z - E; };
    if (f(hc) > 0) return hc;
    double a = subcritical ? hc : 1e-9, b = subcritical ? std::max(E - z, hc) + 1 : hc;
    const double fa = f(a);
    for (int k = 0; k < 200; ++k) {
      const double m = 0.5 * (a + b);
      ((f(m) > 0) == (fa > 0) ? a : b) = m;
    }
    return 0.5 * (a + b);
  }
  [[nodiscard]] double outlet_head() const { return q * q / (2 * g * h_out * h_out) + h_out; }
  /// Transcritical: critical flow at the crest (x = 10), so E = 1.5 h_c + 0.2 upstream.
  [[nodiscard]] bool transcritical() const { return outlet_head() < 1.5 * critical_depth() + 0.2; }
  /// Where the jump stands (10 < x < 12): the conjugate depth of the supercritical flow meets
  /// the subcritical depth of the outlet's head.
  [[nodiscard]] double jump_position() const {
    const double E = 1.5 * critical_depth() + 0.2;
    auto mismatch = [&](double x) {
      const double h1 = depth_at_head(E, bed(x), false);
      const double fr = q / (h1 * std::sqrt(g * h1));
      return h1 / 2 * (std::sqrt(1 + 8 * fr * fr) - 1) - depth_at_head(outlet_head(), bed(x), true);
    };
    double a = 10 + 1e-9, b = 12;
    const double fa = mismatch(a);
    for (int k = 0; k < 100; ++k) {
      const double m = 0.5 * (a + b);
      ((mismatch(m) > 0) == (fa > 0) ? a : b) = m;
    }
    return 0.5 * (a + b);
  }
  [[nodiscard]] double depth(double x) const {
    if (!transcritical()) return depth_at_head(outlet_head(), bed(x), true);
    const double E = 1.5 * critical_depth() + 0.2;
    if (x < 10) return depth_at_head(E, bed(x), true);
    if (x < jump_position()) return depth_at_head(E, bed(x), false);
    return depth_at_head(outlet_head(), bed(x), true);
  }
};

/// Observed order of convergence from errors on grids refined by 2.
inline double observed_order(double coarse_error, double fine_error) {
  return std::log2(coarse_error / fine_error);
}

}  // namespace floodtwin::testing
