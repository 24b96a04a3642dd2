#include "terrain/raster.hpp"

#include <cpl_string.h>
#include <ogr_spatialref.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <sstream>

#include "floodtwin/version.hpp"
#include "solver/error.hpp"
#include "terrain/gauges.hpp"
#include "terrain/gdal_support.hpp"

namespace floodtwin::terrain {

using detail::QuietGdal;

namespace {

std::string crs_of(GDALDataset& ds) {
  const char* wkt = ds.GetProjectionRef();
  return wkt == nullptr ? std::string() : std::string(wkt);
}

/// Refuses a grid too large for the solver or for this machine's memory, before any allocation.
void check_grid_size(double nx, double ny, double dx, double dy, const std::string& path) {
  const double cells = nx * ny;
  constexpr double bytes_per_cell = 200;  // state, fluxes, maps, rain, writer buffers
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long page = sysconf(_SC_PAGE_SIZE);
  const double memory = pages > 0 && page > 0 ? double(pages) * double(page) : 0;
  const double limit =
      memory > 0 ? std::min(max_grid_cells, memory / bytes_per_cell) : max_grid_cells;
  if (cells <= limit) return;
  const double factor = std::sqrt(cells / limit);
  std::ostringstream msg;
  msg << "elevation '" << path << "': a grid of " << nx << " x " << ny << " = " << cells
      << " cells is too large (at most " << std::floor(limit) << " cells here";
  if (memory > 0)
    msg << ", about " << bytes_per_cell << " bytes a cell of " << memory / 1073741824.0 << " GiB";
  msg << "); resample it with [terrain] cell_size >= " << std::ceil(std::max(dx, dy) * factor)
      << " m";
  throw InputError(msg.str());
}

/// Checks that a geotransform is north-up and builds the grid.
solver::Grid grid_of(const GeoTransform& gt, int nx, int ny, const std::string& path) {
  if (gt[2] != 0.0 || gt[4] != 0.0) {
    std::ostringstream msg;
    msg << "elevation '" << path << "': rotated geotransform (row/column rotation terms " << gt[2]
        << ", " << gt[4] << "); only north-up rasters are supported, warp it first (gdalwarp)";
    throw InputError(msg.str());
  }
  if (!(gt[1] > 0) || !(gt[5] < 0)) {
    std::ostringstream msg;
    msg << "elevation '" << path << "': expected a north-up raster (pixel width > 0, pixel "
        << "height < 0), found pixel width " << gt[1] << " and height " << gt[5];
    throw InputError(msg.str());
  }
  if (!(gt[1] >= min_cell_size && gt[1] <= max_cell_size && -gt[5] >= min_cell_size &&
        -gt[5] <= max_cell_size) ||
      !(std::abs(gt[0]) <= 1e10 && std::abs(gt[3]) <= 1e10)) {
    std::ostringstream msg;
    msg << "elevation '" << path << "': cells of " << gt[1] << " x " << -gt[5]
        << " m with the corner at (" << gt[0] << ", " << gt[3] << "); expected cell sizes in ["
        << min_cell_size << ", " << max_cell_size
        << "] m and coordinates within 1e10 m (is the geotransform right?)";
    throw InputError(msg.str());
  }
  solver::Grid grid;
  grid.nx = nx;
  grid.ny = ny;
  grid.dx = Real(gt[1]);
  grid.dy = Real(-gt[5]);
  grid.origin_x = Real(gt[0]);
  grid.origin_y = Real(gt[3]);
  return grid;
}

/// The solver works in metres: refuses geographic CRSs and projected ones in other units.
void check_metric(const std::string& crs_wkt, const std::string& path) {
  if (crs_wkt.empty()) return;
  OGRSpatialReference srs;
  if (srs.importFromWkt(crs_wkt.c_str()) != OGRERR_NONE) return;
  const char* name = srs.GetName();
  const std::string crs_name = name != nullptr ? name : "?";
  if (srs.IsGeographic()) {
    throw InputError("elevation '" + path + "': the CRS '" + crs_name +
                     "' is geographic (degrees); cell sizes must be in metres: set the "
                     "elevation's target CRS to a projected one (e.g. a UTM zone)");
  }
  if (srs.IsProjected()) {
    const char* unit = nullptr;
    const double metres = srs.GetLinearUnits(&unit);
    if (std::abs(metres - 1.0) > 1e-9) {
      std::ostringstream msg;
      msg << "elevation '" << path << "': the CRS '" << crs_name << "' has linear unit '"
          << (unit != nullptr ? unit : "?") << "' (" << metres
          << " m); floodtwin needs metres: set the elevation's target CRS";
      throw InputError(msg.str());
    }
  }
}

}  // namespace

GeoTransform geotransform_of(const solver::Grid& grid) { return detail::geotransform_of(grid); }

Raster load_elevation(const std::string& path, const ElevationOptions& options) {
  GDALDatasetUniquePtr ds = detail::open_raster(path, "elevation");
  GeoTransform gt{};
  if (ds->GetGeoTransform(gt.data()) != CE_None) {
    throw InputError("elevation '" + path +
                     "': the raster has no geotransform (georeferencing); expected a "
                     "georeferenced raster");
  }
  Raster out;
  out.path = path;
  out.crs_wkt = crs_of(*ds);
  out.grid = grid_of(gt, ds->GetRasterXSize(), ds->GetRasterYSize(), path);

  if (options.cell_size_x < 0 || options.cell_size_y < 0 || !std::isfinite(options.cell_size_x) ||
      !std::isfinite(options.cell_size_y)) {
    throw InputError("elevation '" + path + "': resampling cell size must be finite and >= 0");
  }
  const bool resample = options.cell_size_x > 0;
  if (!options.target_crs.empty()) {
    if (out.crs_wkt.empty()) {
      throw InputError("elevation '" + path + "': cannot reproject to '" + options.target_crs +
                       "', the raster has no CRS");
    }
    GDALDatasetUniquePtr warped =
        detail::warp_to_crs(*ds, options.band, options.target_crs, options.cell_size_x,
                            options.cell_size_y, options.resampling, "elevation", path);
    GeoTransform wgt{};
    warped->GetGeoTransform(wgt.data());
    out.grid = grid_of(wgt, warped->GetRasterXSize(), warped->GetRasterYSize(), path);
    out.crs_wkt = crs_of(*warped);
    out.values = detail::read_band(*warped, 1, "elevation", path);
  } else if (resample) {
    check_metric(out.crs_wkt, path);
    const Real tdx = options.cell_size_x;
    const Real tdy = options.cell_size_y > 0 ? options.cell_size_y : tdx;
    solver::Grid target = out.grid;
    const double width = double(out.grid.nx) * double(out.grid.dx);
    const double height = double(out.grid.ny) * double(out.grid.dy);
    check_grid_size(std::floor(width / double(tdx) + 1e-6), std::floor(height / double(tdy) + 1e-6),
                    tdx, tdy, path);
    target.nx = static_cast<int>(std::floor(width / double(tdx) + 1e-6));
    target.ny = static_cast<int>(std::floor(height / double(tdy) + 1e-6));
    target.dx = tdx;
    target.dy = tdy;
    if (target.nx < 1 || target.ny < 1) {
      std::ostringstream msg;
      msg << "elevation '" << path << "': resampling cell size " << tdx << " x " << tdy
          << " is larger than the raster (" << width << " x " << height << ")";
      throw InputError(msg.str());
    }
    GDALDatasetUniquePtr warped = detail::warp_to_grid(*ds, options.band, target, out.crs_wkt,
                                                       options.resampling, "elevation", path);
    out.values = detail::read_band(*warped, 1, "elevation", path);
    out.grid = target;
  } else {
    check_grid_size(out.grid.nx, out.grid.ny, out.grid.dx, out.grid.dy, path);
    out.values = detail::read_band(*ds, options.band, "elevation", path);
  }
  check_metric(out.crs_wkt, path);
  if (out.crs_wkt.empty()) {
    out.warnings.push_back("elevation '" + path +
                           "' has no CRS: coordinates are taken as metres in a local system, "
                           "and inputs in a CRS cannot be checked or reprojected");
  }
  out.grid.validate();
  out.geotransform = detail::geotransform_of(out.grid);

  if (!options.basin.empty()) {
    clip_to_polygons(options.basin, options.basin_layer, out.grid, out.crs_wkt, out.values);
  }
  const auto finite =
      std::count_if(out.values.begin(), out.values.end(), [](Real v) { return std::isfinite(v); });
  if (finite == 0) {
    throw InputError("elevation '" + path + "': every cell is no-data (or outside the basin)");
  }
  return out;
}

void clip_to_polygons(const std::string& path, const std::string& layer, const solver::Grid& grid,
                      const std::string& crs_wkt, std::span<Real> elevation) {
  if (elevation.size() != grid.cell_count()) {
    throw InputError("basin polygon '" + path + "': elevation has " +
                     std::to_string(elevation.size()) + " values, the grid " +
                     std::to_string(grid.cell_count()));
  }
  const std::vector<double> inside =
      detail::rasterize(path, layer, grid, crs_wkt, false, "", "basin polygon");
  std::size_t kept = 0;
  for (std::size_t k = 0; k < inside.size(); ++k) {
    if (inside[k] == 0.0) {
      elevation[k] = std::numeric_limits<Real>::quiet_NaN();
    } else {
      ++kept;
    }
  }
  if (kept == 0) {
    throw InputError("basin polygon '" + path +
                     "': no cell centre of the grid lies inside it "
                     "(does it overlap the elevation raster, in a known CRS?)");
  }
}

std::vector<Real> read_raster_on_grid(const std::string& path, const solver::Grid& grid,
                                      const std::string& crs_wkt, const ReadOptions& options) {
  GDALDatasetUniquePtr ds = detail::open_raster(path, options.what);
  if (detail::matches_grid(*ds, grid)) {
    return detail::read_band(*ds, options.band, options.what, path);
  }
  GDALDatasetUniquePtr warped = detail::warp_to_grid(*ds, options.band, grid, crs_wkt,
                                                     options.resampling, options.what, path);
  return detail::read_band(*warped, 1, options.what, path);
}

namespace {

/// Seconds per unit of a CF time unit name, 0 when unknown.
double cf_unit_seconds(std::string unit) {
  for (char& c : unit) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (unit == "seconds" || unit == "second" || unit == "secs" || unit == "sec" || unit == "s") {
    return 1;
  }
  if (unit == "minutes" || unit == "minute" || unit == "mins" || unit == "min") return 60;
  if (unit == "hours" || unit == "hour" || unit == "hrs" || unit == "hr" || unit == "h") {
    return 3600;
  }
  if (unit == "days" || unit == "day" || unit == "d") return 86400;
  return 0;
}

/// Parses CF time units "<unit> since <date>" into (seconds per unit, epoch seconds).
bool parse_cf_units(const std::string& text, double& scale, double& epoch) {
  const auto since = text.find(" since ");
  if (since == std::string::npos) return false;
  scale = cf_unit_seconds(text.substr(0, since));
  std::string date = text.substr(since + 7);
  while (!date.empty() && std::isspace(static_cast<unsigned char>(date.back()))) date.pop_back();
  auto t = parse_iso8601(date);
  if (!t && date.size() >= 4 && date.substr(date.size() - 4) == " UTC") {
    t = parse_iso8601(date.substr(0, date.size() - 4));
  }
  if (!t && date.size() == 10) t = parse_iso8601(date);
  if (!t) return false;
  epoch = *t;
  return scale > 0;
}

}  // namespace

std::vector<Real> raster_band_times(const std::string& path, const std::string& origin) {
  GDALDatasetUniquePtr ds = detail::open_raster(path, "rain raster");
  std::vector<double> epoch_times;
  const char* extra = ds->GetMetadataItem("NETCDF_DIM_EXTRA");
  std::string dim;
  if (extra != nullptr) {
    dim = extra;
    dim.erase(std::remove_if(dim.begin(), dim.end(), [](char c) { return c == '{' || c == '}'; }),
              dim.end());
    dim = dim.substr(0, dim.find(','));
  }
  double scale = 1, epoch = 0;
  if (!dim.empty()) {
    const char* units = ds->GetMetadataItem((dim + "#units").c_str());
    if (units == nullptr || !parse_cf_units(units, scale, epoch)) {
      throw InputError("rain raster '" + path + "': dimension '" + dim +
                       "' has no CF time units (\"<unit> since <date>\"), found '" +
                       (units != nullptr ? units : "") + "'");
    }
  }
  for (int b = 1; b <= ds->GetRasterCount(); ++b) {
    GDALRasterBand* band = ds->GetRasterBand(b);
    const char* v = dim.empty() ? band->GetMetadataItem("GRIB_VALID_TIME")
                                : band->GetMetadataItem(("NETCDF_DIM_" + dim).c_str());
    char* end = nullptr;
    const double value = v != nullptr ? std::strtod(v, &end) : 0.0;
    if (v == nullptr || end == v || !std::isfinite(value)) {
      throw InputError("rain raster '" + path + "' band " + std::to_string(b) +
                       ": no time in its metadata (expected netCDF NETCDF_DIM_" +
                       (dim.empty() ? std::string("time") : dim) + " or GRIB_VALID_TIME)");
    }
    epoch_times.push_back(dim.empty() ? value : epoch + value * scale);
  }
  double zero = epoch_times.empty() ? 0.0 : epoch_times.front();
  if (!origin.empty()) {
    const auto o = parse_iso8601(origin);
    if (!o) {
      throw ConfigError("rain raster '" + path + "': time origin '" + origin +
                        "' is not an ISO-8601 date-time");
    }
    zero = *o;
  }
  std::vector<Real> out;
  for (double t : epoch_times) out.push_back(Real(t - zero));
  return out;
}

int raster_band_count(const std::string& path, const std::string& what) {
  return detail::open_raster(path, what)->GetRasterCount();
}

void write_raster(const std::string& path, const std::string& format, const solver::Grid& grid,
                  std::span<const Real> values, const std::string& crs_wkt, double nodata,
                  const WriteOptions& options) {
  detail::ensure_gdal();
  if (values.size() != grid.cell_count()) {
    std::ostringstream msg;
    msg << "write_raster '" << path << "': expected " << grid.nx << " x " << grid.ny << " = "
        << grid.cell_count() << " values, got " << values.size();
    throw InputError(msg.str());
  }
  GDALDriver* driver = GetGDALDriverManager()->GetDriverByName(format.c_str());
  if (driver == nullptr || driver->GetMetadataItem(GDAL_DCAP_RASTER) == nullptr) {
    throw IoError("write_raster '" + path + "': unknown GDAL raster driver '" + format + "'");
  }
  std::string data_type = options.data_type;
  // A driver whose widest float is Float32 (AAIGrid) writes Float64 data as Float32.
  if (const char* types = driver->GetMetadataItem(GDAL_DMD_CREATIONDATATYPES)) {
    const CPLStringList list(CSLTokenizeString(types));
    if (data_type == "Float64" && list.FindString("Float64") < 0 &&
        list.FindString("Float32") >= 0) {
      data_type = "Float32";
    }
  }
  const GDALDataType type = GDALGetDataTypeByName(data_type.c_str());
  if (type == GDT_Unknown) {
    throw InputError("write_raster '" + path + "': unknown GDAL data type '" + options.data_type +
                     "'");
  }
  const bool can_create = driver->GetMetadataItem(GDAL_DCAP_CREATE) != nullptr;
  const bool can_copy = driver->GetMetadataItem(GDAL_DCAP_CREATECOPY) != nullptr;
  if (!can_create && !can_copy) {
    throw IoError("write_raster '" + path + "': GDAL driver '" + format + "' cannot write rasters");
  }
  // A driver that cannot hold the type would convert the values (JPEG, PNG: floats to bytes,
  // mostly zeros) and report success.
  if (const char* types = driver->GetMetadataItem(GDAL_DMD_CREATIONDATATYPES)) {
    const CPLStringList list(CSLTokenizeString(types));
    if (list.FindString(data_type.c_str()) < 0) {
      throw ConfigError("write_raster '" + path + "': the GDAL driver '" + format +
                        "' cannot hold " + data_type + " values (it writes " + types +
                        "); use a format for data such as GTiff, netCDF or AAIGrid");
    }
  }
  CPLStringList creation;
  for (const auto& [key, value] : options.creation_options) {
    creation.SetNameValue(key.c_str(), value.c_str());
  }
  std::vector<double> buffer(values.size());
  for (std::size_t k = 0; k < values.size(); ++k) {
    buffer[k] = std::isnan(values[k]) ? nodata : double(values[k]);
  }
  QuietGdal quiet;
  GDALDatasetUniquePtr mem = detail::create_mem(grid, crs_wkt, type);
  GDALRasterBand* band = mem->GetRasterBand(1);
  band->SetNoDataValue(nodata);
  if (band->RasterIO(GF_Write, 0, 0, grid.nx, grid.ny, buffer.data(), grid.nx, grid.ny, GDT_Float64,
                     0, 0) != CE_None) {
    throw IoError("write_raster '" + path + "': filling the raster failed" +
                  detail::gdal_error_suffix());
  }
  mem->SetMetadataItem("PROCESSING_HISTORY", (std::string("floodtwin ") + floodtwin::version +
                                              " (" + floodtwin::git_commit + ")")
                                                 .c_str());
  for (const auto& [key, value] : options.metadata) {
    mem->SetMetadataItem(key.c_str(), value.c_str());
  }
  GDALDatasetUniquePtr out(
      driver->CreateCopy(path.c_str(), mem.get(), FALSE, creation.List(), nullptr, nullptr));
  if (!out) {
    throw IoError("write_raster '" + path + "': GDAL driver '" + format +
                  "' could not write the file" + detail::gdal_error_suffix());
  }
  out->FlushCache();
  out.reset();
}

}  // namespace floodtwin::terrain
