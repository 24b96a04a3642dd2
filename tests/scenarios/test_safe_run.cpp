// driver::run keeps outputs safe and resumes strict: no output over an input, one run per
// output (lock), a checkpoint only resumes the scenario (inputs, scheme, duration) and the run
// it belongs to, outputs are carried over only from that run's own files, and the peak maps
// hold the initial state.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "driver/forecast.hpp"
#include "driver/inputs.hpp"
#include "driver/products.hpp"
#include "io/checkpoint.hpp"
#include "io/file_lock.hpp"
#include "io/results_reader.hpp"
#include "io/results_writer.hpp"
#include "scenarios/scenario.hpp"
#include "solver/error.hpp"

namespace fs = std::filesystem;
using namespace floodtwin;
using floodtwin::scenarios::load_scenario;

namespace {

const std::string demo = FLOODTWIN_DEMO_DIR;

std::string bytes_of(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

template <class E, class F>
std::string error_of(F f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected an exception";
  return "";
}

class SafeRun : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("floodtwin_safe_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string write_file(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return (dir_ / name).string();
  }
  /// The demo terrain at 900 m cells under a uniform storm (`rain`, a CSV body) for 30 min,
  /// outputs every 10 min, and `body`.
  std::string storm(const std::string& name, const std::string& rain, const std::string& body) {
    write_file(name + ".csv", rain);
    return write_file(name + ".toml",
                      "[simulation]\nduration = \"30min\"\noutput_interval = \"10min\"\n"
                      "[terrain]\nelevation = \"" +
                          demo +
                          "/srtm_bigtujunga30m_utm11.tif\"\ncell_size = 900\n"
                          "[rainfall]\nuniform = \"" +
                          name + ".csv\"\n" + body);
  }
  static constexpr const char* rain_a = "time,rain\n0,20\n600,40\n1200,10\n2400,0\n";
  static constexpr const char* rain_b = "time,rain\n0,5\n600,80\n1200,0\n2400,0\n";
  fs::path dir_;
};

}  // namespace

TEST_F(SafeRun, AnOutputThatIsAnInputIsRefusedAndTheInputKept) {
  const std::string path = storm("a", rain_a, "[output]\npath = \"out/a.h5\"\n");
  const auto s = load_scenario(path);
  fs::create_symlink(dir_ / "a.csv", dir_ / "link.h5");
  for (const std::string& out : {(dir_ / "a.csv").string(), path, (dir_ / "link.h5").string()}) {
    const std::string before = bytes_of(out);
    driver::Forecast f = driver::prepare(s);
    driver::RunOptions o;
    o.output = out;
    const std::string msg = error_of<ConfigError>([&] { driver::run(f, o); });
    EXPECT_NE(msg.find("refusing to overwrite an input"), std::string::npos) << msg;
    EXPECT_NE(msg.find(out), std::string::npos) << msg;
    EXPECT_EQ(bytes_of(out), before);
    EXPECT_FALSE(fs::exists(io::partial_path(out)));
  }
  // The DEM (outside the scenario's folder) and validate.
  EXPECT_THROW(
      driver::refuse_outputs_over_inputs(s, demo + "/srtm_bigtujunga30m_utm11.tif", "", "run:"),
      ConfigError);
  const std::string bad = storm("b", rain_a, "[output]\npath = \"b.csv\"\n");
  const std::string msg = error_of<ConfigError>([&] { driver::validate_scenario(bad); });
  EXPECT_NE(msg.find("b.csv"), std::string::npos) << msg;
}

TEST_F(SafeRun, ARunOnALockedOutputIsRefusedBeforeTouchingIt) {
  const std::string path = storm("a", rain_a, "[output]\npath = \"out/a.h5\"\n");
  const auto s = load_scenario(path);
  fs::create_directories(dir_ / "out");
  const fs::path results = dir_ / "out" / "a.h5";
  std::ofstream(io::partial_path(results)) << "the other run's partial";
  const io::FileLock other(io::lock_path(results), "the other run");
  driver::Forecast f = driver::prepare(s);
  const std::string msg = error_of<IoError>([&] { driver::run(f, {}); });
  EXPECT_NE(msg.find(io::lock_path(results).string()), std::string::npos) << msg;
  EXPECT_NE(msg.find("locked by another floodtwin process"), std::string::npos) << msg;
  EXPECT_EQ(bytes_of(io::partial_path(results)), "the other run's partial");
  EXPECT_FALSE(fs::exists(results));
}

