#pragma once
/// @file rainfall.hpp
/// Rainfall forcing on the grid as a function of time: gauges interpolated (IDW or
/// Thiessen), a uniform hyetograph, or gridded rainfall (a raster per time or a multi-band
/// stack such as NetCDF or GRIB, resampled onto the grid).
///
/// Time convention: every source is piecewise constant over intervals. A value given at
/// time t_k applies to the interval that ENDS at t_k (period-ending, as gauges log
/// accumulations), i.e. (t_{k-1}, t_k]; the first row's interval has the length of the
/// second's. `RainTiming::period_beginning` instead applies it to [t_k, t_{k+1}), the last
/// interval having the length of the one before. Outside all intervals the rain is zero.
/// At a bound itself, rate_at returns the interval that starts there.
///
/// A driver feeds the solver with:
///   for (Real t = 0; t < t_end;) {
///     sim.set_rain_rate(rain.rate_at(t));
///     const Real t_next = std::min(t_end, rain.next_change(t));
///     sim.advance_to(t_next);
///     t = t_next;
///   }
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "solver/field_memory.hpp"
#include "solver/grid.hpp"
#include "solver/real.hpp"
#include "solver/time_series.hpp"
#include "terrain/gauges.hpp"
#include "terrain/interpolation.hpp"

namespace floodtwin::terrain {

enum class RainTiming { period_ending, period_beginning };

struct GaugeRainOptions {
  RainUnits units = RainUnits::mm_per_hour;
  Interpolation interpolation = Interpolation::idw;
  Real idw_power = 2;  ///< > 0
  RainTiming timing = RainTiming::period_ending;
  /// Uniform intensity [m/s] used in intervals where no station has a value. Without it such
  /// an interval is an InputError naming the file and line.
  std::optional<Real> fallback_rate;
};

/// One band of one raster file.
struct RasterBand {
  std::string path;
  int band = 1;  ///< 1-based
};

struct GriddedRainOptions {
  RainUnits units = RainUnits::mm_per_hour;
  RainTiming timing = RainTiming::period_ending;
  std::string resampling = "bilinear";  ///< gdalwarp name, used when a raster is not the grid
  /// No-data cells (or cells outside the raster) get no rain. Without it they are an error.
  bool nodata_as_zero = false;
};

class RainfallField {
 public:
  /// Gauges interpolated onto the grid.
  /// @param stations  in the grid's CRS (see transform_stations)
  /// @param series    one column per station id (read_series); every column must name a
  ///                  station, stations without a column are unused
  static RainfallField from_gauges(const solver::Grid& grid, const std::vector<Station>& stations,
                                   const SeriesTable& series, const GaugeRainOptions& options = {});
  /// A uniform hyetograph: a series table with one value column.
  static RainfallField uniform(const solver::Grid& grid, const SeriesTable& hyetograph,
                               RainUnits units = RainUnits::mm_per_hour,
                               RainTiming timing = RainTiming::period_ending);
  /// Uniform rain given directly: intensity rates[k] [m/s] over [bounds[k], bounds[k+1]).
  /// Throws InputError unless bounds increase strictly and rates are finite and >= 0.
  static RainfallField uniform(const solver::Grid& grid, std::vector<Real> bounds,
                               std::vector<Real> rates);
  /// Gridded rain: the k-th raster band holds the rain of the interval of times[k].
  /// @param crs_wkt  the grid's CRS (rasters in another CRS are reprojected)
  static RainfallField from_rasters(const solver::Grid& grid, const std::string& crs_wkt,
                                    std::vector<Real> times, std::vector<RasterBand> rasters,
                                    const GriddedRainOptions& options = {});
  /// Every band of one multi-band raster (NetCDF, GRIB, GeoTIFF stack), band k at times[k].
  static RainfallField from_stack(const solver::Grid& grid, const std::string& crs_wkt,
                                  const std::string& path, std::vector<Real> times,
                                  const GriddedRainOptions& options = {});

