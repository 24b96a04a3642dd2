#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "solver/error.hpp"
#include "solver/infiltration.hpp"
#include "solver/simulation.hpp"
#include "solver/time_series.hpp"

using namespace floodtwin;
using namespace floodtwin::solver;

namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

/// A flat closed basin of 4 x 3 cells of 10 m, max_dt 60 s (still water: steps of max_dt).
Simulation flat_basin() {
  const Grid g{4, 3, 10.0, 10.0, 0.0, 30.0};
  SolverConfig cfg;
  cfg.max_dt = 60;
  return Simulation(g, std::vector<Real>(g.cell_count(), 0), cfg);
}

}  // namespace

TEST(TimeSeries, InterpolatesLinearlyAndHoldsEndsWhenAsked) {
  const TimeSeries s({0, 10, 20}, {0, 5, 1}, "test", AfterEnd::hold);
  EXPECT_DOUBLE_EQ(s(-5), 0);
  EXPECT_DOUBLE_EQ(s(5), 2.5);
  EXPECT_DOUBLE_EQ(s(15), 3);
  EXPECT_DOUBLE_EQ(s(100), 1);
  EXPECT_TRUE(std::isinf(s.end()));
}

TEST(TimeSeries, IntegralIsExact) {
  const TimeSeries s({0, 10, 20}, {0, 5, 1}, "test", AfterEnd::hold);
  EXPECT_DOUBLE_EQ(s.integral(0, 20), 25 + 30);
  EXPECT_DOUBLE_EQ(s.integral(5, 15), 0.5 * (2.5 + 5) * 5 + 0.5 * (5 + 3) * 5);
  EXPECT_DOUBLE_EQ(s.integral(-10, 0), 0);
  EXPECT_DOUBLE_EQ(s.integral(20, 30), 10);
}

TEST(TimeSeries, AfterEndZeroStopsTheSeriesAndItsIntegral) {
  const TimeSeries s({0, 10, 20}, {0, 5, 1}, "test", AfterEnd::zero);
  EXPECT_DOUBLE_EQ(s(20), 1);
  EXPECT_DOUBLE_EQ(s(20.5), 0);
  EXPECT_DOUBLE_EQ(s.integral(0, 30), 25 + 30);
  EXPECT_DOUBLE_EQ(s.integral(15, 30), 0.5 * (3 + 1) * 5);
  EXPECT_TRUE(std::isinf(s.end()));
}

TEST(TimeSeries, ByDefaultASeriesEndsAndSaysHowToContinue) {
  const TimeSeries s({0, 3600}, {0, 5}, "boundary west discharge");
  EXPECT_EQ(s.after_end(), AfterEnd::error);
  EXPECT_DOUBLE_EQ(s.end(), 3600);
  EXPECT_NO_THROW(s.check_covers(3600));
  try {
    s.check_covers(7200);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    const std::string msg = e.what();
    EXPECT_TRUE(contains(msg, "boundary west discharge")) << msg;
    EXPECT_TRUE(contains(msg, "3600")) << msg;
    EXPECT_TRUE(contains(msg, "7200")) << msg;
    EXPECT_TRUE(contains(msg, "after_end")) << msg;
  }
  // A constant never ends.
  EXPECT_TRUE(std::isinf(TimeSeries(Real(2)).end()));
  EXPECT_NO_THROW(TimeSeries(Real(2)).check_covers(1e9));
}

TEST(TimeSeries, ParsesAfterEndRules) {
  EXPECT_EQ(parse_after_end("error"), AfterEnd::error);
  EXPECT_EQ(parse_after_end("hold"), AfterEnd::hold);
  EXPECT_EQ(parse_after_end("zero"), AfterEnd::zero);
  for (AfterEnd r : {AfterEnd::error, AfterEnd::hold, AfterEnd::zero}) {
    EXPECT_EQ(parse_after_end(to_string(r)), r);
  }
  try {
    (void)parse_after_end("last", "[[boundary]] after_end");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_TRUE(contains(e.what(), "[[boundary]] after_end")) << e.what();
    EXPECT_TRUE(contains(e.what(), "\"last\"")) << e.what();
  }
}

TEST(TimeSeries, RejectsBadSeriesWithClearMessages) {
  try {
    TimeSeries({0, 10, 10}, {1, 2, 3}, "boundary west discharge");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("boundary west discharge"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("must increase"), std::string::npos);
  }
  EXPECT_THROW(TimeSeries({0, 1}, {1}, "x"), InputError);
  EXPECT_THROW(TimeSeries({0, std::nan("")}, {1, 2}, "x"), InputError);
  EXPECT_THROW(TimeSeries(std::vector<Real>{}, std::vector<Real>{}, "x"), InputError);
}

