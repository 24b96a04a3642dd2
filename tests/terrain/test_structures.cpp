// Manning rasters, land cover + table, buildings and levees burnt into the elevation.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "solver/error.hpp"
#include "terrain/raster.hpp"
#include "terrain/roughness.hpp"
#include "terrain/structures.hpp"
#include "terrain_testing.hpp"

namespace floodtwin::terrain {
namespace {

using testing::TempDir;
constexpr Real nan = std::numeric_limits<Real>::quiet_NaN();

/// 10 x 10 cells of 2 m, NW corner (500000, 4000020), flat at 10 m, in local coordinates
/// (no CRS, so vectors are used as given).
solver::Grid small_grid() {
  solver::Grid g;
  g.nx = 10;
  g.ny = 10;
  g.dx = 2;
  g.dy = 2;
  g.origin_x = 500000;
  g.origin_y = 4000020;
  return g;
}

std::string feature_collection(const std::string& features) {
  return R"({"type":"FeatureCollection","features":[)" + features + "]}";
}
std::string polygon(double x0, double y0, double x1, double y1, const std::string& props = "{}") {
  std::ostringstream s;
  s.precision(12);
  s << R"({"type":"Feature","properties":)" << props
    << R"(,"geometry":{"type":"Polygon","coordinates":[[[)" << x0 << ',' << y0 << "],[" << x1 << ','
    << y0 << "],[" << x1 << ',' << y1 << "],[" << x0 << ',' << y1 << "],[" << x0 << ',' << y0
    << "]]]}}";
  return s.str();
}
std::string line(double x0, double y0, double x1, double y1, const std::string& props = "{}") {
  std::ostringstream s;
  s.precision(12);
  s << R"({"type":"Feature","properties":)" << props
    << R"(,"geometry":{"type":"LineString","coordinates":[[)" << x0 << ',' << y0 << "],[" << x1
    << ',' << y1 << "]]}}";
  return s.str();
}

std::size_t at(int i, int j) { return std::size_t(j) * 10 + std::size_t(i); }

TEST(Manning, RasterOnTheGridAndNoDataOnlyWhereInactive) {
  TempDir dir;
  const auto g = small_grid();
  std::vector<Real> z(g.cell_count(), 10), n(g.cell_count(), Real(0.03));
  n[at(2, 3)] = Real(0.1);
  n[at(9, 9)] = nan;
  write_raster(dir.file("n.tif"), "GTiff", g, n, "", -1);
  z[at(9, 9)] = nan;  // inactive there: no-data n is fine
  const auto got = load_manning(dir.file("n.tif"), g, "", z);
  EXPECT_DOUBLE_EQ(got[at(2, 3)], 0.1);
  EXPECT_DOUBLE_EQ(got[at(0, 0)], Real(0.03));
  EXPECT_EQ(got[at(9, 9)], 0);
  z[at(9, 9)] = 10;  // now active: error naming the file and the cell
  try {
    load_manning(dir.file("n.tif"), g, "", z);
    FAIL();
  } catch (const InputError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find(dir.file("n.tif")), std::string::npos) << msg;
    EXPECT_NE(msg.find("column 9, row 9"), std::string::npos) << msg;
  }
}

TEST(CellParameter, RangeCheckedInActiveCells) {
  TempDir dir;
  const auto g = small_grid();
  std::vector<Real> z(g.cell_count(), 10), cn(g.cell_count(), 75);
  cn[at(4, 7)] = 120;
  write_raster(dir.file("cn.tif"), "GTiff", g, cn, "", -1);
  try {
    load_cell_parameter(dir.file("cn.tif"), g, "", z, "curve number raster", 1, 100);
    FAIL();
  } catch (const InputError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("curve number raster"), std::string::npos) << msg;
    EXPECT_NE(msg.find(dir.file("cn.tif")), std::string::npos) << msg;
    EXPECT_NE(msg.find("120"), std::string::npos) << msg;
    EXPECT_NE(msg.find("column 4, row 7"), std::string::npos) << msg;
  }
  z[at(4, 7)] = nan;
  const auto v =
      load_cell_parameter(dir.file("cn.tif"), g, "", z, "curve number raster", 1, 100, "near", 100);
  EXPECT_EQ(v[at(4, 7)], 100);
  EXPECT_EQ(v[at(0, 0)], 75);
}

