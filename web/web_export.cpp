/// @file web_export.cpp
/// The offline web viewer of a results file (web_export.hpp, docs/web.md).
#include "web/web_export.hpp"

#include <cpl_conv.h>
#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>
#include <toml++/toml.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>

#include "io/file_lock.hpp"
#include "io/results_reader.hpp"
#include "scenarios/input_checks.hpp"
#include "solver/error.hpp"
#include "solver/flood_maps.hpp"
#include "terrain/png.hpp"
#include "viz/colour_maps.hpp"
#include "viz/ensemble_source.hpp"
#include "viz/results_source.hpp"

namespace fs = std::filesystem;

namespace floodtwin::web {
namespace {

constexpr unsigned no_value = 65535;  // 256 R + G of a cell without a value

void ensure_gdal() {
  static std::once_flag once;
  std::call_once(once, [] { GDALAllRegister(); });
}

std::string gdal_error() {
  const char* m = CPLGetLastErrorMsg();
  return (m != nullptr && *m != '\0') ? std::string(" (GDAL: ") + m + ")" : std::string();
}

// ---------------------------------------------------------------------------------- JSON --
std::string json_string(const std::string& s) {
  std::string o = "\"";
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"') {
      o += "\\\"";
    } else if (c == '\\') {
      o += "\\\\";
    } else if (c == '<') {
      o += "\\u003c";  // never "</script>" inside a script
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      o += buf;
    } else {
      o += ch;
    }
  }
  return o + "\"";
}

std::string json_number(double v) {
  if (!std::isfinite(v)) return "null";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

std::string json_numbers(const std::vector<double>& v) {
  std::string o = "[";
  for (std::size_t k = 0; k < v.size(); ++k) {
    if (k) o += ',';
    o += json_number(v[k]);
  }
  return o + "]";
}

// ------------------------------------------------------------------------- the exported grid --
struct Sampler {
  int nx = 0, ny = 0;  // full grid
  int stride = 1;
  int ox = 0, oy = 0;              // exported grid
  std::vector<std::size_t> cells;  // full-grid cell of each exported cell
  Sampler(int fnx, int fny, int max_size) : nx(fnx), ny(fny) {
    const int longest = std::max(nx, ny);
    stride = std::max(1, (longest + max_size - 1) / max_size);
    ox = (nx + stride - 1) / stride;
    oy = (ny + stride - 1) / stride;
    cells.resize(static_cast<std::size_t>(ox) * static_cast<std::size_t>(oy));
    for (int j = 0; j < oy; ++j) {
      const int fj = std::min(ny - 1, j * stride + stride / 2);
      for (int i = 0; i < ox; ++i) {
        const int fi = std::min(nx - 1, i * stride + stride / 2);
        cells[static_cast<std::size_t>(j) * ox + i] = static_cast<std::size_t>(fj) * nx + fi;
      }
    }
  }
};

/// A quantised field: `scale` is the precision; values below `offset` are clamped.
struct Quantised {
  double offset = 0, scale = 1;
  std::string png;
};

/// A scale of 1, 2 or 5 x 10^k >= `precision` so that (hi - offset) / scale < 65535.
double fit_scale(double precision, double range) {
  double scale = precision;
  for (int k = 0; k < 40 && range / scale >= 65534.0; ++k) {
    const double e = std::pow(10.0, std::floor(std::log10(scale) + 1e-9));
    const double m = scale / e;
    scale = (m < 1.5 ? 2 : m < 3.5 ? 5 : 10) * e;
  }
  return scale;
}

Quantised quantise(const std::vector<double>& full, const Sampler& s, double precision,
                   bool offset_at_min) {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const std::size_t c : s.cells) {
    if (std::isfinite(full[c])) {
      lo = std::min(lo, full[c]);
      hi = std::max(hi, full[c]);
    }
  }
  Quantised q;
  if (offset_at_min && std::isfinite(lo)) q.offset = std::floor(lo / precision) * precision;
  q.scale = std::isfinite(hi) ? fit_scale(precision, hi - q.offset) : precision;
  const std::size_t n = s.cells.size();
  std::vector<std::uint8_t> px(3 * n, 0);
  for (std::size_t k = 0; k < n; ++k) {
    const double v = full[s.cells[k]];
    unsigned code = no_value;
    if (std::isfinite(v)) {
      const double r = std::round((v - q.offset) / q.scale);
      code = static_cast<unsigned>(std::clamp(r, 0.0, 65534.0));
    }
    px[k] = static_cast<std::uint8_t>(code >> 8);
    px[n + k] = static_cast<std::uint8_t>(code & 255u);
  }
  q.png = terrain::png_data_uri(px, s.ox, s.oy, 3, 9);
  return q;
}

