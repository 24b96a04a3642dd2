/// @file test_impacts_core.cpp
/// The pure core of impacts/: rasterisation, road clipping, damage curves, zone sums, level
/// thresholds, areal rain and the plan, each against numbers computed here by other means.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <random>
#include <set>
#include <sstream>

#include "impacts/impacts.hpp"
#include "impacts/run.hpp"
#include "impacts/warnings.hpp"

namespace fi = floodtwin::impacts;

namespace {

/// Even-odd point in polygon by ray casting, the textbook way (independent of the scanline).
bool inside(const fi::Polygon& poly, fi::Point p) {
  bool in = false;
  for (const auto& ring : poly) {
    for (std::size_t a = 0, b = ring.size() - 1; a < ring.size(); b = a++) {
      if ((ring[a].y > p.y) != (ring[b].y > p.y) &&
          p.x < (ring[b].x - ring[a].x) * (p.y - ring[a].y) / (ring[b].y - ring[a].y) + ring[a].x) {
        in = !in;
      }
    }
  }
  return in;
}

}  // namespace

TEST(ImpactsCore, RasterizeMatchesPointInPolygonOnRandomPolygons) {
  const fi::GridGeometry g{37, 23, 10.0, 7.5, 1000.0, 5000.0};
  std::mt19937 rng(42);
  std::uniform_real_distribution<double> ux(980.0, 1390.0), uy(4810.0, 5020.0);
  for (int trial = 0; trial < 40; ++trial) {
    fi::Polygon poly;
    fi::Ring outer;
    // A star-shaped ring around a centre, with a hole in half of the trials.
    const double cx = ux(rng), cy = uy(rng);
    std::uniform_real_distribution<double> ur(20.0, 150.0);
    for (int k = 0; k < 9; ++k) {
      const double a = 2 * M_PI * k / 9, r = ur(rng);
      outer.push_back({cx + r * std::cos(a), cy + r * std::sin(a)});
    }
    poly.push_back(outer);
    if (trial % 2 == 0)
      poly.push_back({{cx - 8, cy - 8}, {cx + 8, cy - 8}, {cx + 8, cy + 8}, {cx - 8, cy + 8}});
    const std::vector<fi::Polygon> polys{poly};
    const auto cells = fi::rasterize_polygons(g, polys);
    std::set<std::uint32_t> got(cells.begin(), cells.end());
    EXPECT_EQ(got.size(), cells.size());
    for (int j = 0; j < g.ny; ++j) {
      for (int i = 0; i < g.nx; ++i) {
        const fi::Point c{g.origin_x + (i + 0.5) * g.dx, g.origin_y - (j + 0.5) * g.dy};
        EXPECT_EQ(got.count(static_cast<std::uint32_t>(j * g.nx + i)) == 1, inside(poly, c))
            << "trial " << trial << " cell " << i << "," << j;
      }
    }
  }
}

TEST(ImpactsCore, RoadPiecesAreExactLengthsPerCell) {
  const fi::GridGeometry g{4, 3, 10.0, 10.0, 0.0, 30.0};
  // A diagonal from (0, 30) to (40, 0) and a horizontal line through row 1 that leaves the grid.
  const std::vector<fi::Line> lines{{{0, 30}, {40, 0}}, {{-10, 15}, {25, 15}}};
  const fi::RoadPieces r = fi::road_pieces(g, lines);
  double total = 0;
  for (double l : r.length) total += l;
  EXPECT_NEAR(total, 50.0 + 25.0, 1e-9);
  for (std::size_t k = 1; k < r.cell.size(); ++k) EXPECT_LT(r.cell[k - 1], r.cell[k]);
  // The horizontal line: 10 m in cells (0,1) and (1,1), 5 m in (2,1). The diagonal
  // y = 30 - 0.75 x (1.25 m of line per m of x) crosses row 1 from x = 10/0.75 to 20/0.75.
  auto length_in = [&](int i, int j) {
    for (std::size_t k = 0; k < r.cell.size(); ++k) {
      if (r.cell[k] == static_cast<std::uint32_t>(j * g.nx + i)) return r.length[k];
    }
    return 0.0;
  };
  EXPECT_NEAR(length_in(0, 1), 10.0, 1e-9);
  EXPECT_NEAR(length_in(2, 1), 5.0 + 1.25 * (20.0 / 0.75 - 20.0), 1e-9);
  EXPECT_NEAR(length_in(1, 1), 10.0 + 1.25 * (20.0 - 10.0 / 0.75), 1e-9);
}

