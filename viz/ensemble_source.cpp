/// @file ensemble_source.cpp
/// The products of an ensemble file for maps and the web viewer (ensemble_source.hpp).
#include "viz/ensemble_source.hpp"

#include <netcdf.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "solver/error.hpp"

namespace fs = std::filesystem;

namespace floodtwin::viz {
namespace {

/// An open netCDF file, closed on scope exit.
struct Nc {
  int id = -1;
  std::string file;
  explicit Nc(const fs::path& path) : file(path.string()) {
    const int s = nc_open(file.c_str(), NC_NOWRITE, &id);
    if (s != NC_NOERR) {
      id = -1;
      throw IoError(file + ": cannot open as netCDF/HDF5 (" + nc_strerror(s) + ")");
    }
  }
  ~Nc() {
    if (id >= 0) nc_close(id);
  }
  Nc(const Nc&) = delete;
  Nc& operator=(const Nc&) = delete;
  [[nodiscard]] int var(const std::string& name, bool required = true) const {
    int v = -1;
    if (nc_inq_varid(id, name.c_str(), &v) != NC_NOERR) {
      if (required) {
        throw IoError(file + ": no variable '" + name +
                      "'; expected an ensemble file (floodtwin ensemble, docs/ensemble.md)");
      }
      return -1;
    }
    return v;
  }
  [[nodiscard]] std::vector<std::size_t> shape(int v) const {
    int nd = 0;
    nc_inq_varndims(id, v, &nd);
    std::vector<int> dims(static_cast<std::size_t>(nd));
    nc_inq_vardimid(id, v, dims.data());
    std::vector<std::size_t> out;
    for (const int d : dims) {
      std::size_t n = 0;
      nc_inq_dimlen(id, d, &n);
      out.push_back(n);
    }
    return out;
  }
  [[nodiscard]] std::vector<double> all(const std::string& name) const {
    const int v = var(name);
    std::size_t n = 1;
    for (const auto d : shape(v)) n *= d;
    std::vector<double> out(n);
    if (n > 0) check(nc_get_var_double(id, v, out.data()), "reading " + name);
    return out;
  }
  void check(int status, const std::string& what) const {
    if (status != NC_NOERR) {
      throw IoError(file + ": " + what + " (netCDF: " + nc_strerror(status) + ")");
    }
  }
  [[nodiscard]] std::string text_attribute(int v, const std::string& name) const {
    std::size_t len = 0;
    if (nc_inq_attlen(id, v, name.c_str(), &len) != NC_NOERR) return {};
    std::string s(len, '\0');
    if (len > 0 && nc_get_att_text(id, v, name.c_str(), s.data()) != NC_NOERR) return {};
    while (!s.empty() && s.back() == '\0') s.pop_back();
    return s;
  }
  [[nodiscard]] double number_attribute(int v, const std::string& name, double fallback) const {
    double d = fallback;
    if (nc_get_att_double(id, v, name.c_str(), &d) != NC_NOERR) return fallback;
    return d;
  }
};

}  // namespace

bool is_ensemble_file(const fs::path& path) {
  int id = -1;
  if (!fs::is_regular_file(path) || nc_open(path.string().c_str(), NC_NOWRITE, &id) != NC_NOERR) {
    return false;
  }
  int v = -1;
  const bool yes = nc_inq_varid(id, "exceedance_probability", &v) == NC_NOERR;
  nc_close(id);
  return yes;
}

fs::path results_beside(const fs::path& ensemble) {
  const std::string stem = ensemble.stem().string();
  const std::string suffix = "_ensemble";
  std::string base;
  if (stem == "ensemble") {
    base = "forecast";
  } else if (stem.size() > suffix.size() && stem.ends_with(suffix)) {
    base = stem.substr(0, stem.size() - suffix.size());
  }
  if (base.empty()) return {};
  for (const char* ext : {".h5", ".nc"}) {  // results files are HDF5 (netCDF-4) either way
    const fs::path candidate = ensemble.parent_path() / (base + ext);
    if (fs::is_regular_file(candidate)) return candidate;
  }
  return {};
}

EnsembleSource::EnsembleSource(const fs::path& path) : path_(path) {
  const Nc f(path);
  const int ex = f.var("exceedance_probability");
  (void)f.var("max_depth_quantile");
  thresholds = f.all("threshold");
  quantiles = f.all("quantile");
  x = f.all("x");
  y = f.all("y");
  const auto shape = f.shape(ex);
  if (shape.size() != 3 || shape[0] != thresholds.size() || shape[1] != y.size() ||
      shape[2] != x.size()) {
    throw IoError(path.string() +
                  ": exceedance_probability is not (threshold, y, x) of the file's coordinates");
  }
  if (x.empty() || y.empty()) throw IoError(path.string() + ": an empty grid");
  members = static_cast<std::size_t>(f.number_attribute(NC_GLOBAL, "members", 0));
  if (members == 0) {
    const int r = f.var("realization", false);
    if (r >= 0) members = f.shape(r).at(0);
  }
  flood_threshold = f.number_attribute(NC_GLOBAL, "flood_threshold", 0.1);
  title = f.text_attribute(NC_GLOBAL, "title");
  if (const int c = f.var("crs", false); c >= 0) crs_wkt = f.text_attribute(c, "crs_wkt");
  if (const int sn = f.var("station_name", false); sn >= 0) {
    const auto s = f.shape(sn);
    if (s.size() == 2 && s[0] > 0) {
      std::vector<char> chars(s[0] * s[1]);
      f.check(nc_get_var_text(f.id, sn, chars.data()), "reading station_name");
      const auto sx = f.all("station_x"), sy = f.all("station_y");
      for (std::size_t k = 0; k < s[0] && k < sx.size() && k < sy.size(); ++k) {
        std::string name(chars.data() + k * s[1], s[1]);
        name.erase(std::find(name.begin(), name.end(), '\0'), name.end());
        stations.push_back({name, sx[k], sy[k]});
      }
    }
  }
  if (f.var("gauge_time", false) >= 0) gauge_time = f.all("gauge_time");
}

std::vector<double> EnsembleSource::slab(const std::string& variable, std::size_t k,
                                         std::size_t count) const {
  if (k >= count) {
    throw InputError(path_.string() + ": " + variable + " has no index " + std::to_string(k));
  }
  const Nc f(path_);
  const int v = f.var(variable);
  const std::size_t start[3] = {k, 0, 0};
  const std::size_t n[3] = {1, y.size(), x.size()};
  std::vector<double> out(x.size() * y.size());
  f.check(nc_get_vara_double(f.id, v, start, n, out.data()), "reading " + variable);
  return out;
}

std::vector<double> EnsembleSource::exceedance(std::size_t k) const {
  return slab("exceedance_probability", k, thresholds.size());
}

std::vector<double> EnsembleSource::max_depth_quantile(std::size_t k) const {
  return slab("max_depth_quantile", k, quantiles.size());
}

std::vector<double> EnsembleSource::gauge_depth() const {
  if (stations.empty() || gauge_time.empty()) return {};
  const Nc f(path_);
  if (f.var("gauge_depth", false) < 0) return {};
  return f.all("gauge_depth");
}

std::size_t EnsembleSource::threshold_index(double threshold) const {
  std::string there;
  for (std::size_t k = 0; k < thresholds.size(); ++k) {
    if (std::abs(thresholds[k] - threshold) <= 1e-9) return k;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%s%g", k ? ", " : "", thresholds[k]);
    there += buf;
  }
  char want[32];
  std::snprintf(want, sizeof want, "%g", threshold);
  throw InputError(path_.string() + ": no exceedance probability for " + want +
                   " m; the file's thresholds are " + there + " m");
}

Basin EnsembleSource::flat_basin() const {
  Basin b;
  b.grid.nx = nx();
  b.grid.ny = ny();
  const double dx = nx() > 1 ? std::abs(x[1] - x[0]) : (ny() > 1 ? std::abs(y[0] - y[1]) : 1.0);
  const double dy = ny() > 1 ? std::abs(y[0] - y[1]) : dx;
  b.grid.dx = static_cast<solver::Real>(dx);
  b.grid.dy = static_cast<solver::Real>(dy);
  b.grid.origin_x = static_cast<solver::Real>(x[0] - 0.5 * dx);
  b.grid.origin_y = static_cast<solver::Real>(y[0] + 0.5 * dy);
  b.crs_wkt = crs_wkt;
  b.title = title.empty() ? path_.stem().string() : title;
  b.threshold = flood_threshold;
  const std::vector<double> p = exceedance(0);
  b.elevation.assign(p.size(), std::numeric_limits<double>::quiet_NaN());
  for (std::size_t c = 0; c < p.size(); ++c) {
    if (std::isfinite(p[c])) b.elevation[c] = 0;
  }
  b.stations = stations;
  return b;
}

void EnsembleSource::check_grid(const Basin& basin, const fs::path& results) const {
  const solver::Grid& g = basin.grid;
  bool same = g.nx == nx() && g.ny == ny();
  const double tol = 1e-6 * std::max<double>(g.dx, g.dy);
  for (int i = 0; same && i < g.nx; i += std::max(1, g.nx - 1)) {
    same = std::abs(static_cast<double>(g.x_center(i)) - x[static_cast<std::size_t>(i)]) <= tol;
  }
  for (int j = 0; same && j < g.ny; j += std::max(1, g.ny - 1)) {
    same = std::abs(static_cast<double>(g.y_center(j)) - y[static_cast<std::size_t>(j)]) <= tol;
  }
  if (!same) {
    throw InputError(path_.string() + ": the ensemble's grid (" + std::to_string(nx()) + " x " +
                     std::to_string(ny()) + " cells) is not that of " + results.string() + " (" +
                     std::to_string(g.nx) + " x " + std::to_string(g.ny) +
                     " cells, or other cell centres); give the results of the same scenario");
  }
}

double numpy_quantile(std::vector<double> values, double q) {
  std::erase_if(values, [](double v) { return !std::isfinite(v); });
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::sort(values.begin(), values.end());
  const double n = static_cast<double>(values.size());
  const double virtual_index = (n - 1) * q;
  const double prev = std::floor(virtual_index);
  const auto last = values.size() - 1;
  const auto lo = static_cast<std::size_t>(std::clamp(prev, 0.0, static_cast<double>(last)));
  const auto hi = static_cast<std::size_t>(std::clamp(prev + 1, 0.0, static_cast<double>(last)));
  const double t = virtual_index - prev;
  const double a = values[lo], b = values[hi];
  const double diff = b - a;
  // numpy's _lerp: from the nearer end.
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

}  // namespace floodtwin::viz
