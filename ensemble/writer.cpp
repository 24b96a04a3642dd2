/// @file writer.cpp
/// The ensemble file: CF-1.8 netCDF-4 (HDF5), written as `<path>.partial` and renamed.
#include <netcdf.h>

#include <cstdio>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include "ensemble/ensemble.hpp"
#include "floodtwin/version.hpp"
#include "io/file_lock.hpp"
#include "solver/error.hpp"

namespace floodtwin::ensemble {

namespace fs = std::filesystem;

namespace {

void nc(int status, const std::string& file, const std::string& what) {
  if (status != NC_NOERR) {
    throw IoError(file + ": " + what + " (netCDF: " + nc_strerror(status) + ")");
  }
}

struct NcFile {
  int id = -1;
  ~NcFile() {
    if (id >= 0) nc_close(id);
  }
};

class Writer {
 public:
  Writer(int ncid, std::string file) : id_(ncid), file_(std::move(file)) {}
  int dim(const std::string& name, std::size_t n) {
    int d = -1;
    nc(nc_def_dim(id_, name.c_str(), n, &d), file_, "dimension " + name);
    return d;
  }
  int var(const std::string& name, nc_type type, std::vector<int> dims, const std::string& units,
          const std::string& long_name, const std::string& standard_name = "") {
    int v = -1;
    nc(nc_def_var(id_, name.c_str(), type, static_cast<int>(dims.size()), dims.data(), &v), file_,
       "variable " + name);
    if (dims.size() >= 2) nc(nc_def_var_deflate(id_, v, 1, 1, 1), file_, "deflate " + name);
    if (type == NC_DOUBLE && dims.size() >= 2) {
      const double fill = std::numeric_limits<double>::quiet_NaN();
      nc(nc_def_var_fill(id_, v, 0, &fill), file_, "fill value of " + name);
    }
    if (!units.empty()) text(v, "units", units);
    if (!long_name.empty()) text(v, "long_name", long_name);
    if (!standard_name.empty()) text(v, "standard_name", standard_name);
    return v;
  }
  void text(int var, const std::string& name, const std::string& value) {
    nc(nc_put_att_text(id_, var, name.c_str(), value.size(), value.c_str()), file_,
       "attribute " + name);
  }
  void number(int var, const std::string& name, double value) {
    nc(nc_put_att_double(id_, var, name.c_str(), NC_DOUBLE, 1, &value), file_, "attribute " + name);
  }
  void put(int var, const std::vector<double>& v, const std::string& name) {
    if (v.empty()) return;
    nc(nc_put_var_double(id_, var, v.data()), file_, "writing " + name);
  }
  void put(int var, const std::vector<int>& v, const std::string& name) {
    if (v.empty()) return;
    nc(nc_put_var_int(id_, var, v.data()), file_, "writing " + name);
  }