TEST(ImpactsCore, CurveFractionInterpolatesAndHolds) {
  const fi::DamageCurve c{"x", {0.0, 1.0, 3.0}, {0.0, 0.4, 1.0}};
  EXPECT_EQ(fi::curve_fraction(c, -0.1), 0.0);
  EXPECT_EQ(fi::curve_fraction(c, 0.0), 0.0);
  EXPECT_DOUBLE_EQ(fi::curve_fraction(c, 0.5), 0.2);
  EXPECT_DOUBLE_EQ(fi::curve_fraction(c, 2.0), 0.7);
  EXPECT_EQ(fi::curve_fraction(c, 3.0), 1.0);
  EXPECT_EQ(fi::curve_fraction(c, 99.0), 1.0);
  const fi::DamageCurve basement{"b", {-1.0, 0.0}, {0.1, 0.3}};
  EXPECT_EQ(fi::curve_fraction(basement, -2.0), 0.0);
  EXPECT_DOUBLE_EQ(fi::curve_fraction(basement, -0.5), 0.2);
}

TEST(ImpactsCore, DefaultCurvesEqualTheShippedCsv) {
  std::ifstream f(FLOODTWIN_DEFAULT_CURVES);
  ASSERT_TRUE(f) << FLOODTWIN_DEFAULT_CURVES;
  std::string line;
  std::vector<std::tuple<std::string, double, double>> rows;
  while (std::getline(f, line)) {
    if (line.empty() || line[0] == '#' || line.rfind("occupancy", 0) == 0) continue;
    std::stringstream s(line);
    std::string occ, d, fr;
    std::getline(s, occ, ',');
    std::getline(s, d, ',');
    std::getline(s, fr, ',');
    rows.emplace_back(occ, std::stod(d), std::stod(fr));
  }
  std::size_t k = 0;
  for (const auto& c : fi::default_damage_curves()) {
    for (std::size_t p = 0; p < c.depth.size(); ++p, ++k) {
      ASSERT_LT(k, rows.size());
      EXPECT_EQ(std::get<0>(rows[k]), c.occupancy);
      EXPECT_EQ(std::get<1>(rows[k]), c.depth[p]);
      EXPECT_EQ(std::get<2>(rows[k]), c.fraction[p]);
    }
  }
  EXPECT_EQ(k, rows.size());
}

