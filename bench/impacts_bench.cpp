/// @file impacts_bench.cpp
/// `floodtwin-impacts-bench`: the time of the impacts core (impacts/impacts.hpp) on a large
/// synthetic case: zones rasterised from polygons, buildings (points and footprints), roads,
/// then the zone impacts and one snapshot's zone statistics.
///   floodtwin-impacts-bench [--nx 4000] [--ny 2500] [--zones 100] [--buildings 100000]
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "impacts/impacts.hpp"

namespace fi = floodtwin::impacts;

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

fi::Ring octagon(double cx, double cy, double r) {
  fi::Ring ring;
  for (int k = 0; k < 8; ++k) {
    const double a = M_PI / 8 + k * M_PI / 4;
    ring.push_back({cx + r * std::cos(a), cy + r * std::sin(a)});
  }
  return ring;
}

}  // namespace

int main(int argc, char** argv) {
  int nx = 4000, ny = 2500, zones_per_side = 10;
  std::size_t buildings = 100000;
  for (int k = 1; k + 1 < argc; k += 2) {
    const std::string a = argv[k];
    const long v = std::atol(argv[k + 1]);
    if (a == "--nx") nx = static_cast<int>(v);
    if (a == "--ny") ny = static_cast<int>(v);
    if (a == "--zones") zones_per_side = static_cast<int>(std::lround(std::sqrt(double(v))));
    if (a == "--buildings") buildings = static_cast<std::size_t>(v);
  }
  const fi::GridGeometry g{nx, ny, 10.0, 10.0, 0.0, ny * 10.0};
  const std::size_t n = g.cells();
  std::mt19937_64 rng(1);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<double> depth(n), hazard(n), pop(n);
  for (std::size_t c = 0; c < n; ++c) {
    const double r = u(rng);
    depth[c] = r < 0.7 ? 0.0 : 3.0 * (r - 0.7);
    hazard[c] = 2.5 * depth[c];
    pop[c] = u(rng) * 4;
  }
  const auto t0 = std::chrono::steady_clock::now();

  // Zones: a grid of octagons covering most of the domain.
  auto t = std::chrono::steady_clock::now();
  std::vector<std::int32_t> zone(n, -1);
  const double wx = nx * 10.0 / zones_per_side, wy = ny * 10.0 / zones_per_side;
  std::int32_t count = 0;
  for (int a = 0; a < zones_per_side; ++a) {
    for (int b = 0; b < zones_per_side; ++b, ++count) {
      const std::vector<fi::Polygon> p{
          {octagon((a + 0.5) * wx, (b + 0.5) * wy, 0.5 * std::min(wx, wy))}};
      for (const auto c : fi::rasterize_polygons(g, p)) zone[c] = count;
    }
  }
  const double t_zones = seconds_since(t);

  // Buildings: 70 % points, 30 % footprints of 25 m x 15 m.
  t = std::chrono::steady_clock::now();
  fi::Buildings b;
  for (std::size_t k = 0; k < buildings; ++k) {
    const double x = 20 + u(rng) * (nx * 10.0 - 40), y = 20 + u(rng) * (ny * 10.0 - 40);
    const auto anchor = static_cast<std::uint32_t>(fi::cell_of(g, {x, y}));
    if (k % 10 < 3) {
      const std::vector<fi::Polygon> p{
          {{{x - 12.5, y - 7.5}, {x + 12.5, y - 7.5}, {x + 12.5, y + 7.5}, {x - 12.5, y + 7.5}}}};
      const auto cells = fi::rasterize_polygons(g, p);
      b.cells.insert(b.cells.end(), cells.begin(), cells.end());
      if (cells.empty()) b.cells.push_back(anchor);
    } else {
      b.cells.push_back(anchor);
    }
    b.offsets.push_back(static_cast<std::uint32_t>(b.cells.size()));
    b.anchor.push_back(anchor);
    b.curve.push_back(static_cast<std::int32_t>(k % 3));
    b.value.push_back(2e5);
    b.floor_height.push_back(0.2);
  }
  const double t_buildings = seconds_since(t);

  // Roads: 2000 random lines of 10 vertices.
  t = std::chrono::steady_clock::now();
  std::vector<fi::Line> lines(2000);
  for (auto& l : lines) {
    double x = u(rng) * nx * 10.0, y = u(rng) * ny * 10.0;
    for (int k = 0; k < 10; ++k) {
      l.push_back({x, y});
      x += (u(rng) - 0.5) * 400;
      y += (u(rng) - 0.5) * 400;
    }
  }
  const fi::RoadPieces roads = fi::road_pieces(g, lines);
  const double t_roads = seconds_since(t);

  t = std::chrono::steady_clock::now();
  fi::ExposureInputs in;
  in.grid = g;
  in.max_depth = depth;
  in.max_hazard = hazard;
  in.zone = zone;
  in.zone_count = static_cast<std::size_t>(count);
  in.population = pop;
  in.buildings = &b;
  in.curves = fi::default_damage_curves();
  in.roads = &roads;
  const auto impacts = fi::zone_impacts(in);
  const double t_impacts = seconds_since(t);

  t = std::chrono::steady_clock::now();
  const auto stats =
      fi::zone_snapshot_stats(depth, zone, static_cast<std::size_t>(count), 0.1, g.cell_area());
  const double t_snapshot = seconds_since(t);

  std::printf(
      "impacts cells=%zu zones=%d buildings=%zu road_pieces=%zu rasterize_zones_s=%.3f "
      "buildings_s=%.3f roads_s=%.3f zone_impacts_s=%.3f snapshot_stats_s=%.3f total_s=%.3f "
      "(people affected %.0f, buildings flooded %zu, flooded area of zone 0 %.0f m2)\n",
      n, count, b.size(), roads.cell.size(), t_zones, t_buildings, t_roads, t_impacts, t_snapshot,
      seconds_since(t0), impacts.back().people_affected, impacts.back().buildings_flooded,
      stats.flooded_area[0]);
  return 0;
}
