// Resume: a results writer with carry_over_until starts its file with the snapshots, mass
// balance rows and gauge samples of the interrupted run up to the resume time, bitwise; a
// complete earlier file is only read (finalize() replaces it); a file of another run (run_id)
// or another grid, or no file, carries nothing and says so.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>

#include "io/results_reader.hpp"
#include "io/results_writer.hpp"
#include "io_testing.hpp"
#include "solver/flood_maps.hpp"

namespace ft = floodtwin::testing;
namespace fs = std::filesystem;
using namespace floodtwin;
using solver::Real;

namespace {

const char* const time_vars[] = {"depth",    "water_level", "velocity_x",  "velocity_y",
                                 "volume",   "rain_in",     "boundary_in", "boundary_out",
                                 "point_in", "losses",      "correction",  "mass_balance_error"};
const char* const gauge_vars[] = {"gauge_time", "gauge_depth", "gauge_water_level", "gauge_speed"};

io::ResultsOptions options() {
  io::ResultsOptions opt;
  opt.start_time = "2024-03-01T00:00:00";
  opt.gauges = {{"inlet", 1005.0, 2015.0}, {"outlet", 1045.0, 2001.0}};
  opt.run_id = "run-of-the-tests";  // every file here belongs to one run, unless said
  return opt;
}

/// Advances the busy case from `from` to `until` [s] in steps of 0.5 s (the same targets in
/// every run, so every run is the same), writing when `w` is given a gauge sample at each
/// target and a snapshot at whole seconds (and both at `from` when `first`).
void run(solver::Simulation& sim, solver::FloodMaps& maps, io::ResultsWriter* w, double from,
         double until, bool first) {
  if (first && w != nullptr) {
    w->write_snapshot(sim, &maps);
    w->write_gauges(sim);
  }
  // Targets k / 2 [s], k from 2 from + 1 to 2 until (half seconds, exact in binary).
  for (long k = std::lround(2 * from) + 1; k <= std::lround(2 * until); ++k) {
    sim.advance_to(Real(0.5 * static_cast<double>(k)), [&](Real dt) {
      maps.update(sim, dt);
      return true;
    });
    if (w == nullptr) continue;
    w->write_gauges(sim);
    if (k % 2 == 0) w->write_snapshot(sim, &maps);
  }
}

/// Every variable on `time` and `gauge_time`, as read back: row-major doubles.
struct Contents {
  std::vector<double> times;
  std::vector<std::vector<double>> rows;  // one per var of time_vars, then gauge_vars
};

Contents contents(const fs::path& p) {
  const io::ResultsReader r(p);
  Contents c;
  c.times = r.times();
  for (const char* v : time_vars) c.rows.push_back(r.read(v));
  for (const char* v : gauge_vars) c.rows.push_back(r.read(v));
  return c;
}

/// Equal bit for bit (NaN payloads included).
bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() &&
         (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
}

std::string bytes_of(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// The interrupted run: snapshots at 0..4 s, gauge samples every 0.5 s, no finalize.
void write_interrupted(const fs::path& path) {
  auto sim = ft::busy_case();
  solver::FloodMaps maps(sim->grid(), 0.05);
  io::ResultsWriter w(path, *sim, options());
  run(*sim, maps, &w, 0, 4, true);
}

}  // namespace

TEST(ResultsResume, CarriesTheEarlierOutputsUpToTheResumeTimeBitwise) {
  const ft::TempDir dir("resume");
  const auto path = dir / "run.h5";
  const fs::path partial = io::partial_path(path);
  // The uninterrupted run, for reference (another folder).
  const auto reference = dir / "reference.h5";
  {
    auto sim = ft::busy_case();
    solver::FloodMaps maps(sim->grid(), 0.05);
    io::ResultsWriter w(reference, *sim, options());
    run(*sim, maps, &w, 0, 6, true);
    w.finalize(&maps, 1.0);
  }
  write_interrupted(path);
  ASSERT_TRUE(fs::exists(partial));
  const Contents earlier = contents(partial);
  ASSERT_EQ(earlier.times.size(), 5U);

  // Resume at t = 2 s (a checkpoint there): the outputs at 3 and 4 s are written again.
  auto sim = ft::busy_case();
  solver::FloodMaps maps(sim->grid(), 0.05);
  run(*sim, maps, nullptr, 0, 2, false);
  io::ResultsOptions opt = options();
  opt.carry_over_until = 2.0 - 1e-12;  // within the 1e-9 tolerance of the output at 2 s
  io::ResultsWriter w(path, *sim, opt);
  EXPECT_EQ(w.snapshots(), 3U);
  EXPECT_EQ(w.gauge_samples(), 5U);
  EXPECT_NE(w.carry_over_note().find("3 snapshots and 5 gauge samples"), std::string::npos)
      << w.carry_over_note();
  EXPECT_FALSE(fs::exists(fs::path(partial) += ".prev"));
  const std::string note = w.carry_over_note();
  run(*sim, maps, &w, 2, 6, false);
  w.finalize(&maps, 1.0);
  EXPECT_EQ(io::ResultsReader(path).text_attribute("", "carried_over"), note);

  const Contents resumed = contents(path);
  const Contents want = contents(reference);
  EXPECT_EQ(resumed.times, (std::vector<double>{0, 1, 2, 3, 4, 5, 6}));
  ASSERT_EQ(resumed.rows.size(), want.rows.size());
  for (std::size_t v = 0; v < want.rows.size(); ++v) {
    const char* var =
        v < std::size(time_vars) ? time_vars[v] : gauge_vars[v - std::size(time_vars)];
    EXPECT_TRUE(same_bits(resumed.rows[v], want.rows[v])) << var;
  }
  // The rows up to 2 s are the earlier file's, bit for bit.
  const io::ResultsReader r(path);
  const io::ResultsReader e(reference);
  for (std::size_t k = 0; k < 3; ++k) {
    EXPECT_TRUE(same_bits(r.read_snapshot("depth", k), e.read_snapshot("depth", k))) << k;
  }
  const std::size_t cells = sim->grid().cell_count();
  EXPECT_TRUE(
      same_bits(std::vector<double>(resumed.rows[0].begin(),
                                    resumed.rows[0].begin() + 3 * static_cast<long>(cells)),
                std::vector<double>(earlier.rows[0].begin(),
                                    earlier.rows[0].begin() + 3 * static_cast<long>(cells))));
  EXPECT_TRUE(same_bits(r.read("max_depth"), e.read("max_depth")));
  EXPECT_EQ(r.number_attribute("", "initial_volume"), e.number_attribute("", "initial_volume"));
}

TEST(ResultsResume, ACompleteEarlierFileIsOnlyReplacedByFinalize) {
  const ft::TempDir dir("resume_complete");
  const auto path = dir / "run.h5";
  {
    auto sim = ft::busy_case();
    solver::FloodMaps maps(sim->grid(), 0.05);
    io::ResultsWriter w(path, *sim, options());
    run(*sim, maps, &w, 0, 4, true);
    w.finalize(&maps, 1.0);
  }
  const std::string before = bytes_of(path);
  const Contents complete = contents(path);
  auto sim = ft::busy_case();
  solver::FloodMaps maps(sim->grid(), 0.05);
  run(*sim, maps, nullptr, 0, 1, false);
  io::ResultsOptions opt = options();
  opt.carry_over_until = 1.0;
  {
    // Interrupted again before finalize: the complete file stays as it was.
    io::ResultsWriter w(path, *sim, opt);
    EXPECT_EQ(w.snapshots(), 2U);
    EXPECT_EQ(w.gauge_samples(), 3U);
    EXPECT_NE(w.carry_over_note().find(path.string()), std::string::npos) << w.carry_over_note();
    EXPECT_EQ(bytes_of(path), before);
  }
  EXPECT_EQ(bytes_of(path), before);
  io::ResultsWriter w(path, *sim, opt);  // from the .partial of the attempt before
  EXPECT_EQ(w.snapshots(), 2U);
  run(*sim, maps, &w, 1, 3, false);
  EXPECT_EQ(bytes_of(path), before);
  w.finalize(&maps, 1.0);
  const Contents after = contents(path);
  EXPECT_EQ(after.times, (std::vector<double>{0, 1, 2, 3}));
  const std::size_t cells = sim->grid().cell_count();
  EXPECT_TRUE(same_bits(
      after.rows[0], std::vector<double>(complete.rows[0].begin(),
                                         complete.rows[0].begin() + 4 * static_cast<long>(cells))));
}

TEST(ResultsResume, AnotherGridOrNoFileCarriesNothing) {
  const ft::TempDir dir("resume_mismatch");
  const auto path = dir / "run.h5";
  const fs::path partial = io::partial_path(path);
  {
    auto lake = ft::lake_at_rest();  // 12 x 8 cells
    io::ResultsOptions lake_options;
    lake_options.run_id = options().run_id;
    io::ResultsWriter w(path, *lake, lake_options);
    w.write_snapshot(*lake);
  }
  ASSERT_TRUE(fs::exists(partial));
  auto sim = ft::busy_case();  // 24 x 16 cells
  io::ResultsOptions opt = options();
  opt.carry_over_until = 10.0;
  {
    io::ResultsWriter w(path, *sim, opt);
    EXPECT_EQ(w.snapshots(), 0U);
    EXPECT_EQ(w.gauge_samples(), 0U);
    const std::string& note = w.carry_over_note();
    EXPECT_NE(note.find("nothing carried over"), std::string::npos) << note;
    EXPECT_NE(note.find("12 x 8"), std::string::npos) << note;
    EXPECT_FALSE(fs::exists(fs::path(partial) += ".prev"));
    w.write_snapshot(*sim);
    w.finalize(nullptr, 0);
  }
  EXPECT_EQ(io::ResultsReader(path).times().size(), 1U);

  // No earlier file at all.
  const auto other = dir / "other.h5";
  io::ResultsWriter w(other, *sim, opt);
  EXPECT_EQ(w.snapshots(), 0U);
  EXPECT_NE(w.carry_over_note().find("no earlier results file"), std::string::npos)
      << w.carry_over_note();
  w.write_snapshot(*sim);
  w.finalize(nullptr, 0);
  EXPECT_EQ(io::ResultsReader(other).text_attribute("", "carried_over"), w.carry_over_note());
}

TEST(ResultsResume, AnUnfinishedCarryOverIsTakenUpAgainAndOtherStationsAreLeftOut) {
  const ft::TempDir dir("resume_prev");
  const auto path = dir / "run.h5";
  const fs::path partial = io::partial_path(path);
  fs::path prev = partial;
  prev += ".prev";
  write_interrupted(path);
  // A carry-over killed half-way: the earlier file is at .prev, a broken .partial beside it.
  fs::rename(partial, prev);
  std::ofstream(partial) << "half written";
  auto sim = ft::busy_case();
  solver::FloodMaps maps(sim->grid(), 0.05);
  run(*sim, maps, nullptr, 0, 3, false);
  io::ResultsOptions opt = options();
  opt.gauges[1].name = "renamed";
  opt.carry_over_until = 3.0;
  {
    const io::ResultsWriter w(path, *sim, opt);
    EXPECT_EQ(w.snapshots(), 4U);
    EXPECT_EQ(w.gauge_samples(), 0U);
    EXPECT_NE(w.carry_over_note().find("stations differ"), std::string::npos)
        << w.carry_over_note();
    EXPECT_FALSE(fs::exists(prev));
  }
  EXPECT_EQ(io::ResultsReader(partial).times(), (std::vector<double>{0, 1, 2, 3}));
}

TEST(ResultsResume, AnotherRunsFileOfTheSameGridCarriesNothing) {
  // The earlier results beside the output are of another run (another storm on the same
  // grid): nothing of it may end up in this run's file.
  const ft::TempDir dir("resume_other_run");
  const auto path = dir / "run.h5";
  {
    auto sim = ft::busy_case();
    solver::FloodMaps maps(sim->grid(), 0.05);
    io::ResultsOptions other = options();
    other.run_id = "another-run";
    io::ResultsWriter w(path, *sim, other);
    run(*sim, maps, &w, 0, 2, true);
    w.finalize(&maps, 1.0);
    // and an interrupted one of that other run
    io::ResultsWriter p(path, *sim, other);
    p.write_snapshot(*sim);
  }
  auto sim = ft::busy_case();
  solver::FloodMaps maps(sim->grid(), 0.05);
  run(*sim, maps, nullptr, 0, 1, false);
  io::ResultsOptions opt = options();
  opt.carry_over_until = 1.0;
  io::ResultsWriter w(path, *sim, opt);
  EXPECT_EQ(w.snapshots(), 0U);
  EXPECT_EQ(w.gauge_samples(), 0U);
  const std::string& note = w.carry_over_note();
  EXPECT_NE(note.find("nothing carried over"), std::string::npos) << note;
  EXPECT_NE(note.find("another run (run_id another-run, expected run-of-the-tests)"),
            std::string::npos)
      << note;
  EXPECT_EQ(w.run_id(), "run-of-the-tests");
  w.write_snapshot(*sim);
  w.finalize(nullptr, 0);
  const io::ResultsReader r(path);
  EXPECT_EQ(r.times(), (std::vector<double>{1.0}));
  EXPECT_EQ(r.text_attribute("", "run_id"), "run-of-the-tests");
}

TEST(ResultsResume, EveryFileHasARunId) {
  const ft::TempDir dir("run_id");
  auto sim = ft::busy_case();
  std::string first;
  for (const char* name : {"a.h5", "b.h5"}) {
    io::ResultsWriter w(dir / name, *sim);
    EXPECT_EQ(w.run_id().size(), 32U);
    EXPECT_NE(w.run_id(), first);
    first = w.run_id();
    w.finalize(nullptr, 0);
    EXPECT_EQ(io::ResultsReader(dir / name).text_attribute("", "run_id"), w.run_id());
  }
}
