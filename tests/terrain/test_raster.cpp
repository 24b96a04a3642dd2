// Elevation loading in several formats, no-data, rotation, resampling, basin clipping and the
// write_raster round trip.
#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "solver/error.hpp"
#include "solver/simulation.hpp"
#include "terrain/gdal_support.hpp"
#include "terrain/raster.hpp"
#include "terrain_testing.hpp"

namespace floodtwin::terrain {
namespace {

using testing::TempDir;
constexpr Real nan = std::numeric_limits<Real>::quiet_NaN();

std::string utm11_wkt() {
  OGRSpatialReference srs;
  srs.importFromEPSG(32611);
  char* wkt = nullptr;
  srs.exportToWkt(&wkt);
  std::string out(wkt);
  CPLFree(wkt);
  return out;
}

bool same_crs(const std::string& a, const std::string& b) {
  OGRSpatialReference sa, sb;
  if (sa.importFromWkt(a.c_str()) != OGRERR_NONE) return false;
  if (sb.importFromWkt(b.c_str()) != OGRERR_NONE) return false;
  return sa.IsSame(&sb);
}

/// A 7 x 5 grid with non-square cells (10 m x 20 m) and one no-data cell.
struct Sample {
  solver::Grid grid;
  std::vector<Real> z;
  Sample() {
    grid.nx = 7;
    grid.ny = 5;
    grid.dx = 10;
    grid.dy = 20;
    grid.origin_x = 390000;
    grid.origin_y = 3800000;
    z.resize(grid.cell_count());
    for (std::size_t k = 0; k < z.size(); ++k) z[k] = Real(100 + 0.25 * double(k));
    z[8] = nan;
  }
};

void expect_same_values(const std::vector<Real>& a, const std::vector<Real>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t k = 0; k < a.size(); ++k) {
    if (std::isnan(a[k])) {
      EXPECT_TRUE(std::isnan(b[k])) << "cell " << k;
    } else {
      EXPECT_EQ(a[k], b[k]) << "cell " << k;
    }
  }
}

TEST(Elevation, SeveralFormatsLoadIdentically) {
  TempDir dir;
  Sample s;
  const std::string wkt = utm11_wkt();
  const std::string tif = dir.file("dem.tif");
  write_raster(tif, "GTiff", s.grid, s.z, wkt, -9999);
  write_raster(dir.file("dem.asc"), "AAIGrid", s.grid, s.z, wkt, -9999);
  write_raster(dir.file("dem.nc"), "netCDF", s.grid, s.z, wkt, -9999);
  write_raster(dir.file("dem_cog.tif"), "COG", s.grid, s.z, wkt, -9999);
  {
    // A VRT referencing the GeoTIFF.
    GDALDatasetUniquePtr src(GDALDataset::Open(tif.c_str(), GDAL_OF_RASTER));
    ASSERT_TRUE(src);
    GDALDriver* vrt = GetGDALDriverManager()->GetDriverByName("VRT");
    GDALDatasetUniquePtr out(
        vrt->CreateCopy(dir.file("dem.vrt").c_str(), src.get(), FALSE, nullptr, nullptr, nullptr));
    ASSERT_TRUE(out);
  }
  for (const char* name : {"dem.tif", "dem.asc", "dem.nc", "dem_cog.tif", "dem.vrt"}) {
    SCOPED_TRACE(name);
    const Raster r = load_elevation(dir.file(name));
    EXPECT_EQ(r.grid.nx, 7);
    EXPECT_EQ(r.grid.ny, 5);
    EXPECT_DOUBLE_EQ(r.grid.dx, 10);
    EXPECT_DOUBLE_EQ(r.grid.dy, 20);
    EXPECT_DOUBLE_EQ(r.grid.origin_x, 390000);
    EXPECT_DOUBLE_EQ(r.grid.origin_y, 3800000);
    EXPECT_TRUE(same_crs(r.crs_wkt, wkt)) << r.crs_wkt;
    expect_same_values(s.z, r.values);
  }
}

TEST(Elevation, GeoTiffRoundTripKeepsCrsGeotransformAndHistory) {
  TempDir dir;
  Sample s;
  const std::string wkt = utm11_wkt();
  const std::string tif = dir.file("out.tif");
  write_raster(tif, "GTiff", s.grid, s.z, wkt, -9999,
               WriteOptions{"Float32", {{"COMPRESS", "DEFLATE"}}, {{"SCENARIO", "test"}}});
  const Raster r = load_elevation(tif);
  EXPECT_TRUE(same_crs(r.crs_wkt, wkt));
  const GeoTransform want = geotransform_of(s.grid);
  for (int k = 0; k < 6; ++k) EXPECT_DOUBLE_EQ(r.geotransform[k], want[k]) << k;
  expect_same_values(s.z, r.values);
  // Second round trip through write_raster of what was read.
  write_raster(dir.file("again.tif"), "GTiff", r.grid, r.values, r.crs_wkt, -1);
  const Raster again = load_elevation(dir.file("again.tif"));
  EXPECT_TRUE(same_crs(again.crs_wkt, wkt));
  expect_same_values(s.z, again.values);
  GDALDatasetUniquePtr ds(GDALDataset::Open(tif.c_str(), GDAL_OF_RASTER));
  ASSERT_TRUE(ds);
  const char* history = ds->GetMetadataItem("PROCESSING_HISTORY");
  ASSERT_NE(history, nullptr);
  EXPECT_NE(std::string(history).find("floodtwin"), std::string::npos);
  EXPECT_STREQ(ds->GetMetadataItem("SCENARIO"), "test");
}

TEST(Elevation, ReadingABandLeavesNoCopyOfItInGdalsBlockCache) {
  // Every process of an mpirun run reads the DEM whole: GDAL's block cache must not hold a
  // second copy of it next to the values read (detail::read_band flushes it a stripe at a time).
  TempDir dir;
  solver::Grid g;
  g.nx = 700;
  g.ny = 900;
  g.dx = g.dy = 10;
  g.origin_x = 390000;
  g.origin_y = 3800000;
  std::vector<Real> z(g.cell_count());
  for (std::size_t k = 0; k < z.size(); ++k) z[k] = Real(50 + 0.25 * double(k % 97));  // float32
  z[12345] = nan;
  const std::string tif = dir.file("big.tif");
  write_raster(tif, "GTiff", g, z, utm11_wkt(), -9999, WriteOptions{"Float32", {}, {}});
  GDALDatasetUniquePtr ds(GDALDataset::Open(tif.c_str(), GDAL_OF_RASTER));
  ASSERT_TRUE(ds);
  const GIntBig before = GDALGetCacheUsed64();
  const std::vector<Real> values = detail::read_band(*ds, 1, "elevation", tif);
  const GIntBig grown = GDALGetCacheUsed64() - before;
  const auto band_bytes = static_cast<GIntBig>(z.size() * sizeof(float));
  EXPECT_LT(grown, band_bytes / 8) << "bytes left in the block cache, of a band of " << band_bytes;
  expect_same_values(z, values);  // the stripes put together: the band, no-data included
}

TEST(Elevation, NoDataCellsAreInactive) {
  TempDir dir;
  const std::string asc = dir.write("nd.asc",
                                    "ncols 3\nnrows 2\nxllcorner 0\nyllcorner 0\ncellsize 5\n"
                                    "NODATA_value -9999\n1 2 3\n4 -9999 6\n");
  const Raster r = load_elevation(asc);
  ASSERT_EQ(r.values.size(), 6u);
  EXPECT_EQ(r.values[0], 1);  // row 0 is north: the first line of the file
  EXPECT_EQ(r.values[3], 4);
  EXPECT_TRUE(std::isnan(r.values[4]));
  EXPECT_DOUBLE_EQ(r.grid.origin_y, 10);
  EXPECT_DOUBLE_EQ(r.grid.y_center(1), 2.5);
  // The solver takes the no-data cell as inactive (a wall).
  solver::Simulation sim(r.grid, r.values);
  EXPECT_EQ(sim.active_cells(), 5u);
  EXPECT_FALSE(sim.is_active(1, 1));
  EXPECT_TRUE(sim.is_active(0, 1));
}

TEST(Elevation, RotatedGeotransformIsAnErrorNamingTheFile) {
  TempDir dir;
  const std::string path = dir.file("rotated.tif");
  {
    GDALAllRegister();
    GDALDriver* gtiff = GetGDALDriverManager()->GetDriverByName("GTiff");
    GDALDatasetUniquePtr ds(gtiff->Create(path.c_str(), 4, 3, 1, GDT_Float32, nullptr));
    double gt[6] = {1000, 10, 2, 2000, 2, -10};
    ds->SetGeoTransform(gt);
    float zero[12] = {};
    ASSERT_EQ(ds->GetRasterBand(1)->RasterIO(GF_Write, 0, 0, 4, 3, zero, 4, 3, GDT_Float32, 0, 0),
              CE_None);
  }
  try {
    load_elevation(path);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find(path), std::string::npos) << msg;
    EXPECT_NE(msg.find("rotated"), std::string::npos) << msg;
  }
}

