// Rain gauges, hyetographs and gridded rain: CSV parsing and its errors, unit conversion,
// IDW and Thiessen interpolation, missing values, and the rain volume a simulation receives.
#include <gdal_priv.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "solver/error.hpp"
#include "solver/simulation.hpp"
#include "terrain/gauges.hpp"
#include "terrain/interpolation.hpp"
#include "terrain/rainfall.hpp"
#include "terrain/raster.hpp"
#include "terrain_testing.hpp"

namespace floodtwin::terrain {
namespace {

using testing::TempDir;
constexpr Real nan = std::numeric_limits<Real>::quiet_NaN();

/// 20 x 15 cells of 100 m; stations at the centres of cells (2,3), (15,4), (7,12), (18,13).
solver::Grid gauge_grid() {
  solver::Grid g;
  g.nx = 20;
  g.ny = 15;
  g.dx = 100;
  g.dy = 100;
  g.origin_x = 1000;
  g.origin_y = 9000;
  return g;
}
const int station_i[] = {2, 15, 7, 18};
const int station_j[] = {3, 4, 12, 13};

std::string stations_csv(const solver::Grid& g) {
  std::ostringstream s;
  s.precision(12);
  s << "\xEF\xBB\xBF# rain gauges\nid,x,y,elevation\n";
  const char* ids[] = {"A", "B", "\"C\"", "D"};
  for (int k = 0; k < 4; ++k) {
    s << ids[k] << ", " << g.x_center(station_i[k]) << "," << g.y_center(station_j[k]) << ",0\r\n";
  }
  return s.str();
}

// Period-ending mm/h: intervals (-600, 0], (0, 600], (600, 1200], (1200, 1800].
const char* series_csv =
    "time,A,B,C,D\n"
    "2024-01-15T10:00:00Z,0,0,0,0\n"
    "2024-01-15T10:10:00Z,10,20,30,40\n"
    "2024-01-15 11:20+01:00,5,,NaN,2\n"
    "2024-01-15T10:30:00Z,1,2,3,4\n";

std::size_t cell(const solver::Grid& g, int i, int j) { return std::size_t(j * g.nx + i); }

template <class F>
void expect_error(F&& f, std::initializer_list<std::string> parts) {
  try {
    f();
    ADD_FAILURE() << "expected floodtwin::Error";
  } catch (const Error& e) {
    for (const auto& p : parts) {
      EXPECT_NE(std::string(e.what()).find(p), std::string::npos)
          << "'" << p << "' not in: " << e.what();
    }
  }
}

TEST(Gauges, StationTableAndSeriesAreRead) {
  TempDir dir;
  const auto g = gauge_grid();
  const auto st = read_stations(dir.write("st.csv", stations_csv(g)));
  ASSERT_EQ(st.size(), 4u);
  EXPECT_EQ(st[2].id, "C");
  EXPECT_DOUBLE_EQ(st[1].x, g.x_center(15));
  EXPECT_EQ(st[0].line, 3);
  const SeriesTable s = read_series(dir.write("rain.csv", series_csv));
  EXPECT_TRUE(s.timestamps);
  ASSERT_EQ(s.times.size(), 4u);
  EXPECT_EQ(s.times[0], 0);
  EXPECT_EQ(s.times[2], 1200);
  EXPECT_EQ(s.lines[3], 5);
  EXPECT_TRUE(std::isnan(s.values[2][1]));
  EXPECT_TRUE(std::isnan(s.values[2][2]));
  SeriesOptions o;
  o.origin = "2024-01-15T09:00:00Z";
  EXPECT_EQ(read_series(dir.file("rain.csv"), o).times[0], 3600);
  const SeriesTable semi = read_series(dir.write("semi.csv", "t;A;B\n0;1;\n300;2;3\n"));
  EXPECT_EQ(semi.columns, (std::vector<std::string>{"A", "B"}));
  EXPECT_TRUE(std::isnan(semi.values[0][1]));
  EXPECT_EQ(semi.values[1][1], 3);
  const SeriesTable tabs = read_series(dir.write("tabs.csv", "t\tA\n0\t1\n300\t2\n"));
  EXPECT_EQ(tabs.values[1][0], 2);
  const SeriesTable secs = read_series(dir.write("secs.csv", "t,A\n0,1\n300.5,2\n"));
  EXPECT_FALSE(secs.timestamps);
  EXPECT_EQ(secs.times[1], Real(300.5));
}

TEST(Gauges, ErrorsNameFileLineAndColumn) {
  TempDir dir;
  const std::string st = dir.write("st.csv", "id,x,y\nA,1,2\nB,3,abc\n");
  expect_error([&] { read_stations(st); }, {st, "line 3", "column 'y'", "'abc'"});
  const std::string dup = dir.write("dup.csv", "id,x,y\nA,1,2\n\nA,3,4\n");
  expect_error([&] { read_stations(dup); }, {dup, "line 4", "'A'", "line 2"});
  const std::string nox = dir.write("nox.csv", "id,east,y\nA,1,2\n");
  expect_error([&] { read_stations(nox); }, {nox, "line 1", "'x'"});
  const std::string cols = dir.write("cols.csv", "t,A,B\n0,1,2\n60,1\n");
  expect_error([&] { read_series(cols); }, {cols, "line 3", "expected 3 columns"});
  const std::string order = dir.write("order.csv", "t,A\n0,1\n60,1\n60,2\n");
  expect_error([&] { read_series(order); }, {order, "line 4", "increase"});
  const std::string neg = dir.write("neg.csv", "t,A,B\n0,1,2\n60,1,-3\n");
  expect_error([&] { read_series(neg); }, {neg, "line 3", "column 'B'", "-3"});
  const std::string date = dir.write("date.csv", "t,A\n2024-01-01T00:00,1\n2024-01-01T00:61,1\n");
  expect_error([&] { read_series(date); }, {date, "line 3", "column 't'", "ISO-8601"});
  const std::string missing = dir.file("nothing.csv");
  expect_error([&] { read_series(missing); }, {missing});
  const auto g = gauge_grid();
  const auto stations = read_stations(dir.write("good.csv", stations_csv(g)));
  const std::string unknown = dir.write("unknown.csv", "t,A,Z\n0,1,2\n60,1,2\n");
  expect_error([&] { RainfallField::from_gauges(g, stations, read_series(unknown)); },
               {unknown, "column 'Z'", "A, B, C, D"});
  const std::string none = dir.write("none.csv", "t,A,B\n0,1,2\n60,,\n120,1,1\n");
  expect_error([&] { RainfallField::from_gauges(g, stations, read_series(none)); },
               {none, "line 3", "no station"});
  const std::string hyeto = dir.write("h.csv", "t,rain\n0,1\n60,\n");
  expect_error([&] { RainfallField::uniform(g, read_series(hyeto)); }, {hyeto, "line 3"});
}

TEST(Interpolation, IdwReproducesStationValuesAndStaysWithinRange) {
  TempDir dir;
  const auto g = gauge_grid();
  const auto stations = read_stations(dir.write("st.csv", stations_csv(g)));
  const auto series = read_series(dir.write("rain.csv", series_csv));
  for (Real power : {Real(1), Real(2), Real(3.5)}) {
    GaugeRainOptions o;
    o.idw_power = power;
    const RainfallField rain = RainfallField::from_gauges(g, stations, series, o);
    const auto f = rain.rate_at(300);  // interval (0, 600]: 10, 20, 30, 40 mm/h
    for (int k = 0; k < 4; ++k) {
      EXPECT_EQ(f[cell(g, station_i[k], station_j[k])],
                rain_to_m_per_s(Real(10 * (k + 1)), RainUnits::mm_per_hour, 600));
    }
    for (Real v : f) {
      EXPECT_GE(v, Real(10) / Real(3.6e6) * (1 - 1e-12));
      EXPECT_LE(v, Real(40) / Real(3.6e6) * (1 + 1e-12));
    }
  }
}

/// Index of the station nearest to cell (i, j) among `use`, by brute force.
int nearest(const solver::Grid& g, int i, int j, std::initializer_list<int> use) {
  int best = -1;
  double best_d = 1e300;
  for (int k : use) {
    const double dx = g.x_center(i) - g.x_center(station_i[k]);
    const double dy = g.y_center(j) - g.y_center(station_j[k]);
    if (dx * dx + dy * dy < best_d) {
      best_d = dx * dx + dy * dy;
      best = k;
    }
  }
  return best;
}

TEST(Interpolation, ThiessenIsPiecewiseConstantNearestStation) {
  TempDir dir;
  const auto g = gauge_grid();
  const auto stations = read_stations(dir.write("st.csv", stations_csv(g)));
  GaugeRainOptions o;
  o.interpolation = Interpolation::thiessen;
  const RainfallField rain =
      RainfallField::from_gauges(g, stations, read_series(dir.write("r.csv", series_csv)), o);
  // Interval [0, 600): 10, 20, 30, 40 mm/h at A, B, C, D.
  const auto f = rain.rate_at(300);
  for (int j = 0; j < g.ny; ++j) {
    for (int i = 0; i < g.nx; ++i) {
      const int k = nearest(g, i, j, {0, 1, 2, 3});
      ASSERT_EQ(f[cell(g, i, j)], rain_to_m_per_s(Real(10 * (k + 1)), RainUnits::mm_per_hour, 0))
          << i << "," << j;
    }
  }
  EXPECT_EQ(std::set<Real>(f.begin(), f.end()).size(), 4u);
  // Interval [600, 1200): B and C missing -> each cell takes the nearer of A (5) and D (2).
  const auto m = rain.rate_at(900);
  for (int j = 0; j < g.ny; ++j) {
    for (int i = 0; i < g.nx; ++i) {
      const int k = nearest(g, i, j, {0, 3});
      ASSERT_EQ(m[cell(g, i, j)], rain_to_m_per_s(k == 0 ? 5 : 2, RainUnits::mm_per_hour, 0));
    }
  }
}

TEST(Interpolation, MissingStationsAreSkippedAndFallbackUsed) {
  TempDir dir;
  const auto g = gauge_grid();
  const auto stations = read_stations(dir.write("st.csv", stations_csv(g)));
  const RainfallField rain =
      RainfallField::from_gauges(g, stations, read_series(dir.write("r.csv", series_csv)));
  const auto f = rain.rate_at(900);  // A = 5, D = 2 mm/h; B, C missing
  for (int j = 0; j < g.ny; j += 3) {
    for (int i = 0; i < g.nx; i += 4) {
      auto d2 = [&](int k) {
        const double dx = g.x_center(i) - g.x_center(station_i[k]);
        const double dy = g.y_center(j) - g.y_center(station_j[k]);
        return dx * dx + dy * dy;
      };
      const double wa = 1 / d2(0), wd = 1 / d2(3);
      const double want = (wa * 5 + wd * 2) / (wa + wd) / 3.6e6;
      EXPECT_NEAR(f[cell(g, i, j)], want, 1e-12 * want) << i << "," << j;
    }
  }
  const std::string none = dir.write("none.csv", "t,A,B\n0,1,2\n60,,\n120,1,1\n");
  GaugeRainOptions o;
  o.fallback_rate = Real(1e-6);
  const RainfallField fb = RainfallField::from_gauges(g, stations, read_series(none), o);
  for (Real v : fb.rate_at(30)) ASSERT_EQ(v, Real(1e-6));
}

TEST(Rainfall, UniformHyetographIsUniformAndTimed) {
  TempDir dir;
  const auto g = gauge_grid();
  // mm per interval, period-ending: 0 in (-300, 0], 3 mm in (0, 300], 6 mm in (300, 600].
  const RainfallField rain =
      RainfallField::uniform(g, read_series(dir.write("h.csv", "time,rain\n0,0\n300,3\n600,6\n")),
                             RainUnits::mm_per_interval);
  EXPECT_EQ(rain.bounds(), (std::vector<Real>{-300, 0, 300, 600}));
  for (Real v : rain.rate_at(100)) ASSERT_DOUBLE_EQ(v, 1e-5);
  for (Real v : rain.rate_at(300)) ASSERT_DOUBLE_EQ(v, 2e-5);
  for (Real v : rain.rate_at(600)) ASSERT_EQ(v, 0);
  for (Real v : rain.rate_at(-1000)) ASSERT_EQ(v, 0);
  EXPECT_EQ(rain.next_change(0), 300);
  EXPECT_EQ(rain.next_change(450), 600);
  EXPECT_TRUE(std::isinf(rain.next_change(600)));
  for (Real d : rain.depth_between(0, 600)) ASSERT_NEAR(d, 0.009, 1e-15);
  const RainfallField direct = RainfallField::uniform(g, {0, 300, 600}, {Real(1e-5), Real(2e-5)});
  for (Real v : direct.depth_between(-100, 1000)) ASSERT_NEAR(v, 0.009, 1e-15);
  expect_error([&] { RainfallField::uniform(g, {0, 300, 300}, {1, 2}); }, {"bound 2"});
  expect_error([&] { RainfallField::uniform(g, {0, 300}, {-1}); }, {"rate 0", "-1"});
  const RainfallField begin = RainfallField::uniform(
      g, read_series(dir.file("h.csv")), RainUnits::mm_per_interval, RainTiming::period_beginning);
  EXPECT_EQ(begin.bounds(), (std::vector<Real>{0, 300, 600, 900}));
  for (Real v : begin.rate_at(100)) ASSERT_EQ(v, 0);
}

TEST(Rainfall, ScaledKeepsIntervalsAndRuleAndMultipliesEveryRate) {
  const auto g = gauge_grid();
  auto base = std::make_shared<RainfallField>(
      RainfallField::uniform(g, {0, 300, 600}, {Real(1e-5), Real(2e-5)}));
  base->set_after_end(floodtwin::solver::AfterEnd::hold, "test rain");
  const RainfallField x = RainfallField::scaled(base, Real(1.5));
  EXPECT_EQ(x.bounds(), base->bounds());
  EXPECT_EQ(x.after_end(), floodtwin::solver::AfterEnd::hold);
  for (const Real t : {Real(-10), Real(0), Real(299), Real(300), Real(599), Real(5000)}) {
    const auto a = base->rate_at(t);
    const auto b = x.rate_at(t);
    for (std::size_t c = 0; c < a.size(); ++c) ASSERT_EQ(b[c], a[c] * Real(1.5)) << "t = " << t;
  }
  for (Real d : x.depth_between(0, 600)) ASSERT_NEAR(d, 1.5 * 0.009, 1e-15);
  EXPECT_EQ(x.next_change(0), 300);
  expect_error([&] { (void)RainfallField::scaled(base, Real(-1)); }, {"finite and >= 0"});
  expect_error([&] { (void)RainfallField::scaled(nullptr, Real(1)); }, {"no field"});
}

TEST(Rainfall, GriddedRastersAndStacksAreResampledOntoTheGrid) {
  TempDir dir;
  const auto g = gauge_grid();
  solver::Grid coarse = g;
  coarse.nx = 10;
  coarse.ny = 8;  // covers 800 m more to the south than the grid: fine
  coarse.dx = coarse.dy = 200;
  std::vector<std::string> paths;
  GDALAllRegister();
  GDALDriver* gtiff = GetGDALDriverManager()->GetDriverByName("GTiff");
  GDALDatasetUniquePtr stack(
      gtiff->Create(dir.file("stack.tif").c_str(), coarse.nx, coarse.ny, 3, GDT_Float32, nullptr));
  const auto gt = geotransform_of(coarse);
  stack->SetGeoTransform(const_cast<double*>(gt.data()));
  for (int b = 0; b < 3; ++b) {
    std::vector<Real> v(coarse.cell_count());
    for (std::size_t k = 0; k < v.size(); ++k) v[k] = Real(b + 1) * Real(1 + k % 3);
    paths.push_back(dir.file("r" + std::to_string(b) + ".tif"));
    write_raster(paths.back(), "GTiff", coarse, v, "", -1);
    std::vector<float> f(v.begin(), v.end());
    ASSERT_EQ(stack->GetRasterBand(b + 1)->RasterIO(GF_Write, 0, 0, coarse.nx, coarse.ny, f.data(),
                                                    coarse.nx, coarse.ny, GDT_Float32, 0, 0),
              CE_None);
  }
  stack.reset();
  GriddedRainOptions o;
  o.units = RainUnits::mm_per_interval;
  o.resampling = "near";
  std::vector<RasterBand> bands;
  for (const auto& p : paths) bands.push_back(RasterBand{p, 1});
  const RainfallField files = RainfallField::from_rasters(g, "", {600, 1200, 1800}, bands, o);
  const RainfallField bandwise =
      RainfallField::from_stack(g, "", dir.file("stack.tif"), {600, 1200, 1800}, o);
  for (Real t : {Real(100), Real(700), Real(1300)}) {
    const auto a = files.rate_at(t);
    const auto b = bandwise.rate_at(t);
    const int band = t < 600 ? 0 : t < 1200 ? 1 : 2;
    for (int j = 0; j < g.ny; ++j) {
      for (int i = 0; i < g.nx; ++i) {
        const std::size_t kc = std::size_t((j / 2) * coarse.nx + i / 2);
        const Real want = Real(band + 1) * Real(1 + kc % 3) / Real(1000 * 600);
        ASSERT_DOUBLE_EQ(a[cell(g, i, j)], want) << i << "," << j << " t " << t;
        ASSERT_DOUBLE_EQ(b[cell(g, i, j)], want);
      }
    }
  }
  expect_error(
      [&] {
        RainfallField::from_stack(g, "", dir.file("stack.tif"), {600, 1200}, o);
      },
      {dir.file("stack.tif"), "3 band(s) for 2 time(s)"});
  // A grid reaching beyond the rasters: no-data cells are an error unless asked otherwise.
  solver::Grid wide = g;
  wide.nx = 30;
  const RainfallField outside = RainfallField::from_rasters(wide, "", {600, 1200, 1800}, bands, o);
  expect_error([&] { (void)outside.rate_at(100); }, {paths[0], "band 1", "no data"});
  o.nodata_as_zero = true;
  const auto zero = RainfallField::from_rasters(wide, "", {600, 1200, 1800}, bands, o).rate_at(100);
  EXPECT_EQ(zero[29], 0);
}

TEST(Rainfall, NetcdfStackWithTimeDimension) {
  TempDir dir;
  const auto g = gauge_grid();
  GDALAllRegister();
  GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("MEM");
  GDALDatasetUniquePtr src(mem->Create("", g.nx, g.ny, 3, GDT_Float32, nullptr));
  const auto gt = geotransform_of(g);
  src->SetGeoTransform(const_cast<double*>(gt.data()));
  for (int b = 1; b <= 3; ++b) {
    std::vector<float> v(g.cell_count(), float(6 * b));
    ASSERT_EQ(src->GetRasterBand(b)->RasterIO(GF_Write, 0, 0, g.nx, g.ny, v.data(), g.nx, g.ny,
                                              GDT_Float32, 0, 0),
              CE_None);
    src->GetRasterBand(b)->SetMetadataItem("NETCDF_DIM_time", std::to_string(10 * b).c_str());
  }
  src->SetMetadataItem("NETCDF_DIM_EXTRA", "{time}");
  src->SetMetadataItem("NETCDF_DIM_time_DEF", "{3,6}");
  src->SetMetadataItem("NETCDF_DIM_time_VALUES", "{10,20,30}");
  src->SetMetadataItem("time#units", "minutes since 2024-01-15 10:00:00");
  const std::string nc = dir.file("radar.nc");
  GDALDatasetUniquePtr out(GetGDALDriverManager()->GetDriverByName("netCDF")->CreateCopy(
      nc.c_str(), src.get(), FALSE, nullptr, nullptr, nullptr));
  ASSERT_TRUE(out);
  out.reset();
  EXPECT_EQ(raster_band_times(nc), (std::vector<Real>{0, 600, 1200}));
  const auto times = raster_band_times(nc, "2024-01-15T10:00:00Z");
  EXPECT_EQ(times, (std::vector<Real>{600, 1200, 1800}));
  GriddedRainOptions o;
  o.units = RainUnits::mm_per_interval;
  const RainfallField rain = RainfallField::from_stack(g, "", nc, times, o);
  for (Real v : rain.rate_at(1000)) ASSERT_DOUBLE_EQ(v, 12.0 / (1000 * 600));
  expect_error([&] { raster_band_times(dir.file("radar.nc") + ".missing"); }, {"radar.nc"});
  // A netCDF file with two variables has subdatasets, not bands: the error names them.
  const std::string nc2 = dir.file("two.nc");
  {
    GDALDriver* netcdf = GetGDALDriverManager()->GetDriverByName("netCDF");
    GDALDatasetUniquePtr md(netcdf->CreateMultiDimensional(nc2.c_str(), nullptr, nullptr));
    ASSERT_TRUE(md);
    auto root = md->GetRootGroup();
    auto dy = root->CreateDimension("y", "", "", 3, nullptr);
    auto dx = root->CreateDimension("x", "", "", 4, nullptr);
    for (const char* name : {"first", "second"}) {
      ASSERT_TRUE(
          root->CreateMDArray(name, {dy, dx}, GDALExtendedDataType::Create(GDT_Float32), nullptr));
    }
  }
  expect_error([&] { raster_band_count(nc2); }, {nc2, "subdatasets", "NETCDF:"});
}

TEST(Rainfall, LonLatStationsAreConvertedToTheDemCrs) {
  TempDir dir;
  auto st = read_stations(dir.write("st.csv", "id,lon,lat\nX,-118.15,34.3\n"));
  const Raster dem = load_elevation(testing::demo_dem());
  transform_stations(st, dem.crs_wkt, "EPSG:4326", dir.file("st.csv"));
  EXPECT_NEAR(st[0].x, 394172.17, 0.1);  // gdaltransform -s_srs EPSG:4326 -t_srs EPSG:32611
  EXPECT_NEAR(st[0].y, 3796018.74, 0.1);
  expect_error([&] { transform_stations(st, dem.crs_wkt, "EPSG:999999", "st.csv"); },
               {"st.csv", "EPSG:999999"});
}

/// The demo basin's synthetic gauges load onto the demo DEM; the basin-average storm depth
/// lies between the smallest and the largest station total.
TEST(Rainfall, DemoGaugesLoadOntoTheDemoDem) {
  const std::string dir =
      std::string(testing::demo_dem()).substr(0, std::string(testing::demo_dem()).rfind('/') + 1);
  ElevationOptions eo;
  eo.cell_size_x = 300;
  const Raster dem = load_elevation(testing::demo_dem(), eo);
  const auto stations = read_stations(dir + "stations.csv");
  const auto series = read_series(dir + "rain.csv");
  ASSERT_EQ(stations.size(), 5u);
  ASSERT_EQ(series.columns.size(), 5u);
  EXPECT_TRUE(series.timestamps);
  EXPECT_EQ(series.times.back(), 3 * 3600);
  const auto& g = dem.grid;
  std::vector<double> totals(5, 0);
  for (std::size_t k = 1; k < series.times.size(); ++k) {
    for (std::size_t c = 0; c < 5; ++c) {
      if (!std::isnan(series.values[k][c])) totals[c] += series.values[k][c] / 6;  // mm
    }
  }
  for (const auto& s : stations) {
    EXPECT_GT(s.x, g.origin_x);
    EXPECT_LT(s.x, g.origin_x + g.nx * g.dx);
    EXPECT_GT(s.y, g.origin_y - g.ny * g.dy);
    EXPECT_LT(s.y, g.origin_y);
  }
  for (Interpolation m : {Interpolation::idw, Interpolation::thiessen}) {
    GaugeRainOptions o;
    o.interpolation = m;
    const auto rain = RainfallField::from_gauges(g, stations, series, o);
    const auto depth = rain.depth_between(0, 3 * 3600);
    double mean = 0;
    for (Real d : depth) mean += d;
    mean = mean / double(depth.size()) * 1000;  // mm
    EXPECT_GT(mean, *std::min_element(totals.begin(), totals.end()));
    EXPECT_LT(mean, *std::max_element(totals.begin(), totals.end()));
  }
  EXPECT_NEAR(totals[0], 27, 1);
  EXPECT_NEAR(totals[2], 53, 2);
}

/// Total rain a simulation receives from a gauge field equals the field integrated in time
/// over the active cells of the basin (Big Tujunga at 600 m, closed boundaries).
TEST(Rainfall, SimulationReceivesTheIntegratedFieldVolume) {
  TempDir dir;
  ElevationOptions eo;
  eo.cell_size_x = 600;
  eo.resampling = "average";
  const Raster dem = load_elevation(testing::demo_dem(), eo);
  auto stations = read_stations(dir.write("st.csv",
                                          "id,lon,lat\n"
                                          "upper,-118.05,34.28\n"
                                          "middle,-118.15,34.30\n"
                                          "ridge,-118.10,34.36\n"
                                          "outlet,-118.25,34.33\n"));
  transform_stations(stations, dem.crs_wkt, "EPSG:4326", dir.file("st.csv"));
  const SeriesTable series = read_series(dir.write("rain.csv",
                                                   "time,upper,middle,ridge,outlet\n"
                                                   "0,0,0,0,0\n"
                                                   "300,12,8,20,4\n"
                                                   "600,30,,45,10\n"
                                                   "900,18,12,,6\n"
                                                   "1200,5,3,8,\n"));
  for (Interpolation method : {Interpolation::idw, Interpolation::thiessen}) {
    GaugeRainOptions o;
    o.interpolation = method;
    const RainfallField rain = RainfallField::from_gauges(dem.grid, stations, series, o);
    solver::SolverConfig config;
    config.max_dt = 60;  // the rain volume is exact for any step; long steps keep it quick
    solver::Simulation sim(dem.grid, dem.values, config);
    sim.set_manning(Real(0.05));
    const Real t_end = 1500;  // 5 min past the storm
    for (Real t = 0; t < t_end;) {
      sim.set_rain_rate(rain.rate_at(t));
      const Real t_next = std::min(t_end, rain.next_change(t));
      sim.advance_to(t_next);
      t = t_next;
    }
    const auto depth = rain.depth_between(0, t_end);
    double expected = 0;
    for (std::size_t k = 0; k < depth.size(); ++k) {
      if (std::isfinite(dem.values[k])) expected += double(depth[k]);
    }
    expected *= double(dem.grid.dx) * double(dem.grid.dy);
    const auto mb = sim.mass_balance();
    EXPECT_NEAR(mb.rain_in, expected, 1e-9 * expected);
    EXPECT_LT(mb.relative_error(), 1e-10);
    // Order of magnitude: about 4 mm of basin-average rain over 690 km2 is ~3e6 m3.
    EXPECT_GT(expected, 2e6);
    EXPECT_LT(expected, 4e6);
  }
}

}  // namespace
}  // namespace floodtwin::terrain
