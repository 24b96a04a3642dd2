#include "viz/colour_maps.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numbers>

#include "solver/error.hpp"

namespace floodtwin::viz {

namespace {

using Stop = std::array<double, 3>;

/// Piecewise-linear interpolation between equally spaced colour stops.
template <std::size_t N>
Rgb ramp(const std::array<Stop, N>& stops, double t) {
  t = std::clamp(std::isfinite(t) ? t : 0.0, 0.0, 1.0);
  const double x = t * static_cast<double>(N - 1);
  const auto k = std::min(static_cast<std::size_t>(x), N - 2);
  const double f = x - static_cast<double>(k);
  Rgb out{};
  for (std::size_t c = 0; c < 3; ++c) {
    out[c] = static_cast<std::uint8_t>(std::lround(stops[k][c] * (1 - f) + stops[k + 1][c] * f));
  }
  return out;
}

std::size_t cell(const solver::Grid& g, int i, int j) {
  return static_cast<std::size_t>(j) * static_cast<std::size_t>(g.nx) + static_cast<std::size_t>(i);
}

}  // namespace

MapField parse_map_field(const std::string& text) {
  if (text == "depth") return MapField::depth;
  if (text == "hazard") return MapField::hazard;
  if (text == "arrival_time" || text == "arrival") return MapField::arrival_time;
  throw ConfigError("--field expects depth, hazard or arrival_time, got '" + text + "'");
}

std::string to_string(MapField field) {
  switch (field) {
    case MapField::depth:
      return "depth";
    case MapField::hazard:
      return "hazard";
    case MapField::arrival_time:
      return "arrival_time";
    case MapField::probability:
      return "probability";
  }
  return "?";
}

std::vector<double> hillshade(const Basin& basin, double z_factor) {
  const solver::Grid& g = basin.grid;
  const std::vector<double>& z = basin.elevation;
  std::vector<double> out(g.cell_count(), std::numeric_limits<double>::quiet_NaN());
  const double zenith = (90.0 - 45.0) * std::numbers::pi / 180.0;
  const double azimuth = (360.0 - 315.0 + 90.0) * std::numbers::pi / 180.0;
  for (int j = 0; j < g.ny; ++j) {
    for (int i = 0; i < g.nx; ++i) {
      const double e = z[cell(g, i, j)];
      if (!std::isfinite(e)) continue;
      auto at = [&](int di, int dj) {
        const int ii = i + di, jj = j + dj;
        if (ii < 0 || ii >= g.nx || jj < 0 || jj >= g.ny) return e;
        const double v = z[cell(g, ii, jj)];
        return std::isfinite(v) ? v : e;
      };
      // a b c / d e f / g h i with a at the north-west (row j - 1).
      const double a = at(-1, -1), b = at(0, -1), c = at(1, -1), d = at(-1, 0), f = at(1, 0),
                   gg = at(-1, 1), h = at(0, 1), ii = at(1, 1);
      const double dzdx = ((c + 2 * f + ii) - (a + 2 * d + gg)) / (8 * static_cast<double>(g.dx));
      const double dzdy = ((gg + 2 * h + ii) - (a + 2 * b + c)) / (8 * static_cast<double>(g.dy));
      const double slope = std::atan(z_factor * std::hypot(dzdx, dzdy));
      const double aspect = std::atan2(dzdy, -dzdx);
      const double shade = std::cos(zenith) * std::cos(slope) +
                           std::sin(zenith) * std::sin(slope) * std::cos(azimuth - aspect);
      out[cell(g, i, j)] = std::clamp(shade, 0.0, 1.0);
    }
  }
  return out;
}

Rgb depth_colour(double t) {
  static constexpr std::array<Stop, 5> blues{
      {{158, 202, 225}, {107, 174, 214}, {49, 130, 189}, {8, 81, 156}, {8, 48, 107}}};
  return ramp(blues, t);
}

int hazard_class(double rating) {
  if (rating < 0.75) return 0;
  if (rating < 1.25) return 1;
  if (rating < 2.0) return 2;
  return 3;
}

Rgb hazard_colour(int hazard_class) {
  static constexpr std::array<Rgb, 4> colours{
      {{255, 230, 0}, {255, 140, 0}, {220, 20, 20}, {120, 0, 40}}};
  return colours[static_cast<std::size_t>(std::clamp(hazard_class, 0, 3))];
}

const std::array<std::string, 4>& hazard_labels() {
  static const std::array<std::string, 4> labels{"Low (< 0.75)", "Moderate (0.75-1.25)",
                                                 "Significant (1.25-2.0)", "Extreme (> 2.0)"};
  return labels;
}

Rgb probability_colour(double t) {
  static constexpr std::array<Stop, 5> stops{
      {{255, 237, 160}, {254, 178, 76}, {240, 59, 32}, {189, 0, 38}, {84, 0, 80}}};
  return ramp(stops, t);
}

Rgb arrival_colour(double t) {
  static constexpr std::array<Stop, 5> plasma{
      {{13, 8, 135}, {126, 3, 168}, {204, 71, 120}, {248, 149, 64}, {240, 249, 33}}};
  return ramp(plasma, t);
}

double depth_scale_top(std::vector<double> values) {
  std::erase_if(values, [](double v) { return !std::isfinite(v); });
  if (values.empty()) return nice_ceil(0);
  const auto k = static_cast<std::size_t>(0.98 * static_cast<double>(values.size() - 1));
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(k), values.end());
  return nice_ceil(values[k]);
}

double nice_ceil(double value) {
  if (!(value > 0) || !std::isfinite(value)) return 1;
  const double p = std::pow(10.0, std::floor(std::log10(value)));
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    if (m * p >= value * (1 - 1e-12)) return m * p;
  }
  return 10 * p;
}

