/// @file rain_netcdf.cpp
/// A gridded forecast-rain netCDF with a member (realization) dimension, one file for all
/// members: member k's slice is cut out into a scratch netCDF of the layout a `[rainfall]
/// grids` stack has (time, y, x), with the file's coordinates, grid mapping and attributes, so
/// that the member reads it through the same GDAL path as any rain stack.
#include <netcdf.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "ensemble/member.hpp"
#include "solver/error.hpp"

namespace floodtwin::ensemble {

namespace fs = std::filesystem;

namespace {

/// Dimension names taken as the member dimension.
const std::array<const char*, 4> member_dims{"realization", "member", "ensemble_member", "number"};

struct NcHandle {
  int id = -1;
  ~NcHandle() {
    if (id >= 0) nc_close(id);
  }
};

void check(int status, const std::string& file, const std::string& what) {
  if (status != NC_NOERR) {
    throw IoError(file + ": " + what + " (netCDF: " + nc_strerror(status) + ")");
  }
}

std::string dim_name(int ncid, int dim) {
  char name[NC_MAX_NAME + 1] = {};
  nc_inq_dimname(ncid, dim, name);
  return name;
}

std::size_t dim_len(int ncid, int dim) {
  std::size_t n = 0;
  nc_inq_dimlen(ncid, dim, &n);
  return n;
}

/// Copies the attributes of a variable (or NC_GLOBAL), but those named in `skip`.
void copy_atts(int in, int vin, int out, int vout, const std::vector<std::string>& skip,
               const std::string& file) {
  int natts = 0;
  check(nc_inq_varnatts(in, vin, &natts), file, "attributes");
  for (int a = 0; a < natts; ++a) {
    char name[NC_MAX_NAME + 1] = {};
    check(nc_inq_attname(in, vin, a, name), file, "attribute name");
    if (std::find(skip.begin(), skip.end(), name) != skip.end()) continue;
    check(nc_copy_att(in, vin, name, out, vout), file, std::string("copying attribute ") + name);
  }
}

/// Size in bytes of one value of a numeric type; 0 for others (strings, user types).
std::size_t type_size(nc_type t) {
  switch (t) {
    case NC_BYTE:
    case NC_UBYTE:
    case NC_CHAR:
      return 1;
    case NC_SHORT:
    case NC_USHORT:
      return 2;
    case NC_INT:
    case NC_UINT:
    case NC_FLOAT:
      return 4;
    case NC_DOUBLE:
    case NC_INT64:
    case NC_UINT64:
      return 8;
    default:
      return 0;
  }
}

}  // namespace

bool is_netcdf(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char magic[8] = {};
  in.read(magic, sizeof magic);
  if (in.gcount() >= 3 && std::memcmp(magic, "CDF", 3) == 0) return true;
  return in.gcount() == 8 && std::memcmp(magic, "\x89HDF\r\n\x1a\n", 8) == 0;
}

void split_rain_members_netcdf(const std::string& file, int members, const fs::path& folder,
                               std::vector<Member>& out, int spec_line,
                               const std::string& spec_file) {
  const std::string where =
      spec_file + ":" + std::to_string(spec_line) + ": [ensemble] rain_members: ";
  NcHandle in;
  check(nc_open(file.c_str(), NC_NOWRITE, &in.id), file, "cannot open the forecast-rain members");
  // The rain: the variable with four dimensions, one of them a member dimension among the
  // first two (member, time, y, x or time, member, y, x).
  int nvars = 0;
  check(nc_inq_nvars(in.id, &nvars), file, "variables");
  int var = -1, mpos = -1;
  std::string found;
  for (int v = 0; v < nvars; ++v) {
    int ndims = 0;
    nc_inq_varndims(in.id, v, &ndims);
    if (ndims != 4) continue;
    int dims[4];
    nc_inq_vardimid(in.id, v, dims);
    for (int p = 0; p < 2; ++p) {
      const std::string d = dim_name(in.id, dims[p]);
      if (std::find(member_dims.begin(), member_dims.end(), d) == member_dims.end()) continue;
      char name[NC_MAX_NAME + 1] = {};
      nc_inq_varname(in.id, v, name);
      if (var >= 0) {
        throw InputError(file + ": two variables with a member dimension (" + found + " and " +
                         name + "); expected one rain variable (" +
                         where.substr(0, where.size() - 2) + ")");
      }
      var = v;
      mpos = p;
      found = name;
      break;
    }
  }
  if (var < 0) {
    throw InputError(file +
                     ": no variable with a member dimension; expected rain(realization, time, y, "
                     "x) (a dimension named realization, member, ensemble_member or number, "
                     "first or second) (" +
                     where.substr(0, where.size() - 2) + ")");
  }
  int dims[4];
  nc_type type = NC_NAT;
  check(nc_inq_vartype(in.id, var, &type), file, "type of " + found);
  check(nc_inq_vardimid(in.id, var, dims), file, "dimensions of " + found);
  const std::size_t bytes = type_size(type);
  if (bytes == 0) throw InputError(file + ": variable " + found + " is not numeric");
  const std::size_t have = dim_len(in.id, dims[mpos]);
  const std::string mdim = dim_name(in.id, dims[mpos]);
  if (have < static_cast<std::size_t>(members)) {
    throw InputError(where + file + " has " + std::to_string(have) + " members (dimension '" +
                     mdim + "' of " + found + "), the ensemble needs " + std::to_string(members));
  }
  const int tdim = dims[mpos == 0 ? 1 : 0];
  const std::array<int, 3> keep{tdim, dims[2], dims[3]};  // time, y, x
  std::array<std::size_t, 3> len{};
  for (int d = 0; d < 3; ++d)
    len[static_cast<std::size_t>(d)] = dim_len(in.id, keep[static_cast<std::size_t>(d)]);
  const std::size_t values = len[0] * len[1] * len[2];

  // What travels with the rain: the coordinate variables of time, y and x, and the grid
  // mapping the rain names.
  std::vector<int> coords;
  for (const int d : keep) {
    int v = -1;
    if (nc_inq_varid(in.id, dim_name(in.id, d).c_str(), &v) == NC_NOERR) coords.push_back(v);
  }
  int mapping = -1;
  {
    std::size_t n = 0;
    if (nc_inq_attlen(in.id, var, "grid_mapping", &n) == NC_NOERR) {
      std::string name(n, '\0');
      nc_get_att_text(in.id, var, "grid_mapping", name.data());
      name = name.c_str();  // drop a trailing NUL
      if (nc_inq_varid(in.id, name.c_str(), &mapping) != NC_NOERR) mapping = -1;
    }
  }

  fs::create_directories(folder);
  std::vector<char> buf(values * bytes);
  for (Member& m : out) {
    const fs::path p = folder / ("rain_member" + std::to_string(m.index) + ".nc");
    NcHandle o;
    check(nc_create(p.c_str(), NC_NETCDF4 | NC_CLOBBER, &o.id), p.string(), "cannot create");
    copy_atts(in.id, NC_GLOBAL, o.id, NC_GLOBAL, {}, file);
    std::array<int, 3> odims{};
    for (std::size_t d = 0; d < 3; ++d) {
      check(nc_def_dim(o.id, dim_name(in.id, keep[d]).c_str(), len[d], &odims[d]), p.string(),
            "dimension");
    }
    // Coordinates and grid mapping: same name, type, dimensions (among time, y, x) and
    // attributes.
    std::vector<std::pair<int, int>> copied;  // (in, out)
    auto def_like = [&](int v) {
      char name[NC_MAX_NAME + 1] = {};
      nc_type t = NC_NAT;
      int nd = 0;
      int vd[NC_MAX_VAR_DIMS];
      nc_inq_var(in.id, v, name, &t, &nd, vd, nullptr);
      if (type_size(t) == 0 && nd > 0) return;  // strings: not needed by the rain reader
      std::vector<int> od;
      for (int k = 0; k < nd; ++k) {
        const auto it = std::find(keep.begin(), keep.end(), vd[k]);
        if (it == keep.end()) return;  // on the member dimension or another one: left out
        od.push_back(odims[static_cast<std::size_t>(it - keep.begin())]);
      }
      int ov = -1;
      check(nc_def_var(o.id, name, t, nd, od.data(), &ov), p.string(),
            std::string("variable ") + name);
      copy_atts(in.id, v, o.id, ov, {"bounds"}, file);
      copied.emplace_back(v, ov);
    };
    for (const int v : coords) def_like(v);
    if (mapping >= 0) def_like(mapping);
    int ov = -1;
    check(nc_def_var(o.id, found.c_str(), type, 3, odims.data(), &ov), p.string(),
          "variable " + found);
    copy_atts(in.id, var, o.id, ov, {"coordinates"}, file);
    check(nc_enddef(o.id), p.string(), "end of definitions");
    for (const auto& [vi, vo] : copied) {
      int nd = 0;
      nc_inq_varndims(in.id, vi, &nd);
      int vd[NC_MAX_VAR_DIMS];
      nc_inq_vardimid(in.id, vi, vd);
      nc_type t = NC_NAT;
      nc_inq_vartype(in.id, vi, &t);
      std::size_t n = 1;
      for (int k = 0; k < nd; ++k) n *= dim_len(in.id, vd[k]);
      std::vector<char> c(std::max<std::size_t>(1, n * type_size(t)));
      check(nc_get_var(in.id, vi, c.data()), file, "reading a coordinate");
      check(nc_put_var(o.id, vo, c.data()), p.string(), "writing a coordinate");
    }
    std::array<std::size_t, 4> start{0, 0, 0, 0};
    std::array<std::size_t, 4> count{len[0], len[0], len[1], len[2]};
    start[static_cast<std::size_t>(mpos)] = static_cast<std::size_t>(m.index);
    count[static_cast<std::size_t>(mpos)] = 1;
    check(nc_get_vara(in.id, var, start.data(), count.data(), buf.data()), file,
          "reading member " + std::to_string(m.index) + " of " + found);
    check(nc_put_var(o.id, ov, buf.data()), p.string(), "writing " + found);
    const int status = nc_close(o.id);
    o.id = -1;
    check(status, p.string(), "closing");
    m.rain_file = p.string();
  }
}

}  // namespace floodtwin::ensemble
