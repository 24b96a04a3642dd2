#include "io/results_writer.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <initializer_list>
#include <limits>
#include <optional>
#include <random>
#include <sstream>
#include <system_error>
#include <utility>

#include "floodtwin/version.hpp"
#include "io/cf_grid_mapping_write.hpp"
#include "io/file_lock.hpp"
#include "io/hdf5_util.hpp"
#include "io/results_names.hpp"
#include "io/results_reader.hpp"
#include "io/stripe_writer.hpp"
#include "solver/error.hpp"
#include "solver/gauge_sample.hpp"
#include "solver/row_source.hpp"

namespace floodtwin::io {

using detail::check;
using detail::Id;
using detail::write_attribute;
using solver::FloodMaps;
using solver::Grid;
using solver::Simulation;

std::filesystem::path partial_path(const std::filesystem::path& path) {
  std::filesystem::path partial = path;
  partial += ".partial";
  return partial;
}

std::string new_run_id() {
  std::random_device device;
  const auto now =
      static_cast<unsigned long long>(std::chrono::system_clock::now().time_since_epoch().count());
  std::seed_seq seed{device(),
                     device(),
                     device(),
                     device(),
                     static_cast<unsigned>(now),
                     static_cast<unsigned>(now >> 32),
                     static_cast<unsigned>(::getpid())};
  std::mt19937_64 random(seed);
  char text[40];
  std::snprintf(text, sizeof text, "%016llx%016llx", static_cast<unsigned long long>(random()),
                static_cast<unsigned long long>(random()));
  return text;
}

namespace {

/// What was at a path when the writer began (to tell whether another process replaced it).
struct FileIdentity {
  bool exists = false;
  dev_t dev = 0;
  ino_t ino = 0;
  off_t size = 0;
  long long mtime_ns = 0;
  static FileIdentity of(const std::filesystem::path& p) {
    FileIdentity id;
    struct stat st {};
    if (::lstat(p.c_str(), &st) != 0) return id;
    id.exists = true;
    id.dev = st.st_dev;
    id.ino = st.st_ino;
    id.size = st.st_size;
    id.mtime_ns = static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec;
    return id;
  }
  [[nodiscard]] bool same_file(const FileIdentity& o) const {
    return exists == o.exists && (!exists || (dev == o.dev && ino == o.ino));
  }
  [[nodiscard]] bool unchanged(const FileIdentity& o) const {
    return same_file(o) && (!exists || (size == o.size && mtime_ns == o.mtime_ns));
  }
};

constexpr float float_nan = std::numeric_limits<float>::quiet_NaN();
constexpr double double_nan = std::numeric_limits<double>::quiet_NaN();
constexpr unsigned creation_order = H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED;

/// The variables on `time` and on `gauge_time`, in the order write_snapshot appends them.
constexpr const char* snapshot_names[] = {names::depth, names::water_level, names::velocity_x,
                                          names::velocity_y};
constexpr const char* balance_names[] = {
    names::volume,   names::rain_in, names::boundary_in, names::boundary_out,
    names::point_in, names::losses,  names::correction,  names::mass_balance_error};
constexpr const char* gauge_names[] = {names::gauge_depth, names::gauge_water_level,
                                       names::gauge_speed};

/// Reads row `index` of the unlimited first dimension of `var` (all further dimensions) as
/// `type` into `out`, which holds a row.
void read_row(hid_t file, const char* var, hsize_t index, hid_t type, void* out,
              const std::string& name) {
  const std::string what = "reading row " + std::to_string(index) + " of " + var;
  const Id d = detail::open_dataset(file, var, name, "a floodtwin results file");
  std::vector<hsize_t> count = detail::dataset_shape(d.get(), name, var);
  if (count.empty() || index >= count[0]) throw IoError(name + ": " + what + ": no such row");
  std::vector<hsize_t> start(count.size(), 0);
  start[0] = index;
  count[0] = 1;
  const Id space = detail::space_id(H5Dget_space(d.get()), name, what);
  check(H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(),
                            nullptr),
        name, what);
  const Id mem = detail::space_id(
      H5Screate_simple(static_cast<int>(count.size()), count.data(), nullptr), name, what);
  check(H5Dread(d.get(), type, mem.get(), space.get(), H5P_DEFAULT, out), name, what);
}

/// An earlier results file to carry outputs over from, as checked against the new grid.
struct CarrySource {
  std::filesystem::path path;    ///< where it is read
  std::filesystem::path origin;  ///< where it was found (`path` unless moved aside)
  bool owned = false;            ///< moved aside by this writer: removed once copied
  std::size_t snapshots = 0;     ///< rows present in every variable on `time`
  std::size_t gauge_rows = 0;    ///< rows present in every gauge variable (0: none carried)
  std::string gauge_note;        ///< why gauge samples are not carried
};

}  // namespace

struct ResultsWriter::Impl {
  std::filesystem::path path;
  std::filesystem::path partial;
  std::string name;  // for messages
  ResultsOptions options;
  Grid grid;
  Id file;
  Id x_scale, y_scale, time_scale, gauge_time_scale, station_scale;
  Id section_scale, boundary_scale;  ///< cross-sections and boundary conditions, when any
  std::size_t sections = 0, boundaries = 0;
  /// Cumulative volumes at the last snapshot (section; boundary net outflow) [m3] and its time:
  /// the discharges written are the means over the interval since then.
  std::vector<double> last_section_volume, last_boundary_volume;
  double last_flow_time = std::numeric_limits<double>::quiet_NaN();
  std::vector<std::string> section_labels, boundary_labels;  ///< names written
  std::size_t snapshots = 0;
  std::size_t gauge_samples = 0;
  long long bed_written = 0;             ///< Simulation::bed_changes() of the bed in `elevation`
  std::vector<std::size_t> gauge_cells;  // padded index per gauge
  bool finalized = false;
  FileIdentity partial_identity;  // the .partial this writer created
  FileIdentity target_identity;   // what was at `path` when it did

  // ---- creation helpers ------------------------------------------------------------------
  Id dcpl() const {
    Id p = detail::plist_id(H5Pcreate(H5P_DATASET_CREATE), name, "creating a property list");
    check(H5Pset_attr_creation_order(p.get(), creation_order), name, "attribute order");
    return p;
  }

  void set_filters(hid_t p) const {
    if (options.shuffle && options.deflate_level > 0) {
      check(H5Pset_shuffle(p), name, "shuffle filter");
    }
    if (options.deflate_level > 0) {
      check(H5Pset_deflate(p, static_cast<unsigned>(options.deflate_level)), name, "deflate");
    }
  }

  static void describe(hid_t d, const std::string& file, const char* units, const char* long_name,
                       const char* standard_name = nullptr) {
    write_attribute(d, "units", units, file);
    write_attribute(d, "long_name", long_name, file);
    if (standard_name != nullptr) write_attribute(d, "standard_name", standard_name, file);
  }

