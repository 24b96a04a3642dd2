#pragma once
/// @file render_map.hpp
/// A flood map as a PNG, rendered with VTK off screen: hillshaded terrain under the layer of
/// colour_maps.hpp, a legend, the title (run and time), a scale bar, a north arrow and the
/// gauges with their names.
///
///   +---------------------------------------------+
///   | title                                        |
///   | subtitle (what, when)                        |
///   | +---------------------------+  legend        |
///   | |                           |                |
///   | |   map (grid aspect kept)  |  north arrow   |
///   | |                           |  scale bar     |
///   | +---------------------------+  CRS           |
///   +---------------------------------------------+
///
/// Display: Debian's VTK renders through X even off screen. Without an X server, run under
/// a virtual one: `xvfb-run -a floodtwin render ...`; render_map throws ConfigError saying so
/// when the render window needs X and DISPLAY is unset.
#include <filesystem>

#include "viz/colour_maps.hpp"
#include "viz/map_data.hpp"

namespace floodtwin::viz {

struct RenderOptions {
  int width = 1200;  ///< [pixels], 200 to 8000
  int height = 900;  ///< [pixels], 200 to 8000
  bool show_gauges = true;
};

/// Where the map itself lies in the PNG (pixels, origin at the top-left corner).
struct MapPlacement {
  int x = 0, y = 0, width = 0, height = 0;
};

/// Renders `layer` over `basin` and writes the PNG at `png`.
/// Throws ConfigError for bad sizes or without a display, IoError when the PNG is not written.
MapPlacement render_map(const Basin& basin, const MapLayer& layer, const RenderOptions& options,
                        const std::filesystem::path& png);

}  // namespace floodtwin::viz