std::string quantised_json(const Quantised& q, const std::string& units) {
  return "{\"offset\":" + json_number(q.offset) + ",\"scale\":" + json_number(q.scale) +
         ",\"units\":" + json_string(units) + ",\"png\":" + json_string(q.png) + "}";
}

/// Hillshade (grey + alpha, transparent where inactive).
std::string hillshade_png(const viz::Basin& basin, const Sampler& s) {
  const std::vector<double> hs = viz::hillshade(basin);
  const std::size_t n = s.cells.size();
  std::vector<std::uint8_t> px(2 * n, 0);
  for (std::size_t k = 0; k < n; ++k) {
    const double v = hs[s.cells[k]];
    if (std::isfinite(v)) {
      px[k] = static_cast<std::uint8_t>(std::lround(std::clamp(v, 0.0, 1.0) * 255.0));
      px[n + k] = 255;
    }
  }
  return terrain::png_data_uri(px, s.ox, s.oy, 2, 9);
}

// ---------------------------------------------------------------------------- CSV reading --
std::vector<std::vector<std::string>> read_csv(const fs::path& path) {
  std::ifstream in(path);
  if (!in) throw IoError("web: cannot read '" + path.string() + "'");
  std::vector<std::vector<std::string>> rows;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::vector<std::string> row;
    std::string cell;
    bool quoted = false;
    for (std::size_t k = 0; k < line.size(); ++k) {
      const char c = line[k];
      if (quoted) {
        if (c == '"' && k + 1 < line.size() && line[k + 1] == '"') {
          cell += '"';
          ++k;
        } else if (c == '"') {
          quoted = false;
        } else {
          cell += c;
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        row.push_back(cell);
        cell.clear();
      } else {
        cell += c;
      }
    }
    row.push_back(cell);
    rows.push_back(std::move(row));
  }
  return rows;
}

std::size_t column(const std::vector<std::string>& header, const std::string& name,
                   const fs::path& file) {
  const auto it = std::find(header.begin(), header.end(), name);
  if (it == header.end()) {
    throw InputError("web: " + file.string() + ": line 1: expected a column '" + name + "'");
  }
  return static_cast<std::size_t>(it - header.begin());
}

