#pragma once
/// @file toml_section.hpp
/// Private to the TOML loaders (scenario files, twin files): one table of a TOML file with the
/// keys it may hold, reporting every problem with the file, the line and the key. Unknown keys
/// are refused with the closest known key as a hint.
#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "scenarios/input_checks.hpp"
#include "scenarios/scenario.hpp"
#include "solver/error.hpp"

namespace floodtwin::scenarios {

/// One TOML table of the scenario with the keys it may hold; reports every problem with the
/// file, the line and the key.
class Section {
 public:
  Section(const toml::table& table, std::string name, std::string file, std::string dir,
          std::vector<std::string> known)
      : table_(table),
        name_(std::move(name)),
        file_(std::move(file)),
        dir_(std::move(dir)),
        known_(std::move(known)) {
    for (const auto& [key, node] : table_) {
      const std::string k(key.str());
      if (std::find(known_.begin(), known_.end(), k) == known_.end()) {
        std::string msg = where(node) + "unknown key '" + k + "' in [" + name_ + "]";
        const std::string hint = closest_key(k, known_);
        msg += hint.empty() ? "; known keys: " + join(known_) : "; did you mean '" + hint + "'?";
        throw ConfigError(msg);
      }
    }
  }

  [[nodiscard]] bool has(const std::string& key) const { return table_.contains(key); }
  [[nodiscard]] int line() const { return static_cast<int>(table_.source().begin.line); }

  [[nodiscard]] std::string where(const toml::node& node) const {
    return file_ + ":" + std::to_string(node.source().begin.line) + ": ";
  }
  [[nodiscard]] std::string where_key(const std::string& key) const {
    const toml::node* n = table_.get(key);
    return n != nullptr ? where(*n) : file_ + ":" + std::to_string(line()) + ": ";
  }
  [[noreturn]] void fail(const std::string& key, const std::string& message) const {
    throw ConfigError(where_key(key) + "[" + name_ + "] " + key + ": " + message);
  }
  void require(const std::string& key) const {
    if (!has(key)) {
      throw ConfigError(file_ + ":" + std::to_string(line()) + ": [" + name_ + "] is missing '" +
                        key + "'");
    }
  }

