#include "io/checkpoint.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

#include "floodtwin/version.hpp"
#include "io/file_lock.hpp"
#include "io/hdf5_util.hpp"
#include "io/results_writer.hpp"
#include "solver/error.hpp"
#include "solver/field_memory.hpp"
#include "solver/row_source.hpp"

namespace floodtwin::io {

using detail::check;
using detail::Id;
using detail::write_attribute;
using solver::FloodMaps;
using solver::Grid;
using solver::Simulation;

namespace {

constexpr const char* format_name = "floodtwin-checkpoint";
constexpr int format_version = 1;
constexpr const char* expected_checkpoint = "a floodtwin checkpoint";

struct BalanceField {
  const char* name;
  double solver::MassBalance::*field;
};
constexpr BalanceField balance_fields[] = {
    {"initial_volume", &solver::MassBalance::initial_volume},
    {"volume", &solver::MassBalance::volume},
    {"rain_in", &solver::MassBalance::rain_in},
    {"boundary_in", &solver::MassBalance::boundary_in},
    {"boundary_out", &solver::MassBalance::boundary_out},
    {"point_in", &solver::MassBalance::point_in},
    {"losses", &solver::MassBalance::losses},
    {"correction", &solver::MassBalance::correction},
};

/// Writes the padded field `var` a stripe of rows at a time: under a decomposition rank 0
/// holds each stripe's rows while it writes them (solver/row_source.hpp).
template <class T>
void write_padded(hid_t loc, const char* var, const Grid& g, const T* data,
                  const std::string& file) {
  const std::string what = std::string("writing ") + var;
  const hsize_t dims[2] = {static_cast<hsize_t>(g.ny + 2 * Grid::ghost),
                           static_cast<hsize_t>(g.nx + 2 * Grid::ghost)};
  const Id space = detail::space_id(H5Screate_simple(2, dims, nullptr), file, what);
  const Id d = detail::dataset_id(H5Dcreate2(loc, var, detail::native_type<T>(), space.get(),
                                             H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                                  file, what);
  for (int r0 = 0; r0 < g.ny + 2 * Grid::ghost; r0 += solver::held_stripe_rows) {
    const int r1 = std::min(g.ny + 2 * Grid::ghost, r0 + solver::held_stripe_rows);
    const solver::HeldRows held(g, r0 - Grid::ghost, r1 - Grid::ghost, {data});
    const hsize_t start[2] = {static_cast<hsize_t>(r0), 0};
    const hsize_t count[2] = {static_cast<hsize_t>(r1 - r0), dims[1]};
    const Id file_space = detail::space_id(H5Dget_space(d.get()), file, what);
    check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start, nullptr, count, nullptr),
          file, what);
    const Id mem = detail::space_id(H5Screate_simple(2, count, nullptr), file, what);
    check(H5Dwrite(d.get(), detail::native_type<T>(), mem.get(), file_space.get(), H5P_DEFAULT,
                   data + static_cast<std::ptrdiff_t>(r0) * g.stride()),
          file, what);
  }
}

/// Reads the grid's kept rows (Grid::kept_rows: every row but under a decomposition) of the
/// padded field `var` into the same rows of `out` (padded size); the other rows of `out` are
/// not written, so a process reads and holds its share of the checkpoint only.
template <class T, class Out>
void read_kept_rows(hid_t loc, const char* var, const Grid& g, const std::string& file, Out& out) {
  const Id d = detail::open_dataset(loc, var, file, expected_checkpoint);
  const std::vector<hsize_t> dims = detail::dataset_shape(d.get(), file, var);
  const auto rows = static_cast<hsize_t>(g.ny + 2 * Grid::ghost);
  const auto cols = static_cast<hsize_t>(g.nx + 2 * Grid::ghost);
  if (dims.size() != 2 || dims[0] != rows || dims[1] != cols) {
    std::ostringstream msg;
    msg << file << ": checkpoint field '" << var << "' has shape [";
    for (std::size_t k = 0; k < dims.size(); ++k) msg << (k ? ", " : "") << dims[k];
    msg << "], expected [" << rows << ", " << cols << "] (the padded grid)";
    throw InputError(msg.str());
  }
  if (out.size() != g.padded_size()) throw std::logic_error("read_kept_rows: not a padded field");
  const auto [j0, j1] = g.kept_rows();
  if (j1 <= j0) return;
  const std::string what = std::string("reading ") + var;
  const hsize_t start[2] = {static_cast<hsize_t>(j0 + Grid::ghost), 0};
  const hsize_t count[2] = {static_cast<hsize_t>(j1 - j0), cols};
  const Id space = detail::space_id(H5Dget_space(d.get()), file, what);
  check(H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, start, nullptr, count, nullptr), file,
        what);
  const Id mem = detail::space_id(H5Screate_simple(2, count, nullptr), file, what);
  check(H5Dread(d.get(), detail::native_type<T>(), mem.get(), space.get(), H5P_DEFAULT,
                out.data() + g.kept_offsets().first),
        file, what);
}