// --------------------------------------------------------------------------- vector layers --
/// Every feature of every layer of `path` as GeoJSON features in the grid's CRS.
std::vector<std::string> read_features(const fs::path& path, const std::string& grid_wkt,
                                       const std::string& what) {
  ensure_gdal();
  CPLErrorReset();
  GDALDatasetUniquePtr ds(GDALDataset::Open(
      path.string().c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr));
  if (!ds) {
    throw InputError("web: " + what + " '" + path.string() +
                     "': not a vector file GDAL/OGR opens (GeoPackage, GeoJSON...)" + gdal_error());
  }
  OGRSpatialReference target;
  target.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  const bool has_target =
      !grid_wkt.empty() && target.importFromWkt(grid_wkt.c_str()) == OGRERR_NONE;
  std::vector<std::string> features;
  for (OGRLayer* layer : ds->GetLayers()) {
    const OGRSpatialReference* src = layer->GetSpatialRef();
    std::unique_ptr<OGRCoordinateTransformation> ct;
    if (src != nullptr && has_target && !src->IsSame(&target)) {
      OGRSpatialReference s(*src);
      s.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
      ct.reset(OGRCreateCoordinateTransformation(&s, &target));
      if (!ct) {
        throw InputError("web: " + what + " '" + path.string() + "': layer '" + layer->GetName() +
                         "': cannot transform its CRS to the results'" + gdal_error());
      }
    } else if (src != nullptr && src->IsGeographic() && !has_target) {
      throw InputError("web: " + what + " '" + path.string() +
                       "': in degrees, but the results have no CRS to place it on");
    }
    const OGRFeatureDefn* defn = layer->GetLayerDefn();
    layer->ResetReading();
    for (auto& f : *layer) {
      OGRGeometry* g = f->GetGeometryRef();
      if (g == nullptr) continue;
      if (ct && g->transform(ct.get()) != OGRERR_NONE) {
        throw InputError("web: " + what + " '" + path.string() + "': feature " +
                         std::to_string(f->GetFID()) +
                         " cannot be transformed to the results' CRS");
      }
      char* gj = g->exportToJson();
      std::string geometry = gj != nullptr ? gj : "null";
      CPLFree(gj);
      std::string props = "{";
      for (int k = 0; k < defn->GetFieldCount(); ++k) {
        if (!f->IsFieldSetAndNotNull(k)) continue;
        const OGRFieldDefn* fd = defn->GetFieldDefn(k);
        const OGRFieldType t = fd->GetType();
        if (props.size() > 1) props += ',';
        props += json_string(fd->GetNameRef());
        props += ':';
        if (t == OFTReal) {
          props += json_number(f->GetFieldAsDouble(k));
        } else if (t == OFTInteger || t == OFTInteger64) {
          props += std::to_string(f->GetFieldAsInteger64(k));
        } else {
          props += json_string(f->GetFieldAsString(k));
        }
      }
      props += "}";
      features.push_back("{\"type\":\"Feature\",\"properties\":" + props +
                         ",\"geometry\":" + geometry + "}");
    }
  }
  return features;
}

std::string feature_collection(const std::vector<std::string>& features) {
  std::string o = "{\"type\":\"FeatureCollection\",\"features\":[";
  for (std::size_t k = 0; k < features.size(); ++k) {
    o += k ? ",\n" : "\n";
    o += features[k];
  }
  return o + "]}";
}

// ------------------------------------------------------------------------------- helpers --
void write_file(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
  out.close();
  if (!out) throw IoError("web: cannot write '" + p.string() + "'");
}

fs::path assets_folder(const WebOptions& options) {
  if (!options.assets.empty()) return options.assets;
  if (const char* env = std::getenv("FLOODTWIN_WEB_DIR"); env != nullptr && *env != '\0') {
    return env;
  }
  // An installed program (`cmake --install`): PREFIX/bin/floodtwin finds the viewer and its
  // libraries in PREFIX/share/floodtwin/web (web/CMakeLists.txt installs them there).
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path installed = exe.parent_path().parent_path() / FLOODTWIN_WEB_INSTALL_SUBDIR;
    if (fs::is_regular_file(installed / "viewer" / "index.html", ec)) return installed;
  }
  return FLOODTWIN_WEB_SOURCE_DIR;
}

/// Warning depths of the gauges from the run's scenario (global attribute `scenario`).
std::map<std::string, double> scenario_warning_depths(const io::ResultsReader& r) {
  std::map<std::string, double> out;
  if (!r.has_attribute("", "scenario")) return out;
  const std::string text = r.text_attribute("", "scenario");
  try {
    scenarios::check_toml_text(text, "scenario");
    const toml::table t = toml::parse(text);
    if (const auto* gauges = t["gauge"].as_array()) {
      for (const auto& g : *gauges) {
        const auto* tab = g.as_table();
        if (tab == nullptr) continue;
        const auto name = (*tab)["name"].value<std::string>();
        const auto w = (*tab)["warning_depth"].value<double>();
        if (name && w) out[*name] = *w;
      }
    }
  } catch (const std::exception&) {
    // A scenario that no longer parses only costs the thresholds (the run validated it).
  }
  return out;
}

