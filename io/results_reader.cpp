#include "io/results_reader.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>
#include <string>

#include "io/hdf5_util.hpp"
#include "io/results_names.hpp"
#include "solver/error.hpp"

namespace floodtwin::io {

using detail::check;
using detail::Id;

namespace detail {

/// Opens an existing HDF5 file read-only, or throws IoError saying what was expected.
Id open_hdf5_file(const std::filesystem::path& path, const std::string& expected) {
  quiet_hdf5_errors();
  const std::string name = path.string();
  // Only the status is asked for: opening a FIFO (or a device) would block for ever.
  std::error_code ec;
  const std::filesystem::file_status st = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(st)) {
    throw IoError(name + ": no such file (expected " + expected + ")");
  }
  if (std::filesystem::is_directory(st)) {
    throw IoError(name + ": is a directory (expected " + expected + ")");
  }
  if (!std::filesystem::is_regular_file(st)) {
    const char* kind =
        std::filesystem::is_fifo(st)     ? "a FIFO (named pipe)"
        : std::filesystem::is_socket(st) ? "a socket"
        : std::filesystem::is_block_file(st) || std::filesystem::is_character_file(st)
            ? "a device"
            : "not a plain file";
    throw IoError(name + ": is not a regular file, it is " + kind + " (expected " + expected + ")");
  }
  if (H5Fis_hdf5(name.c_str()) <= 0) {
    H5Eclear2(H5E_DEFAULT);
    throw IoError(name + ": not an HDF5 file, or a truncated one (expected " + expected + ")");
  }
  // No file lock: `floodtwin info` may read the flushed .partial file of a running run.
  const Id fapl = plist_id(H5Pcreate(H5P_FILE_ACCESS), name, "opening the file");
  check(H5Pset_file_locking(fapl.get(), false, true), name, "file locking");
  hid_t id = H5Fopen(name.c_str(), H5F_ACC_RDONLY, fapl.get());
  std::string detail;
  if (id < 0) {
    // The file may be open in this process already (xarray, h5py) with HDF5's default locking,
    // and HDF5 refuses a second open with other locking flags: open it as they did.
    detail = hdf5_error_message();
    H5Eclear2(H5E_DEFAULT);
    id = H5Fopen(name.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  }
  if (id < 0) {
    H5Eclear2(H5E_DEFAULT);
    throw IoError(name + ": cannot open the HDF5 file, it may be truncated or damaged (expected " +
                  expected + (detail.empty() ? ")" : "; HDF5: " + detail + ")"));
  }
  return Id(id, H5Fclose);
}

}  // namespace detail

namespace {

constexpr const char* expected_results = "a floodtwin results file";

herr_t collect_dataset(hid_t group, const char* name, const H5L_info_t*, void* data) {
  H5O_info_t info;
  if (H5Oget_info_by_name2(group, name, &info, H5O_INFO_BASIC, H5P_DEFAULT) >= 0 &&
      info.type == H5O_TYPE_DATASET) {
    static_cast<std::vector<std::string>*>(data)->push_back(name);
  }
  return 0;
}

}  // namespace

struct ResultsReader::Impl {
  std::filesystem::path path;
  std::string name;
  Id file;
  Id dataset(const std::string& var) const {
    return detail::open_dataset(file.get(), var, name, expected_results);
  }
  Id object(const std::string& var) const {
    if (var.empty()) {
      return detail::group_id(H5Gopen2(file.get(), "/", H5P_DEFAULT), name, "opening /");
    }
    return dataset(var);
  }
};

ResultsReader::ResultsReader(const std::filesystem::path& path) : impl_(std::make_unique<Impl>()) {
  impl_->path = path;
  impl_->name = path.string();
  impl_->file = detail::open_hdf5_file(path, expected_results);
  for (const char* var : {names::x, names::y, names::time, names::depth}) {
    if (!detail::has_link(impl_->file.get(), var)) {
      throw IoError(impl_->name + ": no variable '" + var +
                    "': not a floodtwin results file (expected variables x, y, time, depth)");
    }
  }
}

ResultsReader::~ResultsReader() = default;
ResultsReader::ResultsReader(ResultsReader&&) noexcept = default;
ResultsReader& ResultsReader::operator=(ResultsReader&&) noexcept = default;

const std::filesystem::path& ResultsReader::path() const { return impl_->path; }

std::vector<std::string> ResultsReader::variables() const {
  std::vector<std::string> out;
  hsize_t idx = 0;
  H5_index_t index = H5_INDEX_CRT_ORDER;
  if (H5Literate(impl_->file.get(), index, H5_ITER_INC, &idx, collect_dataset, &out) < 0) {
    H5Eclear2(H5E_DEFAULT);
    out.clear();
    idx = 0;
    check(H5Literate(impl_->file.get(), H5_INDEX_NAME, H5_ITER_INC, &idx, collect_dataset, &out),
          impl_->name, "listing variables");
  }
  return out;
}

bool ResultsReader::has_variable(const std::string& name) const {
  return detail::has_link(impl_->file.get(), name);
}

std::vector<std::size_t> ResultsReader::shape(const std::string& name) const {
  const Id d = impl_->dataset(name);
  std::vector<std::size_t> out;
  for (const hsize_t s : detail::dataset_shape(d.get(), impl_->name, name)) {
    out.push_back(static_cast<std::size_t>(s));
  }
  return out;
}

std::vector<double> ResultsReader::read(const std::string& name) const {
  const Id d = impl_->dataset(name);
  return detail::read_all<double>(d.get(), impl_->name, name);
}

std::vector<double> ResultsReader::read_snapshot(const std::string& name, std::size_t index) const {
  const Id d = impl_->dataset(name);
  return detail::read_slice<double>(d.get(), index, impl_->name, name);
}

void ResultsReader::read_snapshot(const std::string& name, std::size_t index,
                                  std::vector<double>& out) const {
  const Id d = impl_->dataset(name);
  detail::read_slice_into<double>(d.get(), index, impl_->name, name, out);
}

std::vector<std::string> ResultsReader::read_strings(const std::string& name) const {
  const std::string& file = impl_->name;
  const Id d = impl_->dataset(name);
  const Id type = detail::type_id(H5Dget_type(d.get()), file, "reading " + name);
  if (H5Tget_class(type.get()) != H5T_STRING || H5Tis_variable_str(type.get()) <= 0) {
    throw IoError(file + ": variable '" + name + "' is not a list of strings");
  }
  const std::vector<hsize_t> dims = detail::dataset_shape(d.get(), file, name);
  if (dims.size() != 1) throw IoError(file + ": variable '" + name + "' is not 1D");
  std::vector<char*> raw(static_cast<std::size_t>(dims[0]), nullptr);
  check(H5Dread(d.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, raw.data()), file,
        "reading " + name);
  std::vector<std::string> out;
  for (char* s : raw) {
    out.emplace_back(s != nullptr ? s : "");
    H5free_memory(s);
  }
  return out;
}

std::string ResultsReader::text_attribute(const std::string& variable,
                                          const std::string& attribute) const {
  const Id obj = impl_->object(variable);
  return detail::read_string_attribute(obj.get(), attribute, impl_->name,
                                       variable.empty() ? "the file" : "'" + variable + "'");
}

double ResultsReader::number_attribute(const std::string& variable,
                                       const std::string& attribute) const {
  const Id obj = impl_->object(variable);
  return detail::read_attribute<double>(obj.get(), attribute, impl_->name,
                                        variable.empty() ? "the file" : "'" + variable + "'");
}

bool ResultsReader::has_attribute(const std::string& variable, const std::string& attribute) const {
  if (!variable.empty() && !has_variable(variable)) return false;
  const Id obj = impl_->object(variable);
  return detail::has_attribute(obj.get(), attribute);
}

int ResultsReader::nx() const { return static_cast<int>(shape(names::x).at(0)); }
int ResultsReader::ny() const { return static_cast<int>(shape(names::y).at(0)); }
std::vector<double> ResultsReader::times() const { return read(names::time); }

namespace {

std::string shape_text(const std::vector<std::size_t>& shape) {
  std::string out = "[";
  for (std::size_t k = 0; k < shape.size(); ++k) out += (k ? ", " : "") + std::to_string(shape[k]);
  return out + "]";
}

/// Refuses a file whose variables disagree with its x, y and time (a damaged or foreign file
/// would otherwise be read out of bounds).
void check_shapes(const ResultsReader& r, const std::string& file) {
  const std::size_t nx = r.shape(names::x).at(0), ny = r.shape(names::y).at(0);
  const std::size_t nt = r.shape(names::time).at(0);
  auto expect = [&](const char* var, std::vector<std::size_t> want) {
    if (!r.has_variable(var)) return;
    const auto got = r.shape(var);
    if (got != want) {
      throw IoError(file + ": variable '" + var + "' has shape " + shape_text(got) + ", expected " +
                    shape_text(want) + " (time, y, x of the file)");
    }
  };
  for (const char* v :
       {names::elevation, names::manning, names::max_depth, names::max_speed,
        names::max_water_level, names::arrival_time, names::flood_duration, names::max_hazard}) {
    expect(v, {ny, nx});
  }
  for (const char* v : {names::depth, names::water_level, names::velocity_x, names::velocity_y}) {
    expect(v, {nt, ny, nx});
  }
  for (const char* v : {names::volume, names::mass_balance_error}) expect(v, {nt});
}

}  // namespace

void check_results_shapes(const ResultsReader& reader) {
  check_shapes(reader, reader.path().string());
}

ResultsSummary read_results_summary(const std::filesystem::path& path, double threshold) {
  const ResultsReader r(path);
  ResultsSummary s;
  s.path = path.string();
  auto text = [&](const char* var, const char* attr) {
    return r.has_attribute(var, attr) ? r.text_attribute(var, attr) : std::string();
  };
  s.status = text("", "status");
  s.floodtwin_version = text("", "floodtwin_version");
  s.git_commit = text("", "git_commit");
  s.scheme = text("", "scheme");
  s.start_time = text("", "start_time");
  s.time_units = text(names::time, "units");
  if (r.has_variable(names::crs)) s.crs_wkt = text(names::crs, "crs_wkt");
  const std::vector<double> xs = r.read(names::x);
  const std::vector<double> ys = r.read(names::y);
  s.nx = static_cast<int>(xs.size());
  s.ny = static_cast<int>(ys.size());
  if (s.nx < 1 || s.ny < 1) throw IoError(s.path + ": empty grid (x or y has no values)");
  check_shapes(r, s.path);
  // The cell size: recorded on x and y (or in the CRS's GeoTransform) since a single row or
  // column has no coordinate spacing; older files: from the spacing, square cells assumed.
  s.dx = r.has_attribute(names::x, "cell_size") ? r.number_attribute(names::x, "cell_size") : 0;
  s.dy = r.has_attribute(names::y, "cell_size") ? r.number_attribute(names::y, "cell_size") : 0;
  if (!(s.dx > 0 && s.dy > 0) && r.has_attribute(names::crs, "GeoTransform")) {
    std::istringstream gt(r.text_attribute(names::crs, "GeoTransform"));
    double g[6] = {0, 0, 0, 0, 0, 0};
    for (double& v : g) gt >> v;
    s.dx = std::abs(g[1]);
    s.dy = std::abs(g[5]);
  }
  if (!(s.dx > 0 && s.dy > 0)) {
    s.dx = s.nx > 1 ? std::abs(xs[1] - xs[0]) : 0;
    s.dy = s.ny > 1 ? std::abs(ys[1] - ys[0]) : 0;
    s.dx = s.dx > 0 ? s.dx : s.dy;
    s.dy = s.dy > 0 ? s.dy : s.dx;
  }
  if (!(s.dx > 0 && s.dy > 0 && std::isfinite(s.dx) && std::isfinite(s.dy))) {
    throw IoError(s.path +
                  ": the cell size is not recorded (a 1 x 1 grid without cell_size "
                  "attributes on x and y); expected a results file of floodtwin >= 0.9");
  }
  s.x_min = std::min(xs.front(), xs.back()) - s.dx / 2;
  s.x_max = std::max(xs.front(), xs.back()) + s.dx / 2;
  s.y_min = std::min(ys.front(), ys.back()) - s.dy / 2;
  s.y_max = std::max(ys.front(), ys.back()) + s.dy / 2;
  const std::vector<double> times = r.times();
  s.snapshots = times.size();
  if (!times.empty()) {
    s.first_time = times.front();
    s.last_time = times.back();
  }
  if (threshold > 0) {
    s.threshold = threshold;
  } else if (r.has_attribute(names::arrival_time, "threshold")) {
    s.threshold = r.number_attribute(names::arrival_time, "threshold");
  } else {
    s.threshold = 0.1;
  }
  // Peak depth and flooded area: from max_depth, or from the snapshots when the flood maps
  // were never written (their fill value is NaN everywhere).
  std::vector<double> peak = r.has_variable(names::max_depth)
                                 ? r.read(names::max_depth)
                                 : std::vector<double>(xs.size() * ys.size(), std::nan(""));
  bool any_map = false;
  for (const double v : peak) any_map = any_map || !std::isnan(v);
  if (!any_map) {
    for (std::size_t k = 0; k < times.size(); ++k) {
      const std::vector<double> d = r.read_snapshot(names::depth, k);
      if (k == 0) peak = d;
      for (std::size_t c = 0; c < d.size(); ++c) {
        if (d[c] > peak[c] || std::isnan(peak[c])) peak[c] = d[c];
      }
    }
  }
  const std::vector<double> z =
      r.has_variable(names::elevation) ? r.read(names::elevation) : std::vector<double>();
  for (std::size_t c = 0; c < z.size(); ++c) s.active_cells += std::isnan(z[c]) ? 0 : 1;
  std::size_t flooded = 0;
  std::size_t peak_cell = 0;
  for (std::size_t c = 0; c < peak.size(); ++c) {
    if (!(peak[c] <= s.peak_depth)) {
      if (!std::isnan(peak[c])) {
        s.peak_depth = peak[c];
        peak_cell = c;
      }
    }
    // compared at the file's precision: a depth of 0.1 - 1 ulp is not above 0.1
    if (static_cast<float>(peak[c]) > static_cast<float>(s.threshold)) ++flooded;
  }
  s.peak_x = xs[peak_cell % xs.size()];
  s.peak_y = ys[peak_cell / xs.size()];
  s.flooded_area = static_cast<double>(flooded) * s.dx * s.dy;
  if (!times.empty() && r.has_variable(names::volume))
    s.final_volume = r.read(names::volume).back();
  if (!times.empty() && r.has_variable(names::mass_balance_error)) {
    s.mass_balance_error = r.read(names::mass_balance_error).back();
  }
  if (r.has_variable(names::station)) {
    s.stations = r.shape(names::station).at(0);
    s.gauge_samples = r.shape(names::gauge_time).at(0);
  }
  if (r.has_attribute("", "wall_time")) s.wall_time = r.number_attribute("", "wall_time");
  return s;
}

std::string format_summary(const ResultsSummary& s) {
  std::ostringstream out;
  char line[256];
  out << "results:      " << s.path << " (" << (s.status.empty() ? "unknown" : s.status) << ")\n";
  out << "written by:   floodtwin " << s.floodtwin_version << " (" << s.git_commit << "), "
      << s.scheme << "\n";
  std::snprintf(line, sizeof line, "grid:         %d x %d cells of %g x %g m, %zu active\n", s.nx,
                s.ny, s.dx, s.dy, s.active_cells);
  out << line;
  std::snprintf(line, sizeof line, "extent:       x %.3f .. %.3f, y %.3f .. %.3f\n", s.x_min,
                s.x_max, s.y_min, s.y_max);
  out << line;
  // The CRS by its name: the first quoted string of the WKT (PROJCS["name", ...).
  std::string crs = "none";
  if (const auto q = s.crs_wkt.find('"'); q != std::string::npos) {
    crs = s.crs_wkt.substr(q + 1, s.crs_wkt.find('"', q + 1) - q - 1);
  } else if (!s.crs_wkt.empty()) {
    crs = s.crs_wkt.substr(0, 60);
  }
  out << "crs:          " << crs << "\n";
  std::snprintf(line, sizeof line, "times:        %zu snapshots, %g .. %g s (%s)\n", s.snapshots,
                s.first_time, s.last_time, s.time_units.c_str());
  out << line;
  std::snprintf(line, sizeof line, "peak depth:   %.3f m at (%.3f, %.3f)\n", s.peak_depth, s.peak_x,
                s.peak_y);
  out << line;
  std::snprintf(line, sizeof line, "flooded area: %.1f m2 (%.4f km2) with depth > %g m\n",
                s.flooded_area, s.flooded_area / 1e6, s.threshold);
  out << line;
  std::snprintf(line, sizeof line, "volume:       %.3f m3 at the last snapshot\n", s.final_volume);
  out << line;
  std::snprintf(line, sizeof line, "mass balance: relative error %.2e\n", s.mass_balance_error);
  out << line;
  if (s.stations > 0) {
    out << "gauges:       " << s.stations << " stations, " << s.gauge_samples << " samples\n";
  }
  if (s.wall_time >= 0) {
    std::snprintf(line, sizeof line, "wall time:    %.2f s\n", s.wall_time);
    out << line;
  }
  return out.str();
}

double read_final_state(const std::filesystem::path& path, solver::Simulation& sim) {
  const ResultsReader r(path);
  const std::string file = path.string();
  check_shapes(r, file);
  const solver::Grid& g = sim.grid();
  if (r.nx() != g.nx || r.ny() != g.ny) {
    std::ostringstream msg;
    msg << file << ": hot start from a " << r.nx() << " x " << r.ny()
        << " grid, expected the scenario's " << g.nx << " x " << g.ny << " grid";
    throw InputError(msg.str());
  }
  const std::vector<double> xs = r.read(names::x);
  const std::vector<double> ys = r.read(names::y);
  const double tol_x = 1e-6 * std::abs(static_cast<double>(g.dx));
  const double tol_y = 1e-6 * std::abs(static_cast<double>(g.dy));
  if (std::abs(xs.front() - g.x_center(0)) > tol_x ||
      std::abs(ys.front() - g.y_center(0)) > tol_y ||
      std::abs(xs.back() - g.x_center(g.nx - 1)) > tol_x ||
      std::abs(ys.back() - g.y_center(g.ny - 1)) > tol_y) {
    std::ostringstream msg;
    msg.precision(10);
    msg << file << ": hot start grid is placed differently: first cell centre (" << xs.front()
        << ", " << ys.front() << "), expected (" << g.x_center(0) << ", " << g.y_center(0) << ")";
    throw InputError(msg.str());
  }
  const std::vector<double> times = r.times();
  if (times.empty()) throw InputError(file + ": hot start file has no snapshot");
  const std::size_t last = times.size() - 1;
  const std::vector<double> d = r.read_snapshot(names::depth, last);
  const std::vector<double> u = r.read_snapshot(names::velocity_x, last);
  const std::vector<double> v = r.read_snapshot(names::velocity_y, last);
  std::vector<Real> h(d.size()), vx(d.size()), vy(d.size());
  for (int j = 0; j < g.ny; ++j) {
    for (int i = 0; i < g.nx; ++i) {
      const auto c = static_cast<std::size_t>(j) * static_cast<std::size_t>(g.nx) +
                     static_cast<std::size_t>(i);
      if (!sim.is_active(i, j)) continue;  // h, vx, vy stay 0
      if (std::isnan(d[c]) || std::isnan(u[c]) || std::isnan(v[c])) {
        std::ostringstream msg;
        msg << file << ": hot start has no value at cell (column " << i << ", row " << j
            << "), which is active in the scenario (inactive in the earlier run?)";
        throw InputError(msg.str());
      }
      h[c] = static_cast<Real>(d[c]);
      vx[c] = static_cast<Real>(u[c]);
      vy[c] = static_cast<Real>(v[c]);
    }
  }
  sim.set_depth(h);
  sim.set_velocity(vx, vy);
  return times[last];
}

namespace {

/// A non-negative decimal such as "12" or "1.5" (no sign, exponent or hexadecimal); NaN else.
double decimal(const std::string& text) {
  const double bad = std::numeric_limits<double>::quiet_NaN();
  if (text.empty() || text.find_first_not_of("0123456789.") != std::string::npos ||
      text.find_first_of("0123456789") == std::string::npos ||
      std::count(text.begin(), text.end(), '.') > 1) {
    return bad;
  }
  double v = 0;
  const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  return r.ec == std::errc() && r.ptr == text.data() + text.size() && std::isfinite(v) ? v : bad;
}

/// Seconds from "3600", "3600s", "90min", "1.5h", "2d" or "HH:MM[:SS]"; NaN if not a time.
double parse_time_text(const std::string& text) {
  const double bad = std::numeric_limits<double>::quiet_NaN();
  if (text.find(':') != std::string::npos) {
    double total = 0;
    int parts = 0;
    std::stringstream ss(text);
    std::string part;
    while (std::getline(ss, part, ':')) {
      const double v = decimal(part);
      if (std::isnan(v)) return bad;
      total = total * 60 + v;
      ++parts;
    }
    if (parts == 2) total *= 60;  // HH:MM
    return parts == 2 || parts == 3 ? total : bad;
  }
  const std::size_t used = std::min(text.size(), text.find_first_not_of("0123456789."));
  const double value = decimal(text.substr(0, used));
  if (std::isnan(value)) return bad;
  const std::string unit = text.substr(used);
  double scale = 0;
  if (unit.empty() || unit == "s")
    scale = 1;
  else if (unit == "min" || unit == "m")
    scale = 60;
  else if (unit == "h")
    scale = 3600;
  else if (unit == "d")
    scale = 86400;
  if (scale == 0 || !std::isfinite(value) || value < 0) return bad;
  return value * scale;
}

}  // namespace

std::size_t snapshot_index(const std::vector<double>& times, const std::string& text,
                           const std::string& file, const std::string& words) {
  if (times.empty()) throw InputError(file + " holds no snapshot");
  if (text == "end" || text == "END" || text == "last") return times.size() - 1;
  const double t = parse_time_text(text);
  if (std::isnan(t)) {
    throw ConfigError("--time expects " + words +
                      " or a time since the start (3600, 3600s, 90min, 1.5h, 01:30:00), got '" +
                      text + "'");
  }
  for (std::size_t k = 0; k < times.size(); ++k) {
    if (std::abs(times[k] - t) <= 1e-3) return k;
  }
  std::ostringstream msg;
  msg << "no snapshot at t = " << t << " s (--time " << text << ") in " << file << "; there are "
      << times.size() << " from " << times.front() << " s to " << times.back() << " s";
  if (times.size() > 1) msg << " every " << times[1] - times[0] << " s";
  throw InputError(msg.str());
}

}  // namespace floodtwin::io