  [[nodiscard]] std::optional<double> number(const std::string& key) const {
    const toml::node* n = table_.get(key);
    if (n == nullptr) return std::nullopt;
    if (auto v = n->value<double>()) {
      if (!std::isfinite(*v)) fail(key, "expected a finite number");
      return *v;
    }
    fail(key, std::string("expected a number, got ") + type_name(*n));
  }
  [[nodiscard]] double number_in(const std::string& key, double fallback, double lo,
                                 double hi) const {
    const double v = number(key).value_or(fallback);
    if (!(v >= lo && v <= hi)) {
      std::ostringstream msg;
      msg << "expected a value in [" << lo << ", " << hi << "], got " << v;
      fail(key, msg.str());
    }
    return v;
  }
  [[nodiscard]] std::optional<std::string> text(const std::string& key) const {
    const toml::node* n = table_.get(key);
    if (n == nullptr) return std::nullopt;
    if (auto v = n->value<std::string>()) return *v;
    fail(key, std::string("expected a string, got ") + type_name(*n));
  }
  [[nodiscard]] std::string choice(const std::string& key, const std::string& fallback,
                                   const std::vector<std::string>& allowed) const {
    const std::string v = text(key).value_or(fallback);
    if (std::find(allowed.begin(), allowed.end(), v) == allowed.end()) {
      fail(key, "expected one of " + join(allowed) + ", got \"" + v + "\"");
    }
    return v;
  }
  [[nodiscard]] std::optional<double> duration(const std::string& key) const {
    const toml::node* n = table_.get(key);
    if (n == nullptr) return std::nullopt;
    if (auto v = n->value<double>()) {
      if (!(std::isfinite(*v) && *v >= 0)) fail(key, "a duration must be finite and >= 0");
      return *v;
    }
    if (auto s = n->value<std::string>())
      return parse_duration(*s, where(*n) + "[" + name_ + "] " + key);
    fail(key, "expected a duration (seconds, or a string such as \"10min\")");
  }
  /// A path to an existing file, resolved against the scenario's folder.
  [[nodiscard]] std::string file(const std::string& key, bool must_exist = true) const {
    const auto t = text(key);
    if (!t) return "";
    return resolve(key, *t, must_exist);
  }
  [[nodiscard]] std::string resolve(const std::string& key, const std::string& rel,
                                    bool must_exist) const {
    if (rel.empty()) fail(key, "the path is empty");
    std::filesystem::path p(rel);
    if (p.is_relative()) p = std::filesystem::path(dir_) / p;
    p = p.lexically_normal();
    if (must_exist) {
      // A FIFO, socket or device would block the read for ever; tables and results files
      // cannot be folders (rasters and vectors can: some GDAL/OGR formats are).
      static const std::set<std::string> files_only = {
          "stations", "series", "uniform", "initial_state", "levels", "damage_curves", "plan"};
      const std::string problem = input_path_problem(p.string(), !files_only.contains(key));
      if (!problem.empty()) fail(key, problem);
    }
    return p.string();
  }
  [[nodiscard]] NumberOrRaster number_or_raster(const std::string& key, double fallback, double lo,
                                                double hi) const {
    const toml::node* n = table_.get(key);
    if (n == nullptr) return {fallback, ""};
    if (n->is_string()) return {std::nullopt, file(key)};
    return {number_in(key, fallback, lo, hi), ""};
  }
  [[nodiscard]] NumberOrSeries number_or_series(const std::string& key) const {
    const toml::node* n = table_.get(key);
    if (n == nullptr) return {};
    if (n->is_string()) return {std::nullopt, file(key)};
    return {number(key), ""};
  }
  [[nodiscard]] const toml::table& table() const { return table_; }

  static std::string join(const std::vector<std::string>& items) {
    std::string s;
    for (const auto& i : items) s += (s.empty() ? "" : ", ") + i;
    return s;
  }

 private:
  static const char* type_name(const toml::node& n) {
    switch (n.type()) {
      case toml::node_type::string:
        return "a string";
      case toml::node_type::integer:
      case toml::node_type::floating_point:
        return "a number";
      case toml::node_type::boolean:
        return "a boolean";
      case toml::node_type::array:
        return "an array";
      case toml::node_type::table:
        return "a table";
      default:
        return "a date or time";
    }
  }

  const toml::table& table_;
  std::string name_, file_, dir_;
  std::vector<std::string> known_;
};

inline const toml::table& sub_table(const toml::table& root, const std::string& name,
                                    const std::string& file, bool required) {
  static const toml::table empty;
  const toml::node* n = root.get(name);
  if (n == nullptr) {
    if (required) throw ConfigError(file + ": missing the [" + name + "] table");
    return empty;
  }
  if (!n->is_table()) {
    throw ConfigError(file + ":" + std::to_string(n->source().begin.line) + ": '" + name +
                      "' must be a table ([" + name + "])");
  }
  return *n->as_table();
}

/// The tables of an array of tables such as [[boundary]].
inline std::vector<const toml::table*> table_array(const toml::table& root, const std::string& name,
                                                   const std::string& file) {
  std::vector<const toml::table*> out;
  const toml::node* n = root.get(name);
  if (n == nullptr) return out;
  const toml::array* arr = n->as_array();
  if (arr == nullptr) {
    throw ConfigError(file + ":" + std::to_string(n->source().begin.line) + ": '" + name +
                      "' must be an array of tables ([[" + name + "]])");
  }
  for (const toml::node& e : *arr) {
    if (!e.is_table()) {
      throw ConfigError(file + ":" + std::to_string(e.source().begin.line) + ": each '" + name +
                        "' must be a table ([[" + name + "]])");
    }
    out.push_back(e.as_table());
  }
  return out;
}

}  // namespace floodtwin::scenarios