TEST(Manning, LandCoverTableAndUnknownClassesListed) {
  TempDir dir;
  const auto g = small_grid();
  std::vector<Real> cls(g.cell_count(), 1);
  for (int i = 0; i < 10; ++i) cls[at(i, 5)] = 2;
  cls[at(0, 0)] = 7;
  cls[at(1, 0)] = 42;
  cls[at(2, 0)] = 42;
  write_raster(dir.file("lc.tif"), "GTiff", g, cls, "", 255, WriteOptions{"Byte", {}, {}});
  const std::vector<Real> z(g.cell_count(), 10);
  std::map<int, double> table{{1, 0.03}, {2, 0.08}};
  try {
    manning_from_landcover(dir.file("lc.tif"), g, "", z, table);
    FAIL();
  } catch (const InputError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find(dir.file("lc.tif")), std::string::npos) << msg;
    EXPECT_NE(msg.find("7 (1 cells)"), std::string::npos) << msg;
    EXPECT_NE(msg.find("42 (2 cells)"), std::string::npos) << msg;
  }
  table[7] = 0.1;
  table[42] = 0.2;
  const auto n = manning_from_landcover(dir.file("lc.tif"), g, "", z, table);
  EXPECT_DOUBLE_EQ(n[at(3, 5)], Real(0.08));
  EXPECT_DOUBLE_EQ(n[at(3, 6)], Real(0.03));
  EXPECT_DOUBLE_EQ(n[at(0, 0)], Real(0.1));
  EXPECT_DOUBLE_EQ(n[at(2, 0)], Real(0.2));
}

TEST(Buildings, RaisedOrBlocked) {
  TempDir dir;
  const auto g = small_grid();
  // Cells i = 2..4 (x 500004..500010), j = 1..2 (y 4000014..4000018).
  const std::string path = dir.write(
      "b.geojson", feature_collection(polygon(500004, 4000014, 500010, 4000018, R"({"h":3.5})")));
  std::vector<Real> z(g.cell_count(), 10);
  BuildingOptions o;
  o.height = 5;
  EXPECT_EQ(burn_buildings(path, g, "", z, o), 6u);
  for (int j = 0; j < 10; ++j) {
    for (int i = 0; i < 10; ++i) {
      const bool in = i >= 2 && i <= 4 && j >= 1 && j <= 2;
      EXPECT_EQ(z[at(i, j)], in ? 15 : 10) << i << "," << j;
    }
  }
  std::vector<Real> z2(g.cell_count(), 10);
  o.height_attribute = "h";
  burn_buildings(path, g, "", z2, o);
  EXPECT_EQ(z2[at(3, 2)], Real(13.5));
  std::vector<Real> z3(g.cell_count(), 10);
  o.mode = BuildingMode::block;
  burn_buildings(path, g, "", z3, o);
  EXPECT_TRUE(std::isnan(z3[at(3, 2)]));
  EXPECT_EQ(z3[at(5, 2)], 10);
  o.mode = BuildingMode::raise;
  o.height_attribute = "height";
  try {
    burn_buildings(path, g, "", z3, o);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("'height'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
}

TEST(Levees, DiagonalLineIsWatertightAndCrestFromAttribute) {
  TempDir dir;
  const auto g = small_grid();
  const std::string path = dir.write(
      "l.geojson",
      feature_collection(line(500000.5, 4000019.5, 500019.5, 4000000.5, R"({"crest":12.5})")));
  std::vector<Real> z(g.cell_count(), 10);
  LeveeOptions o;
  o.crest_height = 2;
  EXPECT_GE(burn_levees(path, g, "", z, o), 10u);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(z[at(i, i)], 12) << i;
  // No 4-neighbour step crosses the line without meeting a raised cell: the cells below the
  // diagonal (i < j) cannot reach the cells above it (i > j) through unraised cells.
  std::vector<int> seen(g.cell_count(), 0);
  std::vector<std::size_t> stack{at(0, 9)};
  seen[at(0, 9)] = 1;
  while (!stack.empty()) {
    const std::size_t k = stack.back();
    stack.pop_back();
    const int i = int(k % 10), j = int(k / 10);
    EXPECT_FALSE(i > j) << "reached " << i << "," << j;
    const int di[] = {1, -1, 0, 0}, dj[] = {0, 0, 1, -1};
    for (int d = 0; d < 4; ++d) {
      const int a = i + di[d], b = j + dj[d];
      if (a < 0 || b < 0 || a > 9 || b > 9) continue;
      if (seen[at(a, b)] || z[at(a, b)] > 10) continue;
      seen[at(a, b)] = 1;
      stack.push_back(at(a, b));
    }
  }
  std::vector<Real> z2(g.cell_count(), 10);
  z2[at(4, 4)] = 20;
  o.crest_attribute = "crest";
  burn_levees(path, g, "", z2, o);
  EXPECT_EQ(z2[at(3, 3)], Real(12.5));
  EXPECT_EQ(z2[at(4, 4)], 20);  // already higher than the crest
}

TEST(Levees, MissingLayerIsAnErrorNamingIt) {
  TempDir dir;
  const auto g = small_grid();
  const std::string path =
      dir.write("l.geojson", feature_collection(line(500000.5, 4000019.5, 500019.5, 4000000.5)));
  std::vector<Real> z(g.cell_count(), 10);
  LeveeOptions o;
  o.layer = "walls";
  try {
    burn_levees(path, g, "", z, o);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("'walls'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace floodtwin::terrain
