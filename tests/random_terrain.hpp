#pragma once
/// @file random_terrain.hpp
/// Seeded random terrains and depths for property and conservation tests.
#include <cmath>
#include <random>
#include <vector>

#include "solver/grid.hpp"

namespace floodtwin::testing {

/// Smooth random hills (sum of random bumps) plus white noise, reproducible from `seed`.
inline std::vector<solver::Real> random_terrain(const solver::Grid& grid, unsigned seed,
                                                double relief = 1.0) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> uni(0.0, 1.0);
  std::vector<solver::Real> z(grid.cell_count(), 0);
  const int bumps = 8;
  for (int b = 0; b < bumps; ++b) {
    const double cx = uni(rng) * grid.nx, cy = uni(rng) * grid.ny;
    const double r = 2 + uni(rng) * grid.nx / 3.0;
    const double a = relief * (uni(rng) - 0.3);
    for (int j = 0; j < grid.ny; ++j) {
      for (int i = 0; i < grid.nx; ++i) {
        const double d2 = ((i - cx) * (i - cx) + (j - cy) * (j - cy)) / (r * r);
        z[static_cast<std::size_t>(j * grid.nx + i)] += a * std::exp(-d2);
      }
    }
  }
  for (auto& v : z) v += 0.05 * relief * uni(rng);
  return z;
}

}  // namespace floodtwin::testing
