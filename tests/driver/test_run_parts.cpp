// The parts driver::run is made of (driver/output_schedule, checkpoint_metadata,
// gauge_warnings, run_progress), tested on their own with small cases.
#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <string>
#include <vector>

#include "driver/checkpoint_metadata.hpp"
#include "driver/gauge_warnings.hpp"
#include "driver/output_schedule.hpp"
#include "driver/run_progress.hpp"
#include "solver/error.hpp"

namespace fd = floodtwin::driver;
namespace fs = floodtwin::solver;
using floodtwin::driver::Real;

namespace {

fd::OutputSchedule schedule() {
  fd::OutputSchedule s;
  s.duration = 100;
  s.output_every = 30;
  s.gauge_every = 10;
  s.checkpoint_every = 25;
  return s;
}

// A 4 x 3 flat grid of 10 m cells, bed 1 m, depth h everywhere.
std::unique_ptr<fs::Simulation> still_water(Real h) {
  fs::Grid g;
  g.nx = 4;
  g.ny = 3;
  g.dx = g.dy = 10;
  g.origin_y = 30;
  auto sim = std::make_unique<fs::Simulation>(g, std::vector<Real>(g.cell_count(), Real(1)));
  sim->set_manning(Real(0.03));
  sim->set_depth(std::vector<Real>(g.cell_count(), h));
  return sim;
}

fd::Gauge gauge(const std::string& name, int i, int j, std::optional<double> depth,
                std::optional<double> level) {
  fd::Gauge g;
  g.spec.name = name;
  g.spec.warning_depth = depth;
  g.spec.warning_level = level;
  g.i = i;
  g.j = j;
  return g;
}

}  // namespace

TEST(OutputSchedule, LegsEndAtTheFirstOfOutputsGaugesCheckpointsAndTheEnd) {
  const fd::OutputSchedule s = schedule();
  EXPECT_EQ(s.leg_end(0, nullptr), 10);
  EXPECT_EQ(s.leg_end(20, nullptr), 25);  // the checkpoint before the gauge sample at 30
  EXPECT_EQ(s.leg_end(25, nullptr), 30);
  EXPECT_EQ(s.leg_end(95, nullptr), 100);  // the end, not the next sample at 110
  fd::OutputSchedule no_checkpoints = s;
  no_checkpoints.checkpoint_every = 0;
  EXPECT_EQ(no_checkpoints.leg_end(20, nullptr), 30);
}

TEST(OutputSchedule, ATimeWithinRoundOffOfAMultipleCountsAsIt) {
  EXPECT_EQ(fd::OutputSchedule::next_multiple(30, 30), 60);
  EXPECT_EQ(fd::OutputSchedule::next_multiple(30 - 1e-12, 30), 60);
  EXPECT_EQ(fd::OutputSchedule::next_multiple(30 - 1e-3, 30), 30);
  const fd::OutputSchedule s = schedule();
  EXPECT_TRUE(s.at_output(20, 30));
  EXPECT_TRUE(s.at_gauge(20, 30));
  EXPECT_FALSE(s.at_checkpoint(20, 30));
  EXPECT_TRUE(s.at_checkpoint(20, 25));
  EXPECT_FALSE(s.at_output(20, 25));
  EXPECT_TRUE(s.at_output(95, 100));       // the end is an output
  EXPECT_FALSE(s.at_checkpoint(75, 100));  // but no checkpoint: the results are complete
}

TEST(CheckpointMetadata, WarningsRoundTripExactly) {
  std::vector<fd::Warning> w(2);
  w[0] = {"Bridge, north", "depth", 0.1, 1.0 / 3.0, 1e-300};
  w[1] = {"weir 2", "water level", 12.345678901234567, 12.5, 3600.0000000001};
  const std::string text = fd::format_warnings(w);
  const std::vector<fd::Warning> back = fd::parse_warnings(text, "cp.h5");
  ASSERT_EQ(back.size(), 2u);
  for (std::size_t k = 0; k < 2; ++k) {
    EXPECT_EQ(back[k].gauge, w[k].gauge);
    EXPECT_EQ(back[k].what, w[k].what);
    EXPECT_EQ(std::memcmp(&back[k].threshold, &w[k].threshold, sizeof(double)), 0);
    EXPECT_EQ(std::memcmp(&back[k].value, &w[k].value, sizeof(double)), 0);
    EXPECT_EQ(std::memcmp(&back[k].time, &w[k].time, sizeof(double)), 0);
  }
}

TEST(CheckpointMetadata, MalformedTextNamesTheFileAndTheLine) {
  try {
    const std::string three_fields = std::string("gauge") + '\x1f' + "depth" + '\x1f' + "1\n";
    (void)fd::parse_warnings(three_fields, "run.checkpoint.h5");
    FAIL() << "a line of 3 fields was accepted";
  } catch (const floodtwin::InputError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("run.checkpoint.h5"), std::string::npos) << what;
    EXPECT_NE(what.find("gauge_warnings"), std::string::npos) << what;
    EXPECT_NE(what.find("malformed line"), std::string::npos) << what;
  }
  fs::FlowAccounts flows;
  try {
    fd::restore_flows(flows, "1.5 x2", "run.checkpoint.h5");
    FAIL() << "'x2' was read as a number";
  } catch (const floodtwin::InputError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("run.checkpoint.h5: metadata/flow_accounts holds 'x2'"), std::string::npos)
        << what;
  }
}

