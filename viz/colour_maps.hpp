#pragma once
/// @file colour_maps.hpp
/// The colours of the rendered maps, computed without VTK: hillshade, the sequential depth
/// scale, the four UK flood hazard classes and the arrival-time scale, and the RGBA layer that
/// render_map.hpp drapes over the grid.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "viz/map_data.hpp"

namespace floodtwin::viz {

using Rgb = std::array<std::uint8_t, 3>;

/// What a map shows.
enum class MapField { depth, hazard, arrival_time, probability };
/// Parses "depth" | "hazard" | "arrival_time"; throws ConfigError naming the choices.
MapField parse_map_field(const std::string& text);
std::string to_string(MapField field);

/// Hillshade in [0, 1] per cell (ESRI algorithm: sun at azimuth 315 deg, altitude 45 deg;
/// Burrough & McDonnell 1998), NaN in inactive cells. Missing neighbours take the cell's value.
std::vector<double> hillshade(const Basin& basin, double z_factor = 1);

/// Sequential blues from light (t = 0) to dark (t = 1) (ColorBrewer "Blues").
Rgb depth_colour(double t);
/// The UK hazard class of a rating HR (Defra/EA FD2320): 0 low (HR < 0.75), 1 moderate
/// (< 1.25), 2 significant (< 2.0), 3 extreme.
int hazard_class(double rating);
/// The conventional class colours: yellow, orange, red, dark red.
Rgb hazard_colour(int hazard_class);
/// Labels of the hazard classes for the legend.
const std::array<std::string, 4>& hazard_labels();
/// Sequential scale for probabilities 0 (t = 0, pale yellow) to 1 (t = 1, dark purple):
/// ColorBrewer "YlOrRd" up to red, then to dark purple, five stops, linear between them
/// (the same ramp in the rendered maps and the web viewer).
Rgb probability_colour(double t);
/// Sequential scale for arrival times, early (t = 0, dark purple) to late (t = 1, yellow).
Rgb arrival_colour(double t);

/// The smallest of 1, 2, 2.5, 5 x 10^k that is >= value (value > 0).
double nice_ceil(double value);

/// One map: a value per cell and which cells are coloured.
struct MapLayer {
  MapField field = MapField::depth;
  std::vector<double> value;        ///< depth [m], hazard rating [-] or arrival [h]
  std::vector<std::uint8_t> shown;  ///< 1 where the cell is coloured
  double lo = 0, hi = 1;            ///< colour scale range (depth, arrival)
  /// Some coloured values exceed `hi` (drawn in the top colour; the legend says "> hi").
  bool open_top = false;
  std::string subtitle;      ///< e.g. "maximum depth" or "depth at t = 01:00:00"
  std::string legend_title;  ///< e.g. "Depth (m)"
  /// Opacity of the coloured cells over the hillshade (probability maps: 1, so that a pixel
  /// is exactly the legend's colour).
  double opacity = 0.85;
  [[nodiscard]] std::size_t shown_cells() const;
};

/// The layer of `field` from a snapshot (`snapshot` non-null) or from the peak maps
/// (`snapshot` null). A cell is coloured where its depth exceeds `min_depth` [m]; for
/// arrival_time where the flood has arrived (by the snapshot's time). Throws InputError when
/// the data needed is missing (`peaks` null for arrival_time or the peak maps).
/// The top of a depth colour scale: nice_ceil of the 98th percentile of `values` (finite
/// ones), so that a few deep pits or reservoirs do not wash out the creeks and floodplain.
double depth_scale_top(std::vector<double> values);

MapLayer make_layer(const Basin& basin, MapField field, const Snapshot* snapshot,
                    const PeakMaps* peaks, double min_depth);

/// The layer of an exceedance probability map: `probability` per cell in [0, 1] (NaN:
/// inactive), coloured where it is > 0, with the scale 0-1; `threshold` [m] and `members` name
/// it ("P(max depth > 0.3 m)", "ensemble of 20 members").
MapLayer probability_layer(const std::vector<double>& probability, double threshold,
                           std::size_t members);

/// RGBA per cell in VTK image order (row 0 = southern row): the layer over the hillshade.
std::vector<std::uint8_t> compose_rgba(const Basin& basin, const MapLayer& layer);

}  // namespace floodtwin::viz
