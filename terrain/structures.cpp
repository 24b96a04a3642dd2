#include "terrain/structures.hpp"

#include <cmath>
#include <limits>
#include <sstream>

#include "solver/error.hpp"
#include "terrain/gdal_support.hpp"

namespace floodtwin::terrain {

namespace {
void check_size(std::span<Real> elevation, const solver::Grid& grid, const std::string& what,
                const std::string& path) {
  if (elevation.size() != grid.cell_count()) {
    std::ostringstream msg;
    msg << what << " '" << path << "': the elevation has " << elevation.size()
        << " values, the grid " << grid.cell_count();
    throw InputError(msg.str());
  }
}
}  // namespace

std::size_t burn_buildings(const std::string& path, const solver::Grid& grid,
                           const std::string& crs_wkt, std::span<Real> elevation,
                           const BuildingOptions& options) {
  check_size(elevation, grid, "buildings", path);
  if (options.mode == BuildingMode::raise && options.height_attribute.empty() &&
      !(options.height >= 0 && std::isfinite(options.height))) {
    std::ostringstream msg;
    msg << "buildings '" << path << "': height must be finite and >= 0, got " << options.height;
    throw InputError(msg.str());
  }
  const bool per_feature = options.mode == BuildingMode::raise && !options.height_attribute.empty();
  const std::vector<double> burnt =
      detail::rasterize(path, options.layer, grid, crs_wkt, false,
                        per_feature ? options.height_attribute : std::string(), "buildings");
  std::size_t changed = 0;
  for (std::size_t k = 0; k < burnt.size(); ++k) {
    const bool inside = per_feature ? !std::isnan(burnt[k]) : burnt[k] != 0.0;
    if (!inside || !std::isfinite(elevation[k])) continue;
    if (options.mode == BuildingMode::block) {
      elevation[k] = std::numeric_limits<Real>::quiet_NaN();
    } else {
      const double h = per_feature ? burnt[k] : double(options.height);
      if (!(h >= 0 && std::isfinite(h))) {
        std::ostringstream msg;
        msg << "buildings '" << path << "': attribute '" << options.height_attribute
            << "' must be a finite height >= 0, found " << h;
        throw InputError(msg.str());
      }
      elevation[k] += Real(h);
    }
    ++changed;
  }
  return changed;
}

std::size_t burn_levees(const std::string& path, const solver::Grid& grid,
                        const std::string& crs_wkt, std::span<Real> elevation,
                        const LeveeOptions& options) {
  check_size(elevation, grid, "levees", path);
  const bool absolute = !options.crest_attribute.empty();
  if (!absolute && !(options.crest_height >= 0 && std::isfinite(options.crest_height))) {
    std::ostringstream msg;
    msg << "levees '" << path << "': crest height must be finite and >= 0, got "
        << options.crest_height;
    throw InputError(msg.str());
  }
  const std::vector<double> burnt = detail::rasterize(
      path, options.layer, grid, crs_wkt, true, absolute ? options.crest_attribute : "", "levees");
  std::size_t changed = 0;
  for (std::size_t k = 0; k < burnt.size(); ++k) {
    if (!std::isfinite(elevation[k])) continue;
    if (absolute) {
      if (std::isnan(burnt[k])) continue;
      if (!std::isfinite(burnt[k])) {
        throw InputError("levees '" + path + "': attribute '" + options.crest_attribute +
                         "' must be a finite crest elevation");
      }
      if (Real(burnt[k]) > elevation[k]) {
        elevation[k] = Real(burnt[k]);
        ++changed;
      }
    } else if (burnt[k] != 0.0) {
      elevation[k] += options.crest_height;
      ++changed;
    }
  }
  return changed;
}

}  // namespace floodtwin::terrain