TEST(GaugeWarnings, EachThresholdFiresOnceAndNotAgainAfterAResume) {
  auto sim = still_water(Real(0.5));  // level 1.5 m
  const std::vector<fd::Gauge> gauges{gauge("a", 1, 1, 0.4, std::nullopt),
                                      gauge("b", 2, 0, std::nullopt, 1.4),
                                      gauge("c", 3, 2, 0.6, 1.6)};
  std::vector<fd::Warning> announced;
  fd::GaugeWarnings warnings(gauges, {}, [&](const fd::Warning& w) { announced.push_back(w); });
  std::vector<fd::Warning> fired;
  warnings.check(*sim, fired);
  warnings.check(*sim, fired);  // once per event
  ASSERT_EQ(fired.size(), 2u);
  EXPECT_EQ(fired[0].gauge, "a");
  EXPECT_EQ(fired[0].what, "depth");
  EXPECT_EQ(fired[0].value, 0.5);
  EXPECT_EQ(fired[1].gauge, "b");
  EXPECT_EQ(fired[1].what, "water level");
  EXPECT_EQ(fired[1].value, 1.5);
  EXPECT_EQ(announced.size(), 2u);

  // A resumed run: what fired before does not fire again, and nothing is announced without a
  // callback (the other processes of a decomposed run).
  fd::GaugeWarnings resumed(gauges, fired, {});
  std::vector<fd::Warning> again;
  resumed.check(*sim, again);
  EXPECT_TRUE(again.empty());
}

TEST(RunProgress, ReportsEvery20thStepAndStopsWhenAsked) {
  auto sim = still_water(Real(0.25));
  std::vector<fd::Progress> reports;
  std::atomic<bool> stop{false};
  fd::RunOptions options;
  options.progress_every = 0;  // every 20 steps
  options.stop = &stop;
  options.on_progress = [&](const fd::Progress& p) { reports.push_back(p); };
  fd::RunProgress progress(*sim, options, Real(0.1), 100.0, fd::RunProgress::Clock::now());
  progress.report();
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].wet_cells, 12u);
  EXPECT_EQ(reports[0].duration, 100.0);
  progress.begin_leg();
  for (int k = 1; k <= 45; ++k) EXPECT_TRUE(progress.after_step()) << k;
  EXPECT_EQ(reports.size(), 3u);  // steps 20 and 40
  EXPECT_FALSE(progress.stop_requested());
  stop = true;
  EXPECT_TRUE(progress.stop_requested());
  progress.begin_leg();  // the 20-step rhythm starts again with each leg
  for (int k = 1; k < 20; ++k) EXPECT_TRUE(progress.after_step()) << k;
  EXPECT_FALSE(progress.after_step());  // the 20th step: stop
  EXPECT_EQ(reports.size(), 3u);
}

// A gauge on a sub-grid channel cell warns on the river's depth (above the channel bed) and
// level, as its series reads them, while the cell's 2D depth is 0 (in bank).
TEST(GaugeWarnings, AGaugeOnAChannelCellReadsTheRiver) {
  auto sim = still_water(Real(0));
  fs::ChannelReach reach;
  reach.name = "river";
  reach.i = {0, 1, 2, 3};
  reach.j = {1, 1, 1, 1};
  reach.width = std::vector<double>(4, 3.0);
  reach.bed = std::vector<double>(4, 0.0);  // 1 m below the bank (the bed of the grid)
  reach.length = std::vector<double>(4, 10.0);
  reach.link_length = std::vector<double>(3, 10.0);
  sim->add_channel(reach);
  sim->set_water_level(std::vector<Real>(12, Real(0.6)));  // in bank: 0.6 m of river
  ASSERT_EQ(sim->h()[static_cast<std::size_t>(sim->grid().index(1, 1))], 0.0);
  const std::vector<fd::Gauge> gauges{gauge("river", 1, 1, 0.5, std::nullopt),
                                      gauge("river level", 2, 1, std::nullopt, 0.55),
                                      gauge("bank", 1, 0, 0.01, std::nullopt)};
  fd::GaugeWarnings warnings(gauges, {}, {});
  std::vector<fd::Warning> fired;
  warnings.check(*sim, fired);
  ASSERT_EQ(fired.size(), 2u);
  EXPECT_EQ(fired[0].gauge, "river");
  EXPECT_NEAR(fired[0].value, 0.6, 1e-12);
  EXPECT_EQ(fired[1].gauge, "river level");
  EXPECT_NEAR(fired[1].value, 0.6, 1e-12);
}

TEST(GaugeWarnings, TheLineShowsTheValueAboveTheThreshold) {
  fd::Warning w;
  w.gauge = "lower creek";
  w.what = "depth";
  w.threshold = 2.5;
  w.value = 2.75;
  EXPECT_EQ(fd::warning_text(w, "2h47m23s"),
            "gauge 'lower creek' depth 2.750 above threshold 2.500 at t = 2h47m23s");
  w.value = 2.5000004;  // the first sample above the threshold: not "2.500 above 2.500"
  EXPECT_EQ(fd::warning_text(w, "1h"),
            "gauge 'lower creek' depth 2.5000004 above threshold 2.5000000 at t = 1h");
  w.value = 2.5 + 1e-12;  // at most 9 decimals
  EXPECT_EQ(fd::warning_text(w, "1h"),
            "gauge 'lower creek' depth 2.500000000 above threshold 2.500000000 at t = 1h");
}