/// read_kept_rows into a new padded field (zero, and no memory, outside the kept rows).
template <class T>
solver::Field<T> read_padded(hid_t loc, const char* var, const Grid& g, const std::string& file) {
  solver::Field<T> out;
  solver::reset_field(out, g.padded_size());
  read_kept_rows<T>(loc, var, g, file, out);
  return out;
}

std::string describe_grid(int nx, int ny, double dx, double dy, double x0, double y0) {
  std::ostringstream msg;
  msg.precision(12);
  msg << nx << " x " << ny << " cells of " << dx << " x " << dy << " m at (" << x0 << ", " << y0
      << ")";
  return msg.str();
}

/// Opens a checkpoint and checks its format attributes.
Id open_checkpoint(const std::filesystem::path& path) {
  Id file = detail::open_hdf5_file(path, expected_checkpoint);
  const std::string name = path.string();
  if (!detail::has_attribute(file.get(), "format")) {
    throw IoError(name +
                  ": not a floodtwin checkpoint (no 'format' attribute; expected format = '" +
                  format_name + "')");
  }
  const std::string format = detail::read_string_attribute(file.get(), "format", name, "the file");
  if (format != format_name) {
    throw IoError(name + ": not a floodtwin checkpoint (format = '" + format + "', expected '" +
                  format_name + "')");
  }
  const int version = detail::read_attribute<int>(file.get(), "format_version", name, "the file");
  if (version != format_version) {
    throw IoError(name + ": checkpoint format version " + std::to_string(version) +
                  ", this floodtwin reads version " + std::to_string(format_version));
  }
  return file;
}

CheckpointInfo read_info(hid_t file, const std::string& name) {
  CheckpointInfo info;
  info.time = detail::read_attribute<double>(file, "time", name, "the file");
  info.steps = detail::read_attribute<long long>(file, "steps", name, "the file");
  info.has_flood_maps = detail::has_link(file, "flood_maps");
  if (detail::has_attribute(file, "scheme")) {
    info.scheme = detail::read_string_attribute(file, "scheme", name, "the file");
  }
  if (!std::isfinite(info.time) || info.time < 0) {
    std::ostringstream msg;
    msg.precision(17);
    msg << name << ": checkpoint time " << info.time << " s, expected a finite time >= 0";
    throw InputError(msg.str());
  }
  if (info.steps < 0) {
    throw InputError(name + ": checkpoint step count " + std::to_string(info.steps) +
                     ", expected >= 0");
  }
  if (detail::has_link(file, "metadata")) {
    const Id group =
        detail::group_id(H5Gopen2(file, "metadata", H5P_DEFAULT), name, "opening metadata");
    H5O_info_t oinfo;
    check(H5Oget_info2(group.get(), &oinfo, H5O_INFO_NUM_ATTRS), name, "reading metadata");
    for (hsize_t a = 0; a < oinfo.num_attrs; ++a) {
      char key[256] = {};
      if (H5Aget_name_by_idx(group.get(), ".", H5_INDEX_NAME, H5_ITER_INC, a, key, sizeof key,
                             H5P_DEFAULT) < 0) {
        continue;
      }
      info.metadata[key] = detail::read_string_attribute(group.get(), key, name, "metadata");
    }
  }
  return info;
}

/// Throws InputError naming the checkpoint, the field and the first bad cell (padded index
/// `k`), with what was expected.
[[noreturn]] void bad_cell(const std::string& file, const std::string& field, const Grid& g,
                           std::size_t k, double value, const std::string& expected) {
  const auto s = static_cast<std::size_t>(g.stride());
  std::ostringstream msg;
  msg.precision(10);
  msg << file << ": checkpoint field '" << field << "' is corrupt at cell (column "
      << static_cast<long long>(k % s) - Grid::ghost << ", row "
      << static_cast<long long>(k / s) - Grid::ghost << "): " << value << ", expected " << expected;
  throw InputError(msg.str());
}