TEST(ImpactsCore, ZoneImpactsByHand) {
  // 4 x 2 cells of 10 m; zone 0 = column 0-1, zone 1 = column 2, column 3 outside.
  const fi::GridGeometry g{4, 2, 10.0, 10.0, 0.0, 20.0};
  const std::vector<double> depth{0.05, 0.5, 1.2, 3.0, NAN, 0.2, 0.0, 3.0};
  const std::vector<double> hazard{0.1, 0.8, 1.5, 5.0, 0.0, 0.3, 0.0, 5.0};
  const std::vector<std::int32_t> zone{0, 0, 1, -1, 0, 0, 1, -1};
  const std::vector<double> pop{10, 20, 30, 1000, 40, 50, 60, 1000};
  fi::Buildings b;
  // b0: point in cell 1 (0.5 m), floor 0.2 -> flooded, residential curve at 0.3 m.
  // b1: footprint over cells 2 and 6 (1.2 and 0 m) anchored in 2 -> depth 1.2, commercial.
  // b2: in cell 0 (0.05 m), floor 0.1 -> not flooded, damage 0 (curve at -0.05).
  // b3: outside the zones (cell 3).
  auto add = [&](std::vector<std::uint32_t> cells, std::uint32_t anchor, int curve, double value,
                 double floor) {
    for (auto c : cells) b.cells.push_back(c);
    b.offsets.push_back(static_cast<std::uint32_t>(b.cells.size()));
    b.anchor.push_back(anchor);
    b.curve.push_back(curve);
    b.value.push_back(value);
    b.floor_height.push_back(floor);
  };
  add({1}, 1, 0, 1000.0, 0.2);
  add({2, 6}, 2, 1, 2000.0, 0.0);
  add({0}, 0, 0, 500.0, 0.1);
  add({3}, 3, 0, 1e9, 0.0);
  const auto& curves = fi::default_damage_curves();
  fi::RoadPieces roads;
  roads.cell = {1, 2, 3, 5};
  roads.length = {10.0, 7.0, 10.0, 4.0};
  fi::ExposureInputs in;
  in.grid = g;
  in.max_depth = depth;
  in.max_hazard = hazard;
  in.zone = zone;
  in.zone_count = 2;
  in.population = pop;
  in.buildings = &b;
  in.curves = curves;
  in.roads = &roads;
  in.flood_threshold = 0.1;
  in.people_depth = 0.1;
  in.road_depth = 0.3;
  const auto r = fi::zone_impacts(in);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].cells, 4u);
  EXPECT_DOUBLE_EQ(r[0].flooded_area, 200.0);  // cells 1 and 5
  EXPECT_DOUBLE_EQ(r[0].max_depth, 0.5);
  EXPECT_DOUBLE_EQ(r[0].population, 120.0);
  EXPECT_DOUBLE_EQ(r[0].people_affected, 70.0);  // 20 + 50
  EXPECT_DOUBLE_EQ(r[0].people_by_hazard[0], 50.0);
  EXPECT_DOUBLE_EQ(r[0].people_by_hazard[1], 20.0);
  EXPECT_EQ(r[0].buildings, 2u);
  EXPECT_EQ(r[0].buildings_flooded, 1u);
  const double res_03 = 0.25 * 0.3 / 0.5;  // JRC residential at 0.3 m
  EXPECT_DOUBLE_EQ(r[0].damage, 1000.0 * res_03);
  EXPECT_DOUBLE_EQ(r[0].roads_m, 14.0);
  EXPECT_DOUBLE_EQ(r[0].roads_cut_m, 10.0);
  EXPECT_DOUBLE_EQ(r[1].people_affected, 30.0);
  EXPECT_DOUBLE_EQ(r[1].people_by_hazard[2], 30.0);
  EXPECT_EQ(r[1].buildings_flooded, 1u);
  const double com_12 = 0.30 + (0.45 - 0.30) * 0.2 / 0.5;  // JRC commercial at 1.2 m
  EXPECT_NEAR(r[1].damage, 2000.0 * com_12, 1e-9);
  EXPECT_DOUBLE_EQ(r[1].roads_cut_m, 7.0);
  EXPECT_DOUBLE_EQ(r[2].people_affected, 100.0);
  EXPECT_EQ(r[2].buildings, 3u);
  EXPECT_DOUBLE_EQ(r[2].max_depth, 1.2);
}

