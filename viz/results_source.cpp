#include "viz/results_source.hpp"

#include <cmath>
#include <limits>
#include <sstream>

#include "io/results_names.hpp"
#include "io/results_reader.hpp"
#include "solver/error.hpp"

namespace floodtwin::viz {

namespace fs = std::filesystem;
namespace names = io::names;

namespace {

std::vector<double> read_or_nan(const io::ResultsReader& r, const char* name, std::size_t n) {
  if (!r.has_variable(name)) return std::vector<double>(n, std::nan(""));
  return r.read(name);
}

}  // namespace

TimeChoice choose_time(const std::string& text, const std::vector<double>& times,
                       const std::string& file) {
  if (text == "max") return {true, 0};
  return {false, io::snapshot_index(times, text, file, "max, END")};
}

struct ResultsSource::Impl {
  io::ResultsReader reader;
  Basin basin;
  std::vector<double> times;
  explicit Impl(const fs::path& p) : reader(p) {}
};

ResultsSource::ResultsSource(const fs::path& path) : impl_(std::make_unique<Impl>(path)) {
  Impl& m = *impl_;
  const io::ResultsSummary s = io::read_results_summary(path, 0);
  Basin& b = m.basin;
  b.grid.nx = s.nx;
  b.grid.ny = s.ny;
  b.grid.dx = static_cast<solver::Real>(s.dx);
  b.grid.dy = static_cast<solver::Real>(s.dy);
  b.grid.origin_x = static_cast<solver::Real>(s.x_min);
  b.grid.origin_y = static_cast<solver::Real>(s.y_max);
  b.crs_wkt = s.crs_wkt;
  b.start_time = s.start_time;
  const io::ResultsReader& r = m.reader;
  b.title = r.has_attribute("", "title") ? r.text_attribute("", "title") : path.stem().string();
  const std::string prefix = "floodtwin forecast: ";
  if (b.title.starts_with(prefix)) b.title = b.title.substr(prefix.size());
  if (s.threshold > 0) b.threshold = s.threshold;
  if (r.has_variable(names::max_hazard) && r.has_attribute(names::max_hazard, "debris_factor")) {
    b.debris_factor = r.number_attribute(names::max_hazard, "debris_factor");
  }
  if (!r.has_variable(names::elevation)) {
    throw InputError(path.string() + " has no variable 'elevation'");
  }
  b.elevation = r.read(names::elevation);
  if (r.has_variable(names::station_name)) {
    const auto station_names = r.read_strings(names::station_name);
    const auto xs = r.read(names::station_x);
    const auto ys = r.read(names::station_y);
    for (std::size_t k = 0; k < station_names.size() && k < xs.size() && k < ys.size(); ++k) {
      b.stations.push_back({station_names[k], xs[k], ys[k]});
    }
  }
  m.times = r.times();
}

ResultsSource::~ResultsSource() = default;
ResultsSource::ResultsSource(ResultsSource&&) noexcept = default;
ResultsSource& ResultsSource::operator=(ResultsSource&&) noexcept = default;

const fs::path& ResultsSource::path() const { return impl_->reader.path(); }
const Basin& ResultsSource::basin() const { return impl_->basin; }
const std::vector<double>& ResultsSource::times() const { return impl_->times; }

Snapshot ResultsSource::snapshot(std::size_t index) const {
  const Impl& m = *impl_;
  if (index >= m.times.size()) {
    throw InputError(path().string() + ": no snapshot " + std::to_string(index) + " (there are " +
                     std::to_string(m.times.size()) + ")");
  }
  Snapshot s;
  s.time = m.times[index];
  s.depth = m.reader.read_snapshot(names::depth, index);
  s.water_level = m.reader.read_snapshot(names::water_level, index);
  s.velocity_x = m.reader.read_snapshot(names::velocity_x, index);
  s.velocity_y = m.reader.read_snapshot(names::velocity_y, index);
  return s;
}

bool ResultsSource::has_peaks() const {
  for (const char* v : {names::max_depth, names::max_speed, names::max_water_level,
                        names::arrival_time, names::max_hazard}) {
    if (!impl_->reader.has_variable(v)) return false;
  }
  // The writer creates the maps with NaN fill values; a file whose maps were never written
  // holds no value in max_depth.
  for (double h : impl_->reader.read(names::max_depth))
    if (!std::isnan(h)) return true;
  return false;
}

PeakMaps ResultsSource::peaks() const {
  const io::ResultsReader& r = impl_->reader;
  for (const char* v : {names::max_depth, names::max_speed, names::max_water_level,
                        names::arrival_time, names::max_hazard}) {
    if (!r.has_variable(v)) {
      throw InputError(path().string() + " has no peak map '" + v +
                       "' (was the run stopped before its first output?)");
    }
  }
  if (!has_peaks()) {
    throw InputError(path().string() + " holds no peak maps ('" + names::max_depth +
                     "' has no value: the run wrote its snapshots without flood maps)");
  }
  const std::size_t n = basin().grid.cell_count();
  PeakMaps p;
  p.max_depth = r.read(names::max_depth);
  p.max_speed = r.read(names::max_speed);
  p.max_water_level = r.read(names::max_water_level);
  p.time_of_max_depth = read_or_nan(r, names::time_of_max_depth, n);
  p.arrival_time = r.read(names::arrival_time);
  p.flood_duration = read_or_nan(r, names::flood_duration, n);
  p.max_hazard = r.read(names::max_hazard);
  return p;
}

}  // namespace floodtwin::viz