  /// A 1D coordinate variable that is also the netCDF dimension `dim`.
  Id coordinate(const char* dim, hid_t type, hsize_t size, bool unlimited, int dimid,
                const void* values) {
    const std::string what = std::string("creating coordinate ") + dim;
    const hsize_t max = unlimited ? H5S_UNLIMITED : size;
    const Id space = detail::space_id(H5Screate_simple(1, &size, &max), name, what);
    Id p = dcpl();
    if (unlimited) {
      const hsize_t chunk = 512;
      check(H5Pset_chunk(p.get(), 1, &chunk), name, what);
    }
    Id d = detail::dataset_id(
        H5Dcreate2(file.get(), dim, type, space.get(), H5P_DEFAULT, p.get(), H5P_DEFAULT), name,
        what);
    if (values != nullptr && size > 0) {
      check(H5Dwrite(d.get(), type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values), name, what);
    }
    check(H5DSset_scale(d.get(), dim), name, what);
    write_attribute(d.get(), "_Netcdf4Dimid", dimid, name);
    return d;
  }

  void attach(hid_t d, hid_t scale, unsigned index, const std::string& var) const {
    check(H5DSattach_scale(d, scale, index), name, "attaching a dimension to " + var);
  }

  /// A float32 map variable [y, x], or a snapshot variable [time, y, x] when `snapshot`.
  Id map_variable(const char* var, bool snapshot) {
    const std::string what = std::string("creating variable ") + var;
    const auto ny = static_cast<hsize_t>(grid.ny);
    const auto nx = static_cast<hsize_t>(grid.nx);
    const hsize_t cy =
        static_cast<hsize_t>(std::clamp(options.chunk_y > 0 ? options.chunk_y : 256, 1, grid.ny));
    const hsize_t cx =
        static_cast<hsize_t>(std::clamp(options.chunk_x > 0 ? options.chunk_x : 256, 1, grid.nx));
    Id p = dcpl();
    check(H5Pset_fill_value(p.get(), H5T_NATIVE_FLOAT, &float_nan), name, what);
    Id space;
    if (snapshot) {
      const hsize_t dims[3] = {0, ny, nx};
      const hsize_t max[3] = {H5S_UNLIMITED, ny, nx};
      const hsize_t chunk[3] = {1, cy, cx};
      space = detail::space_id(H5Screate_simple(3, dims, max), name, what);
      check(H5Pset_chunk(p.get(), 3, chunk), name, what);
    } else {
      const hsize_t dims[2] = {ny, nx};
      const hsize_t chunk[2] = {cy, cx};
      space = detail::space_id(H5Screate_simple(2, dims, nullptr), name, what);
      check(H5Pset_chunk(p.get(), 2, chunk), name, what);
    }
    set_filters(p.get());
    Id d = detail::dataset_id(
        H5Dcreate2(file.get(), var, H5T_IEEE_F32LE, space.get(), H5P_DEFAULT, p.get(), H5P_DEFAULT),
        name, what);
    unsigned axis = 0;
    if (snapshot) attach(d.get(), time_scale.get(), axis++, var);
    attach(d.get(), y_scale.get(), axis++, var);
    attach(d.get(), x_scale.get(), axis, var);
    write_attribute(d.get(), "_FillValue", float_nan, name);
    if (!options.crs_wkt.empty()) write_attribute(d.get(), "grid_mapping", "crs", name);
    return d;
  }

  /// A float64 series on an unlimited dimension: [time] or [gauge_time, station] (or
  /// [time, `columns`] when a column scale is given).
  Id series_variable(const char* var, hid_t time_dim, hsize_t stations,
                     hid_t columns = H5I_INVALID_HID) {
    const std::string what = std::string("creating variable ") + var;
    Id p = dcpl();
    check(H5Pset_fill_value(p.get(), H5T_NATIVE_DOUBLE, &double_nan), name, what);
    Id space;
    if (stations == 0) {
      const hsize_t dims = 0;
      const hsize_t max = H5S_UNLIMITED;
      const hsize_t chunk = 512;
      space = detail::space_id(H5Screate_simple(1, &dims, &max), name, what);
      check(H5Pset_chunk(p.get(), 1, &chunk), name, what);
    } else {
      const hsize_t dims[2] = {0, stations};
      const hsize_t max[2] = {H5S_UNLIMITED, stations};
      const hsize_t chunk[2] = {std::max<hsize_t>(1, 4096 / stations), stations};
      space = detail::space_id(H5Screate_simple(2, dims, max), name, what);
      check(H5Pset_chunk(p.get(), 2, chunk), name, what);
    }
    Id d = detail::dataset_id(
        H5Dcreate2(file.get(), var, H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, p.get(), H5P_DEFAULT),
        name, what);
    attach(d.get(), time_dim, 0, var);
    if (stations > 0) {
      attach(d.get(), columns != H5I_INVALID_HID ? columns : station_scale.get(), 1, var);
    }
    write_attribute(d.get(), "_FillValue", double_nan, name);
    return d;
  }

  /// A variable-length UTF-8 string variable on the dimension `scale` of `values.size()`.
  void string_variable(const char* var, hid_t scale, const std::vector<std::string>& values,
                       const char* long_name, const char* cf_role) {
    const std::string what = std::string("creating variable ") + var;
    const auto n = static_cast<hsize_t>(values.size());
    const Id space = detail::space_id(H5Screate_simple(1, &n, nullptr), name, what);
    const Id str = detail::type_id(H5Tcopy(H5T_C_S1), name, what);
    check(H5Tset_size(str.get(), H5T_VARIABLE), name, what);
    check(H5Tset_cset(str.get(), H5T_CSET_UTF8), name, what);
    const Id p = dcpl();
    const Id d = detail::dataset_id(
        H5Dcreate2(file.get(), var, str.get(), space.get(), H5P_DEFAULT, p.get(), H5P_DEFAULT),
        name, what);
    std::vector<const char*> c;
    for (const std::string& v : values) c.push_back(v.c_str());
    check(H5Dwrite(d.get(), str.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, c.data()), name, what);
    attach(d.get(), scale, 0, var);
    write_attribute(d.get(), "long_name", long_name, name);
    if (cf_role != nullptr) write_attribute(d.get(), "cf_role", cf_role, name);
  }

