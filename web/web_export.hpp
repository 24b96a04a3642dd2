#pragma once
/// @file web_export.hpp
/// `floodtwin web`: a results file as a self-contained folder with `index.html`, an offline
/// viewer that works from file:// and from any static web server with no network request
/// (docs/web.md). The data are JavaScript files that define globals (browsers refuse fetch()
/// of local files), the rasters quantised PNGs as data: URIs:
///
///   data/viewer_data.js  window.FLOODTWIN_DATA: grid, CRS (WKT and PROJ string), times,
///                        hillshade, elevation and the peak maps (max depth, max speed, max
///                        hazard rating, arrival time), gauges with their series and warning
///                        thresholds, warning zones (GeoJSON, level colours, table), layers
///   data/frames.js       window.FLOODTWIN_FRAMES: depth and speed per output time
///   (with an ensemble)   FLOODTWIN_DATA.ensemble: exceedance probability per threshold
///                        (scale 1e-4), max-depth quantiles (1 mm), the gauges' member bands
///   lib/                 Leaflet and proj4js, copied from web/node_modules
///
/// A quantised field is an RGB PNG of the (exported) grid, row 0 north: the value
/// v = offset + scale * (256 R + G), and 256 R + G = 65535 where there is no value (inactive
/// cells, never reached). The scale is the stated precision (1 mm for depth, 1 mm/s for speed,
/// 0.001 for hazard ratings, 1 s for arrival times; coarser only when the range needs it):
/// a value read back differs from the results by at most scale / 2 (plus float32 rounding).
///
/// Big grids are decimated: with `max_size` cells on the longer side, every s-th cell
/// (s = ceil(max(nx, ny) / max_size)), the centre cell of each s x s block, is exported.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace floodtwin::web {

struct WebOptions {
  /// Most cells exported along the longer side (decimation above it).
  int max_size = 1024;
  /// Extra vector layers (GeoPackage, GeoJSON, anything OGR reads), reprojected to the
  /// results' CRS.
  std::vector<std::filesystem::path> layers;
  /// The impacts folder (zones.gpkg, zones.csv, levels.csv); empty: `<stem>_impacts/`
  /// beside the results when it exists.
  std::filesystem::path impacts;
  /// The folder of the viewer sources (index.html, viewer.js, viewer.css) and of
  /// node_modules; empty: $FLOODTWIN_WEB_DIR, else PREFIX/share/floodtwin/web beside an
  /// installed PREFIX/bin/floodtwin (`cmake --install`), else the source tree's web/.
  std::filesystem::path assets;
  std::string title;  ///< empty: the results' title
  /// An ensemble file on the results' grid (`floodtwin ensemble`, a cycle's ensemble.h5):
  /// its exceedance probabilities and max-depth quantiles become map layers, the click query
  /// gives them at the point, and each gauge's panel the band of the members' depths.
  std::filesystem::path ensemble;
};

struct WebExport {
  std::filesystem::path dir;
  std::size_t times = 0;
  int nx = 0, ny = 0;  ///< exported grid
  int stride = 1;      ///< decimation step (1: every cell)
  std::size_t gauges = 0, zones = 0, layers = 0;
  std::size_t ensemble_members = 0;  ///< 0: no ensemble layers
  std::uintmax_t bytes = 0;          ///< size of the folder
};

/// Writes the viewer of `results` into `dir` (written as `dir.partial`, renamed when complete;
/// `dir.lock` held meanwhile). An existing `dir` is replaced only when it is an earlier viewer
/// (it holds data/viewer_data.js); anything else there is refused (ConfigError).
WebExport export_web(const std::filesystem::path& results, const std::filesystem::path& dir,
                     const WebOptions& options = {});

}  // namespace floodtwin::web
