// Checkpoints: a run resumed from a checkpoint is bitwise identical to an uninterrupted one;
// checkpoint names sort by simulated time.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "io/checkpoint.hpp"
#include "io_testing.hpp"
#include "maps_equal.hpp"
#include "solver/error.hpp"
#include "solver/flood_maps.hpp"

namespace ft = floodtwin::testing;
using namespace floodtwin;
using solver::Real;

namespace {

void run_steps(solver::Simulation& sim, solver::FloodMaps& maps, int steps) {
  for (int s = 0; s < steps; ++s) maps.update(sim, sim.step());
}

bool same_bits(const Real* a, const Real* b, std::size_t n) {
  return std::memcmp(a, b, n * sizeof(Real)) == 0;
}

}  // namespace

namespace {

/// Runs n steps, checkpoints, runs m more; resumes a fresh simulation from the checkpoint and
/// runs m steps; compares everything bit for bit.
void check_resume(bool open_outlet) {
  constexpr int n = 40;
  constexpr int m = 60;
  const ft::TempDir dir("resume");
  auto straight = ft::busy_case(open_outlet);
  solver::FloodMaps straight_maps(straight->grid(), 0.05);
  run_steps(*straight, straight_maps, n);
  const auto path = io::checkpoint_path(dir / "run.h5", straight->time());
  io::write_checkpoint(path, *straight, &straight_maps, {{"scenario_hash", "abc"}});
  EXPECT_FALSE(std::filesystem::exists(io::partial_path(path)));
  run_steps(*straight, straight_maps, m);

  auto resumed = ft::busy_case(open_outlet);
  solver::FloodMaps resumed_maps(resumed->grid(), 0.05);
  const io::CheckpointInfo info = io::read_checkpoint(path, *resumed, &resumed_maps);
  EXPECT_EQ(info.steps, n);
  EXPECT_TRUE(info.has_flood_maps);
  EXPECT_EQ(info.metadata.at("scenario_hash"), "abc");
  run_steps(*resumed, resumed_maps, m);

  const std::size_t size = straight->grid().padded_size();
  EXPECT_EQ(resumed->steps(), straight->steps());
  const Real t1 = resumed->time();
  const Real t2 = straight->time();
  EXPECT_EQ(std::memcmp(&t1, &t2, sizeof(Real)), 0);
  for (std::size_t k = 0; k < size; ++k) {
    if (resumed->h()[k] != straight->h()[k] || resumed->qx()[k] != straight->qx()[k]) {
      ADD_FAILURE() << "first difference at padded index " << k << " (stride "
                    << straight->grid().stride() << "): h " << resumed->h()[k] << " vs "
                    << straight->h()[k] << ", qx " << resumed->qx()[k] << " vs "
                    << straight->qx()[k];
      break;
    }
  }
  EXPECT_TRUE(same_bits(resumed->h(), straight->h(), size)) << "h";
  EXPECT_TRUE(same_bits(resumed->qx(), straight->qx(), size)) << "qx";
  EXPECT_TRUE(same_bits(resumed->qy(), straight->qy(), size)) << "qy";
  EXPECT_TRUE(floodtwin::testing::same_maps(resumed_maps, straight_maps));
  const solver::MassBalance a = resumed->mass_balance();
  const solver::MassBalance b = straight->mass_balance();
  EXPECT_EQ(std::memcmp(&a, &b, sizeof a), 0);
  EXPECT_GT(a.rain_in, 0);
  EXPECT_GT(a.point_in, 0);
}

}  // namespace

TEST(Checkpoint, ResumeIsBitwiseIdenticalToAnUninterruptedRun) { check_resume(false); }

// Disabled: with an open boundary the resumed run drifts by round-off because
// Simulation::restore() zeroes the boundary ghost cells (mask cell_ghost) that the checkpoint
// holds, and the stepper's cached wave rate of the last step (which includes those ghost
// cells) differs from the one stable_dt() recomputes after restore(). Both are in solver/;
// enable this test once restore() keeps non-wall ghost values and the rates agree.
TEST(Checkpoint, ResumeWithOpenBoundaryIsBitwiseIdentical) { check_resume(true); }

TEST(Checkpoint, NamesContainTheZeroPaddedTimeAndSort) {
  const auto a = io::checkpoint_path("/data/out/run.h5", 600.0);
  const auto b = io::checkpoint_path("/data/out/run.h5", 5400.5);
  const auto c = io::checkpoint_path("/data/out/run.h5", 86400.0);
  EXPECT_EQ(a.parent_path(), "/data/out");
  EXPECT_EQ(a.filename(), "run.checkpoint_t0000000600.000s.h5");
  EXPECT_NE(b.filename().string().find("checkpoint"), std::string::npos);
  EXPECT_LT(a.filename().string(), b.filename().string());
  EXPECT_LT(b.filename().string(), c.filename().string());
}

