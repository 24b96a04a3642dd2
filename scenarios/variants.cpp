#include "scenarios/variants.hpp"

#include <cmath>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "scenarios/toml_section.hpp"

namespace floodtwin::scenarios {

namespace {

std::vector<std::array<double, 2>> pairs(const Section& sec, const std::string& key) {
  const toml::node* n = sec.table().get(key);
  const toml::array* arr = n != nullptr ? n->as_array() : nullptr;
  if (arr == nullptr || arr->empty()) sec.fail(key, "expected an array of [a, b] pairs");
  std::vector<std::array<double, 2>> out;
  for (const toml::node& item : *arr) {
    const toml::array* p = item.as_array();
    if (p == nullptr || p->size() != 2) sec.fail(key, "expected an array of [a, b] pairs");
    const auto a = (*p)[0].value<double>();
    const auto b = (*p)[1].value<double>();
    if (!a || !b || !std::isfinite(*a) || !std::isfinite(*b)) {
      sec.fail(key, "expected pairs of finite numbers");
    }
    out.push_back({*a, *b});
  }
  return out;
}

const toml::table& inline_table(const Section& sec, const std::string& key) {
  const toml::table* t = sec.table().get(key)->as_table();
  if (t == nullptr) sec.fail(key, "expected a table, e.g. " + key + " = { ... }");
  return *t;
}

}  // namespace

void check_variant(const Variant& v, const std::string& where) {
  auto fail = [&](const std::string& what) { throw ConfigError(where + what); };
  static const std::regex name_rx("[A-Za-z0-9_.-]+");
  if (!std::regex_match(v.name, name_rx)) {
    fail("variant name '" + v.name + "': use letters, digits, _ . -");
  }
  std::ostringstream msg;
  if (!(v.rain_factor >= 0 && std::isfinite(v.rain_factor))) {
    msg << "rain_factor: expected a finite factor >= 0, got " << v.rain_factor;
    fail(msg.str());
  }
  if (v.inflow) {
    const InflowChange& in = *v.inflow;
    if (in.discharge.has_value() == !in.series.empty()) {
      fail("inflow: give either discharge (m3/s) or series ([[t, Q], ...])");
    }
    if (in.discharge && !(std::isfinite(*in.discharge))) fail("inflow: discharge is not finite");
    for (std::size_t k = 1; k < in.series.size(); ++k) {
      if (!(in.series[k][0] > in.series[k - 1][0])) {
        msg << "inflow: series times must increase, got " << in.series[k][0] << " after "
            << in.series[k - 1][0];
        fail(msg.str());
      }
    }
    if (in.side) {
      auto negative = [&](double q) { return q < 0; };
      bool bad = in.discharge && negative(*in.discharge);
      for (const auto& p : in.series) bad = bad || negative(p[1]);
      if (bad) fail("inflow: a side inflow must be >= 0 (use a point inflow to abstract)");
    }
  }
  if (v.breach) {
    const BreachChange& b = *v.breach;
    if (b.line.empty() == b.polygon.empty()) {
      fail("breach: give x and y, or line = [[x, y], ...] (with a width), or polygon = [[x, y], "
           "...]");
    }
    if (!b.polygon.empty()) {
      std::size_t n = b.polygon.size();
      if (n > 1 && b.polygon.front() == b.polygon.back()) --n;  // closed ring
      if (n < 3) fail("breach: a polygon needs at least 3 distinct vertices");
      for (const auto& p : b.polygon) {
        if (!std::isfinite(p[0]) || !std::isfinite(p[1])) fail("breach: polygon vertex not finite");
      }
      if (b.width != 0) fail("breach: width goes with a line or a point, not with a polygon");
    } else if (!(b.width > 0 && std::isfinite(b.width))) {
      msg << "breach: width must be > 0 m, got " << b.width;
      fail(msg.str());
    }
    if (b.level.has_value() == b.depth.has_value()) fail("breach: give either level or depth");
    if (b.depth && !(*b.depth > 0 && std::isfinite(*b.depth))) {
      msg << "breach: depth must be > 0 m, got " << *b.depth;
      fail(msg.str());
    }
    if (b.level && !std::isfinite(*b.level)) fail("breach: level is not finite");
    if (!(b.time >= 0 && std::isfinite(b.time))) {
      msg << "breach: time must be >= 0 s, got " << b.time;
      fail(msg.str());
    }
  }
}

std::vector<Variant> load_variants(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(path + ": cannot read the variants file");
  std::stringstream buf;
  buf << in.rdbuf();
  toml::table root;
  try {
    root = toml::parse(buf.str(), path);
  } catch (const toml::parse_error& e) {
    throw ConfigError(path + ":" + std::to_string(e.source().begin.line) + ": " +
                      std::string(e.description()));
  }
  const std::string dir = std::filesystem::path(path).parent_path().string();
  for (const auto& [key, node] : root) {
    if (key.str() != "variant") {
      throw ConfigError(path + ":" + std::to_string(node.source().begin.line) +
                        ": unknown table '" + std::string(key.str()) +
                        "'; a variants file holds [[variant]] tables");
    }
  }
  const toml::array* list = root.get_as<toml::array>("variant");
  if (list == nullptr || list->empty()) {
    throw ConfigError(path + ": no [[variant]] table (name, rain_factor, inflow, breach)");
  }
  std::vector<Variant> out;
  std::set<std::string> names;
  for (const toml::node& node : *list) {
    const toml::table* t = node.as_table();
    if (t == nullptr) {
      throw ConfigError(path + ":" + std::to_string(node.source().begin.line) +
                        ": variant: expected [[variant]] tables");
    }
    const Section sec(*t, "variant", path, dir, {"name", "rain_factor", "inflow", "breach"});
    Variant v;
    v.file = path;
    v.line = sec.line();
    sec.require("name");
    v.name = *sec.text("name");
    v.rain_factor = sec.number("rain_factor").value_or(1.0);
    if (sec.has("inflow")) {
      const Section s(inline_table(sec, "inflow"), "variant.inflow", path, dir,
                      {"side", "x", "y", "discharge", "series"});
      InflowChange c;
      if (s.has("side")) {
        try {
          c.side = solver::parse_side(*s.text("side"));
        } catch (const ConfigError& e) {
          s.fail("side", e.what());
        }
        if (s.has("x") || s.has("y")) s.fail("side", "give a side or a point (x, y), not both");
      } else {
        if (!s.has("x") || !s.has("y")) s.fail("x", "give a side, or a point x and y");
        c.x = *s.number("x");
        c.y = *s.number("y");
      }
      c.discharge = s.number("discharge");
      if (s.has("series")) c.series = pairs(s, "series");
      v.inflow = c;
    }
    if (sec.has("breach")) {
      const Section s(inline_table(sec, "breach"), "variant.breach", path, dir,
                      {"x", "y", "line", "polygon", "width", "level", "depth", "time"});
      BreachChange b;
      if (s.has("polygon")) {
        if (s.has("x") || s.has("y") || s.has("line")) {
          s.fail("polygon", "give a polygon, or x and y, or a line: one of them");
        }
        if (s.has("width")) s.fail("width", "a polygon breach has no width (its cells are inside)");
        b.polygon = pairs(s, "polygon");
      } else if (s.has("line")) {
        if (s.has("x") || s.has("y")) s.fail("line", "give x and y, or a line, not both");
        b.line = pairs(s, "line");
      } else {
        if (!s.has("x") || !s.has("y")) s.fail("x", "give x and y, or line = [[x, y], ...]");
        b.line = {{*s.number("x"), *s.number("y")}};
      }
      if (b.polygon.empty()) s.require("width");
      s.require("time");
      b.width = s.number("width").value_or(0.0);
      b.level = s.number("level");
      b.depth = s.number("depth");
      b.time = *s.duration("time");
      v.breach = b;
    }
    check_variant(v, path + ":" + std::to_string(v.line) + ": variant '" + v.name + "': ");
    if (!names.insert(v.name).second) {
      throw ConfigError(path + ":" + std::to_string(v.line) + ": variant name '" + v.name +
                        "' is used twice");
    }
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace floodtwin::scenarios
