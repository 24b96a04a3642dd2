// Flood products against hand-computed values on a small case.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "all_threads.hpp"
#include "maps_equal.hpp"
#include "solver/error.hpp"
#include "solver/flood_maps.hpp"
#include "solver/infiltration.hpp"

using namespace floodtwin::solver;

TEST(FloodMaps, HazardRatingFollowsFd2320) {
  EXPECT_DOUBLE_EQ(hazard_rating(0.2, 1.0, 1.0), 0.2 * 1.5);        // shallow: no debris
  EXPECT_DOUBLE_EQ(hazard_rating(0.5, 2.0, 1.0), 0.5 * 2.5 + 1.0);  // deep: debris factor
  EXPECT_DOUBLE_EQ(hazard_rating(0.0, 3.0, 1.0), 0.0);
}

TEST(FloodMaps, TracksMaximaArrivalAndDuration) {
  // Water at rest on a flat bed, lifted by 0.05 m per 0.5 s step of uniform rain.
  const Grid grid{3, 2, 10.0, 10.0, 0.0, 20.0};
  Simulation sim(grid, std::vector<Real>(6, 0.0));
  sim.set_depth(std::vector<Real>(6, 0.05));
  sim.set_uniform_rain(TimeSeries(0.1));
  FloodMaps maps(grid, 0.1);
  for (int s = 0; s < 4; ++s) {
    const Real dt = sim.step(0.5);
    ASSERT_DOUBLE_EQ(dt, 0.5);
    maps.update(sim, dt);
  }
  for (int j = 0; j < 2; ++j) {
    for (int i = 0; i < 3; ++i) {
      const auto k = static_cast<std::size_t>(grid.index(i, j));
      EXPECT_NEAR(maps.max_depth[k], 0.25, 1e-12);
      EXPECT_DOUBLE_EQ(maps.time_of_max_depth[k], 2.0);
      // 0.10 m at t = 0.5 is not above the threshold; 0.15 m at t = 1 is.
      EXPECT_DOUBLE_EQ(maps.arrival_time[k], 1.0);
      EXPECT_DOUBLE_EQ(maps.flood_duration[k], 1.5);
      EXPECT_NEAR(maps.max_hazard[k], 0.25 * 0.5, 1e-12);
      EXPECT_NEAR(maps.max_water_level[k], 0.25, 1e-12);
      EXPECT_LT(maps.max_speed[k], 1e-12);
    }
  }
  EXPECT_TRUE(std::isnan(FloodMaps(grid).arrival_time[static_cast<std::size_t>(grid.index(0, 0))]));
}

