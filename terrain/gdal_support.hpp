#pragma once
/// @file gdal_support.hpp
/// Private helpers of the terrain module around GDAL/OGR: RAII handles, error messages with
/// GDAL's last error, in-memory datasets on a floodtwin grid and vector rasterisation.
/// Only the terrain module's .cpp files include this header (GDAL is linked PRIVATE).
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "solver/grid.hpp"
#include "solver/real.hpp"

namespace floodtwin::terrain::detail {

/// GDAL data type of floodtwin::Real.
inline constexpr GDALDataType real_gdal_type = sizeof(Real) == 8 ? GDT_Float64 : GDT_Float32;

/// Registers the GDAL/OGR drivers once (thread-safe).
void ensure_gdal();

/// GDAL's last error message (empty when none), prefixed with "GDAL: ".
std::string gdal_error_suffix();

/// Silences GDAL's default stderr printing while alive; the last error stays readable.
class QuietGdal {
 public:
  QuietGdal();
  ~QuietGdal();
  QuietGdal(const QuietGdal&) = delete;
  QuietGdal& operator=(const QuietGdal&) = delete;
};

/// Throws IoError when `path` is a FIFO, socket or device (opening one could block for ever);
/// paths that are not files (GDAL's /vsi and driver prefixes) pass.
void check_not_special(const std::string& path, const std::string& what);

/// Opens a raster for reading; throws IoError naming `what` and the path when it fails.
GDALDatasetUniquePtr open_raster(const std::string& path, const std::string& what);
/// Opens a vector for reading; throws IoError naming `what` and the path when it fails.
GDALDatasetUniquePtr open_vector(const std::string& path, const std::string& what);

/// The geotransform of a grid (north-up).
std::array<double, 6> geotransform_of(const solver::Grid& grid);

/// An in-memory (MEM driver) dataset on the grid with `bands` bands of `type`.
GDALDatasetUniquePtr create_mem(const solver::Grid& grid, const std::string& crs_wkt,
                                GDALDataType type, int bands = 1);

/// Reads a whole band (nx*ny values, row 0 north) as Real; masked (no-data) pixels become NaN.
std::vector<Real> read_band(GDALDataset& ds, int band, const std::string& what,
                            const std::string& path);

/// Warps band `band` of `src` onto the grid (and CRS when both have one) into a MEM dataset.
/// @param resampling  a gdalwarp -r name (near, bilinear, cubic, average, mode, ...)
GDALDatasetUniquePtr warp_to_grid(GDALDataset& src, int band, const solver::Grid& grid,
                                  const std::string& crs_wkt, const std::string& resampling,
                                  const std::string& what, const std::string& path);

/// Reprojects band `band` of `src` to `target_crs` (any definition gdalwarp -t_srs accepts)
/// into a MEM dataset; `cell_x` > 0 sets the cell size (`cell_y` 0: square), else GDAL's.
GDALDatasetUniquePtr warp_to_crs(GDALDataset& src, int band, const std::string& target_crs,
                                 double cell_x, double cell_y, const std::string& resampling,
                                 const std::string& what, const std::string& path);

/// True when the dataset's size and geotransform equal the grid's (relative 1e-9).
bool matches_grid(GDALDataset& ds, const solver::Grid& grid);

/// Rasterises the features of a vector layer onto the grid.
/// @param layer       layer name; empty for the first layer
/// @param all_touched burn every cell a feature touches (lines), else cells whose centre is in
/// @param attribute   when not empty, burn this numeric attribute (NaN elsewhere) instead of 1
/// @return nx*ny values, row 0 north: 1 (or the attribute) where burnt, 0 (or NaN) elsewhere
std::vector<double> rasterize(const std::string& path, const std::string& layer,
                              const solver::Grid& grid, const std::string& crs_wkt,
                              bool all_touched, const std::string& attribute,
                              const std::string& what);

}  // namespace floodtwin::terrain::detail
