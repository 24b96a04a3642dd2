// Results and checkpoints never write through a symbolic link placed at their temporary
// name, never rename over a file another process wrote during the run, and checkpoints with
// corrupt fields are refused, naming the field, before anything is restored.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <iterator>
#include <limits>
#include <sstream>

#include "io/checkpoint.hpp"
#include "io/results_reader.hpp"
#include "io/results_writer.hpp"
#include "io_testing.hpp"
#include "solver/error.hpp"
#include "solver/flood_maps.hpp"

namespace ft = floodtwin::testing;
namespace fs = std::filesystem;
using namespace floodtwin;
using solver::Real;

namespace {

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_text(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }

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

void run_steps(solver::Simulation& sim, solver::FloodMaps& maps, int steps) {
  for (int s = 0; s < steps; ++s) maps.update(sim, sim.step());
}

}  // namespace

TEST(SafeOutputs, ASymlinkedPartialIsNeverWrittenThrough) {
  const ft::TempDir dir("symlinked_partial");
  const fs::path precious = dir / "precious.txt";
  write_text(precious, "keep me\n");
  auto sim = ft::busy_case();
  sim->advance_to(0.5);
  for (const bool prev : {false, true}) {
    const fs::path results = dir / (prev ? "run_prev.h5" : "run.h5");
    fs::path link = io::partial_path(results);
    if (prev) link += ".prev";
    fs::create_symlink(precious, link);
    io::ResultsOptions opt;
    opt.carry_over_until = 0.5;  // a resume looks at both names
    const std::string msg = error_of<IoError>([&] { io::ResultsWriter w(results, *sim, opt); });
    EXPECT_NE(msg.find(link.string()), std::string::npos) << msg;
    EXPECT_NE(msg.find("symbolic link"), std::string::npos) << msg;
    EXPECT_TRUE(fs::is_symlink(link));
    EXPECT_FALSE(fs::exists(results));
  }
  const fs::path checkpoint = io::checkpoint_path(dir / "run.h5", 0.5);
  fs::create_symlink(precious, io::partial_path(checkpoint));
  const std::string msg = error_of<IoError>([&] { io::write_checkpoint(checkpoint, *sim); });
  EXPECT_NE(msg.find("symbolic link"), std::string::npos) << msg;
  EXPECT_FALSE(fs::exists(checkpoint));
  EXPECT_EQ(read_text(precious), "keep me\n");
}

TEST(SafeOutputs, AStaleRegularPartialIsReplaced) {
  const ft::TempDir dir("stale_partial");
  const fs::path results = dir / "run.h5";
  write_text(io::partial_path(results), "stale");
  auto sim = ft::busy_case();
  io::ResultsWriter w(results, *sim);
  w.write_snapshot(*sim);
  w.finalize(nullptr, 0);
  EXPECT_EQ(io::ResultsReader(results).times().size(), 1U);
  EXPECT_FALSE(fs::exists(io::partial_path(results)));
}

TEST(SafeOutputs, FinalizeNeverRenamesOverAFileWrittenMeanwhile) {
  const ft::TempDir dir("written_meanwhile");
  auto sim = ft::busy_case();
  // Another process (one that did not lock) writes the results path during the run.
  const fs::path results = dir / "run.h5";
  {
    io::ResultsWriter w(results, *sim);
    w.write_snapshot(*sim);
    write_text(results, "the other run's results");
    const std::string msg = error_of<IoError>([&] { w.finalize(nullptr, 0); });
    EXPECT_NE(msg.find("written by another process"), std::string::npos) << msg;
    EXPECT_NE(msg.find(io::partial_path(results).string()), std::string::npos) << msg;
  }
  EXPECT_EQ(read_text(results), "the other run's results");
  EXPECT_EQ(io::ResultsReader(io::partial_path(results)).text_attribute("", "status"), "complete");

  // Its .partial is replaced by another file: not renamed into place either.
  const fs::path second = dir / "second.h5";
  write_text(second, "earlier results");
  io::ResultsWriter w(second, *sim);
  w.write_snapshot(*sim);
  fs::remove(io::partial_path(second));
  write_text(io::partial_path(second), "someone else's partial");
  const std::string msg = error_of<IoError>([&] { w.finalize(nullptr, 0); });
  EXPECT_NE(msg.find("replaced or removed by another process"), std::string::npos) << msg;
  EXPECT_EQ(read_text(second), "earlier results");
  EXPECT_EQ(read_text(io::partial_path(second)), "someone else's partial");
}