namespace {

// The update over every cell (FloodMaps::update visits only the wet columns of each row), every
// map in Real: the reference the maps must equal bit for bit, the float maps once rounded
// (expect_maps_equal).
struct ReferenceMaps {
  explicit ReferenceMaps(const Grid& g) {
    const Real nan = std::nan("");
    for (const Real init : {Real(0), Real(0), nan, nan, nan, Real(0), Real(0)}) {
      f.emplace_back(g.padded_size(), init);
    }
  }
  void update(const Simulation& sim, Real dt, Real threshold, Real df) {
    const Grid& g = sim.grid();
    const Real dry = sim.config().dry_depth;
    const Real t = sim.time();
    for (int j = 0; j < g.ny; ++j) {
      for (int i = 0; i < g.nx; ++i) {
        const auto k = static_cast<std::size_t>(g.index(i, j));
        if (sim.mask()[k] != cell_active) continue;
        const Real d = sim.h()[k];
        const Real qx = sim.qx()[k];
        const Real qy = sim.qy()[k];
        const Real speed = d > dry ? std::sqrt(qx * qx + qy * qy) / d : Real(0);
        if (d > f[0][k]) {
          f[0][k] = d;
          f[3][k] = t;
        }
        if (d > dry && !(d + sim.z()[k] <= f[2][k])) f[2][k] = d + sim.z()[k];
        if (speed > f[1][k]) f[1][k] = speed;
        const Real hr = hazard_rating(d, speed, df);
        if (hr > f[6][k]) f[6][k] = hr;
        if (d > threshold) {
          if (std::isnan(f[4][k])) f[4][k] = t;
          f[5][k] += dt;
        }
      }
    }
  }
  std::vector<std::vector<Real>> f;  // in FloodMaps::for_each_map's order
};

/// Bitwise: each Real map equals the reference, each float map the reference rounded to float
/// (a maximum and a first time commute with the rounding: flood_maps.hpp).
void expect_maps_equal(FloodMaps& maps, const ReferenceMaps& ref) {
  std::size_t m = 0;
  maps.for_each_map([&](const char* name, const auto& field) {
    using T = typename std::decay_t<decltype(field)>::value_type;
    const std::vector<Real>& want = ref.f[m++];
    ASSERT_EQ(field.size(), want.size()) << name;
    std::vector<T> rounded(want.size());
    std::transform(want.begin(), want.end(), rounded.begin(),
                   [](Real v) { return static_cast<T>(v); });
    EXPECT_EQ(std::memcmp(field.data(), rounded.data(), rounded.size() * sizeof(T)), 0) << name;
  });
  EXPECT_EQ(m, ref.f.size());
}

/// A dam break on an nx x ny grid of 5 m cells: a bumpy bed sloping east, a dam of `dam` m
/// in the first `dam_cols` columns, films of `film` m per column east of column `film_col` in
/// every `film_every`-th row, and inactive cells (NaN bed) at `holes` (i, j).
struct BumpyCase {
  Grid grid;
  std::vector<Real> z, h;
};
BumpyCase bumpy_case(int nx, int ny, int dam_cols, Real dam, int film_col, int film_every,
                     Real film, std::initializer_list<std::pair<int, int>> holes) {
  BumpyCase c{Grid{nx, ny, 5.0, 5.0, 0.0, 5.0 * ny},
              std::vector<Real>(static_cast<std::size_t>(nx) * ny),
              std::vector<Real>(static_cast<std::size_t>(nx) * ny, 0)};
  for (int j = 0; j < ny; ++j) {
    for (int i = 0; i < nx; ++i) {
      const auto k = static_cast<std::size_t>(j) * nx + i;
      c.z[k] = Real(0.02) * i + Real(0.1) * std::sin(Real(0.9) * i + Real(1.3) * j);
      if (i < dam_cols) c.h[k] = dam;
      if (i > film_col && j % film_every == 0) c.h[k] = film * (i - film_col);
    }
  }
  for (const auto& [i, j] : holes) c.z[static_cast<std::size_t>(j) * nx + i] = std::nan("");
  return c;
}

}  // namespace

TEST(FloodMaps, WetColumnUpdateEqualsTheEveryCellForm) {
  // A dam break over a bumpy bed with dry ground, thin films (below the threshold and the
  // 0.25 m debris depth), inactive cells and an open side; rows partly wet. Two threads (the
  // ctest environment), on this small grid too.
  const floodtwin::testing::AllThreads all;
  // films: 4 mm to 4.4 cm
  const BumpyCase bed = bumpy_case(37, 23, 9, Real(1.2), 25, 5, Real(0.004), {{15, 7}, {3, 12}});
  const Grid& grid = bed.grid;
  const int nx = grid.nx;
  const int ny = grid.ny;
  const std::vector<Real>& z = bed.z;
  const std::vector<Real>& h = bed.h;
  Simulation sim(grid, z);
  sim.set_manning(0.03);
  sim.set_depth(h);
  BoundaryCondition east;
  east.side = Side::east;
  east.type = BoundaryType::open;
  sim.add_boundary(east);
  const Real threshold = 0.05;
  const Real df = 0.7;
  FloodMaps maps(grid, threshold, df);
  ReferenceMaps ref(grid);
  maps.record_initial_state(sim);
  ref.update(sim, 0, threshold, df);
  for (int s = 0; s < 80; ++s) {
    const Real dt = sim.step();
    maps.update(sim, dt);
    ref.update(sim, dt, threshold, df);
  }
  expect_maps_equal(maps, ref);
  // The case exercises what it is meant to: moving water, a hazard above the debris depth,
  // cells flooded and cells wet but never above the threshold.
  int flooded = 0;
  int filmed = 0;
  for (int j = 0; j < ny; ++j) {
    for (int i = 0; i < nx; ++i) {
      const auto k = static_cast<std::size_t>(grid.index(i, j));
      flooded += std::isnan(maps.arrival_time[k]) ? 0 : 1;
      filmed += maps.max_depth[k] > 0 && maps.max_depth[k] <= threshold ? 1 : 0;
    }
  }
  EXPECT_GT(flooded, 100);
  EXPECT_GT(filmed, 5);
  EXPECT_GT(*std::max_element(maps.max_hazard.begin(), maps.max_hazard.end()), df);
  EXPECT_GT(*std::max_element(maps.max_speed.begin(), maps.max_speed.end()), 1.0);
}

