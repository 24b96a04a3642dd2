#include "ensemble/spec.hpp"

#include <cmath>
#include <fstream>
#include <sstream>

#include "ensemble/member.hpp"
#include "scenarios/toml_section.hpp"
#include "solver/error.hpp"

namespace floodtwin::ensemble {

using scenarios::Section;

namespace {

std::string number_text(double v) {
  std::ostringstream s;
  s.precision(10);
  s << v;
  return s.str();
}

bool is_factor(const std::string& key) { return key != "rain_shift"; }

/// A distribution from `key = {distribution = "...", ...}` or a plain number (fixed).
Distribution parse_distribution(const Section& t, const std::string& key) {
  const toml::node* n = t.table().get(key);
  Distribution d;
  if (auto v = n->value<double>()) {
    if (!std::isfinite(*v)) t.fail(key, "expected a finite number");
    d.kind = Distribution::Kind::fixed;
    d.a = *v;
  } else if (const toml::table* tab = n->as_table()) {
    const std::string where = t.where(*n) + "[ensemble] " + key + ": ";
    const toml::node* dn = tab->get("distribution");
    if (dn == nullptr || !dn->is_string()) {
      throw ConfigError(where +
                        "needs distribution = \"lognormal\", \"normal\", \"uniform\" or \"fixed\"");
    }
    const std::string name = *dn->value<std::string>();
    std::vector<std::string> params;
    if (name == "lognormal") {
      d.kind = Distribution::Kind::lognormal;
      params = {"median", "sigma"};
    } else if (name == "normal") {
      d.kind = Distribution::Kind::normal;
      params = {"mean", "sd"};
    } else if (name == "uniform") {
      d.kind = Distribution::Kind::uniform;
      params = {"min", "max"};
    } else if (name == "fixed") {
      d.kind = Distribution::Kind::fixed;
      params = {"value"};
    } else {
      throw ConfigError(t.where(*dn) + "[ensemble] " + key + ": unknown distribution \"" + name +
                        "\"; expected lognormal, normal, uniform or fixed");
    }
    for (const auto& [k, node] : *tab) {
      const std::string kk(k.str());
      if (kk == "distribution") continue;
      if (std::find(params.begin(), params.end(), kk) == params.end()) {
        throw ConfigError(t.where(node) + "[ensemble] " + key + ": unknown parameter '" + kk +
                          "' of a " + name + " distribution; expected " + Section::join(params));
      }
    }
    double* slots[2] = {&d.a, &d.b};
    for (std::size_t k = 0; k < params.size(); ++k) {
      const toml::node* p = tab->get(params[k]);
      if (p == nullptr) {
        throw ConfigError(where + "a " + name + " distribution needs " + Section::join(params) +
                          " (missing " + params[k] + ")");
      }
      const auto pv = p->value<double>();
      if (!pv || !std::isfinite(*pv)) {
        throw ConfigError(t.where(*p) + "[ensemble] " + key + ": " + params[k] +
                          " must be a finite number");
      }
      *slots[k] = *pv;
    }
    auto bad = [&](const std::string& param, const std::string& msg) {
      throw ConfigError(t.where(*tab->get(param)) + "[ensemble] " + key + ": " + msg);
    };
    switch (d.kind) {
      case Distribution::Kind::lognormal:
        if (!(d.b >= 0)) bad("sigma", "sigma must be >= 0, got " + number_text(d.b));
        if (is_factor(key) && !(d.a > 0)) {
          bad("median", "the median of a lognormal factor must be > 0, got " + number_text(d.a));
        }
        if (!is_factor(key)) bad("median", "a timing shift may be negative: use normal or uniform");
        break;
      case Distribution::Kind::normal:
        if (!(d.b >= 0)) bad("sd", "sd must be >= 0, got " + number_text(d.b));
        if (is_factor(key) && !(d.a > 0)) {
          bad("mean", "the mean of a factor must be > 0, got " + number_text(d.a));
        }
        break;
      case Distribution::Kind::uniform:
        if (!(d.a <= d.b)) {
          bad("min",
              "min (" + number_text(d.a) + ") must not exceed max (" + number_text(d.b) + ")");
        }
        if (is_factor(key) && !(d.a >= 0)) {
          bad("min", "a factor cannot be negative: min must be >= 0, got " + number_text(d.a));
        }
        break;
      case Distribution::Kind::fixed:
        break;
    }
  } else {
    t.fail(key,
           "expected a number or a table such as {distribution = \"lognormal\", median = "
           "1.0, sigma = 0.3}");
  }
  if (d.kind == Distribution::Kind::fixed && is_factor(key) && !(d.a >= 0)) {
    t.fail(key, "a factor cannot be negative, got " + number_text(d.a));
  }
  return d;
}

std::vector<double> number_list(const Section& t, const std::string& key, double lo, double hi,
                                bool lo_open) {
  const toml::node* n = t.table().get(key);
  const toml::array* arr = n->as_array();
  if (arr == nullptr || arr->empty()) t.fail(key, "expected a non-empty array of numbers");
  std::vector<double> out;
  for (const toml::node& e : *arr) {
    const auto v = e.value<double>();
    if (!v || !std::isfinite(*v)) t.fail(key, "expected an array of finite numbers");
    if (!((lo_open ? *v > lo : *v >= lo) && *v <= hi)) {
      t.fail(key, "expected values in " + std::string(lo_open ? "(" : "[") + number_text(lo) +
                      ", " + number_text(hi) + "], got " + number_text(*v));
    }
    if (!out.empty() && !(*v > out.back())) {
      t.fail(key, "the values must increase (got " + number_text(*v) + " after " +
                      number_text(out.back()) + ")");
    }
    out.push_back(*v);
  }
  return out;
}

}  // namespace

std::string Distribution::describe() const {
  switch (kind) {
    case Kind::fixed:
      return "fixed " + number_text(a);
    case Kind::normal:
      return "normal(mean " + number_text(a) + ", sd " + number_text(b) + ")";
    case Kind::lognormal:
      return "lognormal(median " + number_text(a) + ", sigma " + number_text(b) + ")";
    case Kind::uniform:
      return "uniform(" + number_text(a) + ", " + number_text(b) + ")";
  }
  return "";
}

const std::vector<std::string>& perturbation_keys() {
  static const std::vector<std::string> keys = {"rain_factor", "rain_shift", "manning_factor",
                                                "ks_factor",   "psi_factor", "curve_number_factor"};
  return keys;
}

const Perturbation* EnsembleSpec::find(const std::string& key) const {
  for (const Perturbation& p : perturbations) {
    if (p.key == key) return &p;
  }
  return nullptr;
}

EnsembleSpec load_ensemble_spec(const scenarios::Scenario& s) {
  EnsembleSpec spec;
  spec.file = s.file;
  toml::table root;
  try {
    root = toml::parse(s.text, s.file);
  } catch (const toml::parse_error& e) {
    throw ConfigError(s.file + ":" + std::to_string(e.source().begin.line) + ": " +
                      std::string(e.description()));
  }
  if (!root.contains("ensemble")) return spec;
  std::vector<std::string> known = {"members", "seed", "thresholds", "quantiles", "rain_members"};
  for (const auto& k : perturbation_keys()) known.push_back(k);
  const Section t(scenarios::sub_table(root, "ensemble", s.file, false), "ensemble", s.file, s.dir,
                  known);
  spec.line = t.line();
  t.require("members");
  {
    const toml::node* n = t.table().get("members");
    const auto v = n->value<std::int64_t>();
    if (!n->is_integer() || !v) t.fail("members", "expected an integer number of members");
    if (*v < 1 || *v > 100000) {
      t.fail("members", "expected 1 to 100000 members, got " + std::to_string(*v));
    }
    spec.members = static_cast<int>(*v);
  }
  if (t.has("seed")) {
    const toml::node* n = t.table().get("seed");
    const auto v = n->value<std::int64_t>();
    if (!n->is_integer() || !v || *v < 0) t.fail("seed", "expected an integer >= 0");
    spec.seed = static_cast<std::uint64_t>(*v);
  }
  if (t.has("thresholds")) spec.thresholds = number_list(t, "thresholds", 0, 1e4, true);
  if (t.has("quantiles")) spec.quantiles = number_list(t, "quantiles", 0, 1, false);
  for (const std::string& key : perturbation_keys()) {
    if (!t.has(key)) continue;
    Perturbation p;
    p.key = key;
    p.distribution = parse_distribution(t, key);
    p.line = static_cast<int>(t.table().get(key)->source().begin.line);
    spec.perturbations.push_back(p);
  }
  const bool has_rain = !s.rain_series.empty() || !s.rain_uniform.empty() || !s.rain_grids.empty();
  for (const char* key : {"rain_factor", "rain_shift"}) {
    if (spec.find(key) && !has_rain) {
      t.fail(key, "the scenario has no [rainfall] (series, uniform or grids) to perturb");
    }
  }
  if ((spec.find("ks_factor") || spec.find("psi_factor")) && s.infiltration_model != "green-ampt") {
    t.fail(spec.find("ks_factor") ? "ks_factor" : "psi_factor",
           "needs [infiltration] model = \"green-ampt\"");
  }
  if (spec.find("curve_number_factor") && s.infiltration_model != "scs-cn") {
    t.fail("curve_number_factor", "needs [infiltration] model = \"scs-cn\"");
  }
  if (t.has("rain_members")) {
    if (!has_rain) t.fail("rain_members", "the scenario has no [rainfall] source to replace");
    spec.rain_members_line = static_cast<int>(t.table().get("rain_members")->source().begin.line);
    const std::string text = t.text("rain_members").value_or("");
    const bool pattern = text.find("{member}") != std::string::npos;
    spec.rain_members = t.resolve("rain_members", text, !pattern);
    if (!pattern && s.rain_grids.empty() && is_netcdf(spec.rain_members)) {
      t.fail("rain_members",
             "a netCDF of forecast-rain members replaces [rainfall] grids; the scenario's rain "
             "is not gridded");
    }
  }
  return spec;
}

}  // namespace floodtwin::ensemble
