#include "terrain/roughness.hpp"

#include <cmath>
#include <limits>
#include <sstream>

#include "solver/error.hpp"
#include "terrain/raster.hpp"

namespace floodtwin::terrain {

namespace {

void check_size(std::span<const Real> elevation, const solver::Grid& grid, const std::string& what,
                const std::string& path) {
  if (elevation.size() != grid.cell_count()) {
    std::ostringstream msg;
    msg << what << " '" << path << "': the elevation has " << elevation.size()
        << " values, the grid " << grid.cell_count();
    throw InputError(msg.str());
  }
}

std::string cell_name(std::size_t k, int nx) {
  std::ostringstream s;
  s << "(column " << (k % std::size_t(nx)) << ", row " << (k / std::size_t(nx)) << ")";
  return s.str();
}

}  // namespace

std::vector<Real> load_cell_parameter(const std::string& path, const solver::Grid& grid,
                                      const std::string& crs_wkt, std::span<const Real> elevation,
                                      const std::string& what, Real lo, Real hi,
                                      const std::string& resampling, Real inactive_value) {
  check_size(elevation, grid, what, path);
  ReadOptions o;
  o.resampling = resampling;
  o.what = what;
  std::vector<Real> v = read_raster_on_grid(path, grid, crs_wkt, o);
  std::size_t missing = 0, bad = 0, first_missing = 0, first_bad = 0;
  Real bad_value = 0;
  for (std::size_t k = 0; k < v.size(); ++k) {
    if (!std::isfinite(elevation[k])) {
      v[k] = inactive_value;
      continue;
    }
    if (std::isnan(v[k])) {
      if (missing++ == 0) first_missing = k;
    } else if (!(v[k] >= lo && v[k] <= hi && std::isfinite(v[k]))) {
      if (bad++ == 0) {
        first_bad = k;
        bad_value = v[k];
      }
    }
  }
  if (missing > 0) {
    std::ostringstream msg;
    msg << what << " '" << path << "': " << missing
        << " active cell(s) have no value (no-data or outside the raster), first at "
        << cell_name(first_missing, grid.nx);
    throw InputError(msg.str());
  }
  if (bad > 0) {
    std::ostringstream msg;
    msg << what << " '" << path << "': expected a value >= " << lo;
    if (std::isfinite(hi)) msg << " and <= " << hi;
    msg << ", found " << bad_value << " at " << cell_name(first_bad, grid.nx) << " (" << bad
        << " such cell(s))";
    throw InputError(msg.str());
  }
  return v;
}

std::vector<Real> load_manning(const std::string& path, const solver::Grid& grid,
                               const std::string& crs_wkt, std::span<const Real> elevation,
                               const std::string& resampling) {
  return load_cell_parameter(path, grid, crs_wkt, elevation, "manning raster", 0,
                             std::numeric_limits<Real>::infinity(), resampling, 0);
}

std::vector<Real> manning_from_landcover(const std::string& path, const solver::Grid& grid,
                                         const std::string& crs_wkt,
                                         std::span<const Real> elevation,
                                         const std::map<int, double>& table,
                                         const std::string& resampling) {
  check_size(elevation, grid, "land-cover raster", path);
  for (const auto& [cls, value] : table) {
    if (!(value >= 0 && std::isfinite(value))) {
      std::ostringstream msg;
      msg << "land-cover table for '" << path << "': class " << cls << " has Manning n = " << value
          << ", expected a finite value >= 0";
      throw InputError(msg.str());
    }
  }
  ReadOptions o;
  o.resampling = resampling;
  o.what = "land-cover raster";
  const std::vector<Real> classes = read_raster_on_grid(path, grid, crs_wkt, o);
  std::vector<Real> n(classes.size(), Real(0));
  std::map<long long, std::size_t> unknown;
  std::size_t missing = 0, first_missing = 0;
  for (std::size_t k = 0; k < classes.size(); ++k) {
    if (!std::isfinite(elevation[k])) continue;
    const Real c = classes[k];
    if (std::isnan(c)) {
      if (missing++ == 0) first_missing = k;
      continue;
    }
    const long long cls = std::llround(c);
    const auto it = (std::fabs(c - Real(cls)) < Real(1e-6) && std::abs(cls) < (1LL << 31))
                        ? table.find(static_cast<int>(cls))
                        : table.end();
    if (it == table.end()) {
      ++unknown[cls];
    } else {
      n[k] = Real(it->second);
    }
  }
  if (!unknown.empty()) {
    std::ostringstream msg;
    msg << "land-cover raster '" << path << "': " << unknown.size()
        << " class(es) not in the Manning table: ";
    bool first = true;
    for (const auto& [cls, count] : unknown) {
      msg << (first ? "" : ", ") << cls << " (" << count << " cells)";
      first = false;
    }
    msg << "; known classes:";
    for (const auto& [cls, value] : table) msg << ' ' << cls;
    throw InputError(msg.str());
  }
  if (missing > 0) {
    std::ostringstream msg;
    msg << "land-cover raster '" << path << "': " << missing
        << " active cell(s) have no class (no-data or outside the raster), first at "
        << cell_name(first_missing, grid.nx);
    throw InputError(msg.str());
  }
  return n;
}

}  // namespace floodtwin::terrain