TEST_F(SafeRun, ACheckpointOfAnotherScenarioOnTheSameGridIsRefused) {
  const std::string a = storm("a", rain_a, "[output]\npath = \"out/a.h5\"\n");
  const std::string b = storm("b", rain_b, "[output]\npath = \"out/b.h5\"\n");
  driver::Forecast fa = driver::prepare(load_scenario(a));
  driver::RunOptions o;
  o.checkpoint_every = 600;
  const auto ra = driver::run(fa, o);
  ASSERT_EQ(ra.checkpoints.size(), 2U);
  const io::CheckpointInfo info = io::read_checkpoint_info(ra.checkpoints.front());
  EXPECT_EQ(info.metadata.at(driver::inputs_hash_key), driver::inputs_hash(load_scenario(a)));
  EXPECT_EQ(info.metadata.at(driver::run_id_key),
            io::ResultsReader(ra.results).text_attribute("", "run_id"));

  driver::Forecast fb = driver::prepare(load_scenario(b));
  driver::RunOptions ob;
  ob.resume = ra.checkpoints.front();
  const std::string msg = error_of<InputError>([&] { driver::run(fb, ob); });
  EXPECT_NE(msg.find(ra.checkpoints.front()), std::string::npos) << msg;
  EXPECT_NE(msg.find("other scenario inputs"), std::string::npos) << msg;
  EXPECT_FALSE(fs::exists(dir_ / "out" / "b.h5.partial"));

  // The same scenario with an input file changed since the checkpoint.
  write_file("a.csv", rain_b);
  driver::Forecast fa2 = driver::prepare(load_scenario(a));
  const std::string changed = error_of<InputError>([&] { driver::run(fa2, ob); });
  EXPECT_NE(changed.find("an input changed since it was written"), std::string::npos) << changed;
}

TEST_F(SafeRun, CheckpointRecordsAreCheckedOneByOne) {
  const auto s = load_scenario(storm("a", rain_a, ""));
  const std::string hash = driver::inputs_hash(s);
  auto deps = driver::checkpoint_dependencies(s, "run-1", hash);
  EXPECT_EQ(driver::check_checkpoint("c.h5", 600, "second-order", deps, s, hash, 1800), "run-1");
  auto refused = [&](double t, const std::string& scheme,
                     const std::map<std::string, std::string>& m, const std::string& what) {
    const std::string msg = error_of<InputError>(
        [&] { driver::check_checkpoint("c.h5", t, scheme, m, s, hash, 1800); });
    EXPECT_NE(msg.find("c.h5"), std::string::npos) << msg;
    EXPECT_NE(msg.find(what), std::string::npos) << msg;
  };
  refused(1800, "second-order", deps, "expected a time in [0, 1800) s");  // a "complete" file
  refused(5000, "second-order", deps, "nothing is left to run");
  refused(-1, "second-order", deps, "t = -1 s");
  refused(std::nan(""), "second-order", deps, "expected a time in [0, 1800)");
  refused(600, "first-order", deps, "scheme 'first-order', expected 'second-order'");
  auto other = deps;
  other[driver::duration_key] = "3600";
  refused(600, "second-order", other, "duration 3600 s, expected 1800 s");
  other = deps;
  other.erase(driver::inputs_hash_key);
  refused(600, "second-order", other, "no metadata/inputs_hash");
  other = deps;
  other[driver::inputs_hash_key] = "0123456789abcdef";
  refused(600, "second-order", other, "other scenario inputs");
}

TEST_F(SafeRun, ACheckpointAtTheEndOfTheRunIsRefused) {
  const std::string path = storm("a", rain_a, "[output]\npath = \"out/a.h5\"\n");
  const auto s = load_scenario(path);
  driver::Forecast f = driver::prepare(s);
  f.sim->advance_to(1800);
  fs::create_directories(dir_ / "out");
  const fs::path cp = dir_ / "out" / "end.h5";
  io::write_checkpoint(cp, *f.sim, f.maps.get(),
                       driver::checkpoint_dependencies(s, "run-1", driver::inputs_hash(s)));
  driver::Forecast g = driver::prepare(s);
  driver::RunOptions o;
  o.resume = cp.string();
  const std::string msg = error_of<InputError>([&] { driver::run(g, o); });
  EXPECT_NE(msg.find("nothing is left to run"), std::string::npos) << msg;
  EXPECT_FALSE(fs::exists(dir_ / "out" / "a.h5"));
}

