// DEM breaching (terrain/conditioning.hpp): a dam across a valley is cut along the valley
// floor, exactly to the even fall from the pond's lowest cell to the first cell below the dam.
#include <gtest/gtest.h>

#include <cmath>
#include <tuple>
#include <vector>

#include "terrain/conditioning.hpp"

using floodtwin::Real;
namespace tr = floodtwin::terrain;

namespace {

/// 3 rows: high banks (100 m) north, south and at the head (column 0), a valley z = 10 - 0.1 i
/// between them, draining east; a dam of `height` across columns 5 and 6.
std::vector<Real> dammed_valley(int nx, double height) {
  std::vector<Real> z(static_cast<std::size_t>(3 * nx), Real(100));
  for (int i = 0; i < nx; ++i) z[static_cast<std::size_t>(nx + i)] = Real(10 - 0.1 * i);
  z[static_cast<std::size_t>(nx)] = Real(100);
  z[static_cast<std::size_t>(nx + 5)] = z[static_cast<std::size_t>(nx + 6)] = Real(height);
  return z;
}

}  // namespace

TEST(Breach, DamIsCutAlongTheValleyFloor) {
  const int nx = 10;
  std::vector<Real> z = dammed_valley(nx, 15);
  const tr::BreachReport r = tr::breach_depressions(z, nx, 3, 10, 10);
  EXPECT_EQ(r.breaches, 1u);
  EXPECT_EQ(r.not_breached, 0u);
  EXPECT_EQ(r.cells_lowered, 2u);
  // Pit 9.6 at column 4, first draining cell at or below it: column 7 (9.3); even fall.
  EXPECT_DOUBLE_EQ(z[static_cast<std::size_t>(nx + 5)], 9.6 - 0.3 / 3);
  EXPECT_DOUBLE_EQ(z[static_cast<std::size_t>(nx + 6)], 9.6 - 0.6 / 3);
  EXPECT_NEAR(r.volume, (15 - 9.5 + 15 - 9.4) * 100, 1e-9);
  EXPECT_NEAR(r.max_cut, 15 - 9.4, 1e-12);
  std::vector<Real> expect = dammed_valley(nx, 15);
  expect[static_cast<std::size_t>(nx + 5)] = z[static_cast<std::size_t>(nx + 5)];
  expect[static_cast<std::size_t>(nx + 6)] = z[static_cast<std::size_t>(nx + 6)];
  EXPECT_EQ(z, expect);  // nothing else moved
  // No depression left.
  const auto w = tr::spill_levels(z, nx, 3);
  for (std::size_t c = 0; c < z.size(); ++c) EXPECT_EQ(w[c], z[c]) << c;
}

TEST(Breach, LimitsLeaveTheDamThenFillTakesOver) {
  const int nx = 10;
  for (const auto& [depth, length, volume] :
       {std::tuple{5.0, 1e9, 1e9}, std::tuple{1e9, 15.0, 1e9}, std::tuple{1e9, 1e9, 1000.0}}) {
    std::vector<Real> z = dammed_valley(nx, 15);
    tr::BreachOptions o;
    o.max_depth = depth;    // the cut is 5.6 m deep
    o.max_length = length;  // through 20 m
    o.max_volume = volume;  // of 1110 m3
    const tr::BreachReport r = tr::breach_depressions(z, nx, 3, 10, 10, o);
    EXPECT_EQ(r.breaches, 0u);
    EXPECT_EQ(r.not_breached, 1u);
    EXPECT_EQ(z, dammed_valley(nx, 15));
    const tr::ConditioningReport f = tr::fill_depressions(z, nx, 3, 10, 10);
    EXPECT_EQ(f.cells_raised, 4u);  // the pond behind the dam (columns 1-4), filled to 15 m
    EXPECT_NEAR(f.volume, (15 * 4 - (9.9 + 9.8 + 9.7 + 9.6)) * 100, 1e-9);
  }
  // Just within the limits.
  std::vector<Real> z = dammed_valley(nx, 15);
  tr::BreachOptions o;
  o.max_depth = 5.6 + 1e-9;
  o.max_length = 20;
  o.max_volume = 1110 + 1e-6;
  EXPECT_EQ(tr::breach_depressions(z, nx, 3, 10, 10, o).breaches, 1u);
}

TEST(Breach, APitBelowEveryOutletIsLeft) {
  // A bowl: the centre lies below the edge everywhere, nothing drains lower.
  const int nx = 5;
  std::vector<Real> z(25, Real(10));
  z[12] = 5;
  const tr::BreachReport r = tr::breach_depressions(z, nx, 5, 1, 1);
  EXPECT_EQ(r.breaches, 0u);
  EXPECT_EQ(r.not_breached, 1u);
  EXPECT_EQ(z[12], 5);
}
