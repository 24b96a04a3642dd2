// DEM conditioning (priority-flood depression filling) against an independent brute force:
// the spill level of a cell is the lowest level L at which the cells with z <= L connect it
// to an outlet (an active cell on the edge or next to an inactive one), found by a flood fill
// per candidate level.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "terrain/conditioning.hpp"

using floodtwin::Real;
namespace tr = floodtwin::terrain;

namespace {

/// Random DEM with pits: white noise on a gentle slope, a few NaN holes.
std::vector<Real> random_dem(int nx, int ny, unsigned seed, double holes) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> uni(0.0, 1.0);
  std::vector<Real> z(static_cast<std::size_t>(nx * ny));
  for (int j = 0; j < ny; ++j) {
    for (int i = 0; i < nx; ++i) {
      const double v = uni(rng) < holes ? std::numeric_limits<double>::quiet_NaN()
                                        : 0.1 * i + 3.0 * uni(rng);
      z[static_cast<std::size_t>(j * nx + i)] = std::round(v * 4) / 4;  // ties on purpose
    }
  }
  return z;
}

bool active(const std::vector<Real>& z, int nx, int ny, int i, int j) {
  return i >= 0 && i < nx && j >= 0 && j < ny && !std::isnan(z[static_cast<std::size_t>(j * nx + i)]);
}

/// Brute force: for each active cell, the smallest level (among the elevations) at which a
/// flood fill through cells with z <= level reaches an outlet.
std::vector<Real> brute_spill(const std::vector<Real>& z, int nx, int ny) {
  std::vector<Real> levels;
  for (Real v : z) {
    if (!std::isnan(v)) levels.push_back(v);
  }
  std::sort(levels.begin(), levels.end());
  levels.erase(std::unique(levels.begin(), levels.end()), levels.end());
  std::vector<Real> w(z.size(), std::numeric_limits<Real>::quiet_NaN());
  const int di[4] = {1, -1, 0, 0}, dj[4] = {0, 0, 1, -1};
  for (int j0 = 0; j0 < ny; ++j0) {
    for (int i0 = 0; i0 < nx; ++i0) {
      if (!active(z, nx, ny, i0, j0)) continue;
      const Real z0 = z[static_cast<std::size_t>(j0 * nx + i0)];
      for (Real level : levels) {
        if (level < z0) continue;
        std::vector<char> seen(z.size(), 0);
        std::vector<int> stack{j0 * nx + i0};
        seen[static_cast<std::size_t>(j0 * nx + i0)] = 1;
        bool out = false;
        while (!stack.empty() && !out) {
          const int c = stack.back();
          stack.pop_back();
          const int i = c % nx, j = c / nx;
          for (int k = 0; k < 4; ++k) {
            if (!active(z, nx, ny, i + di[k], j + dj[k])) out = true;
          }
          for (int k = 0; k < 4; ++k) {
            const int a = i + di[k], b = j + dj[k];
            if (!active(z, nx, ny, a, b)) continue;
            const auto m = static_cast<std::size_t>(b * nx + a);
            if (seen[m] == 0 && z[m] <= level) {
              seen[m] = 1;
              stack.push_back(b * nx + a);
            }
          }
        }
        if (out) {
          w[static_cast<std::size_t>(j0 * nx + i0)] = level;
          break;
        }
      }
    }
  }
  return w;
}

}  // namespace

TEST(Conditioning, SpillLevelsMatchBruteForceOnRandomDems) {
  for (unsigned seed = 1; seed <= 20; ++seed) {
    const int nx = 9 + static_cast<int>(seed % 5), ny = 7 + static_cast<int>(seed % 4);
    const auto z = random_dem(nx, ny, seed, seed % 3 == 0 ? 0.08 : 0.0);
    const auto w = tr::spill_levels(z, nx, ny);
    const auto b = brute_spill(z, nx, ny);
    for (std::size_t c = 0; c < z.size(); ++c) {
      if (std::isnan(z[c])) {
        EXPECT_TRUE(std::isnan(w[c]));
      } else {
        EXPECT_EQ(w[c], b[c]) << "seed " << seed << " cell " << c;
      }
    }
  }
}