TEST(FloodMaps, FoldedIntoTheStepEqualsAnUpdateAfterIt) {
  // Simulation::fold_maps: with Green-Ampt losses the maps are folded in by the losses' pass,
  // without losses by update() at the end of the step. Either way bitwise what an update after
  // each step gives, including the last step of each advance_to, which ends at its target
  // exactly (targets off the steps' sums).
  // films below the threshold
  const BumpyCase bed = bumpy_case(31, 19, 8, Real(0.9), 20, 4, Real(0.005), {{12, 9}});
  const Grid& grid = bed.grid;
  const std::vector<Real>& z = bed.z;
  const std::vector<Real>& h = bed.h;
  for (const bool losses : {true, false}) {
    auto make = [&]() {
      auto sim = std::make_unique<Simulation>(grid, z);
      sim->set_manning(0.03);
      sim->set_depth(h);
      if (losses) sim->set_loss_model(std::make_shared<GreenAmpt>(grid, 2e-5, 0.1, 0.3));
      BoundaryCondition east;
      east.side = Side::east;
      east.type = BoundaryType::open;
      sim->add_boundary(east);
      return sim;
    };
    auto after = make();
    auto folded = make();
    FloodMaps want(grid, 0.02, 0.7);
    FloodMaps got(grid, 0.02, 0.7);
    want.record_initial_state(*after);
    got.record_initial_state(*folded);
    folded->fold_maps(&got);
    for (const Real target : {0.7, 1.93, 3.31, 6.07}) {
      after->advance_to(target, [&](Real dt) {
        want.update(*after, dt);
        return true;
      });
      folded->advance_to(target);
      ASSERT_EQ(folded->time(), target);
      ASSERT_EQ(folded->steps(), after->steps());
    }
    folded->fold_maps(nullptr);
    folded->step();  // no longer folded: the maps stay as they are
    EXPECT_TRUE(floodtwin::testing::same_maps(got, want))
        << (losses ? "with losses" : "without losses");
    const auto wet = std::count_if(want.flood_duration.begin(), want.flood_duration.end(),
                                   [](Real d) { return d > 0; });
    EXPECT_GT(wet, 50) << "the flood reached the maps";
  }
  FloodMaps other({grid.nx + 1, grid.ny, 5.0, 5.0, 0.0, 95.0});
  Simulation sim(grid, z);
  EXPECT_THROW(sim.fold_maps(&other), floodtwin::ConfigError);
}

