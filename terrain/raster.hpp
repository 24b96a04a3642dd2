#pragma once
/// @file raster.hpp
/// Rasters in and out of floodtwin: elevation (any GDAL raster) to a solver::Grid, other
/// rasters resampled onto that grid, and fields written to any GDAL raster format.
///
/// All value arrays are nx * ny, row-major, row 0 the northern row (as solver::Grid and a
/// north-up GDAL raster). NaN marks no-data; in an elevation it marks an inactive cell.
/// GDAL is an implementation detail: this header includes none of its headers.
#include <array>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "solver/grid.hpp"
#include "solver/real.hpp"

namespace floodtwin::terrain {

/// A GDAL geotransform: x = gt[0] + col gt[1] + row gt[2], y = gt[3] + col gt[4] + row gt[5].
using GeoTransform = std::array<double, 6>;

/// A raster on a floodtwin grid.
struct Raster {
  solver::Grid grid;          ///< size, cell size and north-west corner
  std::vector<Real> values;   ///< nx*ny, row 0 north, NaN for no-data
  std::string crs_wkt;        ///< CRS as WKT; empty when the file has none
  GeoTransform geotransform;  ///< north-up: gt[2] = gt[4] = 0, gt[5] = -dy
  std::string path;           ///< where it was read from
  /// Legal but suspicious properties (no CRS), for the notes `run` and `validate` print.
  std::vector<std::string> warnings;
};

/// Largest grid load_elevation accepts [cells], before anything is allocated; a larger grid
/// (or one that needs more than the machine's memory, about 200 bytes a cell) is refused
/// naming the file and a cell size to resample to.
inline constexpr double max_grid_cells = 1.0e9;
/// Cell sizes load_elevation accepts [m].
inline constexpr double min_cell_size = 1e-3, max_cell_size = 1e5;

struct ElevationOptions {
  int band = 1;  ///< 1-based band number
  /// Target cell size [CRS units] for resampling (GDAL warp); 0 keeps the native size.
  /// `cell_size_y` = 0 takes `cell_size_x` (square cells). The resampled grid keeps the
  /// north-west corner; its east and south edges are cut to a whole number of cells.
  Real cell_size_x = 0;
  Real cell_size_y = 0;
  /// gdalwarp resampling name used when resampling: near, bilinear, cubic, average, ...
  std::string resampling = "bilinear";
  /// Optional CRS to reproject to (any definition gdalwarp -t_srs accepts: "EPSG:32611",
  /// WKT, PROJ string), e.g. for a DEM in geographic coordinates. The cell size is
  /// `cell_size_x/y` when given, else GDAL's estimate.
  std::string target_crs;
  /// Optional basin polygon (any OGR vector): cells whose centre falls outside every polygon
  /// become NaN (inactive). Vectors in another CRS are reprojected on the fly.
  std::string basin;
  std::string basin_layer;  ///< layer of `basin`; empty for the first one
};

/// Loads an elevation raster (GeoTIFF, ESRI ASCII, VRT, NetCDF, ... anything GDAL reads).
/// Throws IoError when the file cannot be read and InputError (naming the file) when the
/// raster is rotated or south-up, its CRS is geographic (degrees) or not in metres (unless
/// `target_crs` reprojects it), the band does not exist or every cell is no-data. A raster
/// without a CRS is taken as metric local coordinates.
Raster load_elevation(const std::string& path, const ElevationOptions& options = {});

struct ReadOptions {
  int band = 1;                     ///< 1-based band number
  std::string resampling = "near";  ///< used only when the raster does not match the grid
  std::string what = "raster";      ///< what the file is, for error messages ("manning raster")
};

/// Reads a raster onto `grid`: directly when its size and geotransform equal the grid's,
/// otherwise warped onto it (reprojected too when both have a CRS). Cells the raster does not
/// cover are NaN.
std::vector<Real> read_raster_on_grid(const std::string& path, const solver::Grid& grid,
                                      const std::string& crs_wkt, const ReadOptions& options = {});

/// Times of the bands of a multi-band raster, in seconds since `origin` (ISO-8601; empty:
/// since the first band's time), from the band metadata GDAL exposes: netCDF (the first extra
/// dimension, e.g. NETCDF_DIM_time, with CF units "<unit> since <date>") or GRIB
/// (GRIB_VALID_TIME). Throws InputError naming the file and band when a band has no time.
std::vector<Real> raster_band_times(const std::string& path, const std::string& origin = "");

/// Number of bands of a raster file.
int raster_band_count(const std::string& path, const std::string& what = "raster");

struct WriteOptions {
  /// GDAL data type name: Float64 (default), Float32, Int16, ...
  std::string data_type = "Float64";
  /// Driver creation options (e.g. {"COMPRESS", "DEFLATE"}).
  std::map<std::string, std::string> creation_options;
  /// Dataset metadata items; PROCESSING_HISTORY (floodtwin version) is always added.
  std::map<std::string, std::string> metadata;
};

/// Writes one field as a single-band raster with any GDAL raster driver (GTiff, AAIGrid,
/// netCDF, ...). NaN values are written as `nodata`. Throws IoError naming the file.
void write_raster(const std::string& path, const std::string& format, const solver::Grid& grid,
                  std::span<const Real> values, const std::string& crs_wkt, double nodata,
                  const WriteOptions& options = {});

/// The north-up geotransform of a grid.
GeoTransform geotransform_of(const solver::Grid& grid);

/// Sets to NaN every cell of `elevation` whose centre falls outside the polygons of `path`.
void clip_to_polygons(const std::string& path, const std::string& layer, const solver::Grid& grid,
                      const std::string& crs_wkt, std::span<Real> elevation);

}  // namespace floodtwin::terrain
