/// @file ensemble.cpp
/// Ensembles for Python (floodtwin.Ensemble in python/floodtwin/_ensemble.py): the same
/// ensemble::draw_members, run_ensemble and run_single_member as `floodtwin ensemble`.
#include "ensemble/ensemble.hpp"

#include <omp.h>
#include <pybind11/stl.h>
#include <unistd.h>

#include <filesystem>
#include <optional>
#include <string>

#include "bindings/bindings.hpp"
#include "scenarios/scenario.hpp"
#include "solver/error.hpp"

namespace floodtwin::bindings {

namespace {

namespace ens = floodtwin::ensemble;

py::dict member_dict(const ens::Member& m) {
  py::dict d;
  d["member"] = m.index;
  for (const std::string& key : ens::perturbation_keys()) d[key.c_str()] = ens::value_of(m, key);
  d["rain_file"] = m.rain_file;
  return d;
}

py::dict ensemble_spec(const py::object& path, std::optional<int> members) {
  const scenarios::Scenario s = scenarios::load_scenario(path_text(path, "Ensemble"));
  ens::EnsembleSpec spec = ens::load_ensemble_spec(s);
  if (spec.line == 0) throw ConfigError(s.file + ": no [ensemble] table (see docs/ensemble.md)");
  if (members) {
    if (*members < 1) throw ConfigError("Ensemble: members must be >= 1");
    spec.members = *members;
  }
  py::dict d;
  d["file"] = s.file;
  d["members"] = spec.members;
  d["seed"] = spec.seed;
  d["thresholds"] = spec.thresholds;
  d["quantiles"] = spec.quantiles;
  d["rain_members"] = spec.rain_members;
  d["output"] = ens::ensemble_path(s);
  py::dict dists;
  for (const auto& p : spec.perturbations) dists[p.key.c_str()] = p.distribution.describe();
  d["distributions"] = dists;
  // The draws (a member-column CSV is split into a scratch folder only to name the files).
  const std::filesystem::path scratch = std::filesystem::temp_directory_path() /
                                        ("floodtwin_ensemble_draws_" + std::to_string(::getpid()));
  py::list list;
  try {
    for (const ens::Member& m : ens::draw_members(spec, spec.members, scratch)) {
      list.append(member_dict(m));
    }
  } catch (...) {
    std::error_code ec;
    std::filesystem::remove_all(scratch, ec);
    throw;
  }
  std::error_code ec;
  std::filesystem::remove_all(scratch, ec);
  d["member_list"] = list;
  return d;
}

std::string run_ensemble(const py::object& path, std::optional<int> members,
                         std::optional<int> threads, std::optional<int> concurrent,
                         const std::optional<py::object>& output) {
  ens::EnsembleOptions o;
  o.members = members.value_or(0);
  o.threads = threads.value_or(0);
  if (o.threads < 0) throw ConfigError("Ensemble.run: threads must be >= 1");
  const int all = o.threads > 0 ? o.threads : omp_get_max_threads();
  o.concurrent = concurrent.value_or(all);  // None: one member per thread, as the CLI
  ens::check_concurrent(o.concurrent, all, "Ensemble.run: concurrent=");
  if (output) o.output = path_text(*output, "Ensemble.run output");
  o.command_line = {"python", "floodtwin.Ensemble.run"};
  const std::string file = path_text(path, "Ensemble");
  py::gil_scoped_release release;
  return ens::run_ensemble(file, o).output;
}

std::string run_member(const py::object& path, int k, std::optional<int> members,
                       std::optional<int> threads, const std::optional<py::object>& output) {
  ens::EnsembleOptions o;
  o.members = members.value_or(0);
  o.threads = threads.value_or(0);
  if (output) o.output = path_text(*output, "Ensemble.run_member output");
  o.command_line = {"python", "floodtwin.Ensemble.run_member"};
  const std::string file = path_text(path, "Ensemble");
  py::gil_scoped_release release;
  return ens::run_single_member(file, k, o).results;
}

}  // namespace

void init_ensemble(py::module_& m) {
  m.def("ensemble_spec", &ensemble_spec, py::arg("scenario"), py::arg("members") = py::none(),
        "The [ensemble] table of a scenario and its members' drawn perturbations (a dict).");
  m.def("run_ensemble", &run_ensemble, py::arg("scenario"), py::arg("members") = py::none(),
        py::arg("threads") = py::none(), py::arg("concurrent") = py::none(),
        py::arg("output") = py::none(),
        "Runs the ensemble as `floodtwin ensemble` does; returns the ensemble file's path.");
  m.def("run_ensemble_member", &run_member, py::arg("scenario"), py::arg("member"),
        py::arg("members") = py::none(), py::arg("threads") = py::none(),
        py::arg("output") = py::none(),
        "Runs one member alone into an ordinary results file (`floodtwin ensemble --member K`); "
        "returns its path.");
}

}  // namespace floodtwin::bindings