/// The ensemble's layers: exceedance probabilities (scale 1e-4: a value read back is within
/// 5e-5 of the file's), max-depth quantiles (1 mm), and per gauge the band of the members'
/// depths: min, the file's quantiles (numpy linear) and max at each gauge time.
std::string ensemble_json(const viz::EnsembleSource& es, const Sampler& s) {
  std::ostringstream d;
  d << "\"ensemble\":{\"source\":" << json_string(es.path().filename().string())
    << ",\"members\":" << es.members << ",\"thresholds\":" << json_numbers(es.thresholds)
    << ",\"quantiles\":" << json_numbers(es.quantiles) << ",\n\"exceedance\":[";
  for (std::size_t k = 0; k < es.thresholds.size(); ++k) {
    d << (k ? ",\n" : "") << quantised_json(quantise(es.exceedance(k), s, 1e-4, false), "");
  }
  d << "],\n\"max_depth_quantile\":[";
  for (std::size_t k = 0; k < es.quantiles.size(); ++k) {
    d << (k ? ",\n" : "")
      << quantised_json(quantise(es.max_depth_quantile(k), s, 0.001, false), "m");
  }
  d << "],\n\"colours\":[";
  for (int k = 0; k < 64; ++k) {
    const viz::Rgb c = viz::probability_colour(k / 63.0);
    d << (k ? "," : "") << "[" << int(c[0]) << "," << int(c[1]) << "," << int(c[2]) << "]";
  }
  d << "],\n\"gauge_time\":" << json_numbers(es.gauge_time) << ",\"gauges\":[";
  const std::vector<double> depth = es.gauge_depth();
  const std::size_t nt = es.gauge_time.size(), ns = es.stations.size();
  const std::size_t members = ns > 0 && nt > 0 ? depth.size() / (nt * ns) : 0;
  for (std::size_t st = 0; st < ns && members > 0; ++st) {
    std::vector<double> lo(nt), hi(nt);
    std::vector<std::vector<double>> q(es.quantiles.size(), std::vector<double>(nt));
    for (std::size_t t = 0; t < nt; ++t) {
      std::vector<double> v;
      for (std::size_t m = 0; m < members; ++m) v.push_back(depth[(m * nt + t) * ns + st]);
      lo[t] = viz::numpy_quantile(v, 0);
      hi[t] = viz::numpy_quantile(v, 1);
      for (std::size_t k = 0; k < es.quantiles.size(); ++k) {
        q[k][t] = viz::numpy_quantile(v, es.quantiles[k]);
      }
    }
    d << (st ? ",\n" : "\n") << "{\"name\":" << json_string(es.stations[st].name)
      << ",\"min\":" << json_numbers(lo) << ",\"max\":" << json_numbers(hi) << ",\"quantiles\":[";
    for (std::size_t k = 0; k < q.size(); ++k) d << (k ? "," : "") << json_numbers(q[k]);
    d << "]}";
  }
  d << "]}";
  return d.str();
}

std::uintmax_t folder_bytes(const fs::path& dir) {
  std::uintmax_t n = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) n += e.file_size();
  }
  return n;
}

}  // namespace

