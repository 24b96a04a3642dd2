// Bad input gives a clear exception naming the field and the value.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "solver/error.hpp"
#include "solver/simulation.hpp"

using namespace floodtwin;
using namespace floodtwin::solver;

namespace {

template <class E, class F>
void expect_error(F&& f, const std::string& must_contain) {
  try {
    f();
    FAIL() << "expected an exception mentioning '" << must_contain << "'";
  } catch (const E& e) {
    EXPECT_NE(std::string(e.what()).find(must_contain), std::string::npos) << e.what();
  }
}

const Grid kGrid{4, 3, 1.0, 1.0, 0.0, 3.0};
std::vector<Real> flat() { return std::vector<Real>(12, 0.0); }

}  // namespace

TEST(BadInput, InvalidGrids) {
  expect_error<InputError>([] { Grid{0, 3, 1, 1, 0, 0}.validate(); }, "nx");
  expect_error<InputError>([] { Grid{3, 3, -1, 1, 0, 0}.validate(); }, "dx");
  expect_error<InputError>([] { Grid{3, 3, 1, std::nan(""), 0, 0}.validate(); }, "dy");
  expect_error<InputError>([] { Simulation(kGrid, std::vector<Real>(5, 0.0)); }, "elevation");
  expect_error<InputError>(
      [] {
        auto z = flat();
        z[5] = INFINITY;
        Simulation(kGrid, z);
      },
      "row 1, column 1");
}

TEST(BadInput, NegativeOrNanDepths) {
  Simulation sim(kGrid, flat());
  auto h = flat();
  h[7] = -0.5;
  expect_error<InputError>([&] { sim.set_depth(h); }, "depth: cell (row 1, column 3) is -0.5");
  h[7] = std::nan("");
  expect_error<InputError>([&] { sim.set_depth(h); }, "depth");
  expect_error<InputError>([&] { sim.set_manning(-0.01); }, "manning");
  auto r = flat();
  r[0] = -1;
  expect_error<InputError>([&] { sim.set_rain_rate(r); }, "rain_rate");
}

TEST(BadInput, CflOutOfRange) {
  for (Real cfl : {-0.3, 1.5, double(NAN)}) {  // 0 is the scheme's default (test_time_step)
    SolverConfig cfg;
    cfg.cfl = cfl;
    expect_error<ConfigError>([&] { Simulation(kGrid, flat(), cfg); }, "cfl");
  }
  expect_error<ConfigError>([] { parse_scheme("third-order"); }, "third-order");
  expect_error<ConfigError>([] { parse_limiter("superbee"); }, "superbee");
  for (const Limiter l : {Limiter::van_leer, Limiter::mc, Limiter::minmod}) {
    EXPECT_EQ(parse_limiter(to_string(l)), l);
  }
}

TEST(BadInput, BoundariesAndSources) {
  Simulation sim(kGrid, flat());
  BoundaryCondition bc;
  bc.side = Side::west;
  bc.type = BoundaryType::discharge;
  expect_error<ConfigError>([&] { sim.add_boundary(bc); }, "time series is required");
  bc.series = TimeSeries(1.0);
  bc.from = 100;
  bc.to = 200;
  expect_error<ConfigError>([&] { sim.add_boundary(bc); }, "selects no cell");
  bc.from = -1e300;
  bc.to = 1e300;
  bc.series = TimeSeries({0, 1}, {1, -1}, "q");
  expect_error<ConfigError>([&] { sim.add_boundary(bc); }, "discharge must be >= 0");
  EXPECT_TRUE(sim.boundaries().empty());
  expect_error<InputError>([&] { sim.add_point_source(10, 1, TimeSeries(1.0), "well"); },
                           "outside the grid");
  expect_error<ConfigError>([] { parse_side("up"); }, "'up'");
  expect_error<ConfigError>([] { parse_boundary_type("weir"); }, "'weir'");
}

TEST(BadInput, StillDryDomainNeedsAStepLimit) {
  SolverConfig cfg;
  cfg.max_dt = std::numeric_limits<Real>::infinity();
  Simulation sim(kGrid, flat(), cfg);
  expect_error<NumericalError>([&] { sim.step(); }, "still");
  EXPECT_NO_THROW(sim.step(1.0));
  EXPECT_DOUBLE_EQ(sim.time(), 1.0);
  Simulation capped(kGrid, flat());  // default max_dt
  EXPECT_DOUBLE_EQ(capped.step(), SolverConfig{}.max_dt);
  SolverConfig bad;
  bad.max_dt = 0;
  expect_error<ConfigError>([&] { Simulation(kGrid, flat(), bad); }, "max_dt");
}
