#pragma once
/// @file cf_grid_mapping.hpp
/// CF grid-mapping attributes (CF-1.8 section 5.6 and appendix F) from a CRS given as WKT, as
/// the results writer puts them on its `crs` variable next to `crs_wkt` and `spatial_ref`.
///
/// The WKT is read as text (io/ does not use GDAL): WKT1 as GDAL writes it (PROJCS, GEOGCS,
/// DATUM, SPHEROID, PRIMEM, PROJECTION, PARAMETER, UNIT, AUTHORITY) and the same items of
/// WKT2 (PROJCRS, BASEGEOGCRS, ELLIPSOID, CONVERSION/METHOD, ID), with the projections CF
/// names: transverse_mercator (UTM), lambert_conformal_conic (1SP, 2SP),
/// albers_conical_equal_area, lambert_azimuthal_equal_area, polar_stereographic, stereographic
/// (oblique), mercator (1SP, 2SP) and latitude_longitude. A projection CF has no name for
/// gives the ellipsoid and names but no `grid_mapping_name`.
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace floodtwin::io {

/// One attribute value: text, or one or more numbers (standard_parallel may have two).
using CfValue = std::variant<std::string, std::vector<double>>;

struct CfGridMapping {
  /// Attributes in CF order: grid_mapping_name and its parameters first, then the ellipsoid
  /// (semi_major_axis, inverse_flattening, longitude_of_prime_meridian) and the names
  /// (projected_crs_name, geographic_crs_name, horizontal_datum_name, reference_ellipsoid_name,
  /// prime_meridian_name). Empty when the WKT cannot be read.
  std::vector<std::pair<std::string, CfValue>> attributes;
  /// The CF grid_mapping_name, or "" when CF has none for the projection.
  std::string grid_mapping_name;
  /// The EPSG code of the whole CRS (its top-level AUTHORITY/ID), when the WKT names one.
  std::optional<int> epsg;
  /// The CRS name (the first item of PROJCS/GEOGCS), e.g. "WGS 84 / UTM zone 33N".
  std::string name;
};

/// The CF grid mapping of a CRS given as WKT (WKT1 or WKT2); never throws on bad text (the
/// result is then empty).
CfGridMapping cf_grid_mapping(const std::string& wkt);

}  // namespace floodtwin::io
