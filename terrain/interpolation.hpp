#pragma once
/// @file interpolation.hpp
/// The pure maths of rainfall forcing, free of GDAL and files: unit conversion to m/s and
/// the spatial interpolation of station values onto a grid (inverse-distance weighting and
/// Thiessen polygons = nearest station).
///
/// Station values that are NaN are missing and skipped. Fields are nx * ny, row-major, row 0
/// north, evaluated at cell centres (solver::Grid::x_center / y_center).
#include <cmath>
#include <cstddef>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "solver/error.hpp"
#include "solver/grid.hpp"
#include "solver/real.hpp"

namespace floodtwin::terrain {

/// How rain values are given.
enum class RainUnits {
  mm_per_hour,      ///< intensity [mm/h]
  mm_per_interval,  ///< depth fallen during the value's interval [mm]
  m_per_s,          ///< intensity [m/s]
};

/// Parses "mm/h", "mm" or "m/s"; throws ConfigError otherwise.
inline RainUnits parse_rain_units(std::string_view text) {
  if (text == "mm/h" || text == "mm/hr") return RainUnits::mm_per_hour;
  if (text == "mm") return RainUnits::mm_per_interval;
  if (text == "m/s") return RainUnits::m_per_s;
  throw ConfigError(
      "rain units: expected \"mm/h\", \"mm\" (depth per interval) or \"m/s\", got \"" +
      std::string(text) + "\"");
}

/// Converts one rain value to an intensity [m/s].
/// @param interval  length of the value's interval [s] (used by mm_per_interval only)
inline constexpr Real rain_to_m_per_s(Real value, RainUnits units, Real interval) {
  switch (units) {
    case RainUnits::mm_per_hour:
      return value / Real(3.6e6);
    case RainUnits::mm_per_interval:
      return value / (Real(1000) * interval);
    case RainUnits::m_per_s:
      break;
  }
  return value;
}

/// Spatial interpolation of station values.
enum class Interpolation {
  idw,       ///< inverse-distance weighting, weight d^-power
  thiessen,  ///< nearest station (Thiessen / Voronoi polygons)
};

/// Parses "idw" or "thiessen"; throws ConfigError otherwise.
inline Interpolation parse_interpolation(std::string_view text) {
  if (text == "idw") return Interpolation::idw;
  if (text == "thiessen" || text == "nearest") return Interpolation::thiessen;
  throw ConfigError("rain interpolation: expected \"idw\" or \"thiessen\", got \"" +
                    std::string(text) + "\"");
}

/// Inverse-distance weighted value at (x, y) (Shepard 1968):
///   v = sum_s w_s v_s / sum_s w_s,  w_s = d_s^-power,
/// over the stations whose value is not NaN. At a station (d = 0) its own value is returned
/// exactly (the first such station). NaN when no station has a value.
inline Real idw_at(Real x, Real y, std::span<const Real> xs, std::span<const Real> ys,
                   std::span<const Real> values, Real power) {
  double num = 0, den = 0;
  const double half_power = 0.5 * double(power);
  for (std::size_t s = 0; s < values.size(); ++s) {
    if (std::isnan(values[s])) continue;
    const double ddx = double(x) - double(xs[s]);
    const double ddy = double(y) - double(ys[s]);
    const double d2 = ddx * ddx + ddy * ddy;
    if (d2 == 0) return values[s];
    const double w = half_power == 1.0 ? 1.0 / d2 : std::pow(d2, -half_power);
    num += w * double(values[s]);
    den += w;
  }
  return den > 0 ? Real(num / den) : std::numeric_limits<Real>::quiet_NaN();
}

/// Index of the station nearest to (x, y) among those whose value is not NaN (ties go to the
/// lowest index); -1 when none has a value.
inline std::ptrdiff_t nearest_station(Real x, Real y, std::span<const Real> xs,
                                      std::span<const Real> ys, std::span<const Real> values) {
  std::ptrdiff_t best = -1;
  double best_d2 = std::numeric_limits<double>::infinity();
  for (std::size_t s = 0; s < values.size(); ++s) {
    if (std::isnan(values[s])) continue;
    const double ddx = double(x) - double(xs[s]);
    const double ddy = double(y) - double(ys[s]);
    const double d2 = ddx * ddx + ddy * ddy;
    if (d2 < best_d2) {
      best_d2 = d2;
      best = static_cast<std::ptrdiff_t>(s);
    }
  }
  return best;
}

/// Interpolates station values onto every cell centre of the grid's kept rows
/// (solver::Grid::kept_rows: every row but under a decomposition); other rows are not written.
/// @param out  nx * ny values, row 0 north; NaN everywhere when no station has a value
inline void interpolate_field(const solver::Grid& grid, std::span<const Real> xs,
                              std::span<const Real> ys, std::span<const Real> values,
                              Interpolation method, Real power, std::span<Real> out) {
  const std::pair<int, int> kept = grid.kept_interior_rows();
  const int j0 = kept.first;  // plain ints: OpenMP regions cannot capture structured bindings
  const int j1 = kept.second;
#pragma omp parallel for schedule(static)
  for (int j = j0; j < j1; ++j) {
    const Real y = grid.y_center(j);
    Real* row = out.data() + std::size_t(j) * std::size_t(grid.nx);
    for (int i = 0; i < grid.nx; ++i) {
      const Real x = grid.x_center(i);
      if (method == Interpolation::idw) {
        row[i] = idw_at(x, y, xs, ys, values, power);
      } else {
        const std::ptrdiff_t s = nearest_station(x, y, xs, ys, values);
        row[i] = s < 0 ? std::numeric_limits<Real>::quiet_NaN() : values[std::size_t(s)];
      }
    }
  }
}

}  // namespace floodtwin::terrain
