#include "terrain/rainfall.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <span>
#include <sstream>
#include <utility>

#include "solver/error.hpp"
#include "terrain/raster.hpp"

namespace floodtwin::terrain {

/// Produces the rain intensity [m/s] of interval k.
class RainfallField::Source {
 public:
  virtual ~Source() = default;
  /// Fills interval k's intensity [m/s] into out's cells [first, end) (the grid's kept rows:
  /// Grid::kept_cells); the other cells are not written.
  virtual void fill(std::size_t k, std::span<Real> out, std::size_t first,
                    std::size_t end) const = 0;
  /// This source on the grid that keeps every row (RainfallField::whole).
  [[nodiscard]] virtual std::shared_ptr<const Source> whole() const = 0;
};

namespace {

/// `grid` keeping every row (Grid::kept_rows).
solver::Grid whole_grid(solver::Grid grid) {
  grid.keep_first = -1;
  grid.keep_end = std::numeric_limits<int>::max();
  return grid;
}

class GaugeSource final : public RainfallField::Source {
 public:
  GaugeSource(const solver::Grid& grid, std::vector<Real> xs, std::vector<Real> ys,
              std::vector<std::vector<Real>> rates, Interpolation method, Real power,
              std::optional<Real> fallback)
      : grid_(grid),
        xs_(std::move(xs)),
        ys_(std::move(ys)),
        rates_(std::move(rates)),
        method_(method),
        power_(power),
        fallback_(fallback) {}
  void fill(std::size_t k, std::span<Real> out, std::size_t first, std::size_t end) const override {
    const auto& v = rates_[k];
    if (std::all_of(v.begin(), v.end(), [](Real r) { return std::isnan(r); })) {
      std::fill(out.begin() + static_cast<std::ptrdiff_t>(first),
                out.begin() + static_cast<std::ptrdiff_t>(end), fallback_.value_or(Real(0)));
      return;
    }
    interpolate_field(grid_, xs_, ys_, v, method_, power_, out);
  }
  [[nodiscard]] std::shared_ptr<const Source> whole() const override {
    auto copy = std::make_shared<GaugeSource>(*this);
    copy->grid_ = whole_grid(grid_);
    return copy;
  }

 private:
  solver::Grid grid_;
  std::vector<Real> xs_, ys_;
  std::vector<std::vector<Real>> rates_;  ///< [interval][station] m/s, NaN missing
  Interpolation method_;
  Real power_;
  std::optional<Real> fallback_;
};

class UniformSource final : public RainfallField::Source {
 public:
  explicit UniformSource(std::vector<Real> rates) : rates_(std::move(rates)) {}
  void fill(std::size_t k, std::span<Real> out, std::size_t first, std::size_t end) const override {
    std::fill(out.begin() + static_cast<std::ptrdiff_t>(first),
              out.begin() + static_cast<std::ptrdiff_t>(end), rates_[k]);
  }
  [[nodiscard]] std::shared_ptr<const Source> whole() const override {
    return std::make_shared<UniformSource>(*this);
  }

 private:
  std::vector<Real> rates_;
};

class RasterSource final : public RainfallField::Source {
 public:
  RasterSource(const solver::Grid& grid, std::string crs, std::vector<RasterBand> bands,
               std::vector<Real> lengths, GriddedRainOptions options)
      : grid_(grid),
        crs_(std::move(crs)),
        bands_(std::move(bands)),
        lengths_(std::move(lengths)),
        options_(std::move(options)) {}
  void fill(std::size_t k, std::span<Real> out, std::size_t first, std::size_t end) const override {
    const RasterBand& b = bands_[k];
    ReadOptions o;
    o.band = b.band;
    o.resampling = options_.resampling;
    o.what = "rain raster";
    const std::vector<Real> v = read_raster_on_grid(b.path, grid_, crs_, o);
    std::size_t missing = 0;
    for (std::size_t c = 0; c < v.size(); ++c) {
      const bool kept = c >= first && c < end;  // every cell is checked, the kept ones set
      if (std::isnan(v[c])) {
        ++missing;
        if (kept) out[c] = 0;
        continue;
      }
      if (v[c] < 0) {
        std::ostringstream msg;
        msg << "rain raster '" << b.path << "' band " << b.band << ": negative rain " << v[c]
            << " at column " << c % std::size_t(grid_.nx) << ", row " << c / std::size_t(grid_.nx);
        throw InputError(msg.str());
      }
      if (kept) out[c] = rain_to_m_per_s(v[c], options_.units, lengths_[k]);
    }
    if (missing > 0 && !options_.nodata_as_zero) {
      std::ostringstream msg;
      msg << "rain raster '" << b.path << "' band " << b.band << ": " << missing
          << " grid cell(s) have no data (no-data or outside the raster); set nodata_as_zero "
             "to treat them as no rain";
      throw InputError(msg.str());
    }
  }
  [[nodiscard]] std::shared_ptr<const Source> whole() const override {
    auto copy = std::make_shared<RasterSource>(*this);
    copy->grid_ = whole_grid(grid_);
    return copy;
  }