  /// Cross-sections (section_discharge, section_volume [time, section]) and boundary
  /// conditions (boundary_discharge, boundary_inflow, boundary_outflow [time, boundary]) of
  /// `sim` as it is now; `dimid` is the first free netCDF dimension id.
  void create_flow_variables(const Simulation& sim, int dimid) {
    const auto& secs = sim.flows().sections();
    sections = secs.size();
    boundaries = sim.boundaries().size();
    auto index_of = [](std::size_t n) {
      std::vector<int> v(n);
      for (std::size_t k = 0; k < n; ++k) v[k] = static_cast<int>(k);
      return v;
    };
    if (sections > 0) {
      const std::vector<int> idx = index_of(sections);
      section_scale =
          coordinate(names::section, H5T_STD_I32LE, sections, false, dimid++, idx.data());
      describe(section_scale.get(), name, "1", "cross-section index");
      for (const auto& s : secs) section_labels.push_back(s.name);
      string_variable(names::section_name, section_scale.get(), section_labels,
                      "cross-section name", "timeseries_id");
      const Id q = series_variable(names::section_discharge, time_scale.get(), sections,
                                   section_scale.get());
      describe(q.get(), name, "m3 s-1",
               "discharge through the cross-section, mean over the interval since the previous "
               "time (positive from the right of the line to its left)");
      write_attribute(q.get(), "cell_methods", "time: mean", name);
      write_attribute(q.get(), "coordinates", "section_name", name);
      const Id v =
          series_variable(names::section_volume, time_scale.get(), sections, section_scale.get());
      describe(v.get(), name, "m3", "cumulative volume through the cross-section");
      write_attribute(v.get(), "coordinates", "section_name", name);
    }
    if (boundaries > 0) {
      const std::vector<int> idx = index_of(boundaries);
      boundary_scale =
          coordinate(names::boundary, H5T_STD_I32LE, boundaries, false, dimid, idx.data());
      describe(boundary_scale.get(), name, "1", "boundary condition index");
      const std::vector<std::string> labels = solver::boundary_labels(sim.boundaries());
      std::vector<std::string> sides;
      for (const auto& b : sim.boundaries()) sides.push_back(solver::to_string(b.side));
      boundary_labels = labels;
      string_variable(names::boundary_name, boundary_scale.get(), labels,
                      "boundary condition (side_type, in the order given)", "timeseries_id");
      string_variable(names::boundary_side, boundary_scale.get(), sides,
                      "side of the boundary condition", nullptr);
      struct FlowVar {
        const char* name;
        const char* units;
        const char* long_name;
      };
      const FlowVar vars[] = {
          {names::boundary_discharge, "m3 s-1",
           "net outflow through the boundary condition, mean over the interval since the "
           "previous time (negative: net inflow)"},
          {names::boundary_inflow, "m3", "cumulative inflow through the boundary condition"},
          {names::boundary_outflow, "m3", "cumulative outflow through the boundary condition"},
      };
      for (const FlowVar& var : vars) {
        const Id d = series_variable(var.name, time_scale.get(), boundaries, boundary_scale.get());
        describe(d.get(), name, var.units, var.long_name);
        write_attribute(d.get(), "coordinates", "boundary_name", name);
        if (var.name == std::string(names::boundary_discharge)) {
          write_attribute(d.get(), "cell_methods", "time: mean", name);
        }
      }
    }
  }