/// Checks the restored state and flood maps on the active cells of the kept rows (those read:
/// read_kept_rows) before they are used: finite, depths and speeds >= 0, times in [0, t],
/// water levels between the bed and bed + max depth. Under a decomposition every cell lies in
/// some process's kept rows (rank 0 keeps every row), and an error on any process ends all.
void check_restored(const std::string& file, const Grid& g, const std::uint8_t* mask, const Real* z,
                    double t, const solver::Field<Real>& h, const solver::Field<Real>& qx,
                    const solver::Field<Real>& qy, const FloodMaps* maps) {
  const double t_tol = t + 1e-6 * std::max(1.0, t);
  auto time_ok = [&](double v, bool allow_nan) {
    return (allow_nan && std::isnan(v)) || (std::isfinite(v) && v >= 0 && v <= t_tol);
  };
  std::ostringstream range;
  range.precision(17);
  range << "a time in [0, " << t << "] s";
  const std::string times = range.str();
  const auto [kept0, kept1] = g.kept_interior_rows();
  for (int j = kept0; j < kept1; ++j) {
    for (int i = 0; i < g.nx; ++i) {
      const auto k = static_cast<std::size_t>(g.index(i, j));
      if (mask[k] != solver::cell_active) continue;
      const double d = h[k];
      if (!std::isfinite(d) || d < 0) bad_cell(file, "h", g, k, d, "a finite depth >= 0 m");
      if (!std::isfinite(static_cast<double>(qx[k]))) {
        bad_cell(file, "qx", g, k, qx[k], "a finite discharge");
      }
      if (!std::isfinite(static_cast<double>(qy[k]))) {
        bad_cell(file, "qy", g, k, qy[k], "a finite discharge");
      }
      if (maps == nullptr) continue;
      const double hmax = maps->max_depth[k];
      if (!std::isfinite(hmax) || hmax < d) {
        bad_cell(file, "flood_maps/max_depth", g, k, hmax,
                 "a finite depth >= the current depth " + std::to_string(d) + " m");
      }
      const double smax = maps->max_speed[k];
      if (!std::isfinite(smax) || smax < 0) {
        bad_cell(file, "flood_maps/max_speed", g, k, smax, "a finite speed >= 0 m/s");
      }
      const double hr = maps->max_hazard[k];
      if (!std::isfinite(hr) || hr < 0) {
        bad_cell(file, "flood_maps/max_hazard", g, k, hr, "a finite rating >= 0");
      }
      const double wl = maps->max_water_level[k];
      const double bed = z[k];
      const double tol = 1e-4 * std::max(1.0, std::abs(bed) + hmax);
      if (!std::isnan(wl) && !(std::isfinite(wl) && wl >= bed - tol && wl <= bed + hmax + tol)) {
        std::ostringstream e;
        e.precision(10);
        e << "NaN (never wet) or a level between the bed " << bed << " m and bed + max depth "
          << bed + hmax << " m";
        bad_cell(file, "flood_maps/max_water_level", g, k, wl, e.str());
      }
      if (!time_ok(maps->time_of_max_depth[k], true)) {
        bad_cell(file, "flood_maps/time_of_max_depth", g, k, maps->time_of_max_depth[k],
                 "NaN or " + times);
      }
      if (!time_ok(maps->arrival_time[k], true)) {
        bad_cell(file, "flood_maps/arrival_time", g, k, maps->arrival_time[k], "NaN or " + times);
      }
      if (!time_ok(maps->flood_duration[k], false)) {
        bad_cell(file, "flood_maps/flood_duration", g, k, maps->flood_duration[k],
                 "a duration in [0, " + std::to_string(t) + "] s");
      }
    }
  }
}

}  // namespace

std::filesystem::path checkpoint_path(const std::filesystem::path& results_path, double time) {
  char stamp[64];
  std::snprintf(stamp, sizeof stamp, ".checkpoint_t%014.3fs.h5", time < 0 ? 0.0 : time);
  std::filesystem::path stem = results_path;
  stem.replace_extension();
  return stem.string() + stamp;
}