  /// One piece of a composed field: `field` over [from, to).
  struct Piece {
    std::shared_ptr<const RainfallField> field;
    Real from = 0, to = 0;
    Real factor = 1;  ///< the piece's rain multiplied by this (>= 0; what-if variants, members)
  };
  /// Rain of several fields, each over its own window (where windows overlap, the earlier
  /// piece wins); zero outside every window. The bounds are the window ends and each field's
  /// bounds inside its window, so a composition of one field over all time steps exactly as
  /// the field does (e.g. observed rain up to a cycle time, forecast rain after it).
  static RainfallField compose(const solver::Grid& grid, std::vector<Piece> pieces);
  /// `field` with every intensity multiplied by `factor` (finite, >= 0), the same intervals
  /// and rule past its end: a what-if variant's or an ensemble member's rain, gauge, uniform
  /// or gridded alike.
  static RainfallField scaled(std::shared_ptr<const RainfallField> field, Real factor);

  /// What the rain is past the last interval (solver/time_series.hpp): zero by default here;
  /// the scenario loader and the Python binding pass the user's rule, "error" unless said
  /// otherwise. `what` names the rain in the error (file or call).
  void set_after_end(solver::AfterEnd rule, std::string what);
  [[nodiscard]] solver::AfterEnd after_end() const { return after_end_; }
  /// The end of the last interval under AfterEnd::error, infinity otherwise.
  [[nodiscard]] Real end() const;
  /// Throws InputError naming the rain, its end and t when t > end().
  void check_covers(Real t) const;

  /// Rain intensity [m/s] at time t, nx*ny values, row 0 north (for Simulation::set_rain_rate).
  /// The field of the last interval asked for is cached: not thread-safe. Past the last
  /// interval: zero, the last interval's field (hold) or InputError (error, see check_covers).
  [[nodiscard]] std::vector<Real> rate_at(Real t) const;
  /// rate_at without the copy: a reference to the cached field (valid until the next call).
  /// Under a decomposition (solver::Grid::kept_rows) only the grid's kept rows are filled
  /// (the others read 0 and take no memory): what a process's set_rain_rate reads.
  [[nodiscard]] const solver::Field<Real>& rate_field(Real t) const;
  /// The first time > t at which the field changes; infinity when it never does again.
  [[nodiscard]] Real next_change(Real t) const;
  /// Rain depth [m] per cell fallen during [a, b] (exact for the piecewise-constant field).
  [[nodiscard]] std::vector<Real> depth_between(Real a, Real b) const;
  /// Interval bounds [s]: interval k is [bounds[k], bounds[k+1]).
  [[nodiscard]] const std::vector<Real>& bounds() const { return bounds_; }
  [[nodiscard]] const solver::Grid& grid() const { return grid_; }
  /// This rain on its grid keeping every row (Grid::kept_rows): under a decomposition, the
  /// whole field for what reads it whole after the run (impacts on rank 0).
  [[nodiscard]] RainfallField whole() const;

  /// The source of interval fields (an implementation detail, public for the factories).
  class Source;

 private:
  RainfallField(const solver::Grid& grid, std::vector<Real> bounds,
                std::shared_ptr<const Source> source);
  [[nodiscard]] const solver::Field<Real>& field(std::size_t k) const;

  solver::Grid grid_;
  std::vector<Real> bounds_;
  std::shared_ptr<const Source> source_;
  solver::AfterEnd after_end_ = solver::AfterEnd::zero;
  std::string what_ = "rain";
  mutable std::size_t cached_ = static_cast<std::size_t>(-1);
  mutable solver::Field<Real> cache_;
  mutable solver::Field<Real> zero_;  ///< rate_field before the first interval and after the last
};

/// Interval bounds for sample times under a timing convention (see the file comment).
/// Throws InputError naming `path` when fewer than 2 times are given.
std::vector<Real> interval_bounds(const std::vector<Real>& times, RainTiming timing,
                                  const std::string& path);

/// Largest rain intensity accepted from a series [mm/h] (after units and timing); more is
/// refused as absurd, naming the file, line and column.
inline constexpr Real max_rain_mm_per_hour = 5000;

/// Throws InputError naming `what` (the rain file) when no interval of `rain` overlaps the run
/// [0, t_end] (e.g. timestamps of another day than [simulation] start): the run would get no
/// rain at all. `start` is the run's ISO-8601 start, for the message.
void check_rain_period(const RainfallField& rain, Real t_end, const std::string& what,
                       const std::string& start = "");

}  // namespace floodtwin::terrain
