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
#include "scenarios/input_checks.hpp"
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
  EXPECT_DOUBLE_EQ(s.duration, 8 * 3600.0);
  EXPECT_EQ(s.boundaries.size(), 4u);
  const driver::Forecast f = driver::prepare(s);
  EXPECT_EQ(f.sim->grid().nx, 399);
  EXPECT_EQ(f.sim->grid().ny, 214);
  EXPECT_NE(f.crs_wkt.find("32611"), std::string::npos);
  EXPECT_TRUE(f.rain != nullptr);
}

TEST_F(ScenarioFile, DefaultResultsFileIsNetcdfNamed) {
  // Without [output] path the results go to results.nc beside the scenario: a .nc name makes
  // GDAL and QGIS open the file with the netCDF driver, georeferenced (a .h5 name gets the
  // HDF5 driver, without georeferencing; tests/python/test_cf.py runs gdalinfo).
  const auto s = load_scenario(write(""));
  EXPECT_EQ(fs::path(s.output), dir_ / "results.nc");
  const auto t = load_scenario(write("[output]\nflood_threshold = 0.2\n"));
  EXPECT_EQ(fs::path(t.output), dir_ / "results.nc");
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

TEST_F(ScenarioFile, LocalLevelsReachTheSolver) {
  const auto s = load_scenario(
      write_storm("[simulation]\nduration = \"1h\"\nscheme = \"first-order\"\nlocal_levels = 3\n"));
  EXPECT_EQ(s.local_levels, 3);
  const driver::Forecast f = driver::prepare(s);
  EXPECT_EQ(f.sim->config().local_levels, 3);
  expect_error("[simulation]\nduration = \"1h\"\nscheme = \"first-order\"\nlocal_levels = 2.5\n",
               {"[simulation] local_levels", "whole number"}, false);
  expect_error("[simulation]\nduration = \"1h\"\nscheme = \"first-order\"\nlocal_levels = 7\n",
               {"[simulation] local_levels", "7"}, false);
  expect_error("[simulation]\nduration = \"1h\"\nlocal_levels = 2\n",
               {"[simulation] local_levels", "first-order"}, false);
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
      "[[gauge]]\nname = \"late\"\nx = 388000\ny = 3793500\nwarning_depth = 0.0064\n"
      "[output]\npath = \"out/w.h5\"\n");
  const auto s = load_scenario(path);
  driver::Forecast straight = driver::prepare(s);
  driver::RunOptions opts;
  opts.checkpoint_every = 300;  // resumed from the first, at 5 min ("early" crosses at 3 min,
                                // "late" at 9 min 40 s)
  const auto a = driver::run(straight, opts);
  ASSERT_EQ(a.checkpoints.size(), 7u);
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
    EXPECT_EQ(y.before_resume, x.time <= 300) << x.gauge << " at " << x.time;
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

// Issue 17: inputs that are wrong must not run silently.

TEST(Durations, StrictDecimalNumbers) {
  EXPECT_DOUBLE_EQ(scenarios::parse_duration("1.5e3s", "d"), 1500);
  EXPECT_DOUBLE_EQ(scenarios::parse_duration("90 min", "d"), 5400);
  for (const char* bad : {"0x10", "inf", "nan", "1e400", " 5", "5h5", "--5", ""}) {
    EXPECT_THROW(scenarios::parse_duration(bad, "d"), ConfigError) << bad;
  }
}

TEST_F(ScenarioFile, AbsurdValuesAreRefusedWithTheKeyAndTheRange) {
  const std::string sim = "[simulation]\n";
  expect_error(sim + "duration = 1e300\n", {"s.toml:2:", "[simulation] duration", "3650 d"}, false);
  expect_error(sim + "duration = \"0x10\"\n", {"[simulation] duration", "0x10"}, false);
  expect_error(sim + "duration = 60\noutput_interval = 1e-9\n",
               {"[simulation] output_interval", "0.001 s"}, false);
  expect_error(sim + "duration = \"10d\"\noutput_interval = 0.01\n",
               {"[simulation] output_interval", "more than 1e+06 outputs"}, false);
  expect_error(sim + "duration = 60\ngauge_interval = 1e-9\n", {"[simulation] gauge_interval"},
               false);
  expect_error(sim + "duration = 60\nmax_dt = 1e-9\n", {"[simulation] max_dt", "1e-4 s"}, false);
  expect_error(sim + "duration = \"3000d\"\nmax_dt = 1e-3\n", {"[simulation] max_dt", "1e9 steps"},
               false);
  expect_error(sim + "duration = 60\nstart = \"yesterday\"\n",
               {"s.toml:3:", "[simulation] start", "ISO-8601", "yesterday"}, false);
  expect_error(sim + "duration = 60\nstart = \"2024-02-30T00:00:00Z\"\n", {"[simulation] start"},
               false);
  expect_error("[[boundary]]\nside = \"west\"\ntype = \"discharge\"\nvalue = 1e12\n",
               {"s.toml:10:", "[boundary] value", "1e+06", "1e+12"});
  expect_error("[[point_source]]\nx = 1\ny = 2\nvalue = -1e12\n", {"[point_source] value"});
  expect_error("[rainfall]\nfallback = 1e300\n", {"[rainfall] fallback", "5000"});
  expect_error("[output]\ncompression = 4.5\n", {"[output] compression", "integer", "4.5"});
  expect_error("[[gauge]]\nname = \"a\\u001fb\"\nx = 1\ny = 2\n",
               {"s.toml:8:", "[gauge] name", "\\x1F"});
  expect_error("[[point_source]]\nname = \"tab\\there\"\nx = 1\ny = 2\nvalue = 1\n",
               {"[point_source] name", "\\x09"});
  const std::string ok = write("", true);
  EXPECT_EQ(load_scenario(ok).compression, 4);
}

TEST_F(ScenarioFile, CellSizesOutsideTheSaneRangeAreRefused) {
  expect_error("[simulation]\nduration = 60\n[terrain]\nelevation = \"" + demo +
                   "/srtm_bigtujunga30m_utm11.tif\"\ncell_size = 1e30\n",
               {"[terrain] cell_size", "100000"}, false);
  expect_error("[simulation]\nduration = 60\n[terrain]\nelevation = \"" + demo +
                   "/srtm_bigtujunga30m_utm11.tif\"\ncell_size = 1e-9\n",
               {"[terrain] cell_size", "0.001"}, false);
  // A legal but tiny cell size makes a grid too large: refused before any allocation.
  expect_error<InputError>("[simulation]\nduration = 60\n[terrain]\nelevation = \"" + demo +
                               "/srtm_bigtujunga30m_utm11.tif\"\ncell_size = 0.01\n",
                           {"too large", "cell_size >="}, false, true);
}

TEST_F(ScenarioFile, TomlTextIsGuardedBeforeTheParser) {
  // 't' followed by U+0194 (bytes C6 94) in a key position: undefined behaviour in toml++ 3.3.
  expect_error("[simulation]\nt\xC6\x94 = 1\n", {"s.toml:2:2:", "\\xC6", "outside a string"},
               false);
  expect_error("[[[a]]b]\n", {"s.toml:1:1:", "three brackets"}, false);
  expect_error("[simulation]\nduration = 60\n\x01\n", {"s.toml"}, false);
  // Non-ASCII in strings and comments is fine, nested arrays too.
  const std::string path = write(
      "# pluie \xC3\xA0 Gen\xC3\xA8ve\n[[gauge]]\nname = \"Gen\xC3\xA8ve \\u00e9\"\nx = 380000\n"
      "y = 3795000\n");
  EXPECT_EQ(load_scenario(path).gauges.at(0).name, "Gen\xC3\xA8ve \xC3\xA9");
  EXPECT_NO_THROW(scenarios::check_toml_text("a = [[[1]], [[2]]]\nb = \"\"\"x\ny\"\"\"\n", "f"));
}

TEST_F(ScenarioFile, ADirectoryOrFifoIsNotAScenario) {
  try {
    load_scenario(dir_.string());
    FAIL() << "a directory loaded as a scenario";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("is a directory"), std::string::npos) << e.what();
  }
}

