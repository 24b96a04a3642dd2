#include "io/station_series.hpp"

#include <netcdf.h>

#include <cmath>
#include <limits>

#include "solver/error.hpp"

namespace floodtwin::io {

namespace fs = std::filesystem;

namespace {

/// Throws IoError "FILE: WHAT (netCDF: message)" on a netCDF error.
void nc(int status, const std::string& file, const std::string& what) {
  if (status != NC_NOERR) {
    throw IoError(file + ": " + what + " (netCDF: " + nc_strerror(status) + ")");
  }
}

void text_attribute(int ncid, int var, const std::string& name, const std::string& value,
                    const std::string& file) {
  nc(nc_put_att_text(ncid, var, name.c_str(), value.size(), value.c_str()), file,
     "attribute " + name);
}

/// Closes the file on every path out.
struct NcFile {
  int id = -1;
  ~NcFile() {
    if (id >= 0) nc_close(id);
  }
};

}  // namespace

void write_station_series(const fs::path& path, const StationSeries& s) {
  const std::size_t ns = s.ids.size();
  const std::size_t nt = s.times.size();
  const std::string file = path.string();
  if (s.x.size() != ns || s.y.size() != ns) {
    throw InputError(file + ": station coordinates do not match the station count");
  }
  const bool geographic = s.lon.size() == ns && s.lat.size() == ns && ns > 0;
  for (const auto& v : s.variables) {
    if (v.values.size() != ns * nt) {
      throw InputError(file + ": variable " + v.name + " holds " + std::to_string(v.values.size()) +
                       " values, expected stations x times = " + std::to_string(ns * nt));
    }
  }
  fs::path partial = path;
  partial += ".partial";
  std::error_code ec;
  fs::remove(partial, ec);
  {
    NcFile f;
    nc(nc_create(partial.c_str(), NC_NETCDF4 | NC_CLOBBER, &f.id), file, "cannot create");
    int dim_station = 0, dim_time = 0, dim_chars = 0;
    std::size_t id_len = 1;
    for (const auto& id : s.ids) id_len = std::max(id_len, id.size());
    nc(nc_def_dim(f.id, "station", ns, &dim_station), file, "dimension station");
    nc(nc_def_dim(f.id, "time", nt, &dim_time), file, "dimension time");
    nc(nc_def_dim(f.id, "name_strlen", id_len, &dim_chars), file, "dimension name_strlen");

    int v_time = 0, v_id = 0, v_x = 0, v_y = 0, v_lon = 0, v_lat = 0, v_crs = 0;
    nc(nc_def_var(f.id, "time", NC_DOUBLE, 1, &dim_time, &v_time), file, "variable time");
    text_attribute(f.id, v_time, "standard_name", "time", file);
    text_attribute(f.id, v_time, "long_name", "time", file);
    text_attribute(f.id, v_time, "units", s.time_units, file);
    text_attribute(f.id, v_time, "calendar", "standard", file);
    text_attribute(f.id, v_time, "axis", "T", file);
    const int id_dims[2] = {dim_station, dim_chars};
    nc(nc_def_var(f.id, "station_id", NC_CHAR, 2, id_dims, &v_id), file, "variable station_id");
    text_attribute(f.id, v_id, "cf_role", "timeseries_id", file);
    text_attribute(f.id, v_id, "long_name", "station identifier", file);
    nc(nc_def_var(f.id, "crs", NC_INT, 0, nullptr, &v_crs), file, "variable crs");
    text_attribute(f.id, v_crs, "crs_wkt", s.crs_wkt, file);
    text_attribute(f.id, v_crs, "spatial_ref", s.crs_wkt, file);
    nc(nc_def_var(f.id, "x", NC_DOUBLE, 1, &dim_station, &v_x), file, "variable x");
    text_attribute(f.id, v_x, "standard_name", "projection_x_coordinate", file);
    text_attribute(f.id, v_x, "units", "m", file);
    nc(nc_def_var(f.id, "y", NC_DOUBLE, 1, &dim_station, &v_y), file, "variable y");
    text_attribute(f.id, v_y, "standard_name", "projection_y_coordinate", file);
    text_attribute(f.id, v_y, "units", "m", file);
    std::string coordinates = "x y station_id";
    if (geographic) {
      nc(nc_def_var(f.id, "lon", NC_DOUBLE, 1, &dim_station, &v_lon), file, "variable lon");
      text_attribute(f.id, v_lon, "standard_name", "longitude", file);
      text_attribute(f.id, v_lon, "units", "degrees_east", file);
      nc(nc_def_var(f.id, "lat", NC_DOUBLE, 1, &dim_station, &v_lat), file, "variable lat");
      text_attribute(f.id, v_lat, "standard_name", "latitude", file);
      text_attribute(f.id, v_lat, "units", "degrees_north", file);
      coordinates = "time lat lon x y station_id";
    }
    std::vector<int> vars;
    const int dims[2] = {dim_station, dim_time};
    const double fill = std::numeric_limits<double>::quiet_NaN();
    for (const auto& v : s.variables) {
      int id = 0;
      nc(nc_def_var(f.id, v.name.c_str(), NC_DOUBLE, 2, dims, &id), file, "variable " + v.name);
      nc(nc_def_var_fill(f.id, id, 0, &fill), file, "fill value of " + v.name);
      text_attribute(f.id, id, "units", v.units, file);
      text_attribute(f.id, id, "long_name", v.long_name, file);
      if (!v.standard_name.empty())
        text_attribute(f.id, id, "standard_name", v.standard_name, file);
      text_attribute(f.id, id, "coordinates", coordinates, file);
      text_attribute(f.id, id, "grid_mapping", "crs", file);
      vars.push_back(id);
    }
    text_attribute(f.id, NC_GLOBAL, "Conventions", "CF-1.8", file);
    text_attribute(f.id, NC_GLOBAL, "featureType", "timeSeries", file);
    for (const auto& [k, v] : s.attributes) text_attribute(f.id, NC_GLOBAL, k, v, file);
    nc(nc_enddef(f.id), file, "end of definitions");

    nc(nc_put_var_double(f.id, v_time, s.times.data()), file, "writing time");
    std::vector<char> ids(ns * id_len, '\0');
    for (std::size_t k = 0; k < ns; ++k) s.ids[k].copy(&ids[k * id_len], id_len);
    if (ns > 0) nc(nc_put_var_text(f.id, v_id, ids.data()), file, "writing station_id");
    const int zero = 0;
    nc(nc_put_var_int(f.id, v_crs, &zero), file, "writing crs");
    if (ns > 0) {
      nc(nc_put_var_double(f.id, v_x, s.x.data()), file, "writing x");
      nc(nc_put_var_double(f.id, v_y, s.y.data()), file, "writing y");
    }
    if (geographic) {
      nc(nc_put_var_double(f.id, v_lon, s.lon.data()), file, "writing lon");
      nc(nc_put_var_double(f.id, v_lat, s.lat.data()), file, "writing lat");
    }
    for (std::size_t k = 0; k < vars.size(); ++k) {
      if (ns * nt > 0) {
        nc(nc_put_var_double(f.id, vars[k], s.variables[k].values.data()), file,
           "writing " + s.variables[k].name);
      }
    }
    const int status = nc_close(f.id);
    f.id = -1;
    nc(status, file, "closing");
  }
  fs::rename(partial, path, ec);
  if (ec) throw IoError(file + ": cannot rename " + partial.string() + ": " + ec.message());
}

}  // namespace floodtwin::io
