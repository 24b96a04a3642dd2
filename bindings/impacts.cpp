/// @file impacts.cpp
/// floodtwin.impacts(results, scenario, out=None): warning levels, impacts and plan actions
/// per zone, as `floodtwin impacts` does (impacts::run_impacts).
#include <omp.h>
#include <pybind11/stl.h>

#include <array>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "bindings/bindings.hpp"
#include "impacts/run.hpp"
#include "rehearsal/rehearsal.hpp"
#include "scenarios/scenario.hpp"
#include "scenarios/variants.hpp"
#include "solver/error.hpp"

namespace floodtwin::bindings {

namespace {

py::dict impacts(const py::object& results, const py::object& scenario, const py::object& out,
                 const std::string& forecast_time, bool write) {
  const std::string res = path_text(results, "impacts");
  const std::string scen = path_text(scenario, "impacts");
  impacts::ImpactsOptions options;
  if (!out.is_none()) options.out = path_text(out, "impacts");
  options.forecast_time = forecast_time;
  options.write = write;
  impacts::ImpactsResult r;
  {
    py::gil_scoped_release release;
    r = impacts::run_impacts(res, scenarios::load_scenario(scen), options);
  }
  // One list per column of zones.csv (zones only, no TOTAL row): text columns as str,
  // counts as int, the rest as float (NaN where the file has an empty cell).
  const auto& columns = impacts::zone_columns(r.has_assets);
  std::vector<py::list> lists(columns.size());
  for (std::size_t z = 0; z < r.zone_id.size(); ++z) {
    const auto row = impacts::zone_row(r, z);
    for (std::size_t k = 0; k < columns.size(); ++k) {
      const std::string& c = columns[k];
      if (c == "zone" || c == "name" || c == "level" || c == "level_time" ||
          c == "levels_reached") {
        lists[k].append(row[k]);
      } else if (c == "buildings_flooded" || c == "buildings" || c == "cells") {
        lists[k].append(std::stoll(row[k]));
      } else {
        lists[k].append(row[k].empty() ? std::nan("") : std::stod(row[k]));
      }
    }
  }
  py::dict table;
  for (std::size_t k = 0; k < columns.size(); ++k) table[py::str(columns[k])] = lists[k];
  return table;
}

/// A number, or (for times) a duration text such as "2h".
double number_of(const py::handle& v, const std::string& what, bool duration = false) {
  if (duration && py::isinstance<py::str>(v)) {
    return scenarios::parse_duration(v.cast<std::string>(), what);
  }
  try {
    return v.cast<double>();
  } catch (const py::cast_error&) {
    throw ConfigError(what + ": expected a number, got " + py::str(v).cast<std::string>());
  }
}

std::vector<std::array<double, 2>> pairs_of(const py::handle& v, const std::string& what) {
  std::vector<std::array<double, 2>> out;
  for (const py::handle item : v) {
    const py::sequence p = py::reinterpret_borrow<py::sequence>(item);
    if (p.size() != 2) throw ConfigError(what + ": expected (a, b) pairs");
    out.push_back({number_of(p[0], what), number_of(p[1], what)});
  }
  return out;
}

/// A variant from its Python dict: rain_factor (or rain_scale), inflow ((x, y, q) or a dict
/// side | x, y; discharge | series), breach (a dict x, y | line; width; level | depth; time).
scenarios::Variant variant_of(const std::string& name, const py::dict& d) {
  scenarios::Variant v;
  v.name = name;
  const std::string where = "rehearse: variant '" + name + "': ";
  for (const auto& [key_obj, value] : d) {
    const std::string key = py::str(key_obj).cast<std::string>();
    if (key == "rain_factor" || key == "rain_scale") {
      v.rain_factor = number_of(value, where + key);
    } else if (key == "inflow") {
      scenarios::InflowChange in;
      if (py::isinstance<py::dict>(value)) {
        const py::dict t = py::reinterpret_borrow<py::dict>(value);
        for (const auto& [k2, v2] : t) {
          const std::string k = py::str(k2).cast<std::string>();
          const std::string w = where + "inflow " + k;
          if (k == "side") {
            in.side = solver::parse_side(v2.cast<std::string>());
          } else if (k == "x") {
            in.x = number_of(v2, w);
          } else if (k == "y") {
            in.y = number_of(v2, w);
          } else if (k == "discharge") {
            in.discharge = number_of(v2, w);
          } else if (k == "series") {
            in.series = pairs_of(v2, w);
          } else {
            throw ConfigError(where + "inflow: unknown key '" + k +
                              "' (expected side, x, y, discharge, series)");
          }
        }
      } else {
        const py::sequence t = py::reinterpret_borrow<py::sequence>(value);
        if (t.size() != 3) throw ConfigError(where + "inflow: expected (x, y, q) or a dict");
        in.x = number_of(t[0], where + "inflow x");
        in.y = number_of(t[1], where + "inflow y");
        in.discharge = number_of(t[2], where + "inflow q");
      }
      v.inflow = in;
    } else if (key == "breach") {
      scenarios::BreachChange b;
      std::optional<double> x, y;
      for (const auto& [k2, v2] : py::reinterpret_borrow<py::dict>(value)) {
        const std::string k = py::str(k2).cast<std::string>();
        const std::string w = where + "breach " + k;
        if (k == "x") {
          x = number_of(v2, w);
        } else if (k == "y") {
          y = number_of(v2, w);
        } else if (k == "line") {
          b.line = pairs_of(v2, w);
        } else if (k == "polygon") {
          b.polygon = pairs_of(v2, w);
        } else if (k == "width") {
          b.width = number_of(v2, w);
        } else if (k == "level") {
          b.level = number_of(v2, w);
        } else if (k == "depth") {
          b.depth = number_of(v2, w);
        } else if (k == "time") {
          b.time = number_of(v2, w, true);
        } else {
          throw ConfigError(where + "breach: unknown key '" + k +
                            "' (expected x, y, line, polygon, width, level, depth, time)");
        }
      }
      if (x && y) b.line.insert(b.line.begin(), {*x, *y});
      v.breach = b;
    } else {
      throw ConfigError(where + "unknown change '" + key +
                        "' (expected rain_factor, rain_scale, inflow, breach)");
    }
  }
  return v;
}

/// floodtwin._core.rehearse: rehearsal::rehearse on variant dicts; returns the comparison path.
std::string rehearse(const py::object& scenario, const py::dict& variants, const py::object& out,
                     std::optional<int> threads, bool baseline) {
  const std::string scen = path_text(scenario, "rehearse");
  rehearsal::RehearsalOptions options;
  options.out = path_text(out, "rehearse: out");
  options.baseline = baseline;
  options.command_line = {"floodtwin.rehearse", scen};
  if (threads && *threads < 1) {
    throw ConfigError("rehearse: threads must be a positive integer, got " +
                      std::to_string(*threads));
  }
  std::vector<scenarios::Variant> list;
  for (const auto& [name, changes] : variants) {
    list.push_back(variant_of(py::str(name).cast<std::string>(),
                              py::reinterpret_borrow<py::dict>(changes)));
  }
  rehearsal::Rehearsal r;
  {
    py::gil_scoped_release release;
    const int caller_threads = omp_get_max_threads();
    if (threads) omp_set_num_threads(*threads);
    options.threads = omp_get_max_threads();
    try {
      r = rehearsal::rehearse(scen, list, options);
    } catch (...) {
      omp_set_num_threads(caller_threads);
      throw;
    }
    omp_set_num_threads(caller_threads);
  }
  return r.comparison;
}

}  // namespace

void init_impacts(py::module_& m) {
  m.def("rehearse", &rehearse, py::arg("scenario"), py::arg("variants"), py::arg("out"),
        py::kw_only(), py::arg("threads") = py::none(), py::arg("baseline") = false,
        R"doc(What `floodtwin rehearse` does, with variants as dicts (floodtwin.rehearse wraps
it); returns the path of comparison.csv.)doc");
  m.def("impacts", &impacts, py::arg("results"), py::arg("scenario"), py::arg("out") = py::none(),
        py::kw_only(), py::arg("forecast_time") = "", py::arg("write") = true,
        R"doc(Warning levels, impacts and plan actions per zone of a results file, with the
[impacts] inputs of `scenario`, as `floodtwin impacts` does. Writes the folder `out`
(default `<results stem>_impacts/` beside the results; nothing when write=False) and returns
the zone table as a dict of columns (the columns of zones.csv, one entry per zone; text as
str, counts as int, the rest as float with NaN for "none"). `forecast_time` (ISO 8601) is
what lead times count from (default: the first snapshot). Raises ScenarioError or
ValueError/FileNotFoundError naming the bad input.)doc");
}

}  // namespace floodtwin::bindings
