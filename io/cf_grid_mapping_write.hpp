#pragma once
/// @file cf_grid_mapping_write.hpp
/// Private to io/: writes the CF grid-mapping attributes of a WKT (cf_grid_mapping.hpp) onto
/// an HDF5 object (the results file's `crs` variable).
#include <string>

#include "io/hdf5_util.hpp"

namespace floodtwin::io::detail {

/// Writes every attribute of cf_grid_mapping(wkt) onto `crs`; throws IoError naming `file`.
void write_cf_grid_mapping(hid_t crs, const std::string& wkt, const std::string& file);

}  // namespace floodtwin::io::detail
