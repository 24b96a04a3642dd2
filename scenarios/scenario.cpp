#include "scenarios/scenario.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <toml++/toml.h>

#include "scenarios/input_checks.hpp"
#include "scenarios/toml_section.hpp"
#include "solver/error.hpp"

namespace floodtwin::scenarios {

namespace fs = std::filesystem;

std::string closest_key(const std::string& key, const std::vector<std::string>& known) {
  std::string best;
  std::size_t best_d = 4;
  for (const auto& k : known) {
    std::vector<std::size_t> prev(k.size() + 1), cur(k.size() + 1);
    for (std::size_t j = 0; j <= k.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= key.size(); ++i) {
      cur[0] = i;
      for (std::size_t j = 1; j <= k.size(); ++j) {
        const std::size_t sub = prev[j - 1] + (key[i - 1] == k[j - 1] ? 0 : 1);
        cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
      }
      std::swap(prev, cur);
    }
    if (prev[k.size()] < best_d) {
      best_d = prev[k.size()];
      best = k;
    }
  }
  return best;
}

double parse_duration(const std::string& text, const std::string& what) {
  // The number runs up to the first letter that does not start an exponent ("1.5e3s").
  std::size_t split = 0;
  while (split < text.size()) {
    const char c = text[split];
    const bool exponent = (c == 'e' || c == 'E') && split > 0 && split + 1 < text.size() &&
                          (std::isdigit(static_cast<unsigned char>(text[split + 1])) != 0 ||
                           text[split + 1] == '-' || text[split + 1] == '+');
    if (std::isalpha(static_cast<unsigned char>(c)) != 0 && !exponent) break;
    ++split;
  }
  std::string number = text.substr(0, split);
  while (!number.empty() && number.back() == ' ') number.pop_back();
  const std::optional<double> value = parse_decimal(number);
  if (!value) {
    throw ConfigError(what + ": expected a duration such as 90s, 10min, 6h or 2d (a decimal "
                             "number and a unit), got \"" +
                      text + "\"");
  }
  std::string unit = text.substr(split);
  double factor = 0;
  if (unit.empty() || unit == "s" || unit == "sec") {
    factor = 1;
  } else if (unit == "min" || unit == "m") {
    factor = 60;
  } else if (unit == "h" || unit == "hr") {
    factor = 3600;
  } else if (unit == "d" || unit == "day" || unit == "days") {
    factor = 86400;
  } else {
    throw ConfigError(what + ": unknown time unit \"" + unit + "\" in \"" + text +
                      "\" (use s, min, h or d)");
  }
  if (!(*value >= 0) || !std::isfinite(*value * factor)) {
    throw ConfigError(what + ": a duration must be finite and >= 0, got \"" + text + "\"");
  }
  return *value * factor;
}

namespace {

/// A number for messages: "0.5", "1e+300".
std::string number_text(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}

/// An output or gauge interval: at least limits::min_interval, at most `most` per duration.
template <class Table>
void check_interval(const Table& table, const std::string& key, double interval, double duration,
                    double most) {
  if (!(interval >= limits::min_interval)) {
    table.fail(key, "expected an interval of at least 0.001 s, got " + number_text(interval) +
                        " s");
  }
  if (duration / interval > most) {
    table.fail(key, number_text(interval) + " s gives more than " + number_text(most) +
                        " outputs in a duration of " + number_text(duration) +
                        " s; expected at least " + number_text(duration / most) + " s");
  }
}

/// A value within [lo, hi] (units for the message), or fail naming the key and the range.
template <class Table>
double in_range(const Table& table, const std::string& key, double v, double lo, double hi,
                const std::string& unit) {
  if (!(v >= lo && v <= hi)) {
    table.fail(key, "expected a value in [" + number_text(lo) + ", " + number_text(hi) + "] " +
                        unit + ", got " + number_text(v));
  }
  return v;
}

/// `after_end` of a [[boundary]] or [[point_source]] series: "error" (default), "hold" or
/// "zero" ("zero" is refused for a water level); only with a `series`.
template <class Table>
std::string series_after_end(const Table& table, bool water_level) {
  const std::string rule = table.choice("after_end", "error", {"error", "hold", "zero"});
  if (table.has("after_end") && !table.has("series")) {
    table.fail("after_end", "applies to a series; a constant value holds for the whole run");
  }
  if (water_level && rule == "zero") {
    table.fail("after_end", "\"zero\" would drop the water level to 0 m; use \"hold\" or "
                            "extend the series");
  }
  return rule;
}

/// A name written into results and checkpoints: no control characters (the checkpoint's
/// field separator is one).
template <class Table>
void check_name(const Table& table, const std::string& key, const std::string& name) {
  if (const std::string c = control_character(name); !c.empty()) {
    table.fail(key, "the name contains the control character " + c +
                        "; names may hold printable characters only");
  }
}

}  // namespace

Scenario load_scenario(const std::string& path) {
  Scenario s;
  const fs::path p = fs::absolute(fs::path(path)).lexically_normal();
  s.file = p.string();
  s.dir = p.parent_path().string();
  {
    if (const std::string problem = input_path_problem(s.file, false); !problem.empty()) {
      throw IoError("scenario file: " + problem);
    }
    std::ifstream in(p, std::ios::binary);
    if (!in) throw IoError("scenario file not found or unreadable: " + s.file);
    std::ostringstream buf;
    buf << in.rdbuf();
    s.text = buf.str();
  }
  check_toml_text(s.text, s.file);
  toml::table root;
  try {
    root = toml::parse(s.text, s.file);
  } catch (const toml::parse_error& e) {
    throw ConfigError(s.file + ":" + std::to_string(e.source().begin.line) + ": " +
                      std::string(e.description()));
  }
  const std::vector<std::string> top = {"simulation", "terrain", "rainfall", "infiltration",
                                        "boundary",   "gauge",   "point_source", "output",
                                        "impacts",    "ensemble",  // [ensemble]: ensemble/spec.cpp
                                        "cross_section", "channel"};
  for (const auto& [key, node] : root) {
    const std::string k(key.str());
    if (std::find(top.begin(), top.end(), k) == top.end()) {
      const std::string hint = closest_key(k, top);
      throw ConfigError(s.file + ":" + std::to_string(node.source().begin.line) +
                        ": unknown table or key '" + k + "'" +
                        (hint.empty() ? "; known: " + Section::join(top)
                                      : "; did you mean '" + hint + "'?"));
    }
  }

  // [simulation]
  {
    const Section sim(sub_table(root, "simulation", s.file, true), "simulation", s.file, s.dir,
                      {"duration", "output_interval", "scheme", "limiter", "cfl", "max_dt", "start",
                       "gauge_interval", "local_levels"});
    sim.require("duration");
    s.duration = *sim.duration("duration");
    if (!(s.duration > 0 && s.duration <= limits::max_duration)) {
      sim.fail("duration", "expected a duration in (0 s, 3650 d], got " + number_text(s.duration) +
                               " s");
    }
    s.output_interval = sim.duration("output_interval").value_or(s.duration / 10);
    check_interval(sim, "output_interval", s.output_interval, s.duration, limits::max_snapshots);
    const std::string scheme =
        sim.choice("scheme", "second-order", {"first-order", "second-order"});
    s.scheme = solver::parse_scheme(scheme);
    s.limiter =
        solver::parse_limiter(sim.choice("limiter", "van-leer", {"van-leer", "mc", "minmod"}));
    // Absent: 0, the scheme's default (solver::positivity_cfl).
    if (sim.number("cfl")) s.cfl = sim.number_in("cfl", 0, 1e-6, 1.0);
    s.max_dt = sim.duration("max_dt").value_or(10.0);
    // Local time stepping: an integer 0..6 (solver::SolverConfig::local_levels).
    const double levels =
        sim.number_in("local_levels", 0, 0, solver::SolverConfig::max_local_levels);
    if (levels != std::floor(levels)) {
      sim.fail("local_levels",
               "expected a whole number of levels (0 = off), got " + number_text(levels));
    }
    s.local_levels = static_cast<int>(levels);
    if (s.local_levels > 0 && s.scheme != solver::Scheme::first_order) {
      sim.fail("local_levels", "local time stepping needs scheme = \"first-order\"");
    }
    if (!(s.max_dt >= limits::min_max_dt && s.max_dt <= limits::max_max_dt)) {
      sim.fail("max_dt", "expected a time step in [1e-4 s, 1 d], got " + number_text(s.max_dt) +
                             " s");
    }
    if (s.duration / s.max_dt > limits::max_steps) {
      sim.fail("max_dt", "a duration of " + number_text(s.duration) + " s in steps of at most " +
                             number_text(s.max_dt) + " s takes more than 1e9 steps");
    }
    s.start = sim.text("start").value_or(s.start);
    if (!is_iso8601(s.start)) {
      sim.fail("start", "expected an ISO-8601 date-time such as \"2024-01-31T06:00:00Z\", got \"" +
                            s.start + "\"");
    }
    s.gauge_interval = sim.duration("gauge_interval").value_or(0.0);
    if (sim.has("gauge_interval")) {
      check_interval(sim, "gauge_interval", s.gauge_interval, s.duration,
                     limits::max_gauge_samples);
    }
    if (s.output_interval > s.duration) {
      s.warnings.push_back(sim.where_key("output_interval") + "[simulation] output_interval (" +
                           number_text(s.output_interval) + " s) is longer than the duration (" +
                           number_text(s.duration) + " s): one snapshot, at the end");
    }
  }

  // [terrain]
  {
    const Section ter(sub_table(root, "terrain", s.file, true), "terrain", s.file, s.dir,
                      {"elevation", "cell_size", "resampling", "basin", "manning", "landcover",
                       "landcover_manning", "initial_depth", "initial_water_level",
                       "initial_state", "buildings", "buildings_mode", "buildings_height",
                       "levees", "levee_crest_height", "condition", "condition_max_depth",
                       "condition_max_volume", "breach_max_depth", "breach_max_length",
                       "breach_max_volume"});
    ter.require("elevation");
    s.elevation = ter.file("elevation");
    s.cell_size = ter.number_in("cell_size", 0, 0, limits::max_cell_size);
    if (s.cell_size > 0 && s.cell_size < limits::min_cell_size) {
      ter.fail("cell_size", "expected 0 (native) or a cell size in [0.001, 1e+05] m, got " +
                                number_text(s.cell_size));
    }
    s.resampling = ter.choice("resampling", "bilinear",
                              {"near", "bilinear", "cubic", "cubicspline", "lanczos", "average",
                               "min", "max", "med"});
    s.basin = ter.file("basin");
    s.manning = ter.number_or_raster("manning", 0.035, 0, 1);
    s.landcover = ter.file("landcover");
    if (ter.has("landcover_manning")) {
      const toml::node* n = ter.table().get("landcover_manning");
      if (!n->is_table()) ter.fail("landcover_manning", "expected a table such as {1 = 0.03}");
      for (const auto& [cls, val] : *n->as_table()) {
        int c = 0;
        try {
          std::size_t used = 0;
          c = std::stoi(std::string(cls.str()), &used);
          if (used != cls.str().size()) throw std::invalid_argument("class");
        } catch (const std::exception&) {
          ter.fail("landcover_manning",
                   "class names must be integers, got '" + std::string(cls.str()) + "'");
        }
        const auto v = val.value<double>();
        if (!v || !(*v >= 0 && *v < 1)) {
          ter.fail("landcover_manning",
                   "class " + std::to_string(c) + ": expected a Manning n in [0, 1)");
        }
        s.landcover_manning[c] = *v;
      }
    }
    if (!s.landcover.empty() && s.landcover_manning.empty()) {
      ter.fail("landcover", "needs a landcover_manning table (class = n)");
    }
    if (!s.landcover.empty() && ter.has("manning")) {
      ter.fail("manning", "give either manning or landcover + landcover_manning, not both");
    }
    if (ter.has("initial_depth") && ter.has("initial_water_level")) {
      ter.fail("initial_water_level", "give either initial_depth or initial_water_level");
    }
    s.initial_depth = ter.number_or_raster("initial_depth", 0, 0, 1e4);
    if (ter.has("initial_water_level")) {
      s.initial_water_level = ter.number_or_raster("initial_water_level", 0, -1e4, 1e5);
    }
    s.initial_state = ter.file("initial_state");
    s.buildings = ter.file("buildings");
    s.buildings_mode = ter.choice("buildings_mode", "raise", {"raise", "block"});
    s.buildings_height = ter.number_in("buildings_height", 10, 0, 1e3);
    s.levees = ter.file("levees");
    s.levee_crest_height = ter.number_in("levee_crest_height", 1, 0, 1e3);
    s.condition = ter.choice("condition", "none", {"none", "fill", "breach", "fill+breach"});
    s.condition_max_depth = ter.number_in("condition_max_depth", 0, 0, 1e4);
    s.condition_max_volume = ter.number_in("condition_max_volume", 0, 0, 1e15);
    for (const char* k : {"condition_max_depth", "condition_max_volume"}) {
      if (ter.has(k) && s.condition.find("fill") == std::string::npos) {
        ter.fail(k, "applies with condition = \"fill\" or \"fill+breach\"");
      }
    }
    s.breach_max_depth = ter.number_in("breach_max_depth", 0, 0, 1e4);
    s.breach_max_length = ter.number_in("breach_max_length", 0, 0, 1e7);
    s.breach_max_volume = ter.number_in("breach_max_volume", 0, 0, 1e15);
    for (const char* k : {"breach_max_depth", "breach_max_length", "breach_max_volume"}) {
      if (ter.has(k) && s.condition.find("breach") == std::string::npos) {
        ter.fail(k, "applies with condition = \"breach\" or \"fill+breach\"");
      }
    }
  }

  // [rainfall]
  {
    const Section rain(sub_table(root, "rainfall", s.file, false), "rainfall", s.file, s.dir,
                       {"stations", "series", "units", "interpolation", "power", "timing",
                        "station_crs", "fallback", "uniform", "grids", "after_end"});
    s.rain_stations = rain.file("stations");
    s.rain_series = rain.file("series");
    s.rain_uniform = rain.file("uniform");
    s.rain_grids = rain.file("grids");
    s.rain_units = rain.choice("units", "mm/h", {"mm/h", "mm", "m/s"});
    s.rain_interpolation = rain.choice("interpolation", "idw", {"idw", "thiessen"});
    s.rain_idw_power = rain.number_in("power", 2, 1e-3, 10);
    s.rain_timing = rain.choice("timing", "period-ending", {"period-ending", "period-beginning"});
    s.rain_after_end = rain.choice("after_end", "error", {"error", "hold", "zero"});
    s.rain_station_crs = rain.text("station_crs").value_or("");
    if (rain.has("fallback")) s.rain_fallback = rain.number_in("fallback", 0, 0, limits::max_rain);
    if (s.rain_stations.empty() != s.rain_series.empty()) {
      rain.fail(s.rain_stations.empty() ? "stations" : "series",
                "gauge rainfall needs both stations and series");
    }
    const int sources = (s.rain_stations.empty() ? 0 : 1) + (s.rain_uniform.empty() ? 0 : 1) +
                        (s.rain_grids.empty() ? 0 : 1);
    if (sources > 1) {
      rain.fail("uniform", "give one rainfall source: stations + series, uniform or grids");
    }
  }

  // [infiltration]
  {
    const Section inf(sub_table(root, "infiltration", s.file, false), "infiltration", s.file,
                      s.dir, {"model", "ks", "psi", "dtheta", "curve_number",
                              "initial_abstraction_ratio"});
    if (inf.has("model")) {
      s.infiltration_model = inf.choice("model", "", {"green-ampt", "scs-cn"});
      if (s.infiltration_model == "green-ampt") {
        for (const char* k : {"ks", "psi", "dtheta"}) inf.require(k);
        s.ks = inf.number_or_raster("ks", 0, 0, 1);
        s.psi = inf.number_or_raster("psi", 0, 0, 100);
        s.dtheta = inf.number_or_raster("dtheta", 0, 0, 1);
      } else {
        inf.require("curve_number");
        s.curve_number = inf.number_or_raster("curve_number", 0, 1, 100);
        s.initial_abstraction_ratio = inf.number_in("initial_abstraction_ratio", 0.2, 0, 1);
      }
    }
  }

  // [[boundary]]
  for (const toml::table* t : table_array(root, "boundary", s.file)) {
    const Section b(*t, "boundary", s.file, s.dir,
                    {"side", "type", "series", "value", "from", "to", "after_end"});
    BoundarySpec spec;
    spec.line = b.line();
    b.require("side");
    b.require("type");
    spec.side = solver::parse_side(b.choice("side", "", {"north", "south", "east", "west"}));
    spec.type = solver::parse_boundary_type(
        b.choice("type", "", {"wall", "open", "discharge", "water_level"}));
    if (b.has("series") && b.has("value")) b.fail("value", "give either series or value");
    spec.series = b.has("series") ? NumberOrSeries{std::nullopt, b.file("series")}
                                  : NumberOrSeries{b.number("value"), ""};
    const bool needs_series = spec.type == solver::BoundaryType::discharge ||
                              spec.type == solver::BoundaryType::water_level;
    if (needs_series && !spec.series.number && spec.series.path.empty()) {
      b.fail("series", "a " + solver::to_string(spec.type) +
                           " boundary needs a series (CSV time,value) or a value");
    }
    if (!needs_series && (b.has("series") || b.has("value"))) {
      b.fail("series", "a " + solver::to_string(spec.type) + " boundary takes no series");
    }
    spec.series.after_end = series_after_end(b, spec.type == solver::BoundaryType::water_level);
    if (spec.type == solver::BoundaryType::discharge && spec.series.number &&
        *spec.series.number < 0) {
      b.fail("value", "a discharge must be >= 0");
    }
    if (spec.series.number && spec.type == solver::BoundaryType::discharge) {
      in_range(b, "value", *spec.series.number, 0, limits::max_discharge, "m3/s");
    } else if (spec.series.number) {
      in_range(b, "value", *spec.series.number, -limits::max_water_level,
               limits::max_water_level, "m");
    }
    spec.from = b.number("from");
    spec.to = b.number("to");
    s.boundaries.push_back(spec);
  }

  // [[channel]]
  std::set<std::string> channel_names;
  for (const toml::table* t : table_array(root, "channel", s.file)) {
    const Section cs(*t, "channel", s.file, s.dir,
                     {"name", "line", "layer", "vertices", "width", "depth", "profile", "manning",
                      "design_depth", "model"});
    ChannelFileSpec c;
    c.line = cs.line();
    c.name = cs.text("name").value_or("channel " + std::to_string(s.channels.size() + 1));
    check_name(cs, "name", c.name);
    if (!channel_names.insert(c.name).second) cs.fail("name", "a channel '" + c.name + "' exists");
    if (cs.has("line") == cs.has("vertices")) {
      cs.fail(cs.has("line") ? "line" : "vertices",
              "give exactly one of line = \"file\" (OGR lines) or vertices = [[x, y], ...]");
    }
    if (cs.has("layer") && !cs.has("line")) cs.fail("layer", "applies with line = \"file\"");
    c.centreline = cs.file("line");
    c.layer = cs.text("layer").value_or("");
    bool per_vertex = false;
    if (cs.has("vertices")) {
      const toml::array* pts = t->get("vertices")->as_array();
      if (pts == nullptr || pts->size() < 2) {
        cs.fail("vertices", "expected an array of at least two points [[x1, y1], [x2, y2], ...]");
      }
      for (std::size_t k = 0; k < pts->size(); ++k) {
        const toml::array* v = pts->get(k)->as_array();
        std::vector<double> xs;
        if (v != nullptr) {
          for (std::size_t m = 0; m < v->size(); ++m) {
            if (auto x = v->get(m)->value<double>(); x && std::isfinite(*x)) xs.push_back(*x);
          }
        }
        if (v == nullptr || xs.size() != v->size() || (xs.size() != 2 && xs.size() != 4) ||
            (k > 0 && (xs.size() == 4) != per_vertex)) {
          cs.fail("vertices", "point " + std::to_string(k + 1) +
                                  ": expected [x, y] or [x, y, width, bed] (finite numbers, the "
                                  "same form for every point)");
        }
        per_vertex = xs.size() == 4;
        c.vertices.push_back({xs[0], xs[1]});
        if (per_vertex) {
          if (!(xs[2] > 0)) {
            cs.fail("vertices", "point " + std::to_string(k + 1) + ": width must be > 0 m");
          }
          c.vertex_widths.push_back(xs[2]);
          c.vertex_beds.push_back(xs[3]);
        }
      }
    }
    const int sections = (per_vertex ? 1 : 0) + (cs.has("profile") ? 1 : 0) +
                         (cs.has("width") || cs.has("depth") ? 1 : 0);
    if (sections != 1) {
      cs.fail(cs.has("profile") ? "profile" : "width",
              "give exactly one cross-section: width and depth (bank-full, below the DEM), "
              "profile = \"file.csv\" (chainage,width,bed) or vertices = [[x, y, width, bed], "
              "...]");
    }
    if (cs.has("width") || cs.has("depth")) {
      for (const char* k : {"width", "depth"}) cs.require(k);
      c.width = cs.number_in("width", 0, 0, limits::max_cell_size);
      if (!(c.width > 0)) cs.fail("width", "expected a width > 0 m");
      c.depth = cs.number_in("depth", 0, 0, 1e4);
      if (!(c.depth > 0)) cs.fail("depth", "expected a bank-full depth > 0 m");
    }
    c.profile = cs.file("profile");
    c.manning = cs.number_in("manning", 0.03, 0, 1);
    if (!(c.manning > 0)) cs.fail("manning", "expected a Manning n > 0");
    c.design_depth = cs.number_in("design_depth", 0, 0, 1e4);
    c.model = cs.choice("model", "subgrid", {"subgrid", "burn"});
    if (c.model == "subgrid" && cs.has("design_depth")) {
      cs.fail("design_depth",
              "applies with model = \"burn\" (a sub-grid channel conveys as the real channel at "
              "every depth)");
    }
    s.channels.push_back(c);
  }

  // [[point_source]]
  for (const toml::table* t : table_array(root, "point_source", s.file)) {
    const Section ps(*t, "point_source", s.file, s.dir,
                     {"name", "x", "y", "series", "value", "after_end", "polygon", "center",
                      "radius", "channel", "chainage"});
    PointSourceSpec spec;
    spec.line = ps.line();
    spec.name = ps.text("name").value_or("source " + std::to_string(s.point_sources.size() + 1));
    check_name(ps, "name", spec.name);
    // Where: a point (x, y), a polygon, or a circle (center, radius).
    const auto point_of = [&](const toml::node* node, const std::string& key, std::size_t k) {
      const toml::array* xy = node == nullptr ? nullptr : node->as_array();
      std::optional<double> x, y;
      if (xy != nullptr && xy->size() == 2) {
        x = xy->get(0)->value<double>();
        y = xy->get(1)->value<double>();
      }
      if (!x || !y || !std::isfinite(*x) || !std::isfinite(*y)) {
        ps.fail(key, (k > 0 ? "point " + std::to_string(k) + ": " : std::string()) +
                         "expected [x, y] (finite numbers)");
      }
      return std::array<double, 2>{*x, *y};
    };
    const int shapes = (ps.has("x") || ps.has("y") ? 1 : 0) + (ps.has("polygon") ? 1 : 0) +
                       (ps.has("center") || ps.has("radius") ? 1 : 0) +
                       (ps.has("channel") ? 1 : 0);
    if (shapes != 1) {
      ps.fail(ps.has("polygon") ? "polygon" : "x",
              "give exactly one of x and y (a point), polygon = [[x, y], ...], center = [x, y] "
              "with radius, or channel = \"name\" (with chainage)");
    }
    if (ps.has("chainage") && !ps.has("channel")) {
      ps.fail("chainage", "applies with channel = \"name\" (a [[channel]])");
    }
    if (ps.has("channel")) {
      spec.channel = *ps.text("channel");
      spec.chainage = ps.number_in("chainage", 0, 0, 1e8);
    } else if (ps.has("polygon")) {
      const toml::array* pts = t->get("polygon")->as_array();
      if (pts == nullptr || pts->size() < 3) {
        ps.fail("polygon", "expected an array of at least three points [[x1, y1], [x2, y2], ...]");
      }
      for (std::size_t k = 0; k < pts->size(); ++k) {
        spec.polygon.push_back(point_of(pts->get(k), "polygon", k + 1));
      }
    } else if (ps.has("center") || ps.has("radius")) {
      for (const char* k : {"center", "radius"}) ps.require(k);
      spec.center = point_of(t->get("center"), "center", 0);
      spec.radius = ps.number_in("radius", 0, 0, 1e6);
      if (!(spec.radius > 0)) ps.fail("radius", "expected a radius > 0 m");
    } else {
      for (const char* k : {"x", "y"}) ps.require(k);
      spec.x = *ps.number("x");
      spec.y = *ps.number("y");
    }
    spec.series = ps.has("series") ? NumberOrSeries{std::nullopt, ps.file("series")}
                                   : NumberOrSeries{ps.number("value"), ""};
    if (!spec.series.number && spec.series.path.empty()) {
      ps.fail("series", "a point source needs a series (CSV time,value) or a value");
    }
    spec.series.after_end = series_after_end(ps, false);
    if (spec.series.number) {
      in_range(ps, "value", *spec.series.number, -limits::max_discharge, limits::max_discharge,
               "m3/s");
    }
    if (!spec.channel.empty() && !channel_names.contains(spec.channel)) {
      ps.fail("channel", "no [[channel]] named '" + spec.channel + "'" +
                             (channel_names.empty() ? std::string()
                                                    : "; channels: " + Section::join(std::vector<std::string>(
                                                                          channel_names.begin(),
                                                                          channel_names.end()))));
    }
    s.point_sources.push_back(spec);
  }

  // [[gauge]]
  std::set<std::string> names;
  for (const toml::table* t : table_array(root, "gauge", s.file)) {
    const Section gs(*t, "gauge", s.file, s.dir,
                     {"name", "x", "y", "warning_depth", "warning_level"});
    GaugeSpec spec;
    spec.line = gs.line();
    for (const char* k : {"name", "x", "y"}) gs.require(k);
    spec.name = *gs.text("name");
    if (spec.name.empty()) gs.fail("name", "must not be empty");
    check_name(gs, "name", spec.name);
    if (!names.insert(spec.name).second) gs.fail("name", "duplicate gauge name '" + spec.name + "'");
    spec.x = *gs.number("x");
    spec.y = *gs.number("y");
    if (gs.has("warning_depth")) spec.warning_depth = gs.number_in("warning_depth", 0, 0, 1e4);
    spec.warning_level = gs.number("warning_level");
    s.gauges.push_back(spec);
  }

  // [[cross_section]]
  std::set<std::string> section_names;
  for (const toml::table* t : table_array(root, "cross_section", s.file)) {
    const Section cs(*t, "cross_section", s.file, s.dir, {"name", "line"});
    CrossSectionSpec spec;
    spec.line = cs.line();
    for (const char* k : {"name", "line"}) cs.require(k);
    spec.name = *cs.text("name");
    if (spec.name.empty()) cs.fail("name", "must not be empty");
    check_name(cs, "name", spec.name);
    if (!section_names.insert(spec.name).second) {
      cs.fail("name", "duplicate cross-section name '" + spec.name + "'");
    }
    const toml::array* points = t->get("line")->as_array();
    const char* expected = "expected an array of at least two points [[x1, y1], [x2, y2], ...]";
    if (points == nullptr || points->size() < 2) cs.fail("line", expected);
    for (std::size_t k = 0; k < points->size(); ++k) {
      const toml::array* point = points->get(k)->as_array();
      std::optional<double> x, y;
      if (point != nullptr && point->size() == 2) {
        x = point->get(0)->value<double>();
        y = point->get(1)->value<double>();
      }
      if (!x || !y || !std::isfinite(*x) || !std::isfinite(*y)) {
        cs.fail("line", "point " + std::to_string(k + 1) + ": " + expected + " (finite numbers)");
      }
      spec.points.push_back({*x, *y});
    }
    s.cross_sections.push_back(std::move(spec));
  }

  // [output]
  {
    const Section out(sub_table(root, "output", s.file, false), "output", s.file, s.dir,
                      {"path", "flood_threshold", "compression", "vtk"});
    s.output = out.has("path") ? out.file("path", false) : out.resolve("path", s.output, false);
    s.flood_threshold = out.number_in("flood_threshold", 0.1, 1e-6, 100);
    s.compression = static_cast<int>(out.number_in("compression", 4, 0, 9));
    if (out.has("compression") && !out.table().get("compression")->is_integer()) {
      out.fail("compression", "expected an integer deflate level 0-9, got " +
                                  number_text(*out.number("compression")));
    }
    if (out.has("vtk")) s.vtk_dir = out.file("vtk", false);
  }

  // [impacts]
  if (root.contains("impacts")) {
    const Section imp(sub_table(root, "impacts", s.file, false), "impacts", s.file, s.dir,
                      {"zones", "levels", "population", "buildings", "damage_curves", "roads",
                       "plan", "people_depth", "road_depth", "sender", "assets",
                       "assets_curve"});
    ImpactsSpec spec;
    spec.line = imp.line();
    imp.require("zones");
    spec.zones = imp.file("zones");
    spec.levels = imp.file("levels");
    spec.population = imp.file("population");
    spec.buildings = imp.file("buildings");
    spec.damage_curves = imp.file("damage_curves");
    spec.roads = imp.file("roads");
    spec.plan = imp.file("plan");
    spec.assets = imp.file("assets");
    spec.assets_curve = imp.text("assets_curve").value_or("");
    if (!spec.assets_curve.empty() && spec.assets.empty()) {
      imp.fail("assets_curve", "a curve for the assets needs an assets raster");
    }
    if (!spec.plan.empty() && spec.levels.empty()) imp.fail("plan", "a plan needs levels");
    spec.people_depth = imp.number_in("people_depth", s.flood_threshold, 0, 100);
    spec.road_depth = imp.number_in("road_depth", 0.3, 0, 100);
    spec.sender = imp.text("sender").value_or(spec.sender);
    if (spec.sender.empty()) imp.fail("sender", "must not be empty");
    s.impacts = spec;
  }
  return s;
}

}  // namespace floodtwin::scenarios
