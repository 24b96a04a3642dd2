// Coordinate transformation of station tables (OGR).
#include <ogr_spatialref.h>

#include <cmath>
#include <memory>
#include <sstream>

#include "solver/error.hpp"
#include "terrain/gauges.hpp"
#include "terrain/gdal_support.hpp"

namespace floodtwin::terrain {

void transform_stations(std::vector<Station>& stations, const std::string& to_crs_wkt,
                        const std::string& from_crs, const std::string& path) {
  detail::ensure_gdal();
  detail::QuietGdal quiet;
  const std::string where = "station table '" + path + "'";
  OGRSpatialReference src, dst;
  if (src.SetFromUserInput(from_crs.c_str()) != OGRERR_NONE) {
    throw ConfigError(where + ": unknown station CRS '" + from_crs + "'" +
                      detail::gdal_error_suffix());
  }
  if (to_crs_wkt.empty() || dst.SetFromUserInput(to_crs_wkt.c_str()) != OGRERR_NONE) {
    throw InputError(where +
                     ": the target (DEM) CRS is missing or invalid; cannot convert "
                     "station coordinates from '" +
                     from_crs + "'");
  }
  src.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  dst.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  std::unique_ptr<OGRCoordinateTransformation> ct(OGRCreateCoordinateTransformation(&src, &dst));
  if (!ct) {
    throw InputError(where + ": no coordinate transformation from '" + from_crs +
                     "' to the DEM CRS" + detail::gdal_error_suffix());
  }
  for (Station& s : stations) {
    double x = s.x, y = s.y;
    if (!ct->Transform(1, &x, &y) || !std::isfinite(x) || !std::isfinite(y)) {
      std::ostringstream msg;
      msg << where << " line " << s.line << ": station '" << s.id << "' at (" << s.x << ", " << s.y
          << ") cannot be converted from '" << from_crs << "' to the DEM CRS";
      throw InputError(msg.str());
    }
    s.x = Real(x);
    s.y = Real(y);
  }
}

}  // namespace floodtwin::terrain