// Assets: the value of a zone's cells deeper than people_depth, or value x curve(max depth).
TEST(ImpactsCore, AssetsDamagedByThresholdOrCurve) {
  const fi::GridGeometry g{4, 1, 10.0, 10.0, 0.0, 10.0};
  const std::vector<double> depth{0.05, 0.5, NAN, 2.5};
  const std::vector<std::int32_t> zone{0, 0, 0, 1};
  const std::vector<double> assets{100, 200, 300, 400};
  fi::ExposureInputs in;
  in.grid = g;
  in.max_depth = depth;
  in.zone = zone;
  in.zone_count = 2;
  in.assets = assets;
  in.people_depth = 0.1;
  auto r = fi::zone_impacts(in);
  EXPECT_EQ(r[0].assets, 600.0);
  EXPECT_EQ(r[0].assets_damaged, 200.0);  // only the 0.5 m cell is above 0.1 m
  EXPECT_EQ(r[1].assets_damaged, 400.0);
  EXPECT_EQ(r[2].assets, 1000.0);
  EXPECT_EQ(r[2].assets_damaged, 600.0);
  const fi::DamageCurve curve{"asset", {0, 1, 2}, {0, 0.5, 0.8}};
  in.assets_curve = &curve;
  r = fi::zone_impacts(in);
  EXPECT_DOUBLE_EQ(r[0].assets_damaged, 100 * 0.025 + 200 * 0.25);  // NaN cell: no damage
  EXPECT_DOUBLE_EQ(r[1].assets_damaged, 400 * 0.8);                 // held after the last
}

// depth_share: cells deeper than the value (strictly; NaN is not), over the zone's cells.
TEST(ImpactsCore, ZoneDepthShareCountsCellsAboveTheDepth) {
  const std::vector<double> depth{0.5, 0.2, 0.31, std::nan(""), 0.3, 2.0, 0.0, 1.0};
  const std::vector<std::int32_t> zone{0, 0, 0, 0, 1, 1, -1, 2};
  const auto s = fi::zone_depth_share(depth, zone, 4, 0.3);
  ASSERT_EQ(s.size(), 4u);
  EXPECT_EQ(s[0], 2.0 / 4.0);  // 0.5 and 0.31 of 4 cells (the NaN cell counts, not above)
  EXPECT_EQ(s[1], 1.0 / 2.0);  // 0.3 is not above 0.3
  EXPECT_EQ(s[2], 1.0);
  EXPECT_EQ(s[3], 0.0);  // no cells
}

TEST(ImpactsCore, ThresholdFirstTimePeakDuration) {
  const std::vector<double> t{0, 10, 20, 30, 40};
  const std::vector<double> v{0.0, 0.5, 1.0, 0.7, 0.2};
  auto o = fi::evaluate_threshold(t, v, 0.5);
  EXPECT_TRUE(o.reached);
  EXPECT_EQ(o.first_time, 10.0);
  EXPECT_EQ(o.peak, 1.0);
  EXPECT_EQ(o.peak_time, 20.0);
  EXPECT_EQ(o.duration, 30.0);
  o = fi::evaluate_threshold(t, v, 1.1);
  EXPECT_FALSE(o.reached);
  EXPECT_TRUE(std::isnan(o.first_time));
  // A peak between samples (the max-depth map) reaches it.
  o = fi::evaluate_threshold(t, v, 1.1, 1.3, 25.0);
  EXPECT_TRUE(o.reached);
  EXPECT_EQ(o.first_time, 25.0);
  EXPECT_EQ(o.peak, 1.3);
}

TEST(ImpactsCore, PastRainIntegratesPiecewiseConstantRates) {
  const std::vector<double> bounds{0, 600, 1200, 1800};
  const std::vector<double> rates{10e-3 / 3600, 30e-3 / 3600, 0.0};  // 10, 30, 0 mm/h
  const std::vector<double> times{300, 900, 1500, 2400};
  const auto mm = fi::past_rain_mm(bounds, rates, times, 900);
  EXPECT_NEAR(mm[0], 10.0 * 300 / 3600, 1e-12);
  EXPECT_NEAR(mm[1], 10.0 * 600 / 3600 + 30.0 * 300 / 3600, 1e-12);
  EXPECT_NEAR(mm[2], 10.0 * 0 + 30.0 * 600 / 3600, 1e-12);
  EXPECT_NEAR(mm[3], 0.0, 1e-12);
}