std::size_t MapLayer::shown_cells() const {
  return static_cast<std::size_t>(std::count(shown.begin(), shown.end(), std::uint8_t{1}));
}

MapLayer make_layer(const Basin& basin, MapField field, const Snapshot* snapshot,
                    const PeakMaps* peaks, double min_depth) {
  const std::size_t n = basin.grid.cell_count();
  if (snapshot == nullptr && peaks == nullptr) {
    throw InputError("render: neither a snapshot nor peak maps to draw");
  }
  if (peaks == nullptr && field == MapField::arrival_time) {
    throw InputError("render: arrival_time needs the peak maps (arrival_time), which are missing");
  }
  MapLayer layer;
  layer.field = field;
  layer.value.assign(n, std::numeric_limits<double>::quiet_NaN());
  layer.shown.assign(n, 0);
  const std::vector<double>& depth = snapshot != nullptr ? snapshot->depth : peaks->max_depth;
  const std::string when =
      snapshot != nullptr ? "at t = " + format_clock(snapshot->time) : "maximum";
  double top = 0;
  std::vector<double> coloured;
  for (std::size_t c = 0; c < n; ++c) {
    const double h = depth[c];
    bool shown = h > min_depth;
    double v = h;
    if (field == MapField::hazard) {
      v = snapshot != nullptr ? static_cast<double>(solver::hazard_rating(
                                    static_cast<solver::Real>(h),
                                    static_cast<solver::Real>(std::hypot(snapshot->velocity_x[c],
                                                                         snapshot->velocity_y[c])),
                                    static_cast<solver::Real>(basin.debris_factor)))
                              : peaks->max_hazard[c];
    } else if (field == MapField::arrival_time) {
      v = peaks->arrival_time[c] / 3600.0;
      shown = std::isfinite(v) && (snapshot == nullptr || peaks->arrival_time[c] <= snapshot->time);
    }
    layer.value[c] = v;
    layer.shown[c] = shown ? 1 : 0;
    if (shown && std::isfinite(v)) {
      top = std::max(top, v);
      if (field == MapField::depth) coloured.push_back(v);
    }
  }
  switch (field) {
    case MapField::depth:
      layer.subtitle = snapshot != nullptr ? "Depth " + when : "Maximum depth";
      layer.legend_title = "Depth (m)";
      layer.hi = depth_scale_top(std::move(coloured));
      layer.open_top = top > layer.hi;
      break;
    case MapField::hazard:
      layer.subtitle =
          snapshot != nullptr ? "Flood hazard (FD2320) " + when : "Maximum flood hazard (FD2320)";
      layer.legend_title = "Hazard to people";
      layer.hi = 4;
      break;
    case MapField::probability:
      break;  // probability_layer
    case MapField::arrival_time:
      layer.subtitle = "Arrival of flooding (depth > " +
                       std::to_string(basin.threshold).substr(0, 4) + " m)" +
                       (snapshot != nullptr ? " by t = " + format_clock(snapshot->time) : "");
      layer.legend_title = "Arrival (h)";
      layer.hi = nice_ceil(top);
      break;
  }
  return layer;
}

MapLayer probability_layer(const std::vector<double>& probability, double threshold,
                           std::size_t members) {
  MapLayer layer;
  layer.field = MapField::probability;
  layer.value = probability;
  layer.shown.assign(probability.size(), 0);
  for (std::size_t c = 0; c < probability.size(); ++c) {
    layer.shown[c] = probability[c] > 0 ? 1 : 0;
  }
  layer.lo = 0;
  layer.hi = 1;
  layer.opacity = 1;
  char thr[32];
  std::snprintf(thr, sizeof thr, "%g", threshold);
  layer.legend_title = std::string("P(max depth > ") + thr + " m)";
  layer.subtitle = "Probability that the maximum depth exceeds " + std::string(thr) +
                   " m (ensemble of " + std::to_string(members) + " members)";
  return layer;
}

std::vector<std::uint8_t> compose_rgba(const Basin& basin, const MapLayer& layer) {
  const solver::Grid& g = basin.grid;
  const std::vector<double> shade = hillshade(basin);
  std::vector<std::uint8_t> rgba(4 * g.cell_count(), 0);
  const double alpha = layer.opacity;  // 0.85: the layer lets a little relief show through
  for (int j = 0; j < g.ny; ++j) {
    for (int i = 0; i < g.nx; ++i) {
      const std::size_t c = cell(g, i, j);
      std::uint8_t* px =
          &rgba[4 * (static_cast<std::size_t>(g.ny - 1 - j) * static_cast<std::size_t>(g.nx) +
                     static_cast<std::size_t>(i))];
      if (!std::isfinite(shade[c])) continue;  // inactive: transparent
      const double grey = 255.0 * (0.35 + 0.65 * shade[c]);
      std::array<double, 3> out{grey, grey, grey};
      if (layer.shown[c] != 0) {
        const double v = layer.value[c];
        const double t = (v - layer.lo) / std::max(layer.hi - layer.lo, 1e-12);
        const Rgb col = layer.field == MapField::hazard        ? hazard_colour(hazard_class(v))
                        : layer.field == MapField::depth       ? depth_colour(t)
                        : layer.field == MapField::probability ? probability_colour(t)
                                                               : arrival_colour(t);
        for (std::size_t k = 0; k < 3; ++k) out[k] = alpha * col[k] + (1 - alpha) * grey;
      }
      for (std::size_t k = 0; k < 3; ++k) px[k] = static_cast<std::uint8_t>(std::lround(out[k]));
      px[3] = 255;
    }
  }
  return rgba;
}

}  // namespace floodtwin::viz