TEST(Conditioning, FillRemovesEveryDepressionAndReportsExactly) {
  for (unsigned seed = 1; seed <= 10; ++seed) {
    const int nx = 12, ny = 10;
    const double dx = 2.0, dy = 3.0;
    const auto z0 = random_dem(nx, ny, seed, seed % 2 == 0 ? 0.05 : 0.0);
    auto z = z0;
    const tr::ConditioningReport r = tr::fill_depressions(z, nx, ny, dx, dy);
    const auto b = brute_spill(z0, nx, ny);
    std::size_t raised = 0;
    double volume = 0, max_raise = 0;
    for (std::size_t c = 0; c < z.size(); ++c) {
      if (std::isnan(z0[c])) {
        EXPECT_TRUE(std::isnan(z[c]));
        continue;
      }
      EXPECT_EQ(z[c], b[c]);  // no limit: every cell at its spill level
      if (z[c] > z0[c]) {
        ++raised;
        volume += (z[c] - z0[c]) * dx * dy;
        max_raise = std::max(max_raise, static_cast<double>(z[c] - z0[c]));
      }
    }
    EXPECT_EQ(r.cells_raised, raised);
    EXPECT_NEAR(r.volume, volume, 1e-9);
    EXPECT_EQ(r.max_raise, max_raise);
    EXPECT_EQ(r.depressions_kept, 0u);
    // Filled: every cell now drains (spill level = elevation).
    const auto w = tr::spill_levels(z, nx, ny);
    for (std::size_t c = 0; c < z.size(); ++c) {
      if (!std::isnan(z[c])) {
        EXPECT_EQ(w[c], z[c]);
      }
    }
  }
}

TEST(Conditioning, DeepOrLargeDepressionsAreKept) {
  // A 9 x 7 plateau at 10 m with a 0.5 m artefact pit (one cell) and a 4 m deep lake
  // (3 x 2 cells, bottom 6 m) whose rim is the plateau.
  const int nx = 9, ny = 7;
  std::vector<Real> z(static_cast<std::size_t>(nx * ny), 10.0);
  z[static_cast<std::size_t>(1 * nx + 1)] = 9.5;
  for (int j = 3; j < 5; ++j) {
    for (int i = 4; i < 7; ++i) z[static_cast<std::size_t>(j * nx + i)] = 6.0;
  }
  auto z1 = z;
  tr::ConditioningOptions o;
  o.max_depth = 2.0;
  const tr::ConditioningReport r = tr::fill_depressions(z1, nx, ny, 10, 10, o);
  EXPECT_EQ(r.depressions_filled, 1u);
  EXPECT_EQ(r.depressions_kept, 1u);
  EXPECT_EQ(r.cells_raised, 1u);
  EXPECT_DOUBLE_EQ(r.max_raise, 0.5);
  EXPECT_DOUBLE_EQ(r.volume, 50.0);
  EXPECT_DOUBLE_EQ(r.kept_max_depth, 4.0);
  EXPECT_EQ(z1[static_cast<std::size_t>(1 * nx + 1)], 10.0);
  EXPECT_EQ(z1[static_cast<std::size_t>(3 * nx + 4)], 6.0);  // the lake stays
  // A volume limit between the two (50 m3 and 6 * 100 * 4 = 2400 m3) does the same.
  auto z2 = z;
  tr::ConditioningOptions v;
  v.max_volume = 1000;
  const tr::ConditioningReport r2 = tr::fill_depressions(z2, nx, ny, 10, 10, v);
  EXPECT_EQ(z2, z1);
  EXPECT_EQ(r2.depressions_kept, 1u);
  // Without limits both are filled.
  auto z3 = z;
  const tr::ConditioningReport r3 = tr::fill_depressions(z3, nx, ny, 10, 10);
  EXPECT_EQ(r3.depressions_filled, 2u);
  EXPECT_DOUBLE_EQ(r3.volume, 50.0 + 2400.0);
  EXPECT_EQ(z3, std::vector<Real>(z.size(), 10.0));
  EXPECT_THROW(tr::fill_depressions(z3, nx + 1, ny, 10, 10), std::invalid_argument);
}