TEST(ImpactsCore, ZoneLevelsAndActionsDue) {
  std::vector<fi::LevelRule> rules(4);
  rules[0] = {0, "prepare", fi::Indicator::rain, 20, "", 3600, 2};
  rules[1] = {0, "prepare", fi::Indicator::gauge_depth, 0.3, "g", 0, 3};
  rules[2] = {0, "evacuate", fi::Indicator::gauge_depth, 0.8, "g", 0, 4};
  rules[3] = {1, "prepare", fi::Indicator::max_depth, 1.0, "", 0, 5};
  std::vector<fi::LevelOutcome> out(4);
  out[0].reached = true;
  out[0].first_time = 1200;
  out[1].reached = true;
  out[1].first_time = 900;
  out[2].reached = true;
  out[2].first_time = 3000;
  const auto levels = fi::zone_levels(rules, out, 2);
  EXPECT_EQ(levels[0].level, "evacuate");
  EXPECT_EQ(levels[0].first_time, 3000.0);
  EXPECT_EQ(levels[0].level_first_time[0], 900.0);
  EXPECT_EQ(levels[1].rank, -1);
  EXPECT_TRUE(levels[1].level.empty());
  std::vector<fi::PlanRow> plan(3);
  plan[0] = {0, "evacuate", "evacuate", "fire", 3600, 2};
  plan[1] = {0, "prepare", "warn", "mayor", 600, 3};
  plan[2] = {1, "prepare", "close", "roads", 0, 4};
  const auto due = fi::actions_due(plan, fi::zone_level_order(rules, 2), levels);
  ASSERT_EQ(due.size(), 2u);
  EXPECT_EQ(due[0].plan_row, 0u);
  EXPECT_EQ(due[0].due, -600.0);
  EXPECT_EQ(due[1].due, 300.0);
}

TEST(ImpactsCore, IsoTime) {
  EXPECT_EQ(fi::iso_time(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(fi::iso_time(1704067200 + 3661), "2024-01-01T01:01:01Z");
  EXPECT_EQ(fi::iso_time(951782400, "-00:00"), "2000-02-29T00:00:00-00:00");
  EXPECT_EQ(fi::iso_time(-1), "1969-12-31T23:59:59Z");
  EXPECT_EQ(fi::iso_time(NAN), "");
}

// On a sub-grid channel cell the results' depth is measured from the channel bed: impacts take
// the depth above the ground there (a river in bank floods no one), and keep it elsewhere.
TEST(DepthAboveGround, ChannelCellsTakeTheDepthAboveTheBank) {
  const double nan = std::nan("");
  std::vector<double> depth{0.5, 2.5, 1.2, 0.0, 0.3};
  const std::vector<double> level{100.5, 99.5, 101.2, nan, 100.3};
  const std::vector<double> elevation{100.0, 100.0, 100.0, 100.0, nan};
  const std::vector<std::size_t> changed =
      floodtwin::impacts::depth_above_ground(depth, level, elevation);
  // cell 0: floodplain (depth = level - elevation), kept; cell 1: a river 2.5 m deep whose
  // level is 0.5 m below its bank: 0; cell 2: 1.2 m = level - elevation, kept; cells 3 and 4:
  // no level or no elevation, kept.
  EXPECT_EQ(changed, std::vector<std::size_t>{1});
  EXPECT_EQ(depth, (std::vector<double>{0.5, 0.0, 1.2, 0.0, 0.3}));
  std::vector<double> overbank{3.4};  // river 3.4 m deep from its bed, 0.7 m over the bank
  floodtwin::impacts::depth_above_ground(overbank, {100.7}, {100.0});
  EXPECT_NEAR(overbank[0], 0.7, 1e-12);
  std::vector<double> other_size{1.0};
  EXPECT_TRUE(floodtwin::impacts::depth_above_ground(other_size, {}, {}).empty());
}