  /// Appends the flow rows of snapshot `index` at time t.
  void append_flows(const Simulation& sim, hsize_t index, double t) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const bool interval = !std::isnan(last_flow_time) && t > last_flow_time;
    if (sections > 0) {
      const auto& secs = sim.flows().sections();
      std::vector<double> volume(sections, nan), q(sections, nan);
      for (std::size_t k = 0; k < sections && k < secs.size(); ++k) volume[k] = secs[k].volume;
      for (std::size_t k = 0; k < sections && interval; ++k) {
        q[k] = (volume[k] - last_section_volume[k]) / (t - last_flow_time);
      }
      append(names::section_discharge, index, H5T_NATIVE_DOUBLE, q.data());
      append(names::section_volume, index, H5T_NATIVE_DOUBLE, volume.data());
      last_section_volume = volume;
    }
    if (boundaries > 0) {
      const auto& flows = sim.flows().boundaries();
      std::vector<double> in(boundaries, nan), out(boundaries, nan), q(boundaries, nan),
          net(boundaries, nan);
      for (std::size_t k = 0; k < boundaries && k < flows.size(); ++k) {
        in[k] = flows[k].inflow;
        out[k] = flows[k].outflow;
        net[k] = flows[k].net_outflow();
      }
      for (std::size_t k = 0; k < boundaries && interval; ++k) {
        q[k] = (net[k] - last_boundary_volume[k]) / (t - last_flow_time);
      }
      append(names::boundary_discharge, index, H5T_NATIVE_DOUBLE, q.data());
      append(names::boundary_inflow, index, H5T_NATIVE_DOUBLE, in.data());
      append(names::boundary_outflow, index, H5T_NATIVE_DOUBLE, out.data());
      last_boundary_volume = net;
    }
    last_flow_time = t;
  }

  /// Whether the earlier results file at `p` has the same cross-sections and boundary
  /// conditions (so that their series are carried over with the snapshots).
  [[nodiscard]] bool same_flows(const std::filesystem::path& p) const {
    if (sections == 0 && boundaries == 0) return false;
    try {
      const ResultsReader r(p);
      for (const auto& [var, labels] : {std::pair{names::section_name, &section_labels},
                                        std::pair{names::boundary_name, &boundary_labels}}) {
        if (labels->empty()) continue;
        if (!r.has_variable(var) || r.read_strings(var) != *labels) return false;
      }
      return true;
    } catch (const Error&) {
      return false;
    }
  }

  Id open(const char* var) const {
    return detail::open_dataset(file.get(), var, name, "a variable written by this writer");
  }

  /// Writes the simulation's bed into `elevation` and remembers which bed it was.
  void write_bed(const Simulation& sim) {
    // From the padded bed a stripe at a time (no whole-grid copy); NaN off the active cells.
    const Real* z = sim.z();
    write_striped(names::elevation, sim.mask(), std::nullopt, {z},
                  [z](std::size_t k) { return z[k]; });
    bed_written = sim.bed_changes();
  }

  /// Writes the float32 grid of `var`: `value(k)` at the padded index k of an active cell, NaN
  /// elsewhere (tests/io: the results of a run against the state). Into the map [y][x], or,
  /// when `index` is given, into the row `index` of the snapshot variable [time][y][x] (grown
  /// to index + 1). `reads`: the padded fields value() reads (StripeWriter::write).
  template <class Value>
  void write_striped(const char* var, const std::uint8_t* mask, std::optional<hsize_t> index,
                     std::initializer_list<const void*> reads, Value value) {
    stripes().write(open(var).get(), var, index, reads, [this, mask, &value](int j, float* out) {
      const auto base = static_cast<std::size_t>(grid.index(0, j));
      for (std::size_t i = 0; i < static_cast<std::size_t>(grid.nx); ++i) {
        out[i] =
            mask[base + i] == solver::cell_active ? static_cast<float>(value(base + i)) : float_nan;
      }
    });
  }

  /// Grows the unlimited first dimension of `var` to `index + 1` and writes the row `index`
  /// (`row_size` values of `type`).
  void append(const char* var, hsize_t index, hid_t type, const void* values) {
    const std::string what = std::string("appending to ") + var;
    const Id d = open(var);
    std::vector<hsize_t> dims = detail::dataset_shape(d.get(), name, var);
    dims[0] = index + 1;
    check(H5Dset_extent(d.get(), dims.data()), name, what);
    const Id space = detail::space_id(H5Dget_space(d.get()), name, what);
    std::vector<hsize_t> start(dims.size(), 0);
    std::vector<hsize_t> count = dims;
    start[0] = index;
    count[0] = 1;
    check(H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(),
                              nullptr),
          name, what);
    const Id mem = detail::space_id(
        H5Screate_simple(static_cast<int>(count.size()), count.data(), nullptr), name, what);
    check(H5Dwrite(d.get(), type, mem.get(), space.get(), H5P_DEFAULT, values), name, what);
  }

  void write_flood_maps(const Simulation* sim, const FloodMaps& maps) {
    const Grid& g = maps.grid();
    if (g.nx != grid.nx || g.ny != grid.ny) {
      throw InputError(name + ": the flood maps' grid does not match the results grid");
    }
    // FloodMaps leaves inactive cells at their initial values; the mask of the run marks them.
    std::vector<std::uint8_t> all_active;
    const std::uint8_t* mask = nullptr;
    if (sim != nullptr) {
      mask = sim->mask();
    } else if (!active_mask.empty()) {
      mask = active_mask.data();
    } else {
      all_active.assign(g.padded_size(), solver::cell_active);
      mask = all_active.data();
    }
    // FloodMaps::for_each_map's names are the results file's (results_names.hpp).
    maps.for_each_map([&](const char* var, const auto& field) {
      const auto* f = field.data();
      write_striped(var, mask, std::nullopt, {f}, [f](std::size_t k) { return f[k]; });
    });
    const Id arrival = open(names::arrival_time);
    write_attribute(arrival.get(), "threshold", static_cast<double>(maps.threshold()), name);
    const Id duration = open(names::flood_duration);
    write_attribute(duration.get(), "threshold", static_cast<double>(maps.threshold()), name);
    const Id hazard = open(names::max_hazard);
    write_attribute(hazard.get(), "debris_factor", static_cast<double>(maps.debris_factor()), name);
  }

  void flush() { check(H5Fflush(file.get(), H5F_SCOPE_GLOBAL), name, "flushing"); }

  std::vector<std::uint8_t> active_mask;           // padded mask of the run, kept for finalize()
  std::optional<detail::StripeWriter> stripe_writer;  // the grids' writer (stripes())
  detail::StripeWriter& stripes() {
    if (!stripe_writer) {
      stripe_writer.emplace(grid,
                            detail::StripeLayout{options.chunk_x, options.chunk_y,
                                                 options.deflate_level, options.shuffle},
                            name);
    }
    return *stripe_writer;
  }
  std::string carry_note;                          // what carry_over() did, or why not

  // ---- resume: outputs of an earlier file ------------------------------------------------
  /// Why the file at `p` cannot be carried over ("" when it can); fills the row counts of
  /// `src`.
  std::string check_carry_source(const std::filesystem::path& p, CarrySource& src) const {
    try {
      const ResultsReader r(p);
      const std::string other =
          r.has_attribute("", "run_id") ? r.text_attribute("", "run_id") : std::string();
      if (other != options.run_id) {
        return other.empty()
                   ? "no run_id (not written by this run)"
                   : "another run (run_id " + other + ", expected " + options.run_id + ")";
      }
      if (r.nx() != grid.nx || r.ny() != grid.ny) {
        return "a grid of " + std::to_string(r.nx()) + " x " + std::to_string(r.ny()) +
               " cells, expected " + std::to_string(grid.nx) + " x " + std::to_string(grid.ny);
      }
      const std::vector<double> xs = r.read(names::x);
      const std::vector<double> ys = r.read(names::y);
      for (int i = 0; i < grid.nx; ++i) {
        if (std::abs(xs[static_cast<std::size_t>(i)] - grid.x_center(i)) > 1e-6 * grid.dx) {
          return "other cell centres (x)";
        }
      }
      for (int j = 0; j < grid.ny; ++j) {
        if (std::abs(ys[static_cast<std::size_t>(j)] - grid.y_center(j)) > 1e-6 * grid.dy) {
          return "other cell centres (y)";
        }
      }
      // A run killed inside write_snapshot may have grown some variables and not others.
      std::size_t rows = r.shape(names::time).at(0);
      for (const char* var : snapshot_names) rows = std::min(rows, r.shape(var).at(0));
      for (const char* var : balance_names) {
        if (!r.has_variable(var)) return std::string("no variable ") + var;
        rows = std::min(rows, r.shape(var).at(0));
      }
      src.snapshots = rows;
      src.gauge_rows = 0;
      if (options.gauges.empty()) return "";
      if (!r.has_variable(names::gauge_time) || !r.has_variable(names::station_name)) {
        src.gauge_note = "it has no gauges";
        return "";
      }
      const std::vector<std::string> stations = r.read_strings(names::station_name);
      bool same = stations.size() == options.gauges.size();
      for (std::size_t s = 0; same && s < stations.size(); ++s) {
        same = stations[s] == options.gauges[s].name;
      }
      if (!same) {
        src.gauge_note = "its stations differ";
        return "";
      }
      std::size_t gauge_rows = r.shape(names::gauge_time).at(0);
      for (const char* var : gauge_names) gauge_rows = std::min(gauge_rows, r.shape(var).at(0));
      src.gauge_rows = gauge_rows;
      return "";
    } catch (const Error& e) {
      return e.what();
    }
  }

  /// The earlier file of the search in ResultsOptions (moving `<path>.partial` aside), or an
  /// empty path when none matches; carry_note then says why.
  CarrySource find_carry_source() {
    namespace fs = std::filesystem;
    fs::path prev = partial;
    prev += ".prev";
    std::vector<fs::path> candidates{prev, partial, path};
    if (!options.carry_over_from.empty()) candidates = {options.carry_over_from};
    std::string why;
    for (const fs::path& candidate : candidates) {
      std::error_code ec;
      if (!fs::exists(candidate, ec)) {
        if (!options.carry_over_from.empty()) why = candidate.string() + ": no such file";
        continue;
      }
      CarrySource src;
      const std::string reason = check_carry_source(candidate, src);
      if (!reason.empty()) {
        why += (why.empty() ? "" : "; ") + candidate.string() + ": " + reason;
        continue;
      }
      src.path = candidate;
      src.origin = candidate;
      if (candidate == partial) {
        // H5Fcreate truncates `partial`: copy from the file moved aside.
        fs::rename(partial, prev, ec);
        if (ec) {
          throw IoError(name + ": cannot move the earlier results aside to " + prev.string() +
                        ": " + ec.message());
        }
        src.path = prev;
      }
      src.owned = src.path == prev;
      return src;
    }
    carry_note = "nothing carried over: " +
                 (why.empty() ? std::string("no earlier results file (") + partial.string() +
                                    " or " + path.string() + ")"
                              : why);
    return {};
  }

  /// One variable of a time axis being carried over: its name, memory type and row buffer.
  struct Column {
    const char* name;
    hid_t type;
    void* row;
  };

  /// Appends the rows 0.. of the axis `time_var` (and of `columns` along it) of `in` whose
  /// time is <= `limit`, row by row; returns how many. A row that cannot be read ends the copy,
  /// `stopped` saying why, with every variable holding the same number of rows.
  std::size_t copy_rows(hid_t in, const char* time_var, std::size_t rows,
                        const std::vector<Column>& columns, double limit, const std::string& from,
                        std::string& stopped) {
    std::size_t copied = 0;
    for (std::size_t k = 0; k < rows; ++k) {
      double t = 0;
      try {
        read_row(in, time_var, k, H5T_NATIVE_DOUBLE, &t, from);
        if (!(t <= limit)) break;
        for (const Column& c : columns) read_row(in, c.name, k, c.type, c.row, from);
      } catch (const IoError& e) {
        stopped = e.what();
        break;
      }
      const auto index = static_cast<hsize_t>(copied);
      append(time_var, index, H5T_NATIVE_DOUBLE, &t);
      for (const Column& c : columns) append(c.name, index, c.type, c.row);
      ++copied;
    }
    return copied;
  }

  /// Copies the snapshots and gauge samples up to `until` [s] (1e-9 relative) from `src`,
  /// one time at a time. A row that cannot be read ends the copy (the earlier file may be
  /// damaged); every variable keeps the same number of rows.
  void carry_over(const CarrySource& src, double until) {
    const std::string from = src.path.string();
    const double limit = until + 1e-9 * std::max(1.0, std::abs(until));
    const Id in = detail::open_hdf5_file(src.path, "a floodtwin results file");
    std::string stopped;
    std::vector<Column> columns;
    std::vector<std::vector<float>> maps(std::size(snapshot_names),
                                         std::vector<float>(grid.cell_count()));
    double balance[std::size(balance_names)];
    for (std::size_t v = 0; v < maps.size(); ++v) {
      columns.push_back({snapshot_names[v], H5T_NATIVE_FLOAT, maps[v].data()});
    }
    for (std::size_t v = 0; v < std::size(balance_names); ++v) {
      columns.push_back({balance_names[v], H5T_NATIVE_DOUBLE, &balance[v]});
    }
    // Cross-section and boundary series, when the earlier file has the same ones (else their
    // carried rows stay NaN).
    const char* flow_vars[] = {names::section_discharge, names::section_volume,
                               names::boundary_discharge, names::boundary_inflow,
                               names::boundary_outflow};
    const bool flows = same_flows(src.path);
    std::vector<std::vector<double>> flow_rows(std::size(flow_vars));
    for (std::size_t v = 0; flows && v < std::size(flow_vars); ++v) {
      const std::size_t n = v < 2 ? sections : boundaries;
      if (n == 0) continue;
      flow_rows[v].resize(n);
      columns.push_back({flow_vars[v], H5T_NATIVE_DOUBLE, flow_rows[v].data()});
    }
    snapshots = copy_rows(in.get(), names::time, src.snapshots, columns, limit, from, stopped);
    if (flows && snapshots > 0) {  // the means after the resume start from the last row
      const auto last = static_cast<hsize_t>(snapshots - 1);
      read_row(file.get(), names::time, last, H5T_NATIVE_DOUBLE, &last_flow_time, name);
      if (sections > 0) {
        last_section_volume.resize(sections);
        read_row(file.get(), names::section_volume, last, H5T_NATIVE_DOUBLE,
                 last_section_volume.data(), name);
      }
      if (boundaries > 0) {
        std::vector<double> in_v(boundaries);
        last_boundary_volume.resize(boundaries);
        read_row(file.get(), names::boundary_inflow, last, H5T_NATIVE_DOUBLE, in_v.data(), name);
        read_row(file.get(), names::boundary_outflow, last, H5T_NATIVE_DOUBLE,
                 last_boundary_volume.data(), name);
        for (std::size_t k = 0; k < boundaries; ++k) last_boundary_volume[k] -= in_v[k];
      }
    }
    if (snapshots > 0 && detail::has_attribute(in.get(), "initial_volume")) {
      write_attribute(file.get(), "initial_volume",
                      detail::read_attribute<double>(in.get(), "initial_volume", from, "/"), name);
    }
    std::vector<std::vector<double>> samples(std::size(gauge_names),
                                             std::vector<double>(gauge_cells.size()));
    columns.clear();
    for (std::size_t v = 0; v < samples.size(); ++v) {
      columns.push_back({gauge_names[v], H5T_NATIVE_DOUBLE, samples[v].data()});
    }
    if (stopped.empty()) {
      gauge_samples =
          copy_rows(in.get(), names::gauge_time, src.gauge_rows, columns, limit, from, stopped);
    }
    std::ostringstream note;
    note.precision(17);
    note << snapshots << " snapshots and " << gauge_samples << " gauge samples with t <= " << until
         << " s from " << src.origin.string();
    if (!src.gauge_note.empty()) note << " (no gauge samples: " << src.gauge_note << ")";
    if (!stopped.empty()) note << "; stopped early: " << stopped;
    carry_note = note.str();
  }
};

