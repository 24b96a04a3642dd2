/// @file impacts.cpp
/// floodtwin.impacts(results, scenario, out=None): warning levels, impacts and plan actions
/// per zone, as `floodtwin impacts` does (impacts::run_impacts).
#include <pybind11/stl.h>

#include <cmath>
#include <string>
#include <vector>

#include "bindings/bindings.hpp"
#include "impacts/run.hpp"
#include "scenarios/scenario.hpp"

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
  const auto& columns = impacts::zone_columns();
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

}  // namespace

void init_impacts(py::module_& m) {
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