TEST(Checkpoint, RefusesAnotherGridBasinOrThreshold) {
  const ft::TempDir dir("refuse");
  auto sim = ft::busy_case();
  solver::FloodMaps maps(sim->grid(), 0.05);
  run_steps(*sim, maps, 3);
  const auto path = dir / "c.checkpoint_t1.h5";
  io::write_checkpoint(path, *sim, &maps);

  auto lake = ft::lake_at_rest();
  try {
    io::read_checkpoint(path, *lake);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find(path.string()), std::string::npos) << msg;
    EXPECT_NE(msg.find("24 x 16"), std::string::npos) << msg;
    EXPECT_NE(msg.find("expected the scenario's grid of 12 x 8"), std::string::npos) << msg;
  }

  // Same grid, one more inactive cell.
  const solver::Grid g = sim->grid();
  auto other = ft::busy_case();
  std::vector<std::uint8_t> active(g.cell_count(), 1);
  active[3] = 0;
  other->set_active(active);
  try {
    io::read_checkpoint(path, *other);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("active cells differ"), std::string::npos) << e.what();
  }

  auto fresh = ft::busy_case();
  solver::FloodMaps other_maps(g, 0.2);
  EXPECT_THROW(io::read_checkpoint(path, *fresh, &other_maps), InputError);
  // Without flood maps the state alone is restored.
  EXPECT_EQ(io::read_checkpoint(path, *fresh).steps, 3);
  EXPECT_EQ(fresh->steps(), 3);
}

namespace {

/// A plane falling east with a sub-grid channel along row 3 (10 m wide, 1 m deep, a free
/// outlet), fed above its capacity, with rain: channel, exchange and floodplain all move.
std::unique_ptr<solver::Simulation> channel_case(bool with_channel) {
  const solver::Grid g{12, 6, 30.0, 30.0, 0.0, 180.0};
  std::vector<Real> z(g.cell_count());
  for (std::size_t c = 0; c < z.size(); ++c) {
    z[c] = static_cast<Real>(10 - 0.002 * g.x_center(static_cast<int>(c % 12)));
  }
  auto sim = std::make_unique<solver::Simulation>(
      g, z, solver::SolverConfig{solver::Scheme::second_order});
  sim->set_manning(Real(0.05));
  if (with_channel) {
    solver::ChannelReach r;
    r.name = "brook";
    for (int i = 0; i < 12; ++i) {
      r.i.push_back(i);
      r.j.push_back(3);
      r.width.push_back(10);
      r.bed.push_back(static_cast<double>(z[static_cast<std::size_t>(3 * 12 + i)]) - 1);
      r.length.push_back(30);
      if (i < 11) r.link_length.push_back(30);
    }
    r.free_outlet = true;
    r.outlet_slope = 0.002;
    sim->add_channel(r);
  }
  sim->add_point_source(Real(15), Real(75), solver::TimeSeries(Real(20)), "inflow");
  sim->set_uniform_rain(solver::TimeSeries(Real(1e-5)));
  return sim;
}

}  // namespace

// Sub-grid channels: the checkpoint holds their state (depths, link discharges) and a resumed
// run is bitwise the uninterrupted one; a checkpoint without it is refused for a run with one.
TEST(Checkpoint, ResumeWithSubgridChannelIsBitwise) {
  const ft::TempDir dir("resume_channel");
  auto straight = channel_case(true);
  for (int s = 0; s < 30; ++s) straight->step();
  const auto path = io::checkpoint_path(dir / "run.h5", straight->time());
  io::write_checkpoint(path, *straight, nullptr, {});
  for (int s = 0; s < 40; ++s) straight->step();
  auto resumed = channel_case(true);
  io::read_checkpoint(path, *resumed, nullptr);
  for (int s = 0; s < 40; ++s) resumed->step();
  const std::size_t size = straight->grid().padded_size();
  EXPECT_TRUE(same_bits(resumed->h(), straight->h(), size)) << "h";
  EXPECT_TRUE(same_bits(resumed->qx(), straight->qx(), size)) << "qx";
  EXPECT_EQ(resumed->channel_state(), straight->channel_state());
  EXPECT_GT(straight->wet_cells(), 12u);  // overtopped onto the floodplain
  const solver::MassBalance a = resumed->mass_balance();
  const solver::MassBalance b = straight->mass_balance();
  EXPECT_EQ(std::memcmp(&a, &b, sizeof a), 0);
  EXPECT_LT(a.relative_error(), 1e-12);

  auto plain = channel_case(false);
  for (int s = 0; s < 5; ++s) plain->step();
  const auto other = io::checkpoint_path(dir / "plain.h5", plain->time());
  io::write_checkpoint(other, *plain, nullptr, {});
  auto with = channel_case(true);
  try {
    io::read_checkpoint(other, *with, nullptr);
    ADD_FAILURE() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("no sub-grid channel state"), std::string::npos)
        << e.what();
  }
  auto without = channel_case(false);
  EXPECT_THROW(io::read_checkpoint(path, *without, nullptr), InputError);
}