ResultsWriter::ResultsWriter(std::filesystem::path path, const Simulation& sim,
                             ResultsOptions options)
    : impl_(std::make_unique<Impl>()) {
  detail::quiet_hdf5_errors();
  Impl& w = *impl_;
  w.path = std::move(path);
  w.partial = io::partial_path(w.path);
  w.name = w.partial.string();
  w.options = std::move(options);
  w.grid = sim.grid();
  const Grid& g = w.grid;
  const std::string& name = w.name;
  if (w.options.deflate_level < 0 || w.options.deflate_level > 9) {
    throw ConfigError("results compression: expected a deflate level 0..9, got " +
                      std::to_string(w.options.deflate_level));
  }
  for (const GaugePoint& gauge : w.options.gauges) {
    const double fi = std::floor((gauge.x - static_cast<double>(g.origin_x)) / g.dx);
    const double fj = std::floor((static_cast<double>(g.origin_y) - gauge.y) / g.dy);
    if (!(fi >= 0 && fi < g.nx && fj >= 0 && fj < g.ny)) {
      std::ostringstream msg;
      msg << "gauge '" << gauge.name << "': point (" << gauge.x << ", " << gauge.y
          << ") is outside the grid";
      throw InputError(msg.str());
    }
    w.gauge_cells.push_back(
        static_cast<std::size_t>(g.index(static_cast<int>(fi), static_cast<int>(fj))));
  }
  w.active_mask.assign(sim.mask(), sim.mask() + g.padded_size());
  if (w.options.run_id.empty()) w.options.run_id = new_run_id();
  {
    // Nothing is read or written through a symbolic link at a name this writer owns.
    std::filesystem::path prev = w.partial;
    prev += ".prev";
    for (const auto& p : {w.partial, prev}) {
      std::error_code ec;
      if (std::filesystem::is_symlink(p, ec)) remove_stale_file(p, "results");
    }
  }
  CarrySource carry;
  if (w.options.carry_over_until) carry = w.find_carry_source();
  remove_stale_file(w.partial, "results");

  const Id fcpl = detail::plist_id(H5Pcreate(H5P_FILE_CREATE), name, "creating the file");
  check(H5Pset_link_creation_order(fcpl.get(), creation_order), name, "link order");
  check(H5Pset_attr_creation_order(fcpl.get(), creation_order), name, "attribute order");
  const Id fapl = detail::plist_id(H5Pcreate(H5P_FILE_ACCESS), name, "creating the file");
  // Stay readable by HDF5 1.8 (and so by older netCDF, GDAL and QGIS builds).
  check(H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_EARLIEST, H5F_LIBVER_V18), name,
        "library version bounds");
  // H5F_ACC_EXCL: O_CREAT|O_EXCL, which never follows a link placed there meanwhile.
  w.file = detail::file_id(H5Fcreate(name.c_str(), H5F_ACC_EXCL, fcpl.get(), fapl.get()), name,
                           "cannot create the results file (exclusively)");
  w.partial_identity = FileIdentity::of(w.partial);
  w.target_identity = FileIdentity::of(w.path);

  // Dimensions and coordinates.
  std::vector<double> xs(static_cast<std::size_t>(g.nx));
  std::vector<double> ys(static_cast<std::size_t>(g.ny));
  for (int i = 0; i < g.nx; ++i) xs[static_cast<std::size_t>(i)] = g.x_center(i);
  for (int j = 0; j < g.ny; ++j) ys[static_cast<std::size_t>(j)] = g.y_center(j);
  w.time_scale = w.coordinate(names::time, H5T_IEEE_F64LE, 0, true, 0, nullptr);
  w.y_scale = w.coordinate(names::y, H5T_IEEE_F64LE, ys.size(), false, 1, ys.data());
  w.x_scale = w.coordinate(names::x, H5T_IEEE_F64LE, xs.size(), false, 2, xs.data());
  const std::string time_units = "seconds since " + w.options.start_time;
  Impl::describe(w.time_scale.get(), name, time_units.c_str(), "time since the scenario start",
                 "time");
  write_attribute(w.time_scale.get(), "calendar", "standard", name);
  write_attribute(w.time_scale.get(), "axis", "T", name);
  Impl::describe(w.y_scale.get(), name, "m", "y coordinate of cell centre",
                 "projection_y_coordinate");
  write_attribute(w.y_scale.get(), "axis", "Y", name);
  Impl::describe(w.x_scale.get(), name, "m", "x coordinate of cell centre",
                 "projection_x_coordinate");
  write_attribute(w.x_scale.get(), "axis", "X", name);
  // The cell size, which the coordinates alone do not give for a single row or column.
  write_attribute(w.x_scale.get(), "cell_size", static_cast<double>(g.dx), name);
  write_attribute(w.y_scale.get(), "cell_size", static_cast<double>(g.dy), name);

  // Grid mapping.
  if (!w.options.crs_wkt.empty()) {
    const Id space = detail::space_id(H5Screate(H5S_SCALAR), name, "creating crs");
    const Id p = w.dcpl();
    const Id crs = detail::dataset_id(H5Dcreate2(w.file.get(), names::crs, H5T_STD_I32LE,
                                                 space.get(), H5P_DEFAULT, p.get(), H5P_DEFAULT),
                                      name, "creating crs");
    const int zero = 0;
    check(H5Dwrite(crs.get(), H5T_NATIVE_INT, H5S_ALL, H5S_ALL, H5P_DEFAULT, &zero), name,
          "writing crs");
    write_attribute(crs.get(), "long_name", "coordinate reference system", name);
    write_attribute(crs.get(), "spatial_ref", w.options.crs_wkt, name);
    write_attribute(crs.get(), "crs_wkt", w.options.crs_wkt, name);
    std::ostringstream transform;
    transform.precision(17);
    transform << g.origin_x << ' ' << g.dx << " 0 " << g.origin_y << " 0 " << -g.dy;
    write_attribute(crs.get(), "GeoTransform", transform.str(), name);
    // grid_mapping_name, the projection's CF parameters, the ellipsoid and the CRS names.
    detail::write_cf_grid_mapping(crs.get(), w.options.crs_wkt, name);
  }

  // Snapshots.
  struct Var {
    const char* name;
    const char* units;
    const char* long_name;
    const char* standard_name;
  };
  const Var snapshot_vars[] = {
      {names::depth, "m", "water depth", nullptr},
      {names::water_level, "m", "water surface elevation",
       "water_surface_height_above_reference_datum"},
      {names::velocity_x, "m s-1", "depth-averaged velocity towards east", nullptr},
      {names::velocity_y, "m s-1", "depth-averaged velocity towards north", nullptr},
  };
  for (const Var& v : snapshot_vars) {
    const Id d = w.map_variable(v.name, true);
    Impl::describe(d.get(), name, v.units, v.long_name, v.standard_name);
  }
  const Var map_vars[] = {
      {names::elevation, "m", "bed elevation", "surface_altitude"},
      {names::manning, "s m-1/3", "Manning roughness coefficient", nullptr},
      {names::max_depth, "m", "maximum water depth", nullptr},
      {names::max_speed, "m s-1", "maximum depth-averaged speed", nullptr},
      {names::max_water_level, "m", "maximum water surface elevation", nullptr},
      {names::time_of_max_depth, "s", "time of maximum depth since the scenario start", nullptr},
      {names::arrival_time, "s", "first time the depth exceeds the threshold", nullptr},
      {names::flood_duration, "s", "time with depth above the threshold", nullptr},
      {names::max_hazard, "1", "maximum UK flood hazard rating d (v + 0.5) + DF", nullptr},
  };
  for (const Var& v : map_vars) {
    const Id d = w.map_variable(v.name, false);
    Impl::describe(d.get(), name, v.units, v.long_name, v.standard_name);
  }
  const std::uint8_t* mask = sim.mask();
  w.write_bed(sim);
  const Real* manning = sim.manning();
  w.write_striped(names::manning, mask, std::nullopt, {manning},
                  [manning](std::size_t k) { return manning[k]; });

  // Mass balance.
  const Var balance_vars[] = {
      {names::volume, "m3", "water volume stored", nullptr},
      {names::rain_in, "m3", "cumulative rain volume", nullptr},
      {names::boundary_in, "m3", "cumulative inflow through the boundaries", nullptr},
      {names::boundary_out, "m3", "cumulative outflow through the boundaries", nullptr},
      {names::point_in, "m3", "cumulative net volume of point sources", nullptr},
      {names::losses, "m3", "cumulative losses (infiltration...)", nullptr},
      {names::correction, "m3", "cumulative round-off depth correction", nullptr},
      {names::mass_balance_error, "1", "relative mass balance error", nullptr},
  };
  for (const Var& v : balance_vars) {
    const Id d = w.series_variable(v.name, w.time_scale.get(), 0);
    Impl::describe(d.get(), name, v.units, v.long_name, v.standard_name);
  }

  // Gauges.
  if (!w.options.gauges.empty()) {
    const auto n = static_cast<hsize_t>(w.options.gauges.size());
    w.gauge_time_scale = w.coordinate(names::gauge_time, H5T_IEEE_F64LE, 0, true, 3, nullptr);
    Impl::describe(w.gauge_time_scale.get(), name, time_units.c_str(), "time of the gauge samples",
                   "time");
    write_attribute(w.gauge_time_scale.get(), "calendar", "standard", name);
    std::vector<int> index(w.options.gauges.size());
    std::vector<double> sx, sy;
    for (std::size_t s = 0; s < index.size(); ++s) {
      index[s] = static_cast<int>(s);
      sx.push_back(w.options.gauges[s].x);
      sy.push_back(w.options.gauges[s].y);
    }
    w.station_scale = w.coordinate(names::station, H5T_STD_I32LE, n, false, 4, index.data());
    Impl::describe(w.station_scale.get(), name, "1", "station index");
    const std::string what = "creating station variables";
    const Id space = detail::space_id(H5Screate_simple(1, &n, nullptr), name, what);
    {
      const Id str = detail::type_id(H5Tcopy(H5T_C_S1), name, what);
      check(H5Tset_size(str.get(), H5T_VARIABLE), name, what);
      check(H5Tset_cset(str.get(), H5T_CSET_UTF8), name, what);
      const Id p = w.dcpl();
      const Id d = detail::dataset_id(H5Dcreate2(w.file.get(), names::station_name, str.get(),
                                                 space.get(), H5P_DEFAULT, p.get(), H5P_DEFAULT),
                                      name, what);
      std::vector<const char*> names_c;
      for (const GaugePoint& gp : w.options.gauges) names_c.push_back(gp.name.c_str());
      check(H5Dwrite(d.get(), str.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, names_c.data()), name,
            what);
      w.attach(d.get(), w.station_scale.get(), 0, names::station_name);
      write_attribute(d.get(), "long_name", "station name", name);
      write_attribute(d.get(), "cf_role", "timeseries_id", name);
    }
    for (const auto& [var, values, long_name, std_name] :
         {std::tuple{names::station_x, &sx, "x of the gauge", "projection_x_coordinate"},
          std::tuple{names::station_y, &sy, "y of the gauge", "projection_y_coordinate"}}) {
      const Id p = w.dcpl();
      const Id d = detail::dataset_id(H5Dcreate2(w.file.get(), var, H5T_IEEE_F64LE, space.get(),
                                                 H5P_DEFAULT, p.get(), H5P_DEFAULT),
                                      name, what);
      check(H5Dwrite(d.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values->data()),
            name, what);
      w.attach(d.get(), w.station_scale.get(), 0, var);
      Impl::describe(d.get(), name, "m", long_name, std_name);
    }
    const Var gauge_vars[] = {
        {names::gauge_depth, "m", "water depth at the gauge", nullptr},
        {names::gauge_water_level, "m", "water surface elevation at the gauge",
         "water_surface_height_above_reference_datum"},
        {names::gauge_speed, "m s-1", "depth-averaged speed at the gauge", nullptr},
    };
    for (const Var& v : gauge_vars) {
      const Id d = w.series_variable(v.name, w.gauge_time_scale.get(), n);
      Impl::describe(d.get(), name, v.units, v.long_name, v.standard_name);
      write_attribute(d.get(), "coordinates", "station_x station_y station_name", name);
    }
  }

  // Cross-sections and boundary conditions: discharge series on `time`.
  w.create_flow_variables(sim, w.options.gauges.empty() ? 3 : 5);

  // Global attributes.
  const hid_t root = w.file.get();
  write_attribute(root, "Conventions", "CF-1.8", name);
  // The station series (gauges, cross-sections, boundaries: each a dimension with a
  // timeseries_id name variable) are a CF discrete sampling geometry, orthogonal
  // multidimensional representation (CF 9.3.1); the maps are gridded data beside them.
  if (!w.options.gauges.empty() || w.sections > 0 || w.boundaries > 0) {
    write_attribute(root, "featureType", "timeSeries", name);
  }
  write_attribute(root, "title", w.options.title, name);
  write_attribute(root, "institution", "floodtwin", name);
  write_attribute(root, "source", std::string("floodtwin ") + floodtwin::version, name);
  write_attribute(root, "floodtwin_version", floodtwin::version, name);
  write_attribute(root, "git_commit", floodtwin::git_commit, name);
  write_attribute(
      root, "scheme",
      w.options.scheme.empty() ? solver::to_string(sim.config().scheme) : w.options.scheme, name);
  if (sim.config().scheme == solver::Scheme::second_order) {
    write_attribute(root, "limiter", solver::to_string(sim.config().limiter), name);
  }
  if (w.options.threads > 0) write_attribute(root, "threads", w.options.threads, name);
  write_attribute(root, "start_time", w.options.start_time, name);
  write_attribute(root, "run_id", w.options.run_id, name);
  write_attribute(root, "cfl", static_cast<double>(sim.config().cfl), name);
  write_attribute(root, "initial_volume", sim.mass_balance().initial_volume, name);
  if (!w.options.scenario_text.empty()) {
    write_attribute(root, "scenario", w.options.scenario_text, name);
  }
  for (const auto& [key, value] : w.options.attributes) write_attribute(root, key, value, name);
  write_attribute(root, "status", "running", name);
  if (!carry.path.empty()) {
    w.carry_over(carry, *w.options.carry_over_until);
    w.flush();
    if (carry.owned) {
      std::error_code ec;
      std::filesystem::remove(carry.path, ec);
      if (ec) w.carry_note += "; cannot remove " + carry.path.string() + ": " + ec.message();
    }
  }
  if (w.options.carry_over_until) write_attribute(root, "carried_over", w.carry_note, name);
  w.flush();
}