WebExport export_web(const fs::path& results, const fs::path& dir, const WebOptions& options) {
  if (options.max_size < 16) throw ConfigError("web: --max-size must be at least 16 cells");
  fs::path folder = dir.lexically_normal();
  if (folder.filename().empty()) folder = folder.parent_path();
  if (folder.empty()) throw ConfigError("web: an output folder is required");
  // Without a results file, an ensemble file alone: its grid, a flat terrain, no depths.
  const bool ensemble_only = results.empty();
  if (ensemble_only && options.ensemble.empty()) {
    throw ConfigError("web: a results file (or an ensemble file) is required");
  }
  std::vector<fs::path> inputs;
  if (!ensemble_only) inputs.push_back(results);
  for (const auto& l : options.layers) inputs.push_back(l);
  if (!options.ensemble.empty()) inputs.push_back(options.ensemble);
  io::refuse_output_over_inputs(folder, inputs, "web: OUTDIR");
  for (const fs::path& input : inputs) {
    const fs::path absr = fs::absolute(input).lexically_normal();
    const fs::path absd = fs::absolute(folder).lexically_normal();
    const auto rel = absr.lexically_relative(absd);
    if (!rel.empty() && *rel.begin() != "..") {
      throw ConfigError("web: OUTDIR " + dir.string() + " holds the input " + input.string() +
                        "; choose another folder");
    }
  }
  const fs::path assets = assets_folder(options);
  const fs::path modules = assets / "node_modules";
  const std::vector<std::pair<fs::path, fs::path>> libs{
      {modules / "leaflet/dist/leaflet.js", "lib/leaflet.js"},
      {modules / "leaflet/dist/leaflet.css", "lib/leaflet.css"},
      {modules / "proj4/dist/proj4.js", "lib/proj4.js"},
      {modules / "leaflet/LICENSE", "lib/LICENSE.leaflet"},
      {modules / "proj4/LICENSE.md", "lib/LICENSE.proj4"}};
  for (const auto& [from, to] : libs) {
    if (!fs::is_regular_file(from)) {
      throw IoError("web: the viewer's library " + from.string() +
                    " is missing: run `npm ci --prefix " + assets.string() +
                    "` (scripts/install-deps.sh does), or set FLOODTWIN_WEB_DIR");
    }
  }
  for (const char* f : {"index.html", "viewer.js", "viewer.css"}) {
    if (!fs::is_regular_file(assets / "viewer" / f)) {
      throw IoError("web: the viewer source " + (assets / "viewer" / f).string() + " is missing");
    }
  }
  if (fs::exists(folder) && !fs::is_regular_file(folder / "data" / "viewer_data.js")) {
    if (!fs::is_directory(folder) || !fs::is_empty(folder)) {
      throw ConfigError("web: OUTDIR " + dir.string() +
                        " exists and is not a floodtwin viewer; choose another folder");
    }
  }
  if (folder.has_parent_path()) fs::create_directories(folder.parent_path());
  const io::FileLock lock(io::lock_path(folder), "web viewer in " + dir.string());

  std::optional<viz::ResultsSource> source;
  std::optional<io::ResultsReader> reader;
  std::optional<viz::EnsembleSource> ensemble;
  viz::Basin flat;
  if (!options.ensemble.empty()) ensemble.emplace(options.ensemble);
  if (!ensemble_only) {
    source.emplace(results);
    reader.emplace(results);
  } else {
    flat = ensemble->flat_basin();
  }
  const viz::Basin& basin = source ? source->basin() : flat;
  if (ensemble && source) ensemble->check_grid(basin, results);
  const std::vector<double> times = source ? source->times() : std::vector<double>{};
  const solver::Grid& g = basin.grid;
  const Sampler s(g.nx, g.ny, options.max_size);

  WebExport e;
  e.dir = folder;
  e.times = times.size();
  e.nx = s.ox;
  e.ny = s.oy;
  e.stride = s.stride;

  const fs::path stage = fs::path(folder.string() + ".partial");
  if (fs::is_symlink(stage)) throw IoError("web: " + stage.string() + " is a symbolic link");
  fs::remove_all(stage);
  // A failed export leaves no half-written folder.
  struct RemoveStage {
    const fs::path& path;
    bool keep = false;
    ~RemoveStage() {
      std::error_code ec;
      if (!keep) fs::remove_all(path, ec);
    }
  } guard{stage};
  fs::create_directories(stage / "data");
  fs::create_directories(stage / "lib" / "images");

  // --- static data
  std::ostringstream d;
  d << "window.FLOODTWIN_DATA = {\n";
  d << "\"format\":1,\n\"title\":"
    << json_string(options.title.empty() ? basin.title : options.title) << ",\n";
  d << "\"source\":"
    << json_string((ensemble_only ? options.ensemble : results).filename().string()) << ",\n";
  d << "\"start_time\":" << json_string(basin.start_time) << ",\n";
  d << "\"crs_wkt\":" << json_string(basin.crs_wkt) << ",\n";
  std::string proj;
  std::string lonlat_check = "null";
  {
    OGRSpatialReference srs;
    srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    if (!basin.crs_wkt.empty() && srs.importFromWkt(basin.crs_wkt.c_str()) == OGRERR_NONE) {
      char* p4 = nullptr;
      if (srs.exportToProj4(&p4) == OGRERR_NONE && p4 != nullptr) proj = p4;
      CPLFree(p4);
      OGRSpatialReference wgs;
      wgs.SetWellKnownGeogCS("WGS84");
      wgs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
      std::unique_ptr<OGRCoordinateTransformation> ct(
          OGRCreateCoordinateTransformation(&srs, &wgs));
      double x = g.origin_x + 0.5 * g.nx * g.dx, y = g.origin_y - 0.5 * g.ny * g.dy;
      const double x0 = x, y0 = y;
      if (ct && ct->Transform(1, &x, &y)) {
        lonlat_check = "{\"x\":" + json_number(x0) + ",\"y\":" + json_number(y0) +
                       ",\"lon\":" + json_number(x) + ",\"lat\":" + json_number(y) + "}";
      }
    }
  }
  d << "\"proj4\":" << json_string(proj) << ",\n\"lonlat_check\":" << lonlat_check << ",\n";
  d << "\"grid\":{\"nx\":" << s.ox << ",\"ny\":" << s.oy << ",\"stride\":" << s.stride
    << ",\"full_nx\":" << g.nx << ",\"full_ny\":" << g.ny
    << ",\"dx\":" << json_number(g.dx * s.stride) << ",\"dy\":" << json_number(g.dy * s.stride)
    << ",\"full_dx\":" << json_number(g.dx) << ",\"full_dy\":" << json_number(g.dy)
    << ",\"west\":" << json_number(g.origin_x) << ",\"north\":" << json_number(g.origin_y)
    << "},\n";
  d << "\"times\":" << json_numbers(times) << ",\n";
  d << "\"threshold\":" << json_number(basin.threshold)
    << ",\n\"debris_factor\":" << json_number(basin.debris_factor) << ",\n";
  d << "\"hillshade\":" << json_string(hillshade_png(basin, s)) << ",\n";
  d << "\"elevation\":" << quantised_json(quantise(basin.elevation, s, 0.01, true), "m") << ",\n";
  // Colours of viz/colour_maps (the rendered PNG maps): the same ramps, sampled.
  {
    auto rgb = [](const viz::Rgb& c) {
      return "[" + std::to_string(c[0]) + "," + std::to_string(c[1]) + "," + std::to_string(c[2]) +
             "]";
    };
    std::string blues = "[", arrival = "[", hazard = "[", labels = "[";
    for (int k = 0; k < 64; ++k) {
      if (k) {
        blues += ',';
        arrival += ',';
      }
      blues += rgb(viz::depth_colour(k / 63.0));
      arrival += rgb(viz::arrival_colour(k / 63.0));
    }
    for (int k = 0; k < 4; ++k) {
      if (k) {
        hazard += ',';
        labels += ',';
      }
      hazard += rgb(viz::hazard_colour(k));
      labels += json_string(viz::hazard_labels()[static_cast<std::size_t>(k)]);
    }
    // The class limits of viz::hazard_class (FD2320), found from it rather than repeated.
    std::vector<double> limits;
    for (int r = 1; r <= 10000 && limits.size() < 3; ++r) {
      if (viz::hazard_class(r / 1000.0) != viz::hazard_class((r - 1) / 1000.0)) {
        limits.push_back(r / 1000.0);
      }
    }
    d << "\"colours\":{\"depth\":" << blues << "],\"arrival\":" << arrival
      << "],\"hazard\":" << hazard << "],\"hazard_labels\":" << labels
      << "],\"hazard_limits\":" << json_numbers(limits) << "},\n";
  }
  if (source && source->has_peaks()) {
    // The four maps shown, read one at a time (big grids: 128 MB each as double).
    std::vector<double> max_depth = reader->read("max_depth");
    d << "\"depth_top\":" << json_number(viz::depth_scale_top(max_depth)) << ",\n";
    d << "\"peaks\":{\"max_depth\":" << quantised_json(quantise(max_depth, s, 0.001, false), "m");
    max_depth = {};
    d << ",\n\"max_speed\":"
      << quantised_json(quantise(reader->read("max_speed"), s, 0.001, false), "m/s")
      << ",\n\"max_hazard\":"
      << quantised_json(quantise(reader->read("max_hazard"), s, 0.001, false), "")
      << ",\n\"arrival_time\":"
      << quantised_json(quantise(reader->read("arrival_time"), s, 1, false), "s") << "},\n";
  } else {
    d << "\"depth_top\":null,\n\"peaks\":null,\n";
  }
  if (ensemble) {
    d << ensemble_json(*ensemble, s) << ",\n";
    e.ensemble_members = ensemble->members;
  } else {
    d << "\"ensemble\":null,\n";
  }

  // --- gauges: names, positions, depth series, warning thresholds
  std::map<std::string, std::vector<std::pair<std::string, double>>> thresholds;
  if (reader) {
    for (const auto& [name, w] : scenario_warning_depths(*reader)) {
      thresholds[name].emplace_back("warning depth", w);
    }
  }
  fs::path impacts = options.impacts;
  if (impacts.empty()) {
    const fs::path beside = results.parent_path() / (results.stem().string() + "_impacts");
    if (!ensemble_only && fs::is_regular_file(beside / "zones.gpkg")) impacts = beside;
  } else if (!fs::is_regular_file(impacts / "zones.gpkg")) {
    throw InputError("web: --impacts " + impacts.string() +
                     ": no zones.gpkg there (a folder written by `floodtwin impacts`)");
  }
  std::map<std::string, std::vector<std::string>> zone_levels;  // zone -> levels, lowest first
  if (!impacts.empty() && fs::is_regular_file(impacts / "levels.csv")) {
    const fs::path lf = impacts / "levels.csv";
    const auto rows = read_csv(lf);
    if (!rows.empty()) {
      const auto cz = column(rows[0], "zone", lf), cl = column(rows[0], "level", lf),
                 ci = column(rows[0], "indicator", lf), cv = column(rows[0], "threshold", lf),
                 cg = column(rows[0], "gauge", lf);
      for (std::size_t r = 1; r < rows.size(); ++r) {
        const auto& row = rows[r];
        if (row.size() <= std::max({cz, cl, ci, cv, cg})) continue;
        auto& lv = zone_levels[row[cz]];
        if (std::find(lv.begin(), lv.end(), row[cl]) == lv.end()) lv.push_back(row[cl]);
        if (row[ci] == "gauge_depth" && !row[cg].empty()) {
          const auto v = scenarios::parse_decimal(row[cv]);
          if (v) thresholds[row[cg]].emplace_back(row[cz] + " " + row[cl], *v);
        }
      }
    }
  }
  {
    const auto names = reader && reader->has_variable("station_name")
                           ? reader->read_strings("station_name")
                           : std::vector<std::string>{};
    std::vector<double> gt, gd;
    if (!names.empty() && reader->has_variable("gauge_time") &&
        reader->has_variable("gauge_depth")) {
      gt = reader->read("gauge_time");
      gd = reader->read("gauge_depth");
    }
    d << "\"gauges\":[";
    for (std::size_t k = 0; k < basin.stations.size(); ++k) {
      const auto& st = basin.stations[k];
      std::vector<double> series;
      if (gd.size() == gt.size() * basin.stations.size()) {
        for (std::size_t t = 0; t < gt.size(); ++t)
          series.push_back(gd[t * basin.stations.size() + k]);
      }
      d << (k ? ",\n" : "\n") << "{\"name\":" << json_string(st.name)
        << ",\"x\":" << json_number(st.x) << ",\"y\":" << json_number(st.y)
        << ",\"time\":" << json_numbers(series.empty() ? std::vector<double>{} : gt)
        << ",\"depth\":" << json_numbers(series) << ",\"thresholds\":[";
      const auto it = thresholds.find(st.name);
      if (it != thresholds.end()) {
        for (std::size_t m = 0; m < it->second.size(); ++m) {
          d << (m ? "," : "") << "{\"label\":" << json_string(it->second[m].first)
            << ",\"depth\":" << json_number(it->second[m].second) << "}";
        }
      }
      d << "]}";
    }
    d << "],\n";
    e.gauges = basin.stations.size();
  }

  // --- warning zones
  if (!impacts.empty()) {
    const auto features = read_features(impacts / "zones.gpkg", basin.crs_wkt, "zones");
    // Level colours as impacts/report.cpp draws them: none green, the top level red, the one
    // below orange, lower ones yellow.
    std::string colours = "{";
    bool first = true;
    for (const auto& [zone, levels] : zone_levels) {
      colours += std::string(first ? "" : ",") + json_string(zone) + ":{";
      for (std::size_t k = 0; k < levels.size(); ++k) {
        const auto from_top = levels.size() - 1 - k;
        const char* c = from_top == 0 ? "#d7191c" : from_top == 1 ? "#fdae61" : "#ffff99";
        if (k) colours += ',';
        colours += json_string(levels[k]) + ":\"" + c + "\"";
      }
      colours += "}";
      first = false;
    }
    colours += "}";
    d << "\"zones\":{\"geojson\":" << feature_collection(features)
      << ",\n\"none_colour\":\"#a6d96a\",\"level_colours\":" << colours
      << ",\"folder\":" << json_string(impacts.filename().string()) << "},\n";
    e.zones = features.size();
  } else {
    d << "\"zones\":null,\n";
  }
  // --- extra layers
  d << "\"layers\":[";
  for (std::size_t k = 0; k < options.layers.size(); ++k) {
    const auto features = read_features(options.layers[k], basin.crs_wkt, "--layer");
    d << (k ? ",\n" : "\n") << "{\"name\":" << json_string(options.layers[k].stem().string())
      << ",\"geojson\":" << feature_collection(features) << "}";
  }
  d << "]\n};\n";
  e.layers = options.layers.size();
  write_file(stage / "data" / "viewer_data.js", d.str());

  // --- frames: depth and speed per output time
  {
    std::ofstream f(stage / "data" / "frames.js", std::ios::binary);
    f << "window.FLOODTWIN_FRAMES = [";
    for (std::size_t k = 0; k < times.size(); ++k) {
      f << (k ? ",\n" : "\n") << "{\"time\":" << json_number(times[k]) << ",\"depth\":"
        << quantised_json(quantise(reader->read_snapshot("depth", k), s, 0.001, false), "m");
      std::vector<double> speed = reader->read_snapshot("velocity_x", k);
      {
        const std::vector<double> vy = reader->read_snapshot("velocity_y", k);
        for (std::size_t c = 0; c < speed.size(); ++c) speed[c] = std::hypot(speed[c], vy[c]);
      }
      f << ",\"speed\":" << quantised_json(quantise(speed, s, 0.001, false), "m/s") << "}";
    }
    f << "];\n";
    f.close();
    if (!f) throw IoError("web: cannot write " + (stage / "data" / "frames.js").string());
  }

  // --- the viewer and its libraries
  for (const char* name : {"index.html", "viewer.js", "viewer.css"}) {
    fs::copy_file(assets / "viewer" / name, stage / name);
  }
  for (const auto& [from, to] : libs) fs::copy_file(from, stage / to);
  for (const auto& img : fs::directory_iterator(modules / "leaflet/dist/images")) {
    fs::copy_file(img.path(), stage / "lib" / "images" / img.path().filename());
  }

  // --- publish: replace an earlier viewer only
  guard.keep = true;
  if (fs::exists(folder)) {
    const fs::path old = fs::path(folder.string() + ".old." + std::to_string(getpid()));
    fs::rename(folder, old);
    fs::rename(stage, folder);
    fs::remove_all(old);
  } else {
    fs::rename(stage, folder);
  }
  e.bytes = folder_bytes(folder);
  return e;
}

}  // namespace floodtwin::web