TEST_F(SafeRun, ResumeCarriesOverOnlyFromItsOwnRun) {
  // An earlier complete run to out/a.h5; a second run of the same scenario, stopped, whose
  // .partial is then lost: the resume must not take the first run's snapshots.
  const std::string path = storm("a", rain_a, "[output]\npath = \"out/a.h5\"\n");
  const auto s = load_scenario(path);
  driver::Forecast first = driver::prepare(s);
  const auto r1 = driver::run(first, {});
  ASSERT_EQ(io::ResultsReader(r1.results).times().size(), 4U);

  driver::Forecast second = driver::prepare(s);
  std::atomic<bool> stop{false};
  driver::RunOptions o;
  o.checkpoint_every = 600;
  o.stop = &stop;
  o.on_progress = [&](const driver::Progress& p) {
    if (p.time >= 600) stop = true;
  };
  const auto r2 = driver::run(second, o);
  ASSERT_TRUE(r2.interrupted);
  fs::remove(io::partial_path(r2.results));

  driver::Forecast resumed = driver::prepare(s);
  driver::RunOptions ro;
  ro.resume = r2.checkpoints.back();
  ro.output = ro.resume;  // the checkpoint resumed from is an input
  const std::string before = bytes_of(ro.resume);
  const std::string msg = error_of<ConfigError>([&] { driver::run(resumed, ro); });
  EXPECT_NE(msg.find("--output over --resume"), std::string::npos) << msg;
  EXPECT_EQ(bytes_of(ro.resume), before);
  ro.output.clear();
  const auto r3 = driver::run(resumed, ro);
  ASSERT_FALSE(r3.interrupted);
  ASSERT_FALSE(r3.notes.empty());
  EXPECT_NE(r3.notes.front().find("nothing carried over"), std::string::npos) << r3.notes.front();
  EXPECT_NE(r3.notes.front().find("another run"), std::string::npos) << r3.notes.front();
  const io::ResultsReader r(r3.results);
  const double t = io::read_checkpoint_info(ro.resume).time;
  for (double time : r.times()) EXPECT_GT(time, t);
  EXPECT_EQ(r.text_attribute("", "run_id"),
            io::read_checkpoint_info(ro.resume).metadata.at(driver::run_id_key));
}

TEST_F(SafeRun, PeakMapsHoldTheInitialState) {
  // Water starting at 1.6 m everywhere drains downhill: every cell's peak is at least 1.6 m,
  // and the cells above the threshold arrive at t = 0.
  const std::string path =
      write_file("lake.toml",
                 "[simulation]\nduration = \"2min\"\noutput_interval = \"1min\"\n[terrain]\n"
                 "elevation = \"" +
                     demo +
                     "/srtm_bigtujunga30m_utm11.tif\"\ncell_size = 900\ninitial_depth = 1.6\n"
                     "[output]\npath = \"lake.h5\"\n");
  driver::Forecast f = driver::prepare(load_scenario(path));
  const auto summary = driver::run(f, {});
  const io::ResultsReader r(summary.results);
  const std::vector<double> peak = r.read("max_depth");
  const std::vector<double> arrival = r.read("arrival_time");
  const std::vector<double> t_max = r.read("time_of_max_depth");
  const std::vector<double> last = r.read_snapshot("depth", r.times().size() - 1);
  // A cell whose peak is the initial state has its peak time at 0. (The maps are float32: a
  // cell that rose by less than a float's step shows a peak of 1.6f at a later time.)
  std::size_t cells = 0, at_start = 0;
  for (std::size_t k = 0; k < peak.size(); ++k) {
    if (std::isnan(peak[k])) continue;
    ++cells;
    EXPECT_GE(peak[k], 1.6f) << k;
    EXPECT_EQ(arrival[k], 0.0) << k;
    if (t_max[k] == 0.0) {
      ++at_start;
      EXPECT_EQ(peak[k], static_cast<double>(1.6f)) << k;
    } else {
      EXPECT_GT(t_max[k], 0.0) << k;
    }
  }
  EXPECT_GT(cells, 0U);
  EXPECT_GT(at_start, 0U);     // the hilltops only drain
  EXPECT_LT(at_start, cells);  // the valleys fill
}

TEST_F(SafeRun, InputPathsNameEveryFileAndTheHashFollowsTheStateInputs) {
  scenarios::Scenario s = load_scenario(storm("a", rain_a, ""));
  floodtwin::scenarios::PointSourceSpec pump;
  pump.name = "pump";
  pump.series = {std::nullopt, write_file("q.csv", "time,q\n0,1\n")};
  s.point_sources.push_back(pump);
  s.impacts = scenarios::ImpactsSpec{};
  s.impacts->zones = write_file("zones.geojson", "{}");
  const std::vector<std::string> paths = driver::input_paths(s);
  for (const std::string& p : {s.file, s.elevation, s.rain_uniform, (dir_ / "q.csv").string(),
                               (dir_ / "zones.geojson").string()}) {
    EXPECT_NE(std::find(paths.begin(), paths.end(), p), paths.end()) << p;
  }
  const std::string hash = driver::inputs_hash(s);
  EXPECT_EQ(hash.size(), 16U);
  write_file("zones.geojson", "{\"type\": \"FeatureCollection\"}");  // impacts only: same state
  EXPECT_EQ(driver::inputs_hash(s), hash);
  write_file("q.csv", "time,q\n0,2\n");  // a forcing series: another state
  EXPECT_NE(driver::inputs_hash(s), hash);
  // An [impacts] file is an input too: never an output.
  EXPECT_THROW(driver::refuse_outputs_over_inputs(s, (dir_ / "zones.geojson").string(), "", "run:"),
               ConfigError);
}