ResultsWriter::~ResultsWriter() = default;
ResultsWriter::ResultsWriter(ResultsWriter&&) noexcept = default;
ResultsWriter& ResultsWriter::operator=(ResultsWriter&&) noexcept = default;

void ResultsWriter::write_snapshot(const Simulation& sim, const FloodMaps* maps) {
  Impl& w = *impl_;
  if (w.finalized) throw IoError(w.path.string() + ": the results file is already finalized");
  const Grid& g = sim.grid();
  if (g.nx != w.grid.nx || g.ny != w.grid.ny) {
    throw InputError(w.name + ": the simulation grid does not match the results grid");
  }
  const auto index = static_cast<hsize_t>(w.snapshots);
  const std::uint8_t* mask = sim.mask();
  const double t = static_cast<double>(sim.time());
  w.append(names::time, index, H5T_NATIVE_DOUBLE, &t);
  {
    const Real* h = sim.h();
    const Real* z = sim.z();
    const Real* qx = sim.qx();
    const Real* qy = sim.qy();
    const Real dry = sim.config().dry_depth;
    // As Simulation::depth/water_level/velocity_x/velocity_y (an active cell is never
    // user-inactive): sub-grid channel cells show the river (depth above the channel bed).
    const std::vector<solver::ChannelCellOutput> river = sim.channel_outputs();
    if (river.empty()) {
      w.write_striped(names::depth, mask, index, {h}, [h](std::size_t k) { return h[k]; });
      w.write_striped(names::water_level, mask, index, {h, z},
                      [h, z](std::size_t k) { return h[k] + z[k]; });
    } else {
      std::vector<Real> depth(h, h + g.padded_size()), level(g.padded_size());
      for (std::size_t k = 0; k < level.size(); ++k) level[k] = h[k] + z[k];
      for (const solver::ChannelCellOutput& c : river) {
        depth[static_cast<std::size_t>(c.k)] = c.depth;
        level[static_cast<std::size_t>(c.k)] = c.level;
      }
      const Real* d = depth.data();
      const Real* eta = level.data();
      w.write_striped(names::depth, mask, index, {}, [d](std::size_t k) { return d[k]; });
      w.write_striped(names::water_level, mask, index, {}, [eta](std::size_t k) { return eta[k]; });
    }
    w.write_striped(names::velocity_x, mask, index, {h, qx},
                    [h, qx, dry](std::size_t k) { return h[k] > dry ? qx[k] / h[k] : Real(0); });
    w.write_striped(names::velocity_y, mask, index, {h, qy},
                    [h, qy, dry](std::size_t k) { return h[k] > dry ? qy[k] / h[k] : Real(0); });
  }
  if (sim.bed_changes() != w.bed_written) {
    // The bed changed (a breach, a scheduled bed): `elevation` is the bed of the last snapshot,
    // so that water_level - depth is the bed there.
    w.write_bed(sim);
    std::ostringstream note;
    note << "the bed at the last snapshot (t = " << t << " s): it changed during the run";
    write_attribute(w.open(names::elevation).get(), "comment", note.str(), w.name);
  }
  solver::MassBalance mb = sim.mass_balance();
  // Before the first step the solver has not yet recorded the initial volume: it is the
  // volume stored now.
  if (sim.steps() == 0) mb.initial_volume = mb.volume;
  const double balance[] = {mb.volume,   mb.rain_in, mb.boundary_in, mb.boundary_out,
                            mb.point_in, mb.losses,  mb.correction,  mb.relative_error()};
  for (std::size_t v = 0; v < std::size(balance); ++v) {
    w.append(balance_names[v], index, H5T_NATIVE_DOUBLE, &balance[v]);
  }
  if (w.snapshots == 0) write_attribute(w.file.get(), "initial_volume", mb.initial_volume, w.name);
  w.append_flows(sim, index, t);
  if (maps != nullptr) w.write_flood_maps(&sim, *maps);
  ++w.snapshots;
  w.flush();
}

