// The VTK time series read back with VTK's own readers give the numbers of the results file;
// the .pvd lists every output time; time and field arguments fail with clear errors.
#include <gtest/gtest.h>
#include <vtkDataArray.h>
#include <vtkDataSetAttributes.h>
#include <vtkFieldData.h>
#include <vtkNew.h>
#include <vtkPointData.h>
#include <vtkPolyData.h>
#include <vtkStringArray.h>
#include <vtkStructuredGrid.h>
#include <vtkUnsignedCharArray.h>
#include <vtkXMLPolyDataReader.h>
#include <vtkXMLStructuredGridReader.h>

#include <cmath>
#include <fstream>
#include <numbers>
#include <sstream>

#include "io/results_reader.hpp"
#include "solver/error.hpp"
#include "viz/colour_maps.hpp"
#include "viz/results_source.hpp"
#include "viz/vtk_series.hpp"
#include "viz_testing.hpp"

namespace ft = floodtwin::testing;
namespace viz = floodtwin::viz;
namespace fs = std::filesystem;
using floodtwin::ConfigError;
using floodtwin::InputError;

namespace {

constexpr double z_scale = 3;

/// Converts the test results as `floodtwin vtk` does.
void convert(const fs::path& results, const fs::path& dir) {
  const viz::ResultsSource source(results);
  viz::VtkOptions options;
  options.z_scale = z_scale;
  viz::VtkSeries series(dir, source.basin(), options);
  for (std::size_t k = 0; k < source.times().size(); ++k) series.write(source.snapshot(k));
  series.write_peaks(source.peaks());
}

vtkSmartPointer<vtkStructuredGrid> read_vts(const fs::path& path) {
  vtkNew<vtkXMLStructuredGridReader> reader;
  reader->SetFileName(path.string().c_str());
  reader->Update();
  vtkSmartPointer<vtkStructuredGrid> grid = reader->GetOutput();
  EXPECT_NE(grid, nullptr);
  return grid;
}

/// Expects the VTK array to hold `values` (row 0 north) at the cell-centre points.
void expect_field(vtkStructuredGrid* grid, const char* name, const std::vector<double>& values,
                  const floodtwin::solver::Grid& g) {
  vtkDataArray* a = grid->GetPointData()->GetArray(name);
  ASSERT_NE(a, nullptr) << name;
  ASSERT_EQ(a->GetNumberOfTuples(), static_cast<vtkIdType>(g.cell_count())) << name;
  int mismatches = 0;
  for (int j = 0; j < g.ny; ++j) {
    for (int i = 0; i < g.nx; ++i) {
      const double want = static_cast<float>(values[static_cast<std::size_t>(j * g.nx + i)]);
      const double got = a->GetTuple1(static_cast<vtkIdType>(g.ny - 1 - j) * g.nx + i);
      if (!(std::isnan(want) ? std::isnan(got) : got == want)) ++mismatches;
    }
  }
  EXPECT_EQ(mismatches, 0) << name;
}

}  // namespace

