/// @file twin.cpp
/// The basin twin's forecast cycle for Python (floodtwin.Twin in python/floodtwin/_twin.py):
/// the same twin::load_twin and twin::run_cycle as `floodtwin forecast`, with the twin's
/// [ensemble] run on each cycle's forecast leg (ensemble.h5) as the command does.
#include <omp.h>
#include <pybind11/stl.h>

#include <optional>
#include <string>

#include "bindings/bindings.hpp"
#include "ensemble/cycle.hpp"
#include "ensemble/ensemble.hpp"
#include "twin/cycle.hpp"
#include "twin/twin_file.hpp"

namespace floodtwin::bindings {

namespace {

py::dict twin_info(const py::object& path) {
  const twin::TwinSpec t = twin::load_twin(path_text(path, "Twin"));
  py::dict d;
  d["file"] = t.file;
  d["scenario"] = t.scenario.file;
  d["states"] = t.states;
  d["cycles"] = t.cycles;
  d["start"] = t.scenario.start;
  d["lead"] = t.lead;
  d["state_expiry"] = t.state_expiry;
  d["spin_up"] = t.spin_up;
  return d;
}

std::string forecast_cycle(const py::object& path, const std::string& at,
                           std::optional<double> lead, double wait, std::optional<int> threads,
                           std::optional<int> concurrent) {
  const std::string file = path_text(path, "Twin.forecast");
  twin::CycleOptions o;
  o.at = at;
  o.lead = lead;
  o.lock_wait = wait;
  o.command_line = {"python", "floodtwin.Twin.forecast"};
  // --threads and --concurrent of `floodtwin forecast`: the threads of this call only.
  const int before = omp_get_max_threads();
  if (threads && *threads < 1) throw ConfigError("Twin.forecast: threads must be >= 1");
  o.threads = threads.value_or(before);
  ensemble::CycleEnsembleOptions eo;
  eo.threads = o.threads;
  eo.concurrent = concurrent.value_or(o.threads);  // None: one member per thread, as the CLI
  ensemble::check_concurrent(eo.concurrent, o.threads, "Twin.forecast: concurrent=");
  std::string json;
  {
    py::gil_scoped_release release;
    struct Restore {
      int threads;
      ~Restore() { omp_set_num_threads(threads); }
    } restore{before};
    omp_set_num_threads(o.threads);
    const twin::TwinSpec t = twin::load_twin(file);
    if (t.ensemble_line > 0) {           // [ensemble]: members of the forecast leg, as the command
      ensemble::load_cycle_ensemble(t);  // bad settings refused before the cycle
      o.extra_products = [&t, eo](const std::string& state, const std::string& folder,
                                  twin::CycleSummary& summary) {
        ensemble::write_cycle_ensemble(t, state, folder, summary, eo);
      };
    }
    json = twin::to_json(twin::run_cycle(t, o));
  }
  return json;
}

}  // namespace

void init_twin(py::module_& m) {
  m.def("twin_info", &twin_info, py::arg("path"),
        "The settings of a twin file (paths resolved), checked as `floodtwin forecast` does.");
  m.def("forecast_cycle", &forecast_cycle, py::arg("path"), py::arg("at") = "",
        py::arg("lead") = py::none(), py::arg("wait") = 0.0, py::arg("threads") = py::none(),
        py::arg("concurrent") = py::none(),
        R"doc(Runs one forecast cycle of the twin file `path` (see docs/twin.md) and returns its
cycle.json text. `at`: T0 as ISO-8601 ("" : the newest observation); `lead` [s] (None: the
twin's); `wait` [s] to wait for another cycle of the same twin; `threads` OpenMP threads in all
(None: the current number); `concurrent` members of the twin's [ensemble] at once, each on
threads / concurrent threads (`floodtwin forecast --concurrent`; None: one member per thread;
the results do not depend on it). Raises floodtwin errors as the command does (ScenarioError, ValueError, OSError).)doc");
}

}  // namespace floodtwin::bindings