TEST(Elevation, MissingFileAndBadBandAreErrorsNamingTheFile) {
  TempDir dir;
  const std::string missing = dir.file("nope.tif");
  try {
    load_elevation(missing);
    FAIL();
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find(missing), std::string::npos) << e.what();
  }
  Sample s;
  write_raster(dir.file("a.tif"), "GTiff", s.grid, s.z, "", -9999);
  ElevationOptions o;
  o.band = 3;
  try {
    load_elevation(dir.file("a.tif"), o);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("band 3"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(dir.file("a.tif")), std::string::npos) << e.what();
  }
}

std::string wkt_of(int epsg) {
  OGRSpatialReference srs;
  srs.importFromEPSG(epsg);
  char* wkt = nullptr;
  srs.exportToWkt(&wkt);
  std::string out(wkt);
  CPLFree(wkt);
  return out;
}

TEST(Elevation, GeographicOrFeetCrsIsRefusedUnlessReprojected) {
  TempDir dir;
  solver::Grid g;
  g.nx = 40;
  g.ny = 20;
  g.dx = g.dy = Real(0.001);  // degrees, about 90 m x 110 m
  g.origin_x = Real(-118.2);
  g.origin_y = Real(34.3);
  std::vector<Real> z(g.cell_count());
  for (std::size_t k = 0; k < z.size(); ++k) z[k] = Real(500 + k % 40);
  const std::string geo = dir.file("geo.tif");
  write_raster(geo, "GTiff", g, z, wkt_of(4326), -9999);
  try {
    load_elevation(geo);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(geo), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("geographic"), std::string::npos) << e.what();
  }
  ElevationOptions o;
  o.target_crs = "EPSG:32611";
  o.cell_size_x = 50;
  const Raster r = load_elevation(geo, o);
  OGRSpatialReference utm, got;
  utm.importFromEPSG(32611);
  ASSERT_EQ(got.importFromWkt(r.crs_wkt.c_str()), OGRERR_NONE);
  EXPECT_TRUE(got.IsSame(&utm));
  EXPECT_DOUBLE_EQ(r.grid.dx, 50);
  EXPECT_DOUBLE_EQ(r.grid.dy, 50);
  EXPECT_NEAR(r.grid.origin_x, 389000, 2000);  // -118.2 deg at 34.3 N
  EXPECT_NEAR(r.grid.nx, 40 * 92 / 50, 5);
  std::size_t finite = 0;
  for (Real v : r.values) {
    if (std::isnan(v)) continue;
    ++finite;
    EXPECT_GE(v, 500 - 1e-9);
    EXPECT_LE(v, 539 + 1e-9);
  }
  EXPECT_GT(finite, r.values.size() / 2);
  // A projected CRS in US survey feet (California zone 5) is refused too.
  solver::Grid f;
  f.nx = 4;
  f.ny = 3;
  f.origin_x = 6400000;
  f.origin_y = 1900000;
  write_raster(dir.file("feet.tif"), "GTiff", f, std::vector<Real>(12, 1), wkt_of(2229), -9999);
  try {
    load_elevation(dir.file("feet.tif"));
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("linear unit"), std::string::npos) << e.what();
  }
}