TEST(VizVtk, SnapshotsMatchTheResultsFile) {
  ft::VizTempDir tmp("vtk");
  const fs::path results = tmp / "run.h5";
  ft::write_viz_results(results);
  convert(results, tmp / "vtk");

  const floodtwin::io::ResultsReader r(results);
  const std::vector<double> times = r.times();
  ASSERT_EQ(times.size(), 4U);
  const floodtwin::solver::Grid g = ft::viz_grid();
  const std::vector<double> z = r.read("elevation");
  std::size_t wet_seen = 0;
  for (std::size_t k = 0; k < times.size(); ++k) {
    char name[32];
    std::snprintf(name, sizeof name, "flood_%04zu.vts", k);
    vtkSmartPointer<vtkStructuredGrid> grid = read_vts(tmp / "vtk" / name);
    int dims[3];
    grid->GetDimensions(dims);
    ASSERT_EQ(dims[0], g.nx);
    ASSERT_EQ(dims[1], g.ny);
    ASSERT_EQ(dims[2], 1);
    vtkDataArray* time_value = grid->GetFieldData()->GetArray("TimeValue");
    ASSERT_NE(time_value, nullptr);
    EXPECT_EQ(time_value->GetTuple1(0), times[k]);
    auto* crs = vtkStringArray::SafeDownCast(grid->GetFieldData()->GetAbstractArray("crs_wkt"));
    ASSERT_NE(crs, nullptr);
    EXPECT_NE(crs->GetValue(0).find("UTM zone 11N"), std::string::npos);
    const auto depth = r.read_snapshot("depth", k);
    const auto level = r.read_snapshot("water_level", k);
    const auto u = r.read_snapshot("velocity_x", k);
    const auto v = r.read_snapshot("velocity_y", k);
    expect_field(grid, "depth", depth, g);
    expect_field(grid, "water_level", level, g);
    expect_field(grid, "elevation", z, g);
    vtkDataArray* velocity = grid->GetPointData()->GetArray("velocity");
    vtkDataArray* speed = grid->GetPointData()->GetArray("speed");
    vtkDataArray* hazard = grid->GetPointData()->GetArray("hazard");
    vtkDataArray* wet = grid->GetPointData()->GetArray("wet");
    vtkUnsignedCharArray* ghosts = grid->GetPointGhostArray();
    ASSERT_TRUE(velocity && speed && hazard && wet && ghosts);
    ASSERT_EQ(velocity->GetNumberOfComponents(), 3);
    for (int j = 0; j < g.ny; ++j) {
      for (int i = 0; i < g.nx; ++i) {
        const auto c = static_cast<std::size_t>(j * g.nx + i);
        const vtkIdType p = static_cast<vtkIdType>(g.ny - 1 - j) * g.nx + i;
        double xyz[3];
        grid->GetPoint(p, xyz);
        ASSERT_EQ(xyz[0], g.x_center(i));
        ASSERT_EQ(xyz[1], g.y_center(j));
        const bool active = !std::isnan(z[c]);
        ASSERT_EQ(active, (ghosts->GetValue(p) & vtkDataSetAttributes::HIDDENPOINT) == 0);
        if (!active) continue;
        const bool is_wet = depth[c] > 1e-3;
        wet_seen += is_wet ? 1 : 0;
        ASSERT_EQ(wet->GetTuple1(p), is_wet ? 1.0 : 0.0);
        ASSERT_NEAR(xyz[2], (is_wet ? level[c] : z[c]) * z_scale, 1e-9);
        const double* w = velocity->GetTuple3(p);
        ASSERT_EQ(w[0], static_cast<float>(u[c]));
        ASSERT_EQ(w[1], static_cast<float>(v[c]));
        ASSERT_EQ(w[2], 0.0);
        const double s = std::hypot(u[c], v[c]);
        ASSERT_NEAR(speed->GetTuple1(p), s, 1e-6 * (1 + s));
        const double hr = depth[c] > 0 ? depth[c] * (s + 0.5) + (depth[c] > 0.25 ? 1.0 : 0.0) : 0;
        ASSERT_NEAR(hazard->GetTuple1(p), hr, 1e-5 * (1 + hr));
      }
    }
  }
  EXPECT_GT(wet_seen, 400U);  // the pond is there

  // Peak maps.
  vtkSmartPointer<vtkStructuredGrid> peaks = read_vts(tmp / "vtk" / "max.vts");
  for (const char* name : {"max_depth", "max_speed", "max_water_level", "time_of_max_depth",
                           "arrival_time", "flood_duration", "max_hazard"}) {
    expect_field(peaks, name, r.read(name), g);
  }

  // Terrain surface: z = elevation x z_scale.
  vtkSmartPointer<vtkStructuredGrid> terrain = read_vts(tmp / "vtk" / "terrain.vts");
  expect_field(terrain, "elevation", z, g);
  double xyz[3];
  terrain->GetPoint(static_cast<vtkIdType>(g.ny - 1 - 10) * g.nx + 7, xyz);
  EXPECT_NEAR(xyz[2], z[static_cast<std::size_t>(10 * g.nx + 7)] * z_scale, 1e-9);
}