namespace {
const char* stations_utm = "id,x,y\nG1,382000,3795500\nG2,392000,3798000\n";
}

TEST_F(ScenarioFile, RainInputsThatWouldRunSilentlyWrong) {
  write_file("st.csv", stations_utm);
  const std::string rain = "[rainfall]\nstations = \"st.csv\"\nseries = \"r.csv\"\n";
  // No time column: the first station column would be read as the times.
  write_file("r.csv", "G1,G2\n1,2\n5,6\n9,12\n");
  expect_error<InputError>(rain, {"r.csv", "first column 'G1' is a station"}, true, true);
  // Stations in lon/lat without station_crs.
  write_file("st.csv", "id,x,y\nG1,-118.2,34.3\nG2,-118.1,34.3\n");
  write_file("r.csv", "time,G1,G2\n0,1,2\n600,5,6\n");
  expect_error<InputError>(rain, {"st.csv' line 2", "station 'G1'", "station_crs"}, true, true);
  write_file("st.csv", "id,x,y\nG1,1e300,1e300\nG2,392000,3798000\n");
  expect_error<InputError>(rain, {"station 'G1'", "from the grid"}, true, true);
  // A series wholly outside the run: timestamps of another day than start.
  write_file("st.csv", stations_utm);
  write_file("r.csv", "time,G1,G2\n2024-01-01T00:00:00Z,1,2\n2024-01-01T00:10:00Z,5,6\n");
  expect_error<InputError>(rain, {"wholly outside the run", "1970-01-01"}, true, true);
  // Absurd intensities.
  write_file("r.csv", "time,G1,G2\n0,1,2\n600,1e300,6\n");
  expect_error<InputError>(rain, {"r.csv' line 3", "'G1'", "out of range"}, true, true);
  write_file("r.csv", "time,G1,G2\n0,1,2\n600,6000,6\n");
  expect_error<InputError>(rain, {"r.csv' line 3", "'G1'", "at most 5000 mm/h"}, true, true);
  // A station far out but plausible: a warning in the notes.
  write_file("st.csv", "id,x,y\nG1,382000,3795500\nG2,592000,3798000\n");
  write_file("r.csv", "time,G1,G2\n0,1,2\n600,5,6\n");
  const driver::Forecast f = driver::prepare(load_scenario(write(rain)));
  EXPECT_TRUE(std::any_of(f.notes.begin(), f.notes.end(), [](const std::string& n) {
    return n.starts_with("warning: ") && n.find("station 'G2'") != std::string::npos;
  }));
}