TEST(ForcingEnds, ASimulationStopsAtTheEndOfASeriesAndRefusesToGoOn) {
  Simulation sim = flat_basin();
  sim.add_point_source(15, 15, TimeSeries({0, 100}, {1, 1}, "point source 'well'"), "well");
  EXPECT_DOUBLE_EQ(sim.forcing_end(), 100);
  EXPECT_THROW(sim.check_forcing(150), InputError);
  EXPECT_NO_THROW(sim.check_forcing(100));
  EXPECT_TRUE(sim.advance_to(100));  // steps of 60 s: the second ends at the series' end
  EXPECT_EQ(sim.time(), 100);
  const double volume = sim.stored_volume();
  try {
    sim.advance_to(200);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_TRUE(contains(e.what(), "point source 'well'")) << e.what();
  }
  // Refused before anything changed.
  EXPECT_EQ(sim.time(), 100);
  EXPECT_EQ(sim.stored_volume(), volume);
  EXPECT_NEAR(sim.mass_balance().point_in, 100.0, 1e-12);
}

TEST(ForcingEnds, StepsEndAtTheSeriesEndEvenWhenLongerStepsWouldDo) {
  Simulation sim = flat_basin();
  sim.set_uniform_rain(TimeSeries({0, 90}, {1e-5, 1e-5}, "uniform rain"));
  EXPECT_EQ(sim.step(), 60);
  EXPECT_EQ(sim.step(), 30);  // not 60: the rain ends at 90 s
  EXPECT_EQ(sim.time(), 90);
  EXPECT_THROW(sim.step(), InputError);
  EXPECT_EQ(sim.time(), 90);
}

TEST(ForcingEnds, HoldAndZeroGoOnWithTheRightVolumes) {
  for (AfterEnd rule : {AfterEnd::hold, AfterEnd::zero}) {
    Simulation sim = flat_basin();
    sim.add_point_source(15, 15, TimeSeries({0, 100}, {1, 1}, "well", rule), "well");
    EXPECT_TRUE(sim.advance_to(300));
    EXPECT_NEAR(sim.mass_balance().point_in, rule == AfterEnd::hold ? 300.0 : 100.0, 1e-9);
  }
  BoundaryCondition level{Side::west, BoundaryType::water_level,
                          TimeSeries({0, 10}, {1, 2}, "level", AfterEnd::zero)};
  Simulation sim = flat_basin();
  EXPECT_THROW(sim.add_boundary(level), ConfigError);  // a level of 0 m is not "no level"
}

TEST(MassBalance, StateEditsAreBookedAndKeepTheBalanceClosed) {
  Simulation sim = flat_basin();
  const std::size_t n = sim.grid().cell_count();
  sim.set_depth(std::vector<Real>(n, 0.5));  // before the first step: the initial state
  sim.advance_to(60);
  EXPECT_EQ(sim.mass_balance().edits, 0);
  EXPECT_DOUBLE_EQ(sim.mass_balance().initial_volume, 0.5 * 1200);
  sim.set_depth(std::vector<Real>(n, 1.0));  // mid-run: +600 m3
  EXPECT_NEAR(sim.mass_balance().edits, 600.0, 1e-9);
  EXPECT_LT(sim.mass_balance().relative_error(), 1e-14);
  std::vector<std::uint8_t> active(n, 1);
  active[0] = 0;  // removes 1 m x 100 m2
  sim.set_active(active);
  EXPECT_NEAR(sim.mass_balance().edits, 500.0, 1e-9);
  sim.set_water_level(std::vector<Real>(n, 0.25));
  EXPECT_NEAR(sim.mass_balance().edits, 500.0 - 0.75 * 1100, 1e-9);
  sim.advance_to(120);
  EXPECT_LT(sim.mass_balance().relative_error(), 1e-14);
}

TEST(LossModels, CurveNumberFollowsEveryWayOfSettingTheRain) {
  // 50 mm in an hour on CN 80: runoff 13.80 mm stays, 36.20 mm is lost (NRCS eq. 10-11).
  const double S = 0.0254 * (1000.0 / 80 - 10);
  const double Q = (0.05 - 0.2 * S) * (0.05 - 0.2 * S) / (0.05 - 0.2 * S + S);
  const Real rate = Real(0.05 / 3600);
  for (int way = 0; way < 3; ++way) {
    Simulation sim = flat_basin();
    sim.set_loss_model(std::make_shared<ScsCurveNumber>(sim.grid(), Real(80)));
    const std::vector<Real> field(sim.grid().cell_count(), rate);
    if (way == 0) sim.set_rain_rate(field);
    if (way == 1) sim.set_uniform_rain(TimeSeries({0, 3600}, {rate, rate}, "rain"));
    if (way == 2) {  // half as a field, half uniform
      sim.set_rain_rate(std::vector<Real>(sim.grid().cell_count(), rate / 2));
      sim.set_uniform_rain(TimeSeries(rate / 2));
    }
    sim.advance_to(3600);
    const MassBalance mb = sim.mass_balance();
    const double area = 1200;
    EXPECT_NEAR(mb.rain_in, 0.05 * area, 1e-9) << way;
    EXPECT_NEAR(mb.volume, Q * area, 1e-6 * area) << way;
    EXPECT_NEAR(mb.losses, (0.05 - Q) * area, 1e-6 * area) << way;
    EXPECT_LT(mb.relative_error(), 1e-12) << way;
  }
}