TEST(FloodMaps, LastStageFinishesTheStepAsThePassesAfterIt) {
  // Without point sources or channels the step's last stage applies the Green-Ampt losses and
  // folds the maps as it writes each cell (Simulation::finish_in_stage). A point source of
  // 0 m3/s adds nothing but makes the step do both in passes of their own after the stage:
  // the two runs must agree bitwise (state, maps, losses booked), in both schemes.
  const BumpyCase bed = bumpy_case(33, 21, 8, Real(0.9), 20, 4, Real(0.005), {{12, 9}});
  const Grid& grid = bed.grid;
  for (const Scheme scheme : {Scheme::first_order, Scheme::second_order}) {
    SolverConfig cfg;
    cfg.scheme = scheme;
    auto make = [&](bool source) {
      auto sim = std::make_unique<Simulation>(grid, bed.z, cfg);
      sim->set_manning(0.03);
      sim->set_depth(bed.h);
      std::vector<Real> rain(grid.cell_count());
      for (std::size_t c = 0; c < rain.size(); ++c) rain[c] = Real(1e-5) * Real(c % 7);
      sim->set_rain_rate(rain);
      sim->set_loss_model(std::make_shared<GreenAmpt>(grid, 5e-6, 0.1, 0.3));
      if (source) sim->add_point_source(grid.x_center(3), grid.y_center(3), TimeSeries(0.0), "nil");
      BoundaryCondition east;
      east.side = Side::east;
      east.type = BoundaryType::open;
      sim->add_boundary(east);
      return sim;
    };
    auto in_stage = make(false);
    auto passes = make(true);
    FloodMaps got(grid, 0.02, 0.7);
    FloodMaps want(grid, 0.02, 0.7);
    in_stage->fold_maps(&got);
    passes->fold_maps(&want);
    for (const Real target : {0.9, 2.4, 5.3}) {
      in_stage->advance_to(target);
      passes->advance_to(target);
      ASSERT_EQ(in_stage->steps(), passes->steps());
    }
    const char* name = scheme == Scheme::first_order ? "first order" : "second order";
    EXPECT_EQ(in_stage->depth(), passes->depth()) << name;
    EXPECT_EQ(in_stage->velocity_x(), passes->velocity_x()) << name;
    EXPECT_EQ(in_stage->velocity_y(), passes->velocity_y()) << name;
    EXPECT_EQ(in_stage->mass_balance().losses, passes->mass_balance().losses) << name;
    EXPECT_GT(in_stage->mass_balance().losses, 0) << name;
    EXPECT_TRUE(floodtwin::testing::same_maps(got, want)) << name;
  }
}

namespace {
/// Half of each cell's water, except in cell (3, 2) where twice its depth (a bad loss depth),
/// one run of cells at a time.
class HalfAndOneBad : public LossModel {
 public:
  void compute(const Grid& grid, const std::uint8_t* mask, const Real* h, Real t, Real dt,
               const StepRain& rain, Real* loss) override {
    for (int j = 0; j < grid.ny; ++j) {
      const auto base = grid.index(0, j);
      compute_run(grid, mask + base, h + base, t, dt, rain, j, 0, grid.nx, loss + base);
    }
  }
  bool computes_runs(const Grid& /*grid*/) const override { return true; }
  void compute_run(const Grid& /*grid*/, const std::uint8_t* mask, const Real* h, Real /*t*/,
                   Real /*dt*/, const StepRain& /*rain*/, int j, int first, int last,
                   Real* loss) override {
    for (int i = first; i < last; ++i) {
      loss[i] = mask[i] != 1 ? Real(0) : (i == 3 && j == 2 ? 2 * h[i] : h[i] / 2);
    }
  }
};
}  // namespace

TEST(FloodMaps, ABadLossDepthStopsTheStepAndStaysOutOfTheMaps) {
  // A loss depth outside [0, h] in one cell: the step fails with a NumericalError that counts
  // it, the other cells of its row (before and after it) take their losses and reach the maps,
  // and the bad cell is left out of them; the same whether the losses are applied in the last
  // stage or (with a point source of 0 m3/s) in a pass of their own after it.
  const Grid grid{9, 5, 10.0, 10.0, 0.0, 50.0};
  for (const bool source : {false, true}) {
    Simulation sim(grid, std::vector<Real>(grid.cell_count(), 0.0));
    sim.set_depth(std::vector<Real>(grid.cell_count(), Real(0.4)));
    sim.set_loss_model(std::make_shared<HalfAndOneBad>());
    if (source) sim.add_point_source(grid.x_center(7), grid.y_center(4), TimeSeries(0.0), "nil");
    FloodMaps maps(grid, 0.1);
    sim.fold_maps(&maps);
    try {
      sim.step();
      ADD_FAILURE() << "the step with a bad loss depth did not fail";
    } catch (const floodtwin::NumericalError& e) {
      EXPECT_NE(std::string(e.what()).find("returned 1 loss depths outside [0, h]"),
                std::string::npos)
          << e.what();
    }
    for (int j = 0; j < grid.ny; ++j) {
      for (int i = 0; i < grid.nx; ++i) {
        const Real want = i == 3 && j == 2 ? Real(0) : Real(0.2);
        EXPECT_EQ(maps.max_depth[static_cast<std::size_t>(grid.index(i, j))], want)
            << i << " " << j << (source ? " in a pass" : " in the stage");
      }
    }
  }
}
