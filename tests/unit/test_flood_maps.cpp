// Flood products against hand-computed values on a small case.
#include <gtest/gtest.h>

#include <cmath>

#include "solver/flood_maps.hpp"

using namespace floodtwin::solver;

TEST(FloodMaps, HazardRatingFollowsFd2320) {
  EXPECT_DOUBLE_EQ(hazard_rating(0.2, 1.0, 1.0), 0.2 * 1.5);         // shallow: no debris
  EXPECT_DOUBLE_EQ(hazard_rating(0.5, 2.0, 1.0), 0.5 * 2.5 + 1.0);   // deep: debris factor
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