TEST(Elevation, DemoDemLoads) {
  const Raster r = load_elevation(testing::demo_dem());
  EXPECT_EQ(r.grid.nx, 1197);
  EXPECT_EQ(r.grid.ny, 643);
  EXPECT_NEAR(r.grid.dx, 30, 1e-9);
  EXPECT_NEAR(r.grid.dy, 30, 1e-9);
  EXPECT_NEAR(r.grid.origin_x, 376313.655, 1e-3);
  EXPECT_NEAR(r.grid.origin_y, 3807917.828, 1e-3);
  OGRSpatialReference utm;
  utm.importFromEPSG(32611);
  OGRSpatialReference got;
  ASSERT_EQ(got.importFromWkt(r.crs_wkt.c_str()), OGRERR_NONE);
  EXPECT_TRUE(got.IsSame(&utm));
  Real lo = 1e9, hi = -1e9;
  std::size_t nodata = 0;
  for (Real v : r.values) {
    if (std::isnan(v)) {
      ++nodata;
      continue;
    }
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  EXPECT_EQ(nodata, 0u);
  EXPECT_EQ(lo, 315);
  EXPECT_EQ(hi, 2295);
}

TEST(Elevation, ResamplingToACoarserCellSize) {
  const Raster fine = load_elevation(testing::demo_dem());
  ElevationOptions o;
  o.cell_size_x = 120;
  o.resampling = "average";
  const Raster coarse = load_elevation(testing::demo_dem(), o);
  EXPECT_EQ(coarse.grid.nx, 1197 * 30 / 120);
  EXPECT_EQ(coarse.grid.ny, 643 * 30 / 120);
  EXPECT_DOUBLE_EQ(coarse.grid.dx, 120);
  EXPECT_DOUBLE_EQ(coarse.grid.origin_x, fine.grid.origin_x);
  EXPECT_DOUBLE_EQ(coarse.grid.origin_y, fine.grid.origin_y);
  // Each coarse cell averages 4 x 4 fine cells exactly (the coarse grid is aligned).
  for (int j : {0, 37, coarse.grid.ny - 1}) {
    for (int i : {0, 101, coarse.grid.nx - 1}) {
      double sum = 0;
      for (int b = 0; b < 4; ++b) {
        for (int a = 0; a < 4; ++a) {
          sum += fine.values[std::size_t(4 * j + b) * 1197 + std::size_t(4 * i + a)];
        }
      }
      EXPECT_NEAR(coarse.values[std::size_t(j) * std::size_t(coarse.grid.nx) + std::size_t(i)],
                  sum / 16, 1e-3)
          << i << "," << j;
    }
  }
}

TEST(Elevation, BasinPolygonClipsTheDomain) {
  TempDir dir;
  Sample s;
  const std::string tif = dir.file("dem.tif");
  write_raster(tif, "GTiff", s.grid, s.z, utm11_wkt(), -9999);
  // Rectangle in UTM 11N over the western cells: x < 390040 (4 cell centres).
  const std::string basin = dir.write("basin.geojson",
                                      R"({"type":"FeatureCollection",
          "crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::32611"}},
          "features":[{"type":"Feature","properties":{},"geometry":{"type":"Polygon",
          "coordinates":[[[389990,3800010],[390040,3800010],[390040,3799890],
                          [389990,3799890],[389990,3800010]]]}}]})");
  ElevationOptions o;
  o.basin = basin;
  const Raster r = load_elevation(tif, o);
  for (int j = 0; j < s.grid.ny; ++j) {
    for (int i = 0; i < s.grid.nx; ++i) {
      const std::size_t k = std::size_t(j * s.grid.nx + i);
      const bool inside = s.grid.x_center(i) < 390040;
      if (inside && !std::isnan(s.z[k])) {
        EXPECT_EQ(r.values[k], s.z[k]) << i << "," << j;
      } else {
        EXPECT_TRUE(std::isnan(r.values[k])) << i << "," << j;
      }
    }
  }
}