namespace {

/// A checkpoint of the busy case after 30 steps with its flood maps, corrupted by `corrupt`
/// before it is written; then read into a fresh simulation, which must refuse it (InputError)
/// naming `field` and leave the fresh simulation and maps untouched.
template <class F>
void expect_refused(const std::string& tag, F corrupt, const std::string& field) {
  const ft::TempDir dir(tag);
  auto sim = ft::busy_case();
  solver::FloodMaps maps(sim->grid(), 0.05);
  maps.record_initial_state(*sim);
  run_steps(*sim, maps, 30);
  const std::size_t k = static_cast<std::size_t>(sim->grid().index(3, 4));
  corrupt(*sim, maps, k);
  const fs::path path = dir / "c.h5";
  io::write_checkpoint(path, *sim, &maps);
  auto fresh = ft::busy_case();
  solver::FloodMaps fresh_maps(fresh->grid(), 0.05);
  const std::vector<Real> h0(fresh->h(), fresh->h() + fresh->grid().padded_size());
  const std::string msg =
      error_of<InputError>([&] { io::read_checkpoint(path, *fresh, &fresh_maps); });
  EXPECT_NE(msg.find(path.string()), std::string::npos) << msg;
  EXPECT_NE(msg.find(field), std::string::npos) << msg;
  EXPECT_EQ(fresh->steps(), 0);
  EXPECT_EQ(std::vector<Real>(fresh->h(), fresh->h() + fresh->grid().padded_size()), h0);
  EXPECT_EQ(fresh_maps.max_depth[k], Real(0));
}

}  // namespace

TEST(CorruptCheckpoint, FloodMapsOutsideTheirRangesAreRefused) {
  const Real inf = std::numeric_limits<Real>::infinity();
  const Real nan = std::numeric_limits<Real>::quiet_NaN();
  expect_refused(
      "cp_duration", [&](auto&, auto& m, std::size_t k) { m.flood_duration[k] = -inf; },
      "'flood_maps/flood_duration' is corrupt at cell (column 3, row 4)");
  expect_refused(
      "cp_duration_long",
      [&](auto& s, auto& m, std::size_t k) { m.flood_duration[k] = s.time() * 2; },
      "flood_maps/flood_duration");
  expect_refused(
      "cp_level", [&](auto& s, auto& m, std::size_t k) { m.max_water_level[k] = s.z()[k] + 2650; },
      "flood_maps/max_water_level");
  expect_refused(
      "cp_level_low", [&](auto& s, auto& m, std::size_t k) { m.max_water_level[k] = s.z()[k] - 5; },
      "flood_maps/max_water_level");
  expect_refused(
      "cp_depth", [&](auto&, auto& m, std::size_t k) { m.max_depth[k] = nan; },
      "flood_maps/max_depth");
  expect_refused(
      "cp_depth_low", [&](auto& s, auto& m, std::size_t k) { m.max_depth[k] = s.h()[k] / 2; },
      "flood_maps/max_depth");
  expect_refused(
      "cp_arrival", [&](auto& s, auto& m, std::size_t k) { m.arrival_time[k] = s.time() + 100; },
      "flood_maps/arrival_time");
  expect_refused(
      "cp_tmax", [&](auto&, auto& m, std::size_t k) { m.time_of_max_depth[k] = -1; },
      "flood_maps/time_of_max_depth");
  expect_refused(
      "cp_speed", [&](auto&, auto& m, std::size_t k) { m.max_speed[k] = inf; },
      "flood_maps/max_speed");
  expect_refused(
      "cp_hazard", [&](auto&, auto& m, std::size_t k) { m.max_hazard[k] = -1; },
      "flood_maps/max_hazard");
}

TEST(CorruptCheckpoint, ANegativeTimeIsRefused) {
  const ft::TempDir dir("cp_time");
  auto sim = ft::busy_case();
  const std::size_t n = sim->grid().padded_size();
  sim->restore(Real(-5), 0, sim->mass_balance(), std::vector<Real>(sim->h(), sim->h() + n),
               std::vector<Real>(sim->qx(), sim->qx() + n),
               std::vector<Real>(sim->qy(), sim->qy() + n));
  const fs::path path = dir / "c.h5";
  io::write_checkpoint(path, *sim);
  const std::string msg = error_of<InputError>([&] { io::read_checkpoint_info(path); });
  EXPECT_NE(msg.find("checkpoint time -5 s"), std::string::npos) << msg;
  auto fresh = ft::busy_case();
  EXPECT_THROW(io::read_checkpoint(path, *fresh), InputError);
}

TEST(CorruptCheckpoint, AValidOneRecordsItsScheme) {
  const ft::TempDir dir("cp_scheme");
  auto sim = ft::busy_case();
  solver::FloodMaps maps(sim->grid(), 0.05);
  maps.record_initial_state(*sim);
  run_steps(*sim, maps, 30);
  const fs::path path = dir / "c.h5";
  io::write_checkpoint(path, *sim, &maps);
  auto fresh = ft::busy_case();
  solver::FloodMaps fresh_maps(fresh->grid(), 0.05);
  const io::CheckpointInfo info = io::read_checkpoint(path, *fresh, &fresh_maps);
  EXPECT_EQ(info.scheme, "second-order");
  EXPECT_EQ(fresh->steps(), 30);
}
