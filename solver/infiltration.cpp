#include "solver/infiltration.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <sstream>
#include <string>
#include <utility>

#include "solver/error.hpp"
#include "solver/parallel.hpp"

namespace floodtwin::solver {

namespace {

bool parameter_ok(Real v, Real lo, Real hi, bool lo_open) {
  return std::isfinite(v) && (lo_open ? v > lo : v >= lo) && v <= hi;
}

/// The InputError of a parameter value outside [lo, hi] (lo excluded when lo_open) or not
/// finite, naming the model's parameter; `where` ends the message (the cell of a field).
[[noreturn]] void bad_parameter(Real v, const char* model, const char* name, Real lo, Real hi,
                                bool lo_open, const std::string& where) {
  std::ostringstream msg;
  msg << model << " " << name << ": expected a finite value " << (lo_open ? "> " : ">= ") << lo;
  if (std::isfinite(hi)) msg << " and <= " << hi;
  msg << ", got " << v << where << " (give any valid value in inactive cells)";
  throw InputError(msg.str());
}

/// One value of a parameter given as a constant, checked as padded_parameter checks it.
Real constant_parameter(Real v, const char* model, const char* name, Real lo, Real hi) {
  if (!parameter_ok(v, lo, hi, false)) bad_parameter(v, model, name, lo, hi, false, "");
  return v;
}

/// Copies a parameter (1 or nx*ny values, row 0 north) into a padded field, checking
/// lo <= value <= hi (finite).
Field<Real> padded_parameter(const Grid& grid, std::span<const Real> values, const char* model,
                             const char* name, Real lo, Real hi, bool lo_open = false) {
  grid.validate();
  const std::size_t n = grid.cell_count();
  if (values.size() != 1 && values.size() != n) {
    std::ostringstream msg;
    msg << model << " " << name << ": expected 1 or " << grid.nx << " x " << grid.ny << " = " << n
        << " values, got " << values.size();
    throw InputError(msg.str());
  }
  Field<Real> out(grid.padded_size());
  const auto [kept0, kept1] = grid.kept_interior_rows();  // written; every row is checked
  for (int j = 0; j < grid.ny; ++j) {
    for (int i = 0; i < grid.nx; ++i) {
      const std::size_t c =
          values.size() == 1 ? 0 : std::size_t(j) * std::size_t(grid.nx) + std::size_t(i);
      const Real v = values[c];
      if (!parameter_ok(v, lo, hi, lo_open)) {
        bad_parameter(v, model, name, lo, hi, lo_open,
                      values.size() == 1 ? std::string()
                                         : " at column " + std::to_string(i) + ", row " +
                                               std::to_string(j));
      }
      if (j >= kept0 && j < kept1) out[std::size_t(grid.index(i, j))] = v;
    }
  }
  return out;
}

std::vector<Real> interior(const Grid& grid, const Field<Real>& padded) {
  std::vector<Real> out(grid.cell_count());
  for (int j = 0; j < grid.ny; ++j) {
    for (int i = 0; i < grid.nx; ++i) {
      out[std::size_t(j) * std::size_t(grid.nx) + std::size_t(i)] =
          padded[std::size_t(grid.index(i, j))];
    }
  }
  return out;
}

void check_same_grid(const Grid& a, const Grid& b, const char* model) {
  if (a.nx != b.nx || a.ny != b.ny) {
    std::ostringstream msg;
    msg << model << ": built for a " << a.nx << " x " << a.ny << " grid, used on " << b.nx << " x "
        << b.ny;
    throw InputError(msg.str());
  }
}

constexpr Real inf = std::numeric_limits<Real>::infinity();

}  // namespace

// ---- Green-Ampt ------------------------------------------------------------------------------

GreenAmpt::GreenAmpt(const Grid& grid, std::span<const Real> ks, std::span<const Real> psi,
                     std::span<const Real> dtheta, Real initial_infiltration)
    : grid_(grid) {
  // Uniform soil (the same ks and psi * dtheta in every cell, the common case): one value
  // kept, not a field (16 B/cell less, and a step's losses read only F per cell). Given as
  // constants, no grid is built for them at all.
  if (ks.size() == 1 && psi.size() == 1 && dtheta.size() == 1) {
    grid.validate();
    ks_ = {constant_parameter(ks[0], "Green-Ampt", "ks", 0, inf)};
    s_ = {constant_parameter(psi[0], "Green-Ampt", "psi", 0, inf) *
          constant_parameter(dtheta[0], "Green-Ampt", "dtheta", 0, 1)};
  } else {
    ks_ = padded_parameter(grid, ks, "Green-Ampt", "ks", 0, inf);
    const auto p = padded_parameter(grid, psi, "Green-Ampt", "psi", 0, inf);
    const auto d = padded_parameter(grid, dtheta, "Green-Ampt", "dtheta", 0, 1);
    s_.resize(p.size());
    const auto [first, end] = grid.kept_offsets();
    for (std::size_t k = first; k < end; ++k) s_[k] = p[k] * d[k];
    // Uniform within the kept rows is enough: only they are read (Grid::kept_rows).
    const auto [kept0, kept1] = grid.kept_interior_rows();
    const Real k0 = ks_[static_cast<std::size_t>(grid.index(0, kept0))];
    const Real s0 = s_[static_cast<std::size_t>(grid.index(0, kept0))];
    bool uniform = true;
    for (int j = kept0; j < kept1 && uniform; ++j) {
      for (int i = 0; i < grid.nx; ++i) {
        const auto k = static_cast<std::size_t>(grid.index(i, j));
        uniform = uniform && ks_[k] == k0 && s_[k] == s0;
      }
    }
    if (uniform) {
      ks_ = {k0};
      s_ = {s0};
    }
  }
  if (!(initial_infiltration >= 0 && std::isfinite(initial_infiltration))) {
    std::ostringstream msg;
    msg << "Green-Ampt initial_infiltration: expected a finite value >= 0, got "
        << initial_infiltration;
    throw InputError(msg.str());
  }
  f_.resize(grid.padded_size());
  const auto [first, end] = grid.kept_offsets();
  std::fill(f_.begin() + static_cast<std::ptrdiff_t>(first),
            f_.begin() + static_cast<std::ptrdiff_t>(end), initial_infiltration);
}

GreenAmpt::GreenAmpt(const Grid& grid, Real ks, Real psi, Real dtheta, Real initial_infiltration)
    : GreenAmpt(grid, std::span<const Real>(&ks, 1), std::span<const Real>(&psi, 1),
                std::span<const Real>(&dtheta, 1), initial_infiltration) {}

Real GreenAmpt::ponded_time(Real F, Real ks, Real S) {
  if (S <= 0) return F / ks;
  return (F - S * std::log1p(F / S)) / ks;
}

namespace {

/// ln(1 + v) for v >= 0: below 1e-3 by its series to v^5 (the first term left out, v^6 / 6, is
/// below 2e-16 v: round-off; the result differs from std::log1p's by an ulp or two), else
/// std::log1p. A ponded step's Newton solve evaluates it at dF / (F + S), which is small in all
/// but a cell's first steps; the polynomial costs about half of the library's log1p there.
inline Real log1p_series(Real v) {
  return v * (1 - v * (Real(1) / 2 - v * (Real(1) / 3 - v * (Real(1) / 4 - v / 5))));
}
inline Real log1p_nonnegative(Real v) {
  if (v >= Real(1e-3)) return std::log1p(v);
  return log1p_series(v);
}

/// The ponded increment of a step that is short against the infiltration so far, in closed
/// form. With sigma = S / F and eps = ks dt / F, v = dF / (F + S) solves
/// v + sigma (v - ln(1 + v)) = eps, whose root is the series (reverted term by term)
///   v = eps + c2 eps^2 + ... + c6 eps^6,  c2 = -sigma/2,  c3 = sigma^2/2 + sigma/3,
///   c4 = -(5/8 sigma^3 + 5/6 sigma^2 + 1/4 sigma),
///   c5 = 7/8 sigma^4 + 7/4 sigma^3 + 13/12 sigma^2 + 1/5 sigma,
///   c6 = -(21/16 sigma^5 + 7/2 sigma^4 + 119/36 sigma^3 + 77/60 sigma^2 + 1/6 sigma).
/// Its range is set by q = eps (1 + sigma) (the step's rate bound over F), which falls as
/// 1 / F^2 once a cell ponds:
/// - q <= 1e-3 (series_applies): the terms left out change v by at most 2.1e-18 relative
///   (measured against 50-digit roots over sigma 1e-4..1e4), far below round-off. One division,
///   no logarithm, no Newton iteration.
/// - 1e-3 < q <= 0.04 (corrected_applies; a rain's steps on a ponded hillslope, q 1e-3..7e-3 in
///   the demo storm): the series is off by at most 8e-9 relative, and one Newton step on
///   g(v) = v + sigma (v - ln(1 + v)) - eps, whose slope 1 + sigma v / (1 + v) is at least 1
///   (a well-conditioned root, unlike dF's equation where sigma is large), squares that error:
///   within 2e-16 of 50-digit roots over sigma 1e-4..1e4. Two divisions, where Newton's method
///   from the rate bound took four to five iterations of two divisions each.
/// The same operations whether called per cell or lane by lane (batch_losses).
constexpr Real kSeriesRange = Real(1e-3);
constexpr Real kCorrectedRange = Real(0.04);
/// q from sigma and eps.
inline Real rate_bound(Real s, Real e) { return e + e * s; }
/// Whether the closed forms' arguments are positive; & rather than &&: no branches, so that
/// batch_losses' loop vectorises.
inline int closed_form_arguments(Real F, Real S, Real target) {
  return static_cast<int>(F > 0) & static_cast<int>(S > 0) & static_cast<int>(target > 0);
}
/// q <= range with F, S and the target positive.
inline bool q_within(Real F, Real S, Real target, Real range) {
  const Real inv_F = Real(1) / (F > 0 ? F : Real(1));
  return static_cast<bool>(closed_form_arguments(F, S, target) &
                           static_cast<int>(rate_bound(S * inv_F, target * inv_F) <= range));
}
inline bool series_applies(Real F, Real S, Real target) {
  return q_within(F, S, target, kSeriesRange);
}
inline bool corrected_applies(Real F, Real S, Real target) {
  return q_within(F, S, target, kCorrectedRange);
}
/// v of the series for sigma = s and eps = e.
inline Real series_fraction(Real s, Real e) {
  const Real c2 = -s * Real(0.5);
  const Real c3 = s * (Real(1) / 3 + s * Real(0.5));
  const Real c4 = -s * (Real(0.25) + s * (Real(5) / 6 + s * Real(0.625)));
  const Real c5 = s * (Real(0.2) + s * (Real(13) / 12 + s * (Real(1.75) + s * Real(0.875))));
  const Real c6 =
      -s * (Real(1) / 6 +
            s * (Real(77) / 60 + s * (Real(119) / 36 + s * (Real(3.5) + s * Real(1.3125)))));
  return e * (1 + e * (c2 + e * (c3 + e * (c4 + e * (c5 + e * c6)))));
}
/// v - ln(1 + v) for 0 <= v <= 0.04 by its series v^2/2 - v^3/3 + ... to v^13 (the first term
/// left out, v^14 / 14, is below 4e-17 of the sum there): no cancellation, no logarithm.
inline Real log1p_gap(Real v) {
  Real sum = Real(-1) / 13;
  for (int k = 12; k >= 2; --k) sum = (k % 2 == 0 ? Real(1) : Real(-1)) / k + v * sum;
  return v * v * sum;
}
/// The series' v corrected by one Newton step on g (see above).
inline Real corrected_fraction(Real s, Real e, Real v0) {
  const Real g = v0 + s * log1p_gap(v0) - e;
  return v0 - g * (1 + v0) / (1 + v0 + s * v0);
}
inline Real series_increment(Real F, Real S, Real target) {
  const Real inv_F = Real(1) / (F > 0 ? F : Real(1));
  return (F + S) * series_fraction(S * inv_F, target * inv_F);
}
inline Real corrected_increment(Real F, Real S, Real target) {
  const Real inv_F = Real(1) / (F > 0 ? F : Real(1));
  const Real s = S * inv_F;
  const Real e = target * inv_F;
  return (F + S) * corrected_fraction(s, e, series_fraction(s, e));
}

}  // namespace

Real GreenAmpt::ponded_increment(Real F, Real ks, Real S, Real dt) {
  const Real target = ks * dt;
  if (!(target > 0)) return 0;
  if (!(S > 0)) return target;
  if (series_applies(F, S, target)) return series_increment(F, S, target);
  if (corrected_applies(F, S, target)) return corrected_increment(F, S, target);
  const Real base = F + S;
  // r(x) = x - S ln(1 + x / base) - ks dt is convex and increasing for x > 0 (r(0) < 0):
  // Newton's method from a point right of the root converges monotonically.
  auto r = [&](Real x) { return x - S * log1p_nonnegative(x / base) - target; };
  // Start right of the root: the rate at F bounds the step's mean rate from above, and so
  // does the increment from dry soil (F = 0), whichever is smaller (F -> 0 overflows the
  // first).
  Real x = F > 0 ? target * (1 + S / F) : inf;
  const Real dry = target + std::sqrt(Real(2) * S * target);
  if (!(x <= dry)) {
    auto r_dry = [&](Real y) { return y - S * std::log1p(y / S) - target; };
    x = dry;
    while (r_dry(x) < 0) x *= 2;
  }
  for (int it = 0; it < 100; ++it) {
    const Real step = r(x) * (base + x) / (F + x);
    if (!(step > 0)) break;  // at the root to round-off
    x -= step;
    // Quadratic convergence: the error left is about S step^2 / (2 (F + x)(base + x)),
    // below round-off once step <= 1e-8 x.
    if (step <= Real(1e-8) * x) break;
  }
  return x;
}

void GreenAmpt::compute(const Grid& grid, const std::uint8_t* mask, const Real* h, Real /*t*/,
                        Real dt, const StepRain& /*rain*/, Real* loss) {
  check_same_grid(grid_, grid, "Green-Ampt");
#pragma omp parallel for num_threads(loop_threads(grid.cell_count(), grid.ny)) schedule(static)
  for (int j = -1; j <= grid.ny; ++j) {
    for (int i = -1; i <= grid.nx; ++i) {
      const auto k = static_cast<std::size_t>(grid.index(i, j));
      loss[k] = 0;
      if (i < 0 || j < 0 || i >= grid.nx || j >= grid.ny || mask[k] != 1) continue;
      if (!(h[k] > 0)) continue;
      loss[k] = cell_loss(k, h[k], dt);
    }
  }
}

void GreenAmpt::compute_wet(const Grid& grid, const std::uint8_t* mask, const Real* h, Real t,
                            Real dt, const StepRain& rain, const WetRuns& wet, Real* loss) {
  check_same_grid(grid_, grid, "Green-Ampt");
#pragma omp parallel for num_threads(loop_threads(grid.cell_count(), grid.ny)) schedule(dynamic, 8)
  for (int j = 0; j < grid.ny; ++j) {
    for (std::size_t r = wet.start[static_cast<std::size_t>(j)];
         r < wet.start[static_cast<std::size_t>(j) + 1]; ++r) {
      const std::ptrdiff_t base = grid.index(0, j);
      compute_run(grid, mask + base, h + base, t, dt, rain, j, wet.runs[r].first,
                  wet.runs[r].second, loss + base);
    }
  }
}

bool GreenAmpt::computes_runs(const Grid& grid) const {
  check_same_grid(grid_, grid, "Green-Ampt");
  return true;
}

void GreenAmpt::compute_run(const Grid& grid, const std::uint8_t* mask, const Real* h, Real /*t*/,
                            Real dt, const StepRain& /*rain*/, int j, int first, int last,
                            Real* loss) {
  const auto base = static_cast<std::size_t>(grid.index(0, j));
  int i = first;
  for (; last - i >= kWideLanes; i += kWideLanes) {  // long runs: more lanes side by side
    batch_losses<kWideLanes>(base + static_cast<std::size_t>(i), kWideLanes, mask + i, h + i, dt,
                             loss + i);
  }
  for (; i < last; i += kLanes) {
    batch_losses<kLanes>(base + static_cast<std::size_t>(i), std::min(kLanes, last - i), mask + i,
                         h + i, dt, loss + i);
  }
}

template <int Lanes>
void GreenAmpt::batch_losses(std::size_t k0, int n, const std::uint8_t* mask, const Real* h,
                             Real dt, Real* loss) {
  // Cell l of the batch is cell k0 + l of the padded fields and mask[l], h[l], loss[l].
  // cell_loss of n <= Lanes neighbouring cells at once, bit for bit: the same operations,
  // lane by lane, so that the compiler can run the lanes side by side (the Newton solve is a
  // chain of dependent divisions: one cell at a time it waits on each). Most steps are short
  // (series_increment's closed form, one division, or corrected_increment's, two); the other
  // lanes go through Newton's method side by side, and a lane that leaves the series' range
  // of ln(1 + v), or starts outside the common case, is solved by ponded_increment itself.
  const bool uniform = ks_.size() == 1;
  alignas(64) std::array<Real, Lanes> F{}, hk{}, ks{}, S{}, target{}, base{}, lower{}, x{}, xs{};
  alignas(64) std::array<Real, Lanes> sigma{}, eps{}, v0{};
  alignas(64) std::array<int, Lanes> active{}, newton{}, scalar{}, closed{}, near{};
  for (int l = 0; l < Lanes; ++l) {  // the lanes past n repeat cell k0 (and are dropped)
    const int c = l < n ? l : 0;
    const std::size_t k = k0 + static_cast<std::size_t>(c);
    const std::size_t p = uniform ? 0 : k;
    F[l] = f_[k];
    hk[l] = h[c];
    ks[l] = ks_[p];
    S[l] = s_[p];
    active[l] = l < n && mask[c] == 1 && h[c] > 0;
  }
  // Short steps (cell_loss): the closed forms; the loss is min(h, dF).
#pragma omp simd
  for (int l = 0; l < Lanes; ++l) {
    const Real k = ks[l] * dt;
    // series_applies', corrected_applies' and series_increment's values from one division.
    const Real inv_F = Real(1) / (F[l] > 0 ? F[l] : Real(1));
    sigma[l] = S[l] * inv_F;
    eps[l] = k * inv_F;
    const Real q = rate_bound(sigma[l], eps[l]);
    const int positive = closed_form_arguments(F[l], S[l], k);
    closed[l] = positive & static_cast<int>(q <= kSeriesRange);
    near[l] = positive & static_cast<int>(q <= kCorrectedRange);
    v0[l] = series_fraction(sigma[l], eps[l]);
    xs[l] = (F[l] + S[l]) * v0[l];
  }
  int corrected = 0;
  int others = 0;
  for (int l = 0; l < Lanes; ++l) {
    corrected += active[l] & near[l] & (closed[l] ^ 1);
    others += active[l] & (near[l] ^ 1);
  }
  if (corrected != 0) {  // corrected_increment's Newton step in v
#pragma omp simd
    for (int l = 0; l < Lanes; ++l) {
      const Real v = corrected_fraction(sigma[l], eps[l], v0[l]);
      xs[l] = closed[l] != 0 ? xs[l] : (F[l] + S[l]) * v;
    }
  }
  if (others != 0) {  // Newton's method for the lanes outside the closed form's range
#pragma omp simd
    for (int l = 0; l < Lanes; ++l) {
      // cell_loss's bounds; ponded_increment starts from the upper one.
      const Real upper = F[l] > 0 ? ks[l] * dt * (1 + S[l] / F[l]) : inf;
      lower[l] = ks[l] * dt * (1 + S[l] / (F[l] + upper));
      target[l] = ks[l] * dt;
      base[l] = F[l] + S[l];
      x[l] = upper;
      const Real dry = target[l] + std::sqrt(Real(2) * S[l] * target[l]);
      const bool needed = active[l] != 0 && near[l] == 0 && !(hk[l] <= lower[l]);
      const bool common = target[l] > 0 && S[l] > 0 && x[l] <= dry;
      newton[l] = needed && common;
      scalar[l] = needed && !common;
    }
    for (int it = 0; it < 100; ++it) {
      int running = 0;
#pragma omp simd reduction(+ : running)
      for (int l = 0; l < Lanes; ++l) {
        const Real v = x[l] / base[l];
        const bool series = v < Real(1e-3);
        const Real r = x[l] - S[l] * log1p_series(v) - target[l];
        const Real step = r * (base[l] + x[l]) / (F[l] + x[l]);
        const bool go = newton[l] != 0;
        scalar[l] = scalar[l] | (go && !series ? 1 : 0);
        const bool move = go && series && step > 0;
        const Real moved = x[l] - step;
        x[l] = move ? moved : x[l];
        newton[l] = move && !(step <= Real(1e-8) * moved) ? 1 : 0;
        running += newton[l];
      }
      if (running == 0) break;
    }
  }
  for (int l = 0; l < n; ++l) {
    Real v = 0;
    if (active[l] != 0 && near[l] != 0) {
      v = std::min(hk[l], xs[l]);
    } else if (active[l] != 0) {
      const Real inc = scalar[l] != 0 ? ponded_increment(F[l], ks[l], S[l], dt) : x[l];
      v = hk[l] <= lower[l] ? hk[l] : std::min(hk[l], inc);
    }
    f_[k0 + static_cast<std::size_t>(l)] += v;
    loss[l] = v;
  }
}

Real GreenAmpt::cell_loss(std::size_t k, Real h, Real dt) {
  // Capacity bounds from the rate law (the rate falls as F grows): when the water is below
  // the lower bound it all infiltrates and Newton's method is not needed.
  const Real F = f_[k];
  const std::size_t p = ks_.size() == 1 ? 0 : k;
  const Real ks = ks_[p];
  const Real S = s_[p];
  if (series_applies(F, S, ks * dt)) {
    const Real l = std::min(h, series_increment(F, S, ks * dt));
    f_[k] += l;
    return l;
  }
  if (corrected_applies(F, S, ks * dt)) {
    const Real l = std::min(h, corrected_increment(F, S, ks * dt));
    f_[k] += l;
    return l;
  }
  const Real upper = F > 0 ? ks * dt * (1 + S / F) : inf;
  const Real lower = ks * dt * (1 + S / (F + upper));
  const Real l = h <= lower ? h : std::min(h, ponded_increment(F, ks, S, dt));
  f_[k] += l;
  return l;
}

std::vector<Real> GreenAmpt::cumulative_infiltration() const { return interior(grid_, f_); }

// ---- SCS curve number ------------------------------------------------------------------------

ScsCurveNumber::ScsCurveNumber(const Grid& grid, std::span<const Real> cn,
                               Real initial_abstraction_ratio)
    : grid_(grid), ratio_(initial_abstraction_ratio) {
  if (!(ratio_ >= 0 && ratio_ <= 1)) {
    std::ostringstream msg;
    msg << "SCS curve number initial_abstraction_ratio: expected a value in [0, 1], got " << ratio_;
    throw InputError(msg.str());
  }
  s_ = padded_parameter(grid, cn, "SCS curve number", "cn", 0, 100, true);
  const auto [first, end] = grid.kept_offsets();
  for (std::size_t k = first; k < end; ++k) {
    const Real v = s_[k];
    s_[k] = v > 0 ? Real(0.0254) * (Real(1000) / v - Real(10)) : Real(0);
  }
  reset_field(p_, grid.padded_size());
  reset_field(owed_, grid.padded_size());
}

ScsCurveNumber::ScsCurveNumber(const Grid& grid, Real cn, Real initial_abstraction_ratio)
    : ScsCurveNumber(grid, std::span<const Real>(&cn, 1), initial_abstraction_ratio) {}

Real ScsCurveNumber::runoff(Real P, Real S, Real ratio) {
  const Real ia = ratio * S;
  if (!(P > ia)) return 0;
  return (P - ia) * (P - ia) / (P - ia + S);
}

void ScsCurveNumber::compute(const Grid& grid, const std::uint8_t* mask, const Real* h, Real /*t*/,
                             Real dt, const StepRain& rain, Real* loss) {
  check_same_grid(grid_, grid, "SCS curve number");
#pragma omp parallel for num_threads(loop_threads(grid.cell_count(), grid.ny)) schedule(static)
  for (int j = -1; j <= grid.ny; ++j) {
    for (int i = -1; i <= grid.nx; ++i) {
      const auto k = static_cast<std::size_t>(grid.index(i, j));
      loss[k] = 0;
      if (i < 0 || j < 0 || i >= grid.nx || j >= grid.ny || mask[k] != 1) continue;
      const Real dp = rain.depth(k, dt);
      if (dp > 0) {
        const Real p_new = p_[k] + dp;
        const Real dq = runoff(p_new, s_[k], ratio_) - runoff(p_[k], s_[k], ratio_);
        owed_[k] += std::max(Real(0), dp - dq);
        p_[k] = p_new;
      }
      const Real l = std::clamp(owed_[k], Real(0), std::max(h[k], Real(0)));
      loss[k] = l;
      owed_[k] -= l;
    }
  }
}

std::vector<Real> ScsCurveNumber::cumulative_rain() const { return interior(grid_, p_); }

}  // namespace floodtwin::solver