void ResultsWriter::write_gauges(const Simulation& sim) {
  Impl& w = *impl_;
  if (w.gauge_cells.empty()) return;
  if (w.finalized) throw IoError(w.path.string() + ": the results file is already finalized");
  const auto index = static_cast<hsize_t>(w.gauge_samples);
  const double t = static_cast<double>(sim.time());
  const std::size_t n = w.gauge_cells.size();
  std::vector<double> depth(n), level(n), speed(n);
  const std::vector<solver::ChannelCellOutput> river = sim.channel_outputs();
  for (std::size_t s = 0; s < n; ++s) {
    const solver::GaugeSample g = solver::sample_gauge(sim, w.gauge_cells[s], river);
    depth[s] = g.depth;
    level[s] = g.level;
    speed[s] = g.speed;
  }
  w.append(names::gauge_time, index, H5T_NATIVE_DOUBLE, &t);
  w.append(names::gauge_depth, index, H5T_NATIVE_DOUBLE, depth.data());
  w.append(names::gauge_water_level, index, H5T_NATIVE_DOUBLE, level.data());
  w.append(names::gauge_speed, index, H5T_NATIVE_DOUBLE, speed.data());
  ++w.gauge_samples;
  w.flush();
}

void ResultsWriter::write_flood_maps(const Simulation& sim, const FloodMaps& maps) {
  Impl& w = *impl_;
  if (w.finalized) throw IoError(w.path.string() + ": the results file is already finalized");
  w.write_flood_maps(&sim, maps);
  w.flush();
}

