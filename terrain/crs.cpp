/// @file crs.cpp
/// CRS definitions to WKT through OGR (crs.hpp).
#include "terrain/crs.hpp"

#include <ogr_spatialref.h>

#include <cmath>

#include "solver/error.hpp"
#include "terrain/gdal_support.hpp"

namespace floodtwin::terrain {

std::string crs_to_wkt(const std::string& definition, const std::string& what) {
  detail::ensure_gdal();
  detail::QuietGdal quiet;
  OGRSpatialReference srs;
  if (definition.empty() || srs.SetFromUserInput(definition.c_str()) != OGRERR_NONE) {
    throw InputError(what + ": unknown CRS '" + definition +
                     "' (expected e.g. \"EPSG:32633\", a WKT or a PROJ string)" +
                     detail::gdal_error_suffix());
  }
  if (srs.IsGeographic()) {
    throw InputError(what + ": the CRS '" + definition +
                     "' is geographic (degrees); the grid needs a projected CRS in metres");
  }
  if (srs.IsProjected() && std::abs(srs.GetLinearUnits() - 1.0) > 1e-12) {
    throw InputError(what + ": the CRS '" + definition +
                     "' is not in metres; the grid needs a projected CRS in metres");
  }
  char* text = nullptr;
  const char* const options[] = {"FORMAT=WKT1_GDAL", nullptr};
  if (srs.exportToWkt(&text, options) != OGRERR_NONE || text == nullptr) {
    CPLFree(text);
    throw InputError(what + ": the CRS '" + definition + "' has no WKT1 form" +
                     detail::gdal_error_suffix());
  }
  std::string wkt(text);
  CPLFree(text);
  return wkt;
}

}  // namespace floodtwin::terrain