TEST(Elevation, BasinInLonLatIsReprojected) {
  TempDir dir;
  ElevationOptions o;
  o.cell_size_x = 300;
  // West of 118.15 W only (the DEM spans about 118.35 W to 117.95 W).
  o.basin = dir.write("basin.geojson",
                      R"({"type":"FeatureCollection","features":[{"type":"Feature",
      "properties":{},"geometry":{"type":"Polygon","coordinates":[[[-118.5,34.0],
      [-118.15,34.0],[-118.15,34.6],[-118.5,34.6],[-118.5,34.0]]]}}]})");
  const Raster r = load_elevation(testing::demo_dem(), o);
  const auto& g = r.grid;
  // -118.15 deg at 34.3 N is about x = 393 500 m in UTM 11N.
  EXPECT_FALSE(std::isnan(r.values[std::size_t(g.ny / 2) * std::size_t(g.nx) + 5]));
  EXPECT_TRUE(
      std::isnan(r.values[std::size_t(g.ny / 2) * std::size_t(g.nx) + std::size_t(g.nx) - 5]));
  int first_nan = -1;
  for (int i = 0; i < g.nx; ++i) {
    if (std::isnan(r.values[std::size_t(g.ny / 2) * std::size_t(g.nx) + std::size_t(i)])) {
      first_nan = i;
      break;
    }
  }
  EXPECT_NEAR(g.x_center(first_nan), 393500, 1000);
}

TEST(RasterOnGrid, CoarserRasterIsResampledOntoTheGrid) {
  TempDir dir;
  Sample s;
  solver::Grid coarse = s.grid;
  coarse.nx = 7;
  coarse.ny = 5;
  coarse.dx = 20;
  coarse.dy = 40;
  std::vector<Real> v(coarse.cell_count());
  std::iota(v.begin(), v.end(), Real(1));
  write_raster(dir.file("c.tif"), "GTiff", coarse, v, utm11_wkt(), -9999);
  ReadOptions o;
  o.what = "manning raster";
  const std::vector<Real> on = read_raster_on_grid(dir.file("c.tif"), s.grid, utm11_wkt(), o);
  ASSERT_EQ(on.size(), s.grid.cell_count());
  for (int j = 0; j < s.grid.ny; ++j) {
    for (int i = 0; i < s.grid.nx; ++i) {
      EXPECT_EQ(on[std::size_t(j * 7 + i)], v[std::size_t((j / 2) * 7 + i / 2)]) << i << "," << j;
    }
  }
}

}  // namespace
}  // namespace floodtwin::terrain