void write_checkpoint(const std::filesystem::path& path, const Simulation& sim,
                      const FloodMaps* maps, const std::map<std::string, std::string>& metadata) {
  detail::quiet_hdf5_errors();
  const std::filesystem::path partial = partial_path(path);
  const std::string name = partial.string();
  const Grid& g = sim.grid();
  // A stale regular .partial is removed; a symbolic link there is refused, never written
  // through; H5F_ACC_EXCL (O_CREAT|O_EXCL) creates a fresh file or fails.
  remove_stale_file(partial, "checkpoint");
  {
    Id file = detail::file_id(H5Fcreate(name.c_str(), H5F_ACC_EXCL, H5P_DEFAULT, H5P_DEFAULT), name,
                              "cannot create the checkpoint file (exclusively)");
    const hid_t root = file.get();
    write_attribute(root, "format", format_name, name);
    write_attribute(root, "format_version", format_version, name);
    write_attribute(root, "floodtwin_version", floodtwin::version, name);
    write_attribute(root, "git_commit", floodtwin::git_commit, name);
    write_attribute(root, "real_bytes", static_cast<int>(sizeof(Real)), name);
    write_attribute(root, "nx", g.nx, name);
    write_attribute(root, "ny", g.ny, name);
    write_attribute(root, "dx", static_cast<double>(g.dx), name);
    write_attribute(root, "dy", static_cast<double>(g.dy), name);
    write_attribute(root, "origin_x", static_cast<double>(g.origin_x), name);
    write_attribute(root, "origin_y", static_cast<double>(g.origin_y), name);
    write_attribute(root, "scheme", solver::to_string(sim.config().scheme), name);
    write_attribute(root, "limiter", solver::to_string(sim.config().limiter), name);
    // time in the engine's type, bitwise (a double attribute holds a float exactly too)
    write_attribute(root, "time", static_cast<double>(sim.time()), name);
    write_attribute(root, "steps", sim.steps(), name);
    if (sim.config().local_levels > 0) {  // local time stepping's memory (solver.md)
      write_attribute(root, "local_try_levels", sim.local_state().first, name);
      write_attribute(root, "local_accepted", sim.local_state().second, name);
    }
    const solver::MassBalance mb = sim.mass_balance();
    for (const BalanceField& f : balance_fields) {
      write_attribute(root, std::string("mass_balance_") + f.name, mb.*f.field, name);
    }
    write_padded(root, "h", g, sim.h(), name);
    write_padded(root, "qx", g, sim.qx(), name);
    write_padded(root, "qy", g, sim.qy(), name);
    write_padded(root, "mask", g, sim.mask(), name);
    if (maps != nullptr) {
      if (maps->grid().nx != g.nx || maps->grid().ny != g.ny) {
        throw InputError(name + ": the flood maps' grid does not match the simulation grid");
      }
      const Id group =
          detail::group_id(H5Gcreate2(root, "flood_maps", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                           name, "creating flood_maps");
      write_attribute(group.get(), "threshold", static_cast<double>(maps->threshold()), name);
      write_attribute(group.get(), "debris_factor", static_cast<double>(maps->debris_factor()),
                      name);
      // Each map in its own type (flood_maps.hpp: five are float).
      maps->for_each_map([&](const char* var, const auto& field) {
        write_padded(group.get(), var, g, field.data(), name);
      });
    }
    if (solver::LossModel* losses = sim.loss_model()) {
      const auto fields = losses->state_fields();
      if (!fields.empty()) {
        const Id group =
            detail::group_id(H5Gcreate2(root, "loss_state", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                             name, "creating loss_state");
        for (const auto& [field_name, values] : fields) {
          write_padded<Real>(group.get(), field_name.c_str(), g, values->data(), name);
        }
      }
    }
    if (const std::vector<double> cs = sim.channel_state(); !cs.empty()) {
      // Sub-grid channels: in-bank depths of the channel cells, then link discharges.
      const std::string what = "writing channel_state";
      const hsize_t dims[1] = {static_cast<hsize_t>(cs.size())};
      const Id space = detail::space_id(H5Screate_simple(1, dims, nullptr), name, what);
      const Id d = detail::dataset_id(H5Dcreate2(root, "channel_state", H5T_IEEE_F64LE, space.get(),
                                                 H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                                      name, what);
      check(H5Dwrite(d.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, cs.data()), name,
            what);
    }
    if (!metadata.empty()) {
      const Id group =
          detail::group_id(H5Gcreate2(root, "metadata", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                           name, "creating metadata");
      for (const auto& [key, value] : metadata) write_attribute(group.get(), key, value, name);
    }
    check(H5Fflush(root, H5F_SCOPE_GLOBAL), name, "flushing the checkpoint");
    if (!file.reset()) throw IoError(name + ": closing the checkpoint failed");
  }
  std::error_code ec;
  std::filesystem::rename(partial, path, ec);
  if (ec) throw IoError(name + ": cannot rename to " + path.string() + ": " + ec.message());
}

CheckpointInfo read_checkpoint_info(const std::filesystem::path& path) {
  const Id file = open_checkpoint(path);
  return read_info(file.get(), path.string());
}

CheckpointInfo read_checkpoint(const std::filesystem::path& path, Simulation& sim,
                               FloodMaps* maps) {
  const Id file = open_checkpoint(path);
  const std::string name = path.string();
  const hid_t root = file.get();
  const int real_bytes = detail::read_attribute<int>(root, "real_bytes", name, "the file");
  if (real_bytes != static_cast<int>(sizeof(Real))) {
    throw InputError(name + ": checkpoint written with " + std::to_string(real_bytes) +
                     "-byte reals, this build uses " + std::to_string(sizeof(Real)) +
                     "-byte reals (FLOODTWIN_SINGLE_PRECISION differs)");
  }
  const Grid& g = sim.grid();
  const int nx = detail::read_attribute<int>(root, "nx", name, "the file");
  const int ny = detail::read_attribute<int>(root, "ny", name, "the file");
  const double dx = detail::read_attribute<double>(root, "dx", name, "the file");
  const double dy = detail::read_attribute<double>(root, "dy", name, "the file");
  const double x0 = detail::read_attribute<double>(root, "origin_x", name, "the file");
  const double y0 = detail::read_attribute<double>(root, "origin_y", name, "the file");
  if (nx != g.nx || ny != g.ny || dx != static_cast<double>(g.dx) ||
      dy != static_cast<double>(g.dy) || x0 != static_cast<double>(g.origin_x) ||
      y0 != static_cast<double>(g.origin_y)) {
    throw InputError(name + ": checkpoint of a grid of " + describe_grid(nx, ny, dx, dy, x0, y0) +
                     ", expected the scenario's grid of " +
                     describe_grid(g.nx, g.ny, g.dx, g.dy, g.origin_x, g.origin_y));
  }
  const solver::Field<std::uint8_t> mask = read_padded<std::uint8_t>(root, "mask", g, name);
  const std::uint8_t* sim_mask = sim.mask();
  const auto [kept_first, kept_end] = g.kept_offsets();
  for (std::size_t k = kept_first; k < kept_end; ++k) {
    if ((mask[k] == solver::cell_active) != (sim_mask[k] == solver::cell_active)) {
      const auto s = static_cast<std::size_t>(g.stride());
      std::ostringstream msg;
      msg << name << ": checkpoint's active cells differ from the scenario's, first at cell "
          << "(column " << static_cast<long long>(k % s) - 1 << ", row "
          << static_cast<long long>(k / s) - 1 << "): expected a checkpoint of the same basin";
      throw InputError(msg.str());
    }
  }
  CheckpointInfo info = read_info(root, name);
  // Read into new fields and checked before anything of `sim` or `maps` changes.
  std::optional<FloodMaps> restored_maps;
  if (maps != nullptr) {
    if (!info.has_flood_maps) {
      throw InputError(name +
                       ": checkpoint holds no flood maps, expected them (the run keeps "
                       "flood maps)");
    }
    const Id group =
        detail::group_id(H5Gopen2(root, "flood_maps", H5P_DEFAULT), name, "opening flood_maps");
    const double threshold =
        detail::read_attribute<double>(group.get(), "threshold", name, "flood_maps");
    const double debris =
        detail::read_attribute<double>(group.get(), "debris_factor", name, "flood_maps");
    if (threshold != static_cast<double>(maps->threshold()) ||
        debris != static_cast<double>(maps->debris_factor())) {
      std::ostringstream msg;
      msg << name << ": checkpoint flood maps use threshold " << threshold
          << " m and debris factor " << debris << ", expected " << maps->threshold() << " m and "
          << maps->debris_factor();
      throw InputError(msg.str());
    }
    // Read into each map's type (a checkpoint of double maps is rounded as the run would).
    restored_maps.emplace(maps->grid(), maps->threshold(), maps->debris_factor());
    restored_maps->for_each_map([&](const char* var, auto& field) {
      using T = typename std::decay_t<decltype(field)>::value_type;
      read_kept_rows<T>(group.get(), var, g, name, field);
    });
  }
  std::vector<solver::Field<Real>> loss_state;
  if (solver::LossModel* losses = sim.loss_model()) {
    const auto fields = losses->state_fields();
    if (!fields.empty()) {
      if (!detail::has_link(root, "loss_state")) {
        throw InputError(name +
                         ": checkpoint holds no loss-model state (infiltration), but the "
                         "scenario has a loss model that needs it");
      }
      const Id group =
          detail::group_id(H5Gopen2(root, "loss_state", H5P_DEFAULT), name, "opening loss_state");
      for (const auto& [field_name, values] : fields) {
        solver::Field<Real> v = read_padded<Real>(group.get(), field_name.c_str(), g, name);
        for (std::size_t k = kept_first; k < kept_end; ++k) {
          if (sim_mask[k] == solver::cell_active && !std::isfinite(static_cast<double>(v[k]))) {
            bad_cell(name, "loss_state/" + field_name, g, k, v[k], "a finite value");
          }
        }
        loss_state.push_back(std::move(v));
      }
    }
  }
  solver::MassBalance mb;
  for (const BalanceField& f : balance_fields) {
    mb.*f.field = detail::read_attribute<double>(root, std::string("mass_balance_") + f.name, name,
                                                 "the file");
    if (!std::isfinite(mb.*f.field)) {
      throw InputError(name + ": checkpoint attribute 'mass_balance_" + f.name +
                       "' is not finite, expected a volume [m3]");
    }
  }
  const solver::Field<Real> h = read_padded<Real>(root, "h", g, name);
  const solver::Field<Real> qx = read_padded<Real>(root, "qx", g, name);
  const solver::Field<Real> qy = read_padded<Real>(root, "qy", g, name);
  check_restored(name, g, sim_mask, sim.z(), info.time, h, qx, qy,
                 restored_maps ? &*restored_maps : nullptr);
  const std::size_t channel_values = sim.channel_state().size();
  const bool has_channels = detail::has_link(root, "channel_state");
  if (channel_values > 0 || has_channels) {
    if (!has_channels || channel_values == 0) {
      throw InputError(name + (has_channels ? ": checkpoint holds sub-grid channel state, but the "
                                              "scenario has no sub-grid channel"
                                            : ": checkpoint holds no sub-grid channel state, but "
                                              "the scenario has sub-grid channels"));
    }
    const Id d = detail::open_dataset(root, "channel_state", name, expected_checkpoint);
    const std::vector<double> cs = detail::read_all<double>(d.get(), name, "channel_state");
    try {
      sim.restore_channel_state(cs);  // checked before anything else of sim changes
    } catch (const InputError& e) {
      throw InputError(name + ": " + e.what());
    }
  }
  if (maps != nullptr) {
    *maps = std::move(*restored_maps);
  }
  if (solver::LossModel* losses = sim.loss_model()) {
    // The kept rows only (solver::Grid::kept_rows: all but under a decomposition), as restore.
    const auto a = static_cast<std::ptrdiff_t>(kept_first);
    const auto b = static_cast<std::ptrdiff_t>(kept_end);
    std::size_t n = 0;
    for (const auto& [field_name, values] : losses->state_fields()) {
      if (n < loss_state.size())
        std::copy(loss_state[n].begin() + a, loss_state[n].begin() + b, values->begin() + a);
      ++n;
    }
  }
  sim.restore(static_cast<Real>(info.time), info.steps, mb, h, qx, qy);
  if (sim.config().local_levels > 0 && detail::has_attribute(file.get(), "local_try_levels")) {
    sim.restore_local_state(  // a run resumed with fewer levels tries at most those
        std::min(detail::read_attribute<int>(file.get(), "local_try_levels", name, "the file"),
                 sim.config().local_levels),
        detail::read_attribute<int>(file.get(), "local_accepted", name, "the file"));
  }
  return info;
}

}  // namespace floodtwin::io
