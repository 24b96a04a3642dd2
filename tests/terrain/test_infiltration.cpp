// Green-Ampt and SCS curve-number loss models: the analytic ponded Green-Ampt curve, the
// Green-Ampt rate law, SCS runoff, and losses booked in the solver's mass balance.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <memory>
#include <random>
#include <type_traits>
#include <vector>

#include "solver/error.hpp"
#include "solver/infiltration.hpp"
#include "solver/simulation.hpp"

namespace floodtwin::solver {
namespace {

/// Long steps keep the runs short: the loss increments are exact for any step.
SolverConfig long_steps() {
  SolverConfig c;
  c.max_dt = 120;
  return c;
}

Grid flat_grid() {
  Grid g;
  g.nx = 8;
  g.ny = 6;
  g.dx = 1000;
  g.dy = 500;
  return g;
}

/// F(t) of ponded Green-Ampt from F(0) = 0, by bisection of
/// t = (F - S ln(1 + F/S)) / Ks (Chow, Maidment & Mays 1988, eq. 4.4.6).
double analytic_F(double t, double ks, double S) {
  double lo = 0, hi = ks * t + std::sqrt(2 * S * ks * t) + 1;
  for (int it = 0; it < 200; ++it) {
    const double mid = 0.5 * (lo + hi);
    const double tm = (mid - S * std::log1p(mid / S)) / ks;
    (tm < t ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

constexpr Real ks = Real(1e-5);     // 36 mm/h
constexpr Real psi = Real(0.11);    // m
constexpr Real dtheta = Real(0.3);  // -

TEST(GreenAmpt, IncrementSolvesTheImplicitCurve) {
  const Real S = psi * dtheta;
  for (double t : {1.0, 60.0, 3600.0, 86400.0}) {
    const Real F = GreenAmpt::ponded_increment(0, ks, S, Real(t));
    EXPECT_NEAR(F, analytic_F(t, ks, S), 1e-12 * F) << t;
    EXPECT_NEAR(GreenAmpt::ponded_time(F, ks, S), t, 1e-9 * t) << t;
  }
  // A vanishing F (rate bound overflowing) behaves as dry soil.
  const Real tiny = GreenAmpt::ponded_increment(Real(1e-300), ks, S, 60);
  EXPECT_NEAR(tiny, GreenAmpt::ponded_increment(0, ks, S, 60), 1e-12 * tiny);
  EXPECT_NEAR(GreenAmpt::ponded_increment(Real(1e-12), ks, S, 60), tiny, 1e-6 * tiny);
  // Increments compose: 1000 steps of 3.6 s give the 3600 s increment.
  Real F = 0;
  for (int n = 0; n < 1000; ++n) F += GreenAmpt::ponded_increment(F, ks, S, Real(3.6));
  EXPECT_NEAR(F, analytic_F(3600, ks, S), 1e-10 * F);
}

TEST(GreenAmpt, IncrementSolvesItsEquationOverRandomParameters) {
  std::mt19937 rng(42);
  auto log_uniform = [&](double lo, double hi) {
    return std::exp(std::uniform_real_distribution<double>(std::log(lo), std::log(hi))(rng));
  };
  for (int n = 0; n < 2000; ++n) {
    const Real F = n % 10 == 0 ? Real(0) : Real(log_uniform(1e-12, 2));
    const Real k = Real(log_uniform(1e-9, 1e-3));
    const Real S = n % 7 == 0 ? Real(0) : Real(log_uniform(1e-4, 1));
    const Real dt = Real(log_uniform(1e-3, 1e4));
    const Real x = GreenAmpt::ponded_increment(F, k, S, dt);
    ASSERT_TRUE(std::isfinite(x) && x >= k * dt * (1 - 1e-12)) << F << " " << k << " " << S;
    if (F > 0) {
      ASSERT_LE(x, k * dt * (1 + S / F) * (1 + 1e-12));
    }
    const double suction = S > 0 ? S * std::log1p(double(x) / (F + S)) : 0.0;
    const double residual = double(x) - suction - k * dt;
    ASSERT_LE(std::abs(residual), 1e-12 * (double(x) + k * dt)) << F << " " << k << " " << S;
  }
}

/// The ponded increment by bisection in long double with log1pl: dF - S ln(1 + dF/(F + S)) =
/// ks dt, the left side increasing in dF.
long double bisected_increment(long double F, long double k, long double S, long double dt) {
  const long double target = k * dt;
  long double lo = target, hi = F > 0 ? target * (1 + S / F) : target + sqrtl(2 * S * target);
  while (hi - S * log1pl(hi / (F + S)) < target) hi *= 2;
  for (int it = 0; it < 400 && lo < hi; ++it) {
    const long double mid = 0.5L * (lo + hi);
    if (mid == lo || mid == hi) break;
    (mid - S * log1pl(mid / (F + S)) < target ? lo : hi) = mid;
  }
  return 0.5L * (lo + hi);
}

// The Newton solve evaluates ln(1 + v) by its series for v < 1e-3 (solver/infiltration.cpp):
// within 1e-10 of the exact increment everywhere (the largest change against std::log1p,
// measured over F 1e-7..2 m, ks 1e-8..1e-4 m/s, S 1e-3..0.5 m, dt 0.01..60 s, is 9.5e-12,
// where S / F is large), and the typical steps of a wet cell (small dF / (F + S)) included.
TEST(GreenAmpt, IncrementMatchesALongDoubleSolution) {
  std::mt19937 rng(7);
  auto log_uniform = [&](double lo, double hi) {
    return std::exp(std::uniform_real_distribution<double>(std::log(lo), std::log(hi))(rng));
  };
  int small = 0;
  for (int n = 0; n < 3000; ++n) {
    const double F = log_uniform(1e-7, 2);
    const double k = log_uniform(1e-8, 1e-4);
    const double S = log_uniform(1e-3, 0.5);
    const double dt = log_uniform(1e-2, 60);
    const double x = double(GreenAmpt::ponded_increment(Real(F), Real(k), Real(S), Real(dt)));
    const double ref = double(bisected_increment(F, k, S, dt));
    small += x / (F + S) < 1e-3 ? 1 : 0;
    const double tolerance = std::is_same_v<Real, float> ? 1e-5 : 1e-10;
    ASSERT_NEAR(x, ref, tolerance * ref) << F << " " << k << " " << S << " " << dt;
  }
  EXPECT_GT(small, 1000);  // the series' range is exercised
}

// Steps short against the infiltration so far, q = ks dt (F + S) / F^2 <= 0.04, take the
// closed forms (infiltration.cpp: a series in ks dt / F up to q = 1e-3, the series and one
// Newton step in dF / (F + S) above): exact to round-off, not only to the Newton solve's
// 1e-10, across the range and up to both edges.
TEST(GreenAmpt, ShortStepsAreExactToRoundOff) {
  std::mt19937 rng(13);
  auto log_uniform = [&](double lo, double hi) {
    return std::exp(std::uniform_real_distribution<double>(std::log(lo), std::log(hi))(rng));
  };
  double worst_series = 0;
  double worst_corrected = 0;
  int corrected = 0;
  for (int n = 0; n < 4000; ++n) {
    const double F = log_uniform(1e-4, 2);
    const double S = log_uniform(1e-4, 1);
    const double k = log_uniform(1e-9, 1e-4);
    // dt for a q spread over 1e-9..0.04, a quarter of the samples within 10 % of each edge.
    const double edge = n % 4 == 0 ? 1e-3 : 0.04;
    const double q =
        n % 4 < 2 ? edge * (1 + 0.1 * (2 * log_uniform(1e-3, 1) - 1)) : log_uniform(1e-9, 0.04);
    if (q > 0.04) continue;
    const double dt = q * F * F / (k * (F + S));
    const double x = double(GreenAmpt::ponded_increment(Real(F), Real(k), Real(S), Real(dt)));
    const double ref = double(bisected_increment(F, k, S, dt));
    corrected += q > 1e-3 ? 1 : 0;
    double& worst = q <= 1e-3 ? worst_series : worst_corrected;
    worst = std::max(worst, std::abs(x - ref) / ref);
  }
  const double tolerance = std::is_same_v<Real, float> ? 1e-6 : 4e-15;
  EXPECT_LT(worst_series, tolerance);
  EXPECT_LT(worst_corrected, tolerance);
  EXPECT_GT(corrected, 1000);  // both ranges are sampled
}

TEST(GreenAmpt, RateFollowsTheGreenAmptRelation) {
  const Real S = psi * dtheta;
  for (Real F : {Real(1e-3), Real(0.01), Real(0.2)}) {
    const Real dt = Real(1e-3);
    const Real dF = GreenAmpt::ponded_increment(F, ks, S, dt);
    // f = Ks (1 + S / F) at the middle of the step (midpoint rule: O(dt^2) error).
    const Real f_mid = ks * (1 + S / (F + dF / 2));
    EXPECT_NEAR(dF / dt, f_mid, 1e-6 * f_mid) << F;
  }
}

TEST(GreenAmpt, PondedBasinFollowsTheAnalyticCurveAndBalancesMass) {
  const Grid g = flat_grid();
  std::vector<Real> z(g.cell_count(), 0);
  Simulation sim(g, z, long_steps());
  sim.set_depth(std::vector<Real>(g.cell_count(), Real(0.5)));
  auto model = std::make_shared<GreenAmpt>(g, ks, psi, dtheta);
  sim.set_loss_model(model);
  const double S = double(psi) * double(dtheta);
  for (double t : {600.0, 3600.0, 7200.0}) {
    sim.advance_to(Real(t));
    const double F_exact = analytic_F(t, ks, S);
    const auto F = model->cumulative_infiltration();
    const auto h = sim.depth();
    for (std::size_t k = 0; k < F.size(); ++k) {
      // Stated tolerance: 1e-9 relative (the step increment is the exact integral).
      ASSERT_NEAR(F[k], F_exact, 1e-9 * F_exact) << "t = " << t << " cell " << k;
      ASSERT_NEAR(h[k], 0.5 - F_exact, 1e-9);
    }
    const MassBalance mb = sim.mass_balance();
    const double area = double(g.nx) * g.ny * g.dx * g.dy;
    EXPECT_NEAR(mb.losses, F_exact * area, 1e-9 * F_exact * area);
    EXPECT_LT(mb.relative_error(), 1e-12);
  }
  // Sanity of the numbers: 2 h at Ks = 36 mm/h (72 mm) plus suction give about 123 mm.
  EXPECT_NEAR(analytic_F(7200, ks, S), 0.1233, 0.001);
}

TEST(GreenAmpt, PerCellParametersFollowTheirOwnCurves) {
  const Grid g = flat_grid();
  std::vector<Real> z(g.cell_count(), 0), kf(g.cell_count()), pf(g.cell_count());
  for (std::size_t c = 0; c < kf.size(); ++c) {
    kf[c] = c % 2 == 0 ? ks : 3 * ks;           // alternate columns
    pf[c] = c < kf.size() / 2 ? psi : 2 * psi;  // northern / southern half
  }
  Simulation sim(g, z, long_steps());
  sim.set_depth(std::vector<Real>(g.cell_count(), Real(1)));
  auto model = std::make_shared<GreenAmpt>(g, kf, pf, std::vector<Real>{dtheta});
  sim.set_loss_model(model);
  sim.advance_to(3600);
  const auto F = model->cumulative_infiltration();
  for (std::size_t c = 0; c < F.size(); ++c) {
    const double want = analytic_F(3600, kf[c], double(pf[c]) * double(dtheta));
    ASSERT_NEAR(F[c], want, 1e-9 * want) << c;
  }
  EXPECT_GT(F[1], 2 * F[0]);
  EXPECT_LT(sim.mass_balance().relative_error(), 1e-12);
}

TEST(GreenAmpt, ConstantsEqualUniformFields) {
  // The constants' constructor keeps one value of ks and psi * dtheta without building grids;
  // uniform fields are detected and kept so too: the same losses, bit for bit, and the same
  // checks of the values.
  const Grid g = flat_grid();
  const std::vector<Real> z(g.cell_count(), 0);
  const std::size_t n = g.cell_count();
  auto run = [&](std::shared_ptr<GreenAmpt> model) {
    Simulation sim(g, z, long_steps());
    std::vector<Real> h(n);
    for (std::size_t c = 0; c < n; ++c) h[c] = Real(0.001) * Real(c % 7);  // dry and wet cells
    sim.set_depth(h);
    sim.set_uniform_rain(TimeSeries(Real(2e-5)));
    sim.set_loss_model(model);
    sim.advance_to(1800);
    return std::make_pair(sim.depth(), model->cumulative_infiltration());
  };
  const auto a = run(std::make_shared<GreenAmpt>(g, ks, psi, dtheta, Real(0.002)));
  const auto b =
      run(std::make_shared<GreenAmpt>(g, std::vector<Real>(n, ks), std::vector<Real>(n, psi),
                                      std::vector<Real>(n, dtheta), Real(0.002)));
  ASSERT_EQ(a.first.size(), b.first.size());
  EXPECT_EQ(std::memcmp(a.first.data(), b.first.data(), a.first.size() * sizeof(Real)), 0);
  ASSERT_EQ(a.second.size(), b.second.size());
  EXPECT_EQ(std::memcmp(a.second.data(), b.second.data(), a.second.size() * sizeof(Real)), 0);
  EXPECT_GT(a.second[1], Real(0.002));  // it infiltrated
  EXPECT_THROW(GreenAmpt(g, Real(-1), psi, dtheta), InputError);
  EXPECT_THROW(GreenAmpt(g, ks, psi, dtheta, Real(-1)), InputError);
}

TEST(GreenAmpt, LightRainInfiltratesCompletely) {
  const Grid g = flat_grid();
  std::vector<Real> z(g.cell_count(), 0);
  Simulation sim(g, z, long_steps());
  auto model = std::make_shared<GreenAmpt>(g, ks, psi, dtheta, Real(0.01));
  sim.set_loss_model(model);
  const Real rate = Real(5e-3 / 3600);  // 5 mm/h < Ks
  sim.set_uniform_rain(TimeSeries(rate));
  sim.advance_to(1800);
  const MassBalance mb = sim.mass_balance();
  EXPECT_NEAR(mb.rain_in, double(rate) * 1800 * g.nx * g.ny * g.dx * g.dy, 1e-6);
  EXPECT_NEAR(mb.losses, mb.rain_in, 1e-9 * mb.rain_in);
  EXPECT_NEAR(sim.stored_volume(), 0, 1e-9 * mb.rain_in);
  EXPECT_LT(mb.relative_error(), 1e-12);
}

/// compute_wet solves the cells of a run several at a time (GreenAmpt::batch_losses): its
/// losses and cumulative infiltration equal compute's, cell by cell, bit for bit. Steps from
/// 1 ms to 10 min, depths from 1e-9 m to 2 m (most cells ponded, some infiltrating all),
/// dry and inactive cells, F = 0 at the start, per-cell and uniform soils, and a width that
/// leaves part of a batch over (37 = 32 + 5: one wide batch, then a short one).
TEST(GreenAmpt, BatchedRunsEqualTheCellByCellSolve) {
  Grid g;
  g.nx = 37;
  g.ny = 5;
  g.dx = g.dy = 10;
  const std::size_t n = g.cell_count();
  std::mt19937 rng(11);
  auto log_uniform = [&](double lo, double hi) {
    return std::exp(std::uniform_real_distribution<double>(std::log(lo), std::log(hi))(rng));
  };
  std::vector<Real> k_cell(n), psi_cell(n), dth_cell(n);
  for (std::size_t c = 0; c < n; ++c) {
    k_cell[c] = Real(log_uniform(1e-8, 1e-4));
    psi_cell[c] = Real(log_uniform(1e-3, 0.5));
    dth_cell[c] = Real(log_uniform(0.01, 0.5));
  }
  std::vector<std::uint8_t> mask(g.padded_size(), 0);
  for (int j = 0; j < g.ny; ++j) {
    for (int i = 0; i < g.nx; ++i) mask[static_cast<std::size_t>(g.index(i, j))] = 1;
  }
  mask[static_cast<std::size_t>(g.index(3, 2))] = 0;  // inactive
  WetRuns whole;
  whole.start = {0};
  for (int j = 0; j < g.ny; ++j) {
    whole.runs.emplace_back(0, g.nx);
    whole.start.push_back(whole.runs.size());
  }
  for (const bool uniform : {false, true}) {
    SCOPED_TRACE(uniform);
    auto make = [&] {
      return uniform ? GreenAmpt(g, 2e-6, 0.09, 0.2) : GreenAmpt(g, k_cell, psi_cell, dth_cell);
    };
    GreenAmpt one = make();
    GreenAmpt batched = make();
    std::size_t ponded = 0;
    std::size_t closed = 0;  // cells in the closed form's range (ShortStepsAreExactToRoundOff)
    std::size_t newton = 0;  // and outside it
    for (const Real dt :
         {Real(1e-3), Real(0.5), Real(3), Real(60), Real(600), Real(2), Real(0.1), Real(0.01)}) {
      const std::vector<Real> F = one.cumulative_infiltration();
      for (std::size_t c = 0; c < n; ++c) {
        const double kc = uniform ? 2e-6 : double(k_cell[c]);
        const double S = uniform ? 0.09 * 0.2 : double(psi_cell[c]) * double(dth_cell[c]);
        const double f = double(F[c]);
        (f > 0 && kc * dt * (f + S) / (f * f) <= 1e-3 ? closed : newton) += 1;
      }
      std::vector<Real> h(g.padded_size(), 0);
      for (int j = 0; j < g.ny; ++j) {
        for (int i = 0; i < g.nx; ++i) {
          const auto k = static_cast<std::size_t>(g.index(i, j));
          h[k] = (i + j) % 9 == 4 ? Real(0) : Real(log_uniform(1e-9, 2));
        }
      }
      std::vector<Real> a(g.padded_size(), -1);
      std::vector<Real> b(g.padded_size(), -1);
      one.compute(g, mask.data(), h.data(), 0, dt, StepRain{}, a.data());
      batched.compute_wet(g, mask.data(), h.data(), 0, dt, StepRain{}, whole, b.data());
      for (int j = 0; j < g.ny; ++j) {
        for (int i = 0; i < g.nx; ++i) {
          const auto k = static_cast<std::size_t>(g.index(i, j));
          ASSERT_EQ(std::memcmp(&a[k], &b[k], sizeof(Real)), 0)
              << "dt " << dt << " cell " << i << " " << j << ": " << a[k] << " " << b[k];
          ponded += b[k] > 0 && b[k] < h[k] ? 1 : 0;
        }
      }
    }
    const std::vector<Real> fa = one.cumulative_infiltration();
    const std::vector<Real> fb = batched.cumulative_infiltration();
    ASSERT_EQ(fa.size(), fb.size());
    EXPECT_EQ(std::memcmp(fa.data(), fb.data(), fa.size() * sizeof(Real)), 0);
    EXPECT_GT(ponded, n);  // the Newton solve ran (on more than one step's worth of cells)
    // Both solves, mixed in the same batches of lanes.
    EXPECT_GT(closed, n / 2) << newton;
    EXPECT_GT(newton, n) << closed;
  }
}

TEST(GreenAmpt, BadParametersNameTheFieldAndCell) {
  const Grid g = flat_grid();
  std::vector<Real> field(g.cell_count(), ks);
  field[g.nx + 3] = -1;
  try {
    GreenAmpt(g, field, std::vector<Real>{psi}, std::vector<Real>{dtheta});
    FAIL();
  } catch (const InputError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("ks"), std::string::npos) << msg;
    EXPECT_NE(msg.find("column 3, row 1"), std::string::npos) << msg;
  }
  EXPECT_THROW(GreenAmpt(g, ks, psi, Real(1.5)), InputError);
  EXPECT_THROW(
      GreenAmpt(g, std::vector<Real>(5, ks), std::vector<Real>{psi}, std::vector<Real>{dtheta}),
      InputError);
}

TEST(ScsCurveNumber, RunoffMatchesTheCurveNumberEquation) {
  const Grid g = flat_grid();
  std::vector<Real> z(g.cell_count(), 0);
  Simulation sim(g, z, long_steps());
  const Real P = Real(0.05);  // 50 mm in one hour
  TimeSeries rain({0, 3600}, {P / 3600, P / 3600}, "rain");
  sim.set_uniform_rain(rain);
  auto model = std::make_shared<ScsCurveNumber>(g, Real(80));  // follows the simulation's rain
  sim.set_loss_model(model);
  sim.advance_to(3600);
  // CN 80: S = 25.4 (1000/80 - 10) mm = 63.5 mm, Ia = 12.7 mm,
  // Q = (50 - 12.7)^2 / (50 - 12.7 + 63.5) = 13.80 mm.
  const double S = 0.0254 * (1000.0 / 80 - 10);
  const double Q = (0.05 - 0.2 * S) * (0.05 - 0.2 * S) / (0.05 - 0.2 * S + S);
  EXPECT_NEAR(Q, 0.01380, 1e-5);
  for (Real h : sim.depth()) ASSERT_NEAR(h, Q, 1e-9);
  for (Real p : model->cumulative_rain()) ASSERT_NEAR(p, 0.05, 1e-12);
  const MassBalance mb = sim.mass_balance();
  const double area = double(g.nx) * g.ny * g.dx * g.dy;
  EXPECT_NEAR(mb.losses, (0.05 - Q) * area, 1e-9 * area);
  EXPECT_LT(mb.relative_error(), 1e-12);
}

TEST(ScsCurveNumber, NoRunoffBelowInitialAbstractionAndBadCn) {
  EXPECT_EQ(ScsCurveNumber::runoff(Real(0.01), Real(0.0635), Real(0.2)), 0);
  EXPECT_GT(ScsCurveNumber::runoff(Real(0.013), Real(0.0635), Real(0.2)), 0);
  const Grid g = flat_grid();
  EXPECT_THROW(ScsCurveNumber(g, Real(0)), InputError);
  EXPECT_THROW(ScsCurveNumber(g, Real(101)), InputError);
}

}  // namespace
}  // namespace floodtwin::solver
