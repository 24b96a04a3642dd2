// Scenario files: every validation error names the file, line and key; the demo loads; a
// resumed forecast equals an uninterrupted one.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "driver/forecast.hpp"
#include "io/results_reader.hpp"
#include "scenarios/scenario.hpp"
#include "solver/error.hpp"

namespace fs = std::filesystem;
using namespace floodtwin;
using floodtwin::scenarios::load_scenario;

namespace {

const std::string demo = FLOODTWIN_DEMO_DIR;

/// A scenario file in a fresh temporary folder; `body` follows a valid [simulation] and
/// [terrain] unless it defines them itself.
class ScenarioFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("floodtwin_scn_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string write(const std::string& body, bool header = true) {
    const fs::path p = dir_ / "s.toml";
    std::ofstream out(p);
    if (header) {
      out << "[simulation]\nduration = \"1h\"\n\n[terrain]\nelevation = \"" << demo
          << "/srtm_bigtujunga30m_utm11.tif\"\ncell_size = 900\n";
    }
    out << body;
    return p.string();
  }
  /// The demo terrain at 900 m under a 40 min storm (hyeto.csv, uniform rain) and `body`,
  /// which holds the [simulation] table.
  std::string write_storm(const std::string& body) {
    write_file("hyeto.csv", "time,rain\n0,20\n600,40\n1200,10\n2400,0\n");
    return write("[terrain]\nelevation = \"" + demo +
                     "/srtm_bigtujunga30m_utm11.tif\"\ncell_size = 900\n"
                     "[rainfall]\nuniform = \"hyeto.csv\"\n" +
                     body,
                 false);
  }
  std::string write_file(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return (dir_ / name).string();
  }
  template <class E = ConfigError>
  void expect_error(const std::string& body, const std::vector<std::string>& fragments,
                    bool header = true, bool prepare = false) {
    const std::string path = write(body, header);
    try {
      const auto s = load_scenario(path);
      if (prepare) driver::prepare(s);
      FAIL() << "expected an error for:\n" << body;
    } catch (const E& e) {
      for (const auto& f : fragments) {
        EXPECT_NE(std::string(e.what()).find(f), std::string::npos)
            << "message lacks '" << f << "': " << e.what();
      }
    }
  }
  fs::path dir_;
};

}  // namespace

TEST(Durations, ParseUnits) {
  EXPECT_DOUBLE_EQ(scenarios::parse_duration("90s", "d"), 90);
  EXPECT_DOUBLE_EQ(scenarios::parse_duration("10min", "d"), 600);
  EXPECT_DOUBLE_EQ(scenarios::parse_duration("6h", "d"), 21600);
  EXPECT_DOUBLE_EQ(scenarios::parse_duration("2d", "d"), 172800);
  EXPECT_DOUBLE_EQ(scenarios::parse_duration("1.5h", "d"), 5400);
  EXPECT_DOUBLE_EQ(scenarios::parse_duration("42", "d"), 42);
  EXPECT_THROW(scenarios::parse_duration("6 weeks", "d"), ConfigError);
  EXPECT_THROW(scenarios::parse_duration("soon", "d"), ConfigError);
  EXPECT_EQ(scenarios::closest_key("duraton", {"duration", "scheme"}), "duration");
  EXPECT_EQ(scenarios::closest_key("zzzzzzzz", {"duration", "scheme"}), "");
}

TEST_F(ScenarioFile, DemoScenarioLoadsAndPrepares) {
  const auto s = load_scenario(demo + "/demo.toml");
  EXPECT_EQ(s.gauges.size(), 3u);
  EXPECT_DOUBLE_EQ(s.duration, 5 * 3600.0);
  EXPECT_EQ(s.boundaries.size(), 4u);
  const driver::Forecast f = driver::prepare(s);
  EXPECT_EQ(f.sim->grid().nx, 399);
  EXPECT_EQ(f.sim->grid().ny, 214);
  EXPECT_NE(f.crs_wkt.find("32611"), std::string::npos);
  EXPECT_TRUE(f.rain != nullptr);
}

TEST_F(ScenarioFile, UnknownKeySuggestsTheClosest) {
  expect_error("output_intervall = \"10min\"\n",
               {"s.toml:7:", "unknown key 'output_intervall' in [terrain]"});
  expect_error("[simulation]\nduraton = \"1h\"\n", {"s.toml:2:", "did you mean 'duration'?"},
               false);
  expect_error("[simulaton]\n", {"did you mean 'simulation'?"});
}