void ResultsWriter::finalize(const FloodMaps* maps, double wall_time_s) {
  Impl& w = *impl_;
  if (w.finalized) throw IoError(w.path.string() + ": the results file is already finalized");
  if (maps != nullptr) w.write_flood_maps(nullptr, *maps);
  write_attribute(w.file.get(), "wall_time", wall_time_s, w.name);
  write_attribute(w.file.get(), "status", "complete", w.name);
  w.flush();
  w.x_scale.reset();
  w.y_scale.reset();
  w.time_scale.reset();
  w.gauge_time_scale.reset();
  w.station_scale.reset();
  if (!w.file.reset()) throw IoError(w.name + ": closing the results file failed");
  w.finalized = true;
  // Rename only the file this writer created, and only over what was at `path` when it began.
  if (!FileIdentity::of(w.partial).same_file(w.partial_identity)) {
    throw IoError(w.name +
                  ": the results file was replaced or removed by another process "
                  "during the run; " +
                  w.path.string() + " is left as it was");
  }
  if (!FileIdentity::of(w.path).unchanged(w.target_identity)) {
    throw IoError(w.path.string() +
                  ": written by another process during this run (which did "
                  "not take " +
                  lock_path(w.path).string() +
                  "); not replaced: this run's "
                  "results are in " +
                  w.name);
  }
  std::error_code ec;
  std::filesystem::rename(w.partial, w.path, ec);
  if (ec) {
    throw IoError(w.name + ": cannot rename to " + w.path.string() + ": " + ec.message());
  }
}

const std::filesystem::path& ResultsWriter::path() const { return impl_->path; }
std::filesystem::path ResultsWriter::partial_path() const { return impl_->partial; }
std::size_t ResultsWriter::snapshots() const { return impl_->snapshots; }
std::size_t ResultsWriter::gauge_samples() const { return impl_->gauge_samples; }
const std::string& ResultsWriter::carry_over_note() const { return impl_->carry_note; }
const std::string& ResultsWriter::run_id() const { return impl_->options.run_id; }

}  // namespace floodtwin::io