 private:
  solver::Grid grid_;
  std::string crs_;
  std::vector<RasterBand> bands_;
  std::vector<Real> lengths_;
  GriddedRainOptions options_;
};

/// Refuses an absurd intensity (above max_rain_mm_per_hour) naming the file, line and column.
void check_intensity(Real rate, const SeriesTable& series, std::size_t k,
                     const std::string& column) {
  if (!(rate * Real(3.6e6) > max_rain_mm_per_hour)) return;  // NaN: missing, allowed
  std::ostringstream msg;
  msg << "rain series '" << series.path << "' line "
      << (k < series.lines.size() ? series.lines[k] : 0) << ", column '" << column
      << "': an intensity of " << rate * 3.6e6 << " mm/h; expected at most "
      << max_rain_mm_per_hour << " mm/h (check [rainfall] units)";
  throw InputError(msg.str());
}

std::vector<Real> lengths_of(const std::vector<Real>& bounds) {
  std::vector<Real> out(bounds.size() - 1);
  for (std::size_t k = 0; k + 1 < bounds.size(); ++k) out[k] = bounds[k + 1] - bounds[k];
  return out;
}

}  // namespace

std::vector<Real> interval_bounds(const std::vector<Real>& times, RainTiming timing,
                                  const std::string& path) {
  const std::size_t n = times.size();
  if (n < 2) {
    throw InputError("rain series '" + path +
                     "': at least 2 times are needed to know the length of the intervals, "
                     "found " +
                     std::to_string(n));
  }
  for (std::size_t k = 1; k < n; ++k) {
    if (!(times[k] > times[k - 1])) {
      std::ostringstream msg;
      msg << "rain series '" << path << "': times must increase strictly, time " << k << " ("
          << times[k] << ") follows " << times[k - 1];
      throw InputError(msg.str());
    }
  }
  std::vector<Real> bounds;
  bounds.reserve(n + 1);
  if (timing == RainTiming::period_ending) {
    bounds.push_back(times[0] - (times[1] - times[0]));
    bounds.insert(bounds.end(), times.begin(), times.end());
  } else {
    bounds.assign(times.begin(), times.end());
    bounds.push_back(times[n - 1] + (times[n - 1] - times[n - 2]));
  }
  return bounds;
}

RainfallField::RainfallField(const solver::Grid& grid, std::vector<Real> bounds,
                             std::shared_ptr<const Source> source)
    : grid_(grid), bounds_(std::move(bounds)), source_(std::move(source)) {}

RainfallField RainfallField::from_gauges(const solver::Grid& grid,
                                         const std::vector<Station>& stations,
                                         const SeriesTable& series,
                                         const GaugeRainOptions& options) {
  grid.validate();
  if (!(options.idw_power > 0 && std::isfinite(options.idw_power))) {
    std::ostringstream msg;
    msg << "rain series '" << series.path << "': IDW power must be finite and > 0, got "
        << options.idw_power;
    throw ConfigError(msg.str());
  }
  if (options.fallback_rate && !(*options.fallback_rate >= 0)) {
    throw ConfigError("rain series '" + series.path + "': the fallback rate must be >= 0");
  }
  (void)check_stations(grid, stations, series.columns, series.time_column, "", series.path);
  std::map<std::string, const Station*> by_id;
  for (const Station& s : stations) by_id[s.id] = &s;
  std::vector<Real> xs, ys;
  for (const std::string& id : series.columns) {
    const auto it = by_id.find(id);
    if (it == by_id.end()) {
      std::string known;
      for (const auto& [name, s] : by_id) known += (known.empty() ? "" : ", ") + name;
      throw InputError("rain series '" + series.path + "': column '" + id +
                       "' is not a station of the station table (stations: " + known + ")");
    }
    xs.push_back(it->second->x);
    ys.push_back(it->second->y);
  }
  std::vector<Real> bounds = interval_bounds(series.times, options.timing, series.path);
  const std::vector<Real> lengths = lengths_of(bounds);
  std::vector<std::vector<Real>> rates(series.values.size());
  for (std::size_t k = 0; k < rates.size(); ++k) {
    bool any = false;
    rates[k].resize(series.columns.size());
    for (std::size_t c = 0; c < rates[k].size(); ++c) {
      const Real v = series.values[k][c];
      rates[k][c] = std::isnan(v) ? v : rain_to_m_per_s(v, options.units, lengths[k]);
      check_intensity(rates[k][c], series, k, series.columns[c]);
      any = any || !std::isnan(v);
    }
    if (!any && !options.fallback_rate) {
      std::ostringstream msg;
      msg << "rain series '" << series.path << "' line "
          << (k < series.lines.size() ? series.lines[k] : 0) << " (t = " << series.times[k]
          << " s): no station has a value and no fallback rain rate is configured";
      throw InputError(msg.str());
    }
  }
  return RainfallField(grid, std::move(bounds),
                       std::make_shared<GaugeSource>(grid, std::move(xs), std::move(ys),
                                                     std::move(rates), options.interpolation,
                                                     options.idw_power, options.fallback_rate));
}

RainfallField RainfallField::uniform(const solver::Grid& grid, const SeriesTable& hyetograph,
                                     RainUnits units, RainTiming timing) {
  grid.validate();
  if (hyetograph.columns.size() != 1) {
    throw InputError("hyetograph '" + hyetograph.path +
                     "': expected 2 columns (time, value), found " +
                     std::to_string(hyetograph.columns.size() + 1));
  }
  std::vector<Real> bounds = interval_bounds(hyetograph.times, timing, hyetograph.path);
  const std::vector<Real> lengths = lengths_of(bounds);
  std::vector<Real> rates(hyetograph.values.size());
  for (std::size_t k = 0; k < rates.size(); ++k) {
    const Real v = hyetograph.values[k][0];
    if (std::isnan(v)) {
      throw InputError("hyetograph '" + hyetograph.path + "' line " +
                       std::to_string(hyetograph.lines[k]) + ": missing value");
    }
    rates[k] = rain_to_m_per_s(v, units, lengths[k]);
    check_intensity(rates[k], hyetograph, k, hyetograph.columns[0]);
  }
  return RainfallField(grid, std::move(bounds), std::make_shared<UniformSource>(std::move(rates)));
}

RainfallField RainfallField::uniform(const solver::Grid& grid, std::vector<Real> bounds,
                                     std::vector<Real> rates) {
  grid.validate();
  if (bounds.size() != rates.size() + 1) {
    throw InputError("uniform rain: expected " + std::to_string(rates.size() + 1) +
                     " interval bounds for " + std::to_string(rates.size()) + " rates, got " +
                     std::to_string(bounds.size()));
  }
  for (std::size_t k = 0; k < rates.size(); ++k) {
    if (!(bounds[k + 1] > bounds[k]) || !std::isfinite(bounds[k]) ||
        !std::isfinite(bounds[k + 1])) {
      std::ostringstream msg;
      msg << "uniform rain: bounds must be finite and increase strictly, bound " << k + 1 << " ("
          << bounds[k + 1] << ") follows " << bounds[k];
      throw InputError(msg.str());
    }
    if (!(rates[k] >= 0 && std::isfinite(rates[k]))) {
      std::ostringstream msg;
      msg << "uniform rain: rate " << k << " must be finite and >= 0 [m/s], got " << rates[k];
      throw InputError(msg.str());
    }
  }
  return RainfallField(grid, std::move(bounds), std::make_shared<UniformSource>(std::move(rates)));
}

RainfallField RainfallField::from_rasters(const solver::Grid& grid, const std::string& crs_wkt,
                                          std::vector<Real> times, std::vector<RasterBand> rasters,
                                          const GriddedRainOptions& options) {
  grid.validate();
  const std::string name = rasters.empty() ? std::string("gridded rain") : rasters.front().path;
  if (rasters.size() != times.size()) {
    throw InputError("gridded rain '" + name + "': " + std::to_string(rasters.size()) +
                     " raster band(s) for " + std::to_string(times.size()) + " time(s)");
  }
  std::vector<Real> bounds = interval_bounds(times, options.timing, name);
  std::vector<Real> lengths = lengths_of(bounds);
  for (const RasterBand& b : rasters) {
    const int count = raster_band_count(b.path, "rain raster");
    if (b.band < 1 || b.band > count) {
      throw InputError("rain raster '" + b.path + "': band " + std::to_string(b.band) +
                       " requested, the file has " + std::to_string(count) + " band(s)");
    }
  }
  return RainfallField(grid, std::move(bounds),
                       std::make_shared<RasterSource>(grid, crs_wkt, std::move(rasters),
                                                      std::move(lengths), options));
}

RainfallField RainfallField::from_stack(const solver::Grid& grid, const std::string& crs_wkt,
                                        const std::string& path, std::vector<Real> times,
                                        const GriddedRainOptions& options) {
  const int count = raster_band_count(path, "rain raster");
  if (std::size_t(count) != times.size()) {
    throw InputError("rain raster '" + path + "': " + std::to_string(count) + " band(s) for " +
                     std::to_string(times.size()) + " time(s); expected one band per time");
  }
  std::vector<RasterBand> bands;
  for (int b = 1; b <= count; ++b) bands.push_back(RasterBand{path, b});
  return from_rasters(grid, crs_wkt, std::move(times), std::move(bands), options);
}

namespace {

/// Interval k of a composition: the piece that covers it (or none: no rain).
class ComposedSource final : public RainfallField::Source {
 public:
  ComposedSource(std::vector<RainfallField::Piece> pieces, std::vector<Real> starts)
      : pieces_(std::move(pieces)), starts_(std::move(starts)) {}
  void fill(std::size_t k, std::span<Real> out, std::size_t first, std::size_t end) const override {
    const Real t = starts_[k];
    for (const auto& p : pieces_) {
      if (t >= p.from && t < p.to) {
        const solver::Field<Real>& rate = p.field->rate_field(t);
        for (std::size_t c = first; c < end; ++c) out[c] = rate[c] * p.factor;
        return;
      }
    }
    std::fill(out.begin() + static_cast<std::ptrdiff_t>(first),
              out.begin() + static_cast<std::ptrdiff_t>(end), Real(0));
  }
  [[nodiscard]] std::shared_ptr<const Source> whole() const override {
    auto copy = std::make_shared<ComposedSource>(*this);
    for (auto& p : copy->pieces_) p.field = std::make_shared<const RainfallField>(p.field->whole());
    return copy;
  }