namespace {

std::string bytes_of(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

/// The DataSets of DIR/flood.pvd: (timestep, file).
std::vector<std::pair<double, std::string>> pvd_entries(const fs::path& dir) {
  // Parsed by hand: GCC 12 warns falsely inside <regex> under the sanitizers.
  const std::string pvd = bytes_of(dir / "flood.pvd");
  auto attribute = [&](std::size_t from, const std::string& key) {
    const std::size_t a = pvd.find(key + "=\"", from) + key.size() + 2;
    return pvd.substr(a, pvd.find('"', a) - a);
  };
  std::vector<std::pair<double, std::string>> out;
  for (std::size_t at = pvd.find("<DataSet"); at != std::string::npos;
       at = pvd.find("<DataSet", at + 1)) {
    out.emplace_back(std::stod(attribute(at, "timestep")), attribute(at, "file"));
  }
  return out;
}

}  // namespace

TEST(VizVtk, CollectionListsEveryTimeAndGaugesHaveNames) {
  ft::VizTempDir tmp("pvd");
  const fs::path results = tmp / "run.h5";
  ft::write_viz_results(results);
  convert(results, tmp / "vtk");
  const std::vector<double> times = floodtwin::io::ResultsReader(results).times();

  const auto listed = pvd_entries(tmp / "vtk");
  for (const auto& [t, file] : listed) EXPECT_TRUE(fs::exists(tmp / "vtk" / file)) << file;
  ASSERT_EQ(listed.size(), times.size());
  for (std::size_t k = 0; k < times.size(); ++k) EXPECT_DOUBLE_EQ(listed[k].first, times[k]);

  vtkNew<vtkXMLPolyDataReader> reader;
  reader->SetFileName((tmp / "vtk" / "gauges.vtp").string().c_str());
  reader->Update();
  vtkPolyData* gauges = reader->GetOutput();
  ASSERT_EQ(gauges->GetNumberOfPoints(), 2);
  auto* names = vtkStringArray::SafeDownCast(gauges->GetPointData()->GetAbstractArray("name"));
  ASSERT_NE(names, nullptr);
  EXPECT_EQ(names->GetValue(0), "pond");
  EXPECT_EQ(names->GetValue(1), "valley exit");
  double xyz[3];
  gauges->GetPoint(1, xyz);
  EXPECT_EQ(xyz[0], 500187.5);
  EXPECT_EQ(xyz[1], 4200072.5);
}

TEST(VizVtk, ResumeKeepsTheEarlierTimesAndNumbersOn) {
  ft::VizTempDir tmp("resume");
  const fs::path results = tmp / "run.h5";
  ft::write_viz_results(results);
  const viz::ResultsSource source(results);
  const std::vector<double> times = source.times();
  ASSERT_EQ(times.size(), 4U);
  const fs::path dir = tmp / "vtk";
  {
    // The interrupted run: outputs up to 20 s.
    viz::VtkSeries series(dir, source.basin());
    for (std::size_t k = 0; k < 3; ++k) series.write(source.snapshot(k));
  }
  const std::string first = bytes_of(dir / "flood_0000.vts");
  {
    // Resumed at 10 s (a checkpoint there): the output at 20 s is written again.
    viz::VtkOptions options;
    options.resume_time = times[1] * (1 - 1e-12);
    viz::VtkSeries series(dir, source.basin(), options);
    EXPECT_EQ(series.steps(), 2U);
    EXPECT_EQ(pvd_entries(dir).size(), 2U);  // flood.pvd lists the kept times at once
    for (std::size_t k = 2; k < times.size(); ++k) series.write(source.snapshot(k));
    series.write_peaks(source.peaks());
  }
  const auto entries = pvd_entries(dir);
  ASSERT_EQ(entries.size(), times.size());
  for (std::size_t k = 0; k < times.size(); ++k) {
    char name[32];
    std::snprintf(name, sizeof name, "flood_%04zu.vts", k);
    EXPECT_EQ(entries[k].first, times[k]);
    EXPECT_EQ(entries[k].second, name);
    vtkSmartPointer<vtkStructuredGrid> grid = read_vts(dir / name);
    vtkDataArray* time_value = grid->GetFieldData()->GetArray("TimeValue");
    ASSERT_NE(time_value, nullptr);
    EXPECT_EQ(time_value->GetTuple1(0), times[k]) << name;
  }
  EXPECT_EQ(bytes_of(dir / "flood_0000.vts"), first);  // kept, not rewritten

  // A listed file that is gone is dropped, and numbering goes on after the highest kept one.
  fs::remove(dir / "flood_0001.vts");
  viz::VtkOptions options;
  options.resume_time = times[2];
  viz::VtkSeries series(dir, source.basin(), options);
  EXPECT_EQ(series.steps(), 2U);
  series.write(source.snapshot(3));
  const auto after = pvd_entries(dir);
  ASSERT_EQ(after.size(), 3U);
  EXPECT_EQ(after[0].second, "flood_0000.vts");
  EXPECT_EQ(after[1].second, "flood_0002.vts");
  EXPECT_EQ(after[2].second, "flood_0003.vts");
  EXPECT_EQ(after[2].first, times[3]);

  // Without resume_time a series starts afresh.
  viz::VtkSeries fresh(dir, source.basin());
  EXPECT_EQ(fresh.steps(), 0U);
}

TEST(VizArguments, TimesAndFields) {
  const std::vector<double> times{0, 10, 20, 30};
  EXPECT_TRUE(viz::choose_time("max", times, "f.h5").peak);
  EXPECT_EQ(viz::choose_time("END", times, "f.h5").index, 3U);
  EXPECT_EQ(viz::choose_time("20", times, "f.h5").index, 2U);
  EXPECT_EQ(viz::choose_time("10s", times, "f.h5").index, 1U);
  EXPECT_EQ(viz::choose_time("0.5min", times, "f.h5").index, 3U);
  EXPECT_EQ(viz::choose_time("00:00:20", times, "f.h5").index, 2U);
  auto message = [&](const std::string& arg) {
    try {
      (void)viz::choose_time(arg, times, "f.h5");
    } catch (const floodtwin::Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_THROW((void)viz::choose_time("soon", times, "f.h5"), ConfigError);
  EXPECT_THROW((void)viz::choose_time("-5", times, "f.h5"), ConfigError);
  EXPECT_THROW((void)viz::choose_time("15", times, "f.h5"), InputError);
  EXPECT_NE(message("soon").find("--time expects max, END or a time"), std::string::npos);
  EXPECT_NE(message("15").find("no snapshot at t = 15 s"), std::string::npos) << message("15");
  EXPECT_NE(message("15").find("f.h5"), std::string::npos);
  EXPECT_THROW((void)viz::choose_time("END", {}, "f.h5"), InputError);

  EXPECT_EQ(viz::parse_map_field("hazard"), viz::MapField::hazard);
  EXPECT_THROW((void)viz::parse_map_field("speed"), ConfigError);
  EXPECT_EQ(viz::hazard_class(0.74), 0);
  EXPECT_EQ(viz::hazard_class(0.75), 1);
  EXPECT_EQ(viz::hazard_class(1.25), 2);
  EXPECT_EQ(viz::hazard_class(2.0), 3);
}

TEST(VizArguments, MissingPeakMapsAreNamed) {
  ft::VizTempDir tmp("nomaps");
  const fs::path results = tmp / "run.h5";
  ft::write_viz_results(results, false);
  const viz::ResultsSource source(results);
  EXPECT_FALSE(source.has_peaks());
  try {
    (void)source.peaks();
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("holds no peak maps ('max_depth' has no value"),
              std::string::npos)
        << e.what();
  }
  const viz::Snapshot snap = source.snapshot(3);
  EXPECT_THROW(
      (void)viz::make_layer(source.basin(), viz::MapField::arrival_time, &snap, nullptr, 0.1),
      InputError);
  EXPECT_THROW((void)source.snapshot(4), InputError);
  viz::VtkOptions bad;
  bad.z_scale = 0;
  EXPECT_THROW(viz::VtkSeries(tmp / "vtk", source.basin(), bad), ConfigError);
}

TEST(VizColours, HillshadeAndScales) {
  viz::Basin flat;
  flat.grid = floodtwin::solver::Grid{4, 3, 10.0, 10.0, 0.0, 30.0};
  flat.elevation.assign(12, 5.0);
  flat.elevation[0] = std::nan("");
  const auto shade = viz::hillshade(flat);
  EXPECT_TRUE(std::isnan(shade[0]));
  for (std::size_t c = 1; c < shade.size(); ++c) EXPECT_NEAR(shade[c], std::sqrt(0.5), 1e-12);
  // A slope facing the sun (north-west, rising to the south-east) is lit more than one
  // facing away.
  viz::Basin lit = flat, dark = flat;
  for (int j = 0; j < 3; ++j) {
    for (int i = 0; i < 4; ++i) {
      lit.elevation[static_cast<std::size_t>(j * 4 + i)] = 2.0 * (i + j);
      dark.elevation[static_cast<std::size_t>(j * 4 + i)] = -2.0 * (i + j);
    }
  }
  // Slope atan(|grad z|) = atan(0.2 sqrt 2); the sun 45 deg above the horizon.
  const double slope = std::atan(0.2 * std::sqrt(2.0));
  EXPECT_NEAR(viz::hillshade(lit)[5], std::cos(slope - std::numbers::pi / 4), 1e-12);
  EXPECT_NEAR(viz::hillshade(dark)[5], std::cos(slope + std::numbers::pi / 4), 1e-12);
  for (double t : {0.0, 0.3, 0.7, 1.0}) {
    const viz::Rgb c = viz::depth_colour(t);
    EXPECT_GT(c[2] - c[0], 35);  // every depth colour is clearly blue
  }
  EXPECT_DOUBLE_EQ(viz::nice_ceil(0.0061), 0.01);
  EXPECT_DOUBLE_EQ(viz::nice_ceil(1.3), 2.0);
  EXPECT_DOUBLE_EQ(viz::nice_ceil(2.0), 2.0);
  EXPECT_DOUBLE_EQ(viz::nice_ceil(2.2), 2.5);
  // A depth scale follows the bulk of the flood, not a few deep pits.
  std::vector<double> depths(1000, 0.0);
  for (std::size_t k = 0; k < depths.size(); ++k) depths[k] = 1.2 * double(k) / 999.0;
  depths[3] = 9.0;
  depths[7] = std::nan("");
  EXPECT_DOUBLE_EQ(viz::depth_scale_top(depths), 2.0);  // 98th percentile 1.18 m, not 9 m
  EXPECT_DOUBLE_EQ(viz::depth_scale_top({0.3}), 0.5);
}