TEST_F(ScenarioFile, DemWithoutCrsIsAWarningInTheNotes) {
  write_file("dem.asc",
             "ncols 4\nnrows 3\nxllcorner 0\nyllcorner 0\ncellsize 10\nNODATA_value -9999\n"
             "5 4 3 2\n5 4 3 2\n5 4 3 2\n");
  const auto s = load_scenario(
      write("[simulation]\nduration = 60\n[terrain]\nelevation = \"dem.asc\"\n", false));
  const driver::Forecast f = driver::prepare(s);
  EXPECT_TRUE(std::any_of(f.notes.begin(), f.notes.end(), [](const std::string& n) {
    return n.starts_with("warning: ") && n.find("has no CRS") != std::string::npos;
  }));
}

TEST_F(ScenarioFile, InfoOfOneCellAndOneRowGrids) {
  for (const auto& [cols, rows] : {std::pair{1, 1}, std::pair{5, 1}}) {
    std::string grid = "ncols " + std::to_string(cols) + "\nnrows " + std::to_string(rows) +
                       "\nxllcorner 100\nyllcorner 200\ncellsize 10\n";
    for (int j = 0; j < rows; ++j) {
      for (int i = 0; i < cols; ++i) grid += "1 ";
      grid += "\n";
    }
    write_file("dem.asc", grid);
    const auto s = load_scenario(write(
        "[simulation]\nduration = 20\n[terrain]\nelevation = \"dem.asc\"\ninitial_depth = 0.5\n"
        "[output]\npath = \"r.h5\"\n",
        false));
    driver::Forecast f = driver::prepare(s);
    driver::RunOptions o;
    driver::run(f, o);
    const io::ResultsSummary sum = io::read_results_summary(dir_ / "r.h5", 0);
    EXPECT_EQ(sum.nx, cols);
    EXPECT_EQ(sum.ny, rows);
    EXPECT_DOUBLE_EQ(sum.dx, 10);
    EXPECT_DOUBLE_EQ(sum.dy, 10);
    EXPECT_DOUBLE_EQ(sum.x_min, 100);
    EXPECT_DOUBLE_EQ(sum.x_max, 100 + 10.0 * cols);
    EXPECT_DOUBLE_EQ(sum.y_max, 200 + 10.0 * rows);
    EXPECT_NEAR(sum.peak_depth, 0.5, 1e-6);
    EXPECT_DOUBLE_EQ(sum.flooded_area, 100.0 * cols * rows);
    fs::remove(dir_ / "r.h5");
  }
}

TEST(SnapshotTimes, MalformedTimesAreConfigErrors) {
  const std::vector<double> times = {0, 60, 120};
  for (const char* bad : {"..:..", ":", "1:2:3:4", "0x10", "1e1", "-60", "1..2"}) {
    EXPECT_THROW(io::snapshot_index(times, bad, "f.h5"), ConfigError) << bad;
  }
  EXPECT_EQ(io::snapshot_index(times, "00:01", "f.h5"), 1u);
  EXPECT_EQ(io::snapshot_index(times, "2min", "f.h5"), 2u);
}