 private:
  int id_;
  std::string file_;
};

}  // namespace

void write_ensemble_file(const fs::path& path, const EnsembleRun& run, const std::string& crs_wkt,
                         const scenarios::Scenario& s) {
  const Products& p = run.products;
  const std::string file = path.string();
  fs::path partial = path;
  partial += ".partial";
  io::remove_stale_file(partial, "ensemble");
  {
    NcFile f;
    nc(nc_create(partial.c_str(), NC_NETCDF4 | NC_NOCLOBBER, &f.id), file, "cannot create");
    Writer w(f.id, file);
    const std::size_t members = run.members.size();
    std::size_t strlen = 1;
    for (const auto& n : p.stations) strlen = std::max(strlen, n.size());
    const int d_real = w.dim("realization", members);
    const int d_thr = w.dim("threshold", p.thresholds.size());
    const int d_q = w.dim("quantile", p.quantiles.size());
    const int d_y = w.dim("y", static_cast<std::size_t>(p.ny));
    const int d_x = w.dim("x", static_cast<std::size_t>(p.nx));
    const int d_t = w.dim("gauge_time", p.gauge_time.size());
    const int d_s = w.dim("station", p.stations.size());
    const int d_c = w.dim("name_strlen", strlen);

    const int v_real =
        w.var("realization", NC_INT, {d_real}, "", "ensemble member (0-based)", "realization");
    const int v_thr = w.var("threshold", NC_DOUBLE, {d_thr}, "m", "max depth threshold");
    const int v_q = w.var("quantile", NC_DOUBLE, {d_q}, "1", "quantile (numpy linear)");
    const int v_y = w.var("y", NC_DOUBLE, {d_y}, "m", "y coordinate of cell centres",
                          "projection_y_coordinate");
    const int v_x = w.var("x", NC_DOUBLE, {d_x}, "m", "x coordinate of cell centres",
                          "projection_x_coordinate");
    w.text(v_y, "axis", "Y");
    w.text(v_x, "axis", "X");
    int v_crs = -1;
    if (!crs_wkt.empty()) {
      v_crs = w.var("crs", NC_INT, {}, "", "");
      w.text(v_crs, "crs_wkt", crs_wkt);
      w.text(v_crs, "spatial_ref", crs_wkt);
    }
    const int v_t = w.var("gauge_time", NC_DOUBLE, {d_t}, "seconds since " + s.start,
                          "gauge sample time", "time");
    w.text(v_t, "axis", "T");
    const int v_sid = w.var("station_name", NC_CHAR, {d_s, d_c}, "", "gauge name");
    w.text(v_sid, "cf_role", "timeseries_id");
    const int v_sx =
        w.var("station_x", NC_DOUBLE, {d_s}, "m", "gauge x", "projection_x_coordinate");
    const int v_sy =
        w.var("station_y", NC_DOUBLE, {d_s}, "m", "gauge y", "projection_y_coordinate");
    const int v_ex = w.var("exceedance_probability", NC_DOUBLE, {d_thr, d_y, d_x}, "1",
                           "share of members whose max depth exceeds the threshold");
    const int v_mq = w.var("max_depth_quantile", NC_DOUBLE, {d_q, d_y, d_x}, "m",
                           "quantile of the members' max depth (numpy linear)");
    const int v_aq = w.var("arrival_time_quantile", NC_DOUBLE, {d_q, d_y, d_x}, "s",
                           "quantile of the members' flood arrival time (never: +inf; NaN "
                           "where the quantile is not finite)");
    for (const int v : {v_ex, v_mq, v_aq}) {
      if (v_crs >= 0) w.text(v, "grid_mapping", "crs");
    }
    std::vector<int> v_param;
    std::vector<std::string> keys = {"rain_factor", "manning_factor"};
    for (const Perturbation& pert : run.spec.perturbations) {
      if (std::find(keys.begin(), keys.end(), pert.key) == keys.end()) keys.push_back(pert.key);
    }
    for (const std::string& key : keys) {
      const int v =
          w.var(key, NC_DOUBLE, {d_real}, key == "rain_shift" ? "s" : "1", "member's " + key);
      const Perturbation* pert = run.spec.find(key);
      w.text(v, "distribution", pert ? pert->distribution.describe() : "fixed 1 (not perturbed)");
      v_param.push_back(v);
    }
    const int v_gd = w.var("gauge_depth", NC_DOUBLE, {d_real, d_t, d_s}, "m",
                           "water depth at the gauge", "sea_floor_depth_below_sea_surface");
    const int v_gl =
        w.var("gauge_water_level", NC_DOUBLE, {d_real, d_t, d_s}, "m", "water level at the gauge");
    for (const int v : {v_gd, v_gl}) w.text(v, "coordinates", "station_x station_y station_name");
    int v_rf = -1;
    std::size_t rain_len = 1;
    for (const Member& m : run.members) rain_len = std::max(rain_len, m.rain_file.size());
    if (!run.spec.rain_members.empty()) {
      const int d_rl = w.dim("rain_file_strlen", rain_len);
      v_rf = w.var("rain_file", NC_CHAR, {d_real, d_rl}, "", "member's forecast rain file");
    }

    // Warning zones ([impacts] zones and levels).
    int v_zid = -1, v_zname = -1, v_lev = -1, v_zp = -1, v_zt = -1, v_ztq = -1;
    std::size_t zone_len = 1, level_len = 1;
    const bool zones = !p.zone_id.empty() && !p.levels.empty();
    if (zones) {
      for (const auto& z : p.zone_id) zone_len = std::max(zone_len, z.size());
      for (const auto& z : p.zone_name) zone_len = std::max(zone_len, z.size());
      for (const auto& l : p.levels) level_len = std::max(level_len, l.size());
      const int d_z = w.dim("zone", p.zone_id.size());
      const int d_l = w.dim("warning_level", p.levels.size());
      const int d_zs = w.dim("zone_strlen", zone_len);
      const int d_ls = w.dim("warning_level_strlen", level_len);
      v_zid = w.var("zone_id", NC_CHAR, {d_z, d_zs}, "", "warning zone id ([impacts] zones)");
      v_zname = w.var("zone_name", NC_CHAR, {d_z, d_zs}, "", "warning zone name");
      v_lev = w.var("warning_level", NC_CHAR, {d_l, d_ls}, "",
                    "warning level name ([impacts] levels, order of first appearance)");
      v_zp = w.var("zone_level_probability", NC_DOUBLE, {d_z, d_l}, "1",
                   "share of members in which the zone reaches the warning level (NaN: the zone "
                   "has no such level)");
      v_zt = w.var("zone_first_crossing_time", NC_DOUBLE, {d_real, d_z, d_l}, "s",
                   "time the member first reaches the zone's warning level, seconds since the "
                   "scenario start (NaN: not reached)");
      v_ztq = w.var("zone_first_crossing_time_quantile", NC_DOUBLE, {d_q, d_z, d_l}, "s",
                    "quantile (numpy linear) of the first-crossing times of the members that "
                    "reach the level, seconds since the scenario start (NaN: none reaches it)");
      w.text(v_zt, "start_time", s.start);
      w.text(v_ztq, "start_time", s.start);
    }

    w.text(NC_GLOBAL, "Conventions", "CF-1.8");
    w.text(NC_GLOBAL, "featureType", "timeSeries");
    w.text(NC_GLOBAL, "title", "floodtwin ensemble: " + fs::path(s.file).filename().string());
    w.text(NC_GLOBAL, "source", std::string("floodtwin ") + floodtwin::version);
    w.text(NC_GLOBAL, "scenario_file", s.file);
    w.text(NC_GLOBAL, "scenario", s.text);
    if (!run.command_line.empty()) w.text(NC_GLOBAL, "command_line", run.command_line);
    w.number(NC_GLOBAL, "members", static_cast<double>(members));
    w.text(NC_GLOBAL, "seed", std::to_string(run.spec.seed));
    w.text(NC_GLOBAL, "sampling",
           "SplitMix64 per (seed, member, parameter), Box-Muller normals (docs/ensemble.md)");
    w.number(NC_GLOBAL, "flood_threshold", s.flood_threshold);
    w.number(NC_GLOBAL, "wall_time_s", run.wall);
    nc(nc_enddef(f.id), file, "end of definitions");

    std::vector<int> realization(members);
    for (std::size_t k = 0; k < members; ++k) realization[k] = run.members[k].index;
    w.put(v_real, realization, "realization");
    w.put(v_thr, p.thresholds, "threshold");
    w.put(v_q, p.quantiles, "quantile");
    w.put(v_y, p.y, "y");
    w.put(v_x, p.x, "x");
    if (v_crs >= 0) {
      const int zero = 0;
      nc(nc_put_var_int(f.id, v_crs, &zero), file, "writing crs");
    }
    w.put(v_t, p.gauge_time, "gauge_time");
    if (!p.stations.empty()) {
      std::vector<char> names(p.stations.size() * strlen, '\0');
      for (std::size_t k = 0; k < p.stations.size(); ++k) {
        std::copy(p.stations[k].begin(), p.stations[k].end(), names.begin() + k * strlen);
      }
      nc(nc_put_var_text(f.id, v_sid, names.data()), file, "writing station_name");
    }
    w.put(v_sx, p.station_x, "station_x");
    w.put(v_sy, p.station_y, "station_y");
    w.put(v_ex, p.exceedance, "exceedance_probability");
    w.put(v_mq, p.max_depth_quantile, "max_depth_quantile");
    w.put(v_aq, p.arrival_time_quantile, "arrival_time_quantile");
    for (std::size_t k = 0; k < keys.size(); ++k) {
      std::vector<double> v;
      for (const Member& m : run.members) v.push_back(value_of(m, keys[k]));
      w.put(v_param[k], v, keys[k]);
    }
    if (!p.gauge_time.empty() && !p.stations.empty()) {
      w.put(v_gd, p.gauge_depth, "gauge_depth");
      w.put(v_gl, p.gauge_water_level, "gauge_water_level");
    }
    if (v_rf >= 0) {
      std::vector<char> names(members * rain_len, '\0');
      for (std::size_t k = 0; k < members; ++k) {
        const std::string& r = run.members[k].rain_file;
        std::copy(r.begin(), r.end(), names.begin() + k * rain_len);
      }
      nc(nc_put_var_text(f.id, v_rf, names.data()), file, "writing rain_file");
    }
    if (zones) {
      auto put_names = [&](int var, const std::vector<std::string>& names, std::size_t len,
                           const std::string& what) {
        std::vector<char> buf(names.size() * len, '\0');
        for (std::size_t k = 0; k < names.size(); ++k) {
          std::copy(names[k].begin(), names[k].end(), buf.begin() + k * len);
        }
        nc(nc_put_var_text(f.id, var, buf.data()), file, "writing " + what);
      };
      put_names(v_zid, p.zone_id, zone_len, "zone_id");
      put_names(v_zname, p.zone_name, zone_len, "zone_name");
      put_names(v_lev, p.levels, level_len, "warning_level");
      w.put(v_zp, p.zone_level_probability, "zone_level_probability");
      w.put(v_zt, p.zone_first_crossing_time, "zone_first_crossing_time");
      w.put(v_ztq, p.zone_first_crossing_time_quantile, "zone_first_crossing_time_quantile");
    }
    const int status = nc_close(f.id);
    f.id = -1;
    nc(status, file, "closing");
  }
  std::error_code ec;
  fs::rename(partial, path, ec);
  if (ec)
    throw IoError(file + ": cannot rename " + partial.string() + " into place: " + ec.message());
}

}  // namespace floodtwin::ensemble