TEST_F(ScenarioFile, MissingKeysAndFiles) {
  expect_error("[terrain]\nelevation = \"dem.tif\"\n", {"missing the [simulation] table"}, false);
  expect_error("[simulation]\nduration = 60\n[terrain]\nmanning = 0.03\n",
               {"[terrain] is missing 'elevation'"}, false);
  expect_error("[simulation]\nduration = 60\n[terrain]\nelevation = \"nope.tif\"\n",
               {"s.toml:4:", "[terrain] elevation", "file not found", "nope.tif"}, false);
  expect_error("[rainfall]\nstations = \"st.csv\"\n", {"[rainfall] stations", "file not found"});
}

TEST_F(ScenarioFile, BadValues) {
  expect_error("[simulation]\nduration = \"6 weeks\"\n", {"duration", "unknown time unit"}, false);
  expect_error("[simulation]\nduration = \"1h\"\nscheme = \"third-order\"\n",
               {"[simulation] scheme", "third-order"}, false);
  expect_error("[simulation]\nduration = \"1h\"\ncfl = 1.5\n", {"[simulation] cfl", "1.5"}, false);
  expect_error("[[boundary]]\nside = \"up\"\ntype = \"open\"\n", {"[boundary] side", "\"up\""});
  expect_error("[[boundary]]\nside = \"west\"\ntype = \"weir\"\n", {"[boundary] type", "weir"});
  expect_error("[[boundary]]\nside = \"west\"\ntype = \"discharge\"\n", {"needs a series"});
  expect_error("[[gauge]]\nname = \"a\"\nx = 1\n", {"[gauge] is missing 'y'"});
}

TEST_F(ScenarioFile, ErrorsFoundAgainstTheGrid) {
  // A gauge outside the grid, a segment off the edge, a series whose times do not increase.
  expect_error("[[gauge]]\nname = \"far\"\nx = 0\ny = 0\n",
               {"s.toml:7:", "gauge 'far'", "outside the grid"}, true, true);
  expect_error("[[boundary]]\nside = \"west\"\ntype = \"open\"\nfrom = 1\nto = 2\n",
               {"s.toml:7:", "boundary west open", "selects no cell"}, true, true);
  write_file("q.csv", "time,q\n0,1\n600,2\n600,3\n");
  expect_error<InputError>(
      "[[boundary]]\nside = \"west\"\ntype = \"discharge\"\nseries = \"q.csv\"\n",
      {"q.csv", "increas"}, true, true);
}

TEST_F(ScenarioFile, ResumedForecastEqualsUninterrupted) {
  // Rain and Green-Ampt infiltration on the demo terrain at 900 m cells, open west side: run
  // 40 min straight, and resumed from the checkpoint at 20 min; the final state (and the
  // infiltration state restored from the checkpoint) must agree bit for bit.
  const std::string path = write_storm(
      "[simulation]\nduration = \"40min\"\noutput_interval = \"10min\"\n"
      "[[boundary]]\nside = \"west\"\ntype = \"open\"\n"
      "[infiltration]\nmodel = \"green-ampt\"\nks = 2e-6\npsi = 0.09\ndtheta = 0.2\n"
      "[output]\npath = \"out/a.h5\"\n");
  const auto s = load_scenario(path);
  driver::Forecast straight = driver::prepare(s);
  driver::RunOptions opts;
  opts.checkpoint_every = 1200;
  const auto a = driver::run(straight, opts);
  ASSERT_FALSE(a.interrupted);
  ASSERT_EQ(a.checkpoints.size(), 1u);

  driver::Forecast resumed = driver::prepare(s);
  driver::RunOptions ropts;
  ropts.resume = a.checkpoints.front();
  ropts.output = (dir_ / "out" / "b.h5").string();
  const auto b = driver::run(resumed, ropts);
  ASSERT_FALSE(b.interrupted);
  const std::size_t n = straight.sim->grid().padded_size();
  EXPECT_EQ(std::memcmp(straight.sim->h(), resumed.sim->h(), n * sizeof(solver::Real)), 0);
  EXPECT_EQ(std::memcmp(straight.sim->qx(), resumed.sim->qx(), n * sizeof(solver::Real)), 0);
  EXPECT_EQ(std::memcmp(straight.maps->max_depth.data(), resumed.maps->max_depth.data(),
                        n * sizeof(solver::Real)),
            0);
  EXPECT_EQ(straight.sim->steps(), resumed.sim->steps());
  EXPECT_GT(a.balance.rain_in, 0);
  EXPECT_GT(a.balance.losses, 0);
  EXPECT_EQ(a.balance.losses, b.balance.losses);
  EXPECT_LT(a.balance.relative_error(), 1e-12);
}

