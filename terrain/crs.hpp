#pragma once
/// @file crs.hpp
/// A coordinate reference system given by a user ("EPSG:32633", WKT, a PROJ string) as the
/// WKT floodtwin keeps with a grid (the form GDAL rasters give, terrain::Raster::crs_wkt).
#include <string>

namespace floodtwin::terrain {

/// The WKT (WKT1, as GDAL's GetProjectionRef) of a CRS definition that OGR's
/// SetFromUserInput accepts. Throws InputError naming `what` and the definition when it is
/// unknown, and when it is geographic (degrees) or its linear unit is not the metre: the
/// solver's cell sizes are metres.
std::string crs_to_wkt(const std::string& definition, const std::string& what);

}  // namespace floodtwin::terrain