 private:
  std::vector<RainfallField::Piece> pieces_;
  std::vector<Real> starts_;
};

}  // namespace

RainfallField RainfallField::compose(const solver::Grid& grid, std::vector<Piece> pieces) {
  std::vector<Real> bounds;
  for (const auto& p : pieces) {
    if (!p.field) throw InputError("rain composition: a piece without a field");
    if (!(p.from < p.to)) throw InputError("rain composition: a window must have from < to");
    if (!(std::isfinite(p.factor) && p.factor >= 0)) {
      throw InputError("rain composition: a factor must be finite and >= 0");
    }
    if (p.field->grid().nx != grid.nx || p.field->grid().ny != grid.ny) {
      throw InputError("rain composition: a piece on another grid");
    }
    if (std::isfinite(p.from)) bounds.push_back(p.from);
    if (std::isfinite(p.to)) bounds.push_back(p.to);
    for (const Real b : p.field->bounds()) {
      if (b > p.from && b < p.to) bounds.push_back(b);
    }
  }
  std::sort(bounds.begin(), bounds.end());
  bounds.erase(std::unique(bounds.begin(), bounds.end()), bounds.end());
  if (bounds.size() < 2) {
    // Nothing bounded: one interval of no rain keeps the field well formed.
    bounds = {Real(0), Real(1)};
    pieces.clear();
  }
  std::vector<Real> starts(bounds.begin(), bounds.end() - 1);
  auto source = std::make_shared<ComposedSource>(std::move(pieces), std::move(starts));
  return RainfallField(grid, std::move(bounds), std::move(source));
}

RainfallField RainfallField::scaled(std::shared_ptr<const RainfallField> field, Real factor) {
  if (!field) throw InputError("rain scaling: no field");
  if (!(std::isfinite(factor) && factor >= 0)) {
    throw InputError("rain scaling: the factor must be finite and >= 0");
  }
  const solver::AfterEnd rule = field->after_end();
  const std::string what = field->what_;
  const solver::Grid grid = field->grid();
  constexpr Real inf = std::numeric_limits<Real>::infinity();
  RainfallField out = compose(grid, {Piece{std::move(field), -inf, inf, factor}});
  out.set_after_end(rule, what);
  return out;
}

const solver::Field<Real>& RainfallField::field(std::size_t k) const {
  if (cached_ != k) {
    // Allocated once; under a decomposition only the kept rows are written (Grid::kept_cells).
    if (cache_.size() != grid_.cell_count()) solver::reset_field(cache_, grid_.cell_count());
    const auto [first, end] = grid_.kept_cells();
    source_->fill(k, cache_, first, end);
    cached_ = k;
  }
  return cache_;
}

RainfallField RainfallField::whole() const {
  RainfallField out(whole_grid(grid_), bounds_, source_->whole());
  out.after_end_ = after_end_;
  out.what_ = what_;
  return out;
}

void RainfallField::set_after_end(solver::AfterEnd rule, std::string what) {
  after_end_ = rule;
  what_ = std::move(what);
}

Real RainfallField::end() const {
  return after_end_ == solver::AfterEnd::error && !bounds_.empty()
             ? bounds_.back()
             : std::numeric_limits<Real>::infinity();
}

void RainfallField::check_covers(Real t) const {
  if (!(t > end())) return;
  std::ostringstream msg;
  msg.precision(10);
  msg << what_ << ": the rain ends at t = " << end() << " s but the run goes on to t = " << t
      << " s; extend the rain, or say what follows its end (after_end = \"zero\" for no more "
         "rain, \"hold\" to keep the last interval's rain)";
  throw InputError(msg.str());
}

std::vector<Real> RainfallField::rate_at(Real t) const {
  const solver::Field<Real>& f = rate_field(t);
  return {f.begin(), f.end()};
}

const solver::Field<Real>& RainfallField::rate_field(Real t) const {
  const auto it = std::upper_bound(bounds_.begin(), bounds_.end(), t);
  if (it == bounds_.end() && bounds_.size() > 1 && after_end_ != solver::AfterEnd::zero) {
    check_covers(std::nextafter(t, std::numeric_limits<Real>::max()));
    return field(bounds_.size() - 2);  // hold: the last interval's rain
  }
  if (it == bounds_.begin() || it == bounds_.end()) {
    if (zero_.size() != grid_.cell_count()) solver::reset_field(zero_, grid_.cell_count());
    return zero_;
  }
  return field(static_cast<std::size_t>(it - bounds_.begin() - 1));
}

Real RainfallField::next_change(Real t) const {
  const auto it = std::upper_bound(bounds_.begin(), bounds_.end(), t);
  return it == bounds_.end() ? std::numeric_limits<Real>::infinity() : *it;
}

std::vector<Real> RainfallField::depth_between(Real a, Real b) const {
  std::vector<Real> depth(grid_.cell_count(), Real(0));
  for (std::size_t k = 0; k + 1 < bounds_.size(); ++k) {
    const Real lo = std::max(a, bounds_[k]);
    const Real hi = std::min(b, bounds_[k + 1]);
    if (!(hi > lo)) continue;
    const solver::Field<Real>& f = field(k);
    for (std::size_t c = 0; c < depth.size(); ++c) depth[c] += f[c] * (hi - lo);
  }
  return depth;
}

void check_rain_period(const RainfallField& rain, Real t_end, const std::string& what,
                       const std::string& start) {
  const std::vector<Real>& b = rain.bounds();
  if (b.size() < 2 || (b.front() < t_end && b.back() > 0)) return;
  std::ostringstream msg;
  msg << what << ": the rain covers t = " << b.front() << " s to " << b.back()
      << " s, wholly outside the run (0 s to " << t_end << " s";
  if (!start.empty()) msg << " from [simulation] start = " << start;
  msg << "); no rain would fall. Check the times of the file and [simulation] start";
  throw InputError(msg.str());
}

}  // namespace floodtwin::terrain
