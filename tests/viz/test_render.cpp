// Rendered maps: expected size, not blank, and the share of water-coloured pixels in the map
// equals the share of flooded cells of the grid. Needs an X display (ctest wraps it in
// xvfb-run -a).
#include <gtest/gtest.h>
#include <vtkImageData.h>
#include <vtkNew.h>
#include <vtkPNGReader.h>

#include <cstdio>
#include <set>

#include "solver/error.hpp"
#include "viz/render_map.hpp"
#include "viz/results_source.hpp"
#include "viz_testing.hpp"

namespace ft = floodtwin::testing;
namespace viz = floodtwin::viz;
namespace fs = std::filesystem;

namespace {

struct Png {
  int width = 0, height = 0;
  std::vector<std::array<int, 3>> rgb;  ///< row 0 at the top
  [[nodiscard]] const std::array<int, 3>& at(int x, int y) const {
    return rgb[static_cast<std::size_t>(y) * static_cast<std::size_t>(width) +
               static_cast<std::size_t>(x)];
  }
};

Png read_png(const fs::path& path) {
  vtkNew<vtkPNGReader> reader;
  reader->SetFileName(path.string().c_str());
  reader->Update();
  vtkImageData* image = reader->GetOutput();
  int dims[3];
  image->GetDimensions(dims);
  Png png;
  png.width = dims[0];
  png.height = dims[1];
  const int comps = image->GetNumberOfScalarComponents();
  png.rgb.resize(static_cast<std::size_t>(dims[0]) * static_cast<std::size_t>(dims[1]));
  for (int y = 0; y < dims[1]; ++y) {
    for (int x = 0; x < dims[0]; ++x) {
      const auto* p = static_cast<unsigned char*>(image->GetScalarPointer(x, dims[1] - 1 - y, 0));
      png.rgb[static_cast<std::size_t>(y * dims[0] + x)] = {p[0], p[comps > 1 ? 1 : 0],
                                                            p[comps > 2 ? 2 : 0]};
    }
  }
  return png;
}

/// Water colours (the blues of depth_colour over grey relief) are clearly bluer than red;
/// relief and no-data are grey, gauges red, labels black and white.
bool is_water(const std::array<int, 3>& c) { return c[2] - c[0] > 25; }

}  // namespace

TEST(VizRender, DepthMapMatchesTheWetShare) {
  ft::VizTempDir tmp("render");
  const fs::path results = tmp / "run.h5";
  ft::write_viz_results(results);
  const viz::ResultsSource source(results);
  const viz::Snapshot snap = source.snapshot(source.times().size() - 1);
  const viz::PeakMaps peaks = source.peaks();
  const viz::MapLayer layer =
      viz::make_layer(source.basin(), viz::MapField::depth, &snap, &peaks, 0.1);
  viz::RenderOptions options;
  options.width = 800;
  options.height = 560;
  const fs::path png_path = tmp / "depth.png";
  const viz::MapPlacement map = viz::render_map(source.basin(), layer, options, png_path);

  const Png png = read_png(png_path);
  ASSERT_EQ(png.width, 800);
  ASSERT_EQ(png.height, 560);
  std::set<int> colours;
  std::size_t not_white = 0;
  for (const auto& c : png.rgb) {
    colours.insert(c[0] << 16 | c[1] << 8 | c[2]);
    if (c[0] < 250 || c[1] < 250 || c[2] < 250) ++not_white;
  }
  EXPECT_GT(colours.size(), 100U);  // relief, a depth ramp, text
  EXPECT_GT(double(not_white) / double(png.rgb.size()), 0.3);

  // Water pixels inside the map against the flooded share of the grid. Tolerance: 2
  // percentage points (edge pixels, the gauge markers and labels over the water).
  std::size_t water = 0, total = 0;
  for (int y = map.y; y < map.y + map.height; ++y) {
    for (int x = map.x; x < map.x + map.width; ++x) {
      ++total;
      water += is_water(png.at(x, y)) ? 1 : 0;
    }
  }
  std::size_t outside = 0;
  for (int y = 0; y < png.height; ++y)
    for (int x = 0; x < map.x; ++x) outside += is_water(png.at(x, y)) ? 1 : 0;
  const double cell_share = double(layer.shown_cells()) / double(source.basin().grid.cell_count());
  const double pixel_share = double(water) / double(total);
  std::printf("map %d x %d at (%d, %d): water pixels %.4f, flooded cells %.4f\n", map.width,
              map.height, map.x, map.y, pixel_share, cell_share);
  EXPECT_GT(cell_share, 0.1);
  EXPECT_NEAR(pixel_share, cell_share, 0.02);
  EXPECT_EQ(outside, 0U);  // no water left of the map
}

TEST(VizRender, HazardAndArrivalMapsAndSizes) {
  ft::VizTempDir tmp("render2");
  const fs::path results = tmp / "run.h5";
  ft::write_viz_results(results);
  const viz::ResultsSource source(results);
  const viz::PeakMaps peaks = source.peaks();
  viz::RenderOptions options;
  options.width = 640;
  options.height = 400;
  for (viz::MapField field : {viz::MapField::hazard, viz::MapField::arrival_time}) {
    const viz::MapLayer layer = viz::make_layer(source.basin(), field, nullptr, &peaks, 0.1);
    EXPECT_GT(layer.shown_cells(), 100U);
    const fs::path png_path = tmp / (viz::to_string(field) + ".png");
    viz::render_map(source.basin(), layer, options, png_path);
    const Png png = read_png(png_path);
    EXPECT_EQ(png.width, 640);
    EXPECT_EQ(png.height, 400);
  }
  viz::MapLayer layer = viz::make_layer(source.basin(), viz::MapField::depth, nullptr, &peaks, 0.1);
  options.width = 100;
  EXPECT_THROW(viz::render_map(source.basin(), layer, options, tmp / "small.png"),
               floodtwin::ConfigError);
  options.width = 640;
  EXPECT_THROW(viz::render_map(source.basin(), layer, options, tmp / "no" / "such" / "dir.png"),
               floodtwin::IoError);
}