TEST_F(ScenarioFile, ResumedForecastKeepsItsGaugeWarnings) {
  // Warnings fired before the checkpoint travel in it: the resumed run reports the event's
  // warnings once each, as the uninterrupted run does, those before the resume flagged.
  const std::string path = write_storm(
      "[simulation]\nduration = \"40min\"\noutput_interval = \"10min\"\n"
      "[[gauge]]\nname = \"early\"\nx = 380000\ny = 3793830\nwarning_depth = 0.002\n"
      "[[gauge]]\nname = \"late\"\nx = 388000\ny = 3793500\nwarning_depth = 0.007\n"
      "[output]\npath = \"out/w.h5\"\n");
  const auto s = load_scenario(path);
  driver::Forecast straight = driver::prepare(s);
  driver::RunOptions opts;
  opts.checkpoint_every = 600;  // resumed from the first, at 10 min
  const auto a = driver::run(straight, opts);
  ASSERT_EQ(a.checkpoints.size(), 3u);
  ASSERT_FALSE(a.warnings.empty());

  driver::Forecast resumed = driver::prepare(s);
  driver::RunOptions ropts;
  ropts.resume = a.checkpoints.front();
  ropts.output = (dir_ / "out" / "w2.h5").string();
  std::size_t announced = 0;
  ropts.on_warning = [&](const driver::Warning&) { ++announced; };
  const auto b = driver::run(resumed, ropts);
  ASSERT_EQ(b.warnings.size(), a.warnings.size());
  std::size_t before = 0;
  for (std::size_t k = 0; k < a.warnings.size(); ++k) {
    const driver::Warning& x = a.warnings[k];
    const driver::Warning& y = b.warnings[k];
    EXPECT_EQ(x.gauge, y.gauge);
    EXPECT_EQ(x.what, y.what);
    EXPECT_EQ(x.value, y.value);  // bitwise: %.17g round-trips
    EXPECT_EQ(x.time, y.time);
    EXPECT_EQ(y.before_resume, x.time <= 600) << x.gauge << " at " << x.time;
    before += y.before_resume ? 1 : 0;
  }
  EXPECT_GE(before, 1u);
  EXPECT_LT(before, a.warnings.size());              // and one after it
  EXPECT_EQ(announced, a.warnings.size() - before);  // only the new ones are announced
}

TEST_F(ScenarioFile, ResumedRunStoppedAtOnceKeepsThePeakMaps) {
  // A resumed run writes the checkpoint's peak maps into its new results file at once, so
  // that a run stopped again before its first snapshot still leaves them in the .partial.
  const std::string path = write_storm(
      "[simulation]\nduration = \"40min\"\noutput_interval = \"20min\"\n"
      "[output]\npath = \"out/m.h5\"\n");
  const auto s = load_scenario(path);
  driver::Forecast first = driver::prepare(s);
  driver::RunOptions opts;
  opts.checkpoint_every = 600;
  const auto a = driver::run(first, opts);
  ASSERT_EQ(a.checkpoints.size(), 3u);

  driver::Forecast again = driver::prepare(s);
  driver::RunOptions ropts;
  ropts.resume = a.checkpoints.front();  // t = 10 min; the next snapshot is at 20 min
  ropts.output = (dir_ / "out" / "stopped.h5").string();
  std::atomic<bool> stop{true};
  ropts.stop = &stop;
  const auto b = driver::run(again, ropts);
  ASSERT_TRUE(b.interrupted);
  const io::ResultsReader partial(ropts.output + ".partial");
  const std::vector<double> peak = partial.read("max_depth");
  double top = 0;
  for (double h : peak) top = std::isnan(h) ? top : std::max(top, h);
  EXPECT_GT(top, 0.001);
  EXPECT_EQ(partial.times().size(), 0u);  // another path: nothing carried, nothing new yet
}
