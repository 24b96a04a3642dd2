/// @file cmd_forecast.cpp
/// `floodtwin forecast TWIN [--at T0] [--lead DURATION]`: one forecast cycle of a basin twin.
#include <omp.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <string>

#include "cli/args.hpp"
#include "cli/command.hpp"
#include "cli/processes.hpp"
#include "ensemble/cycle.hpp"
#include "ensemble/ensemble.hpp"
#if FLOODTWIN_HAS_WEB
#include "web/web_export.hpp"
#endif
#include "scenarios/scenario.hpp"
#include "solver/error.hpp"
#include "twin/cycle.hpp"
#include "twin/twin_file.hpp"

namespace {

using floodtwin::ConfigError;

std::atomic<bool> g_stop{false};
extern "C" void on_forecast_signal(int) { g_stop.store(true); }

int run_forecast(const std::vector<std::string>& args) {
  std::string twin_path;
  floodtwin::twin::CycleOptions o;
  bool quiet = false, json = false, web = false;
  floodtwin::ensemble::CycleEnsembleOptions ensemble_options;
  ensemble_options.concurrent = 0;  // not given: one member per thread
  for (std::size_t k = 0; k < args.size(); ++k) {
    const std::string& arg = args[k];
    auto value = [&]() -> const std::string& {
      if (k + 1 >= args.size()) throw ConfigError(arg + ": missing value");
      return args[++k];
    };
    if (arg == "--at") {
      o.at = value();
    } else if (arg == "--lead") {
      o.lead = floodtwin::scenarios::parse_duration(value(), "--lead");
      if (!(*o.lead > 0)) throw ConfigError("--lead: must be positive");
    } else if (arg == "--threads" || arg == "-j") {
      omp_set_num_threads(static_cast<int>(
          floodtwin::cli::integer_arg(arg, value(), 1, floodtwin::cli::max_threads)));
    } else if (arg == "--concurrent" || arg == "-p") {
      ensemble_options.concurrent = static_cast<int>(
          floodtwin::cli::integer_arg(arg, value(), 1, floodtwin::cli::max_threads));
    } else if (arg == "--wait") {
      o.lock_wait = floodtwin::scenarios::parse_duration(value(), "--wait");
    } else if (arg == "--quiet" || arg == "-q") {
      quiet = true;
    } else if (arg == "--json") {
      json = true;
    } else if (arg == "--web") {
#if FLOODTWIN_HAS_WEB
      web = true;
#else
      throw ConfigError("--web: this floodtwin was built without the web viewer (web/)");
#endif
    } else if (!arg.empty() && arg[0] == '-') {
      throw ConfigError("unknown option '" + arg + "' (try --help)");
    } else if (twin_path.empty()) {
      twin_path = arg;
    } else {
      throw ConfigError("unexpected argument '" + arg + "'");
    }
  }
  if (twin_path.empty()) throw ConfigError("missing the twin file (try --help)");
  o.threads = omp_get_max_threads();
  ensemble_options.threads = o.threads;
  // Not given: one member per thread (bench/README.md, "Ensembles").
  if (ensemble_options.concurrent == 0) ensemble_options.concurrent = o.threads;
  floodtwin::ensemble::check_concurrent(ensemble_options.concurrent, o.threads, "--concurrent");
  // Under mpirun (docs/mpi.md): the legs decomposed, an ensemble's members shared; rank 0
  // writes.
  o.processes = floodtwin::cli::world_processes();
  ensemble_options.processes = o.processes;
  o.command_line = {"floodtwin", "forecast"};
  for (const auto& a : args) o.command_line.push_back(a);
  o.stop = &g_stop;
  o.log = [&](const std::string& line) {
    if (!quiet) std::fprintf(stderr, "floodtwin: %s\n", line.c_str());
  };
  std::signal(SIGINT, on_forecast_signal);
  std::signal(SIGTERM, on_forecast_signal);
  const floodtwin::twin::TwinSpec twin = floodtwin::twin::load_twin(twin_path);
  if (twin.ensemble_line > 0) {  // [ensemble]: members of the forecast leg -> ensemble.h5
    floodtwin::ensemble::load_cycle_ensemble(twin);  // bad settings refused before the cycle
    o.extra_products = [&twin, ensemble_options](const std::string& state,
                                                 const std::string& folder,
                                                 floodtwin::twin::CycleSummary& summary) {
      floodtwin::ensemble::write_cycle_ensemble(twin, state, folder, summary, ensemble_options);
    };
  }
#if FLOODTWIN_HAS_WEB
  if (web) {  // the cycle's offline viewer, cycles/<cycle>/web/ (published with the cycle)
    o.extra_products = [ensemble = o.extra_products, root = o.processes.root()](
                           const std::string& state, const std::string& folder,
                           floodtwin::twin::CycleSummary& summary) {
      if (ensemble) ensemble(state, folder, summary);
      if (!root) return;  // rank 0 writes
      const std::filesystem::path dir(folder);
      floodtwin::web::WebOptions wo;
      if (std::filesystem::is_regular_file(dir / "forecast_impacts" / "zones.gpkg")) {
        wo.impacts = dir / "forecast_impacts";
      }
      wo.title = "Forecast " + summary.cycle + " (T0 " + summary.t0 + ")";
      if (std::filesystem::is_regular_file(dir / "ensemble.h5")) wo.ensemble = dir / "ensemble.h5";
      floodtwin::web::export_web(dir / "forecast.h5", dir / "web", wo);
    };
  }
#else
  (void)web;
#endif
  const floodtwin::twin::CycleSummary s = floodtwin::twin::run_cycle(twin, o);
  std::fputs((json ? floodtwin::twin::to_json(s) : floodtwin::twin::format_summary(s)).c_str(),
             stdout);
  for (const auto& i : s.issues) {
    std::fprintf(stderr, "WARN %s: %s\n", i.what.c_str(), i.message.c_str());
  }
  return 0;
}

/// Every failure, bad arguments included, ends in one line starting with ERROR (for platforms
/// that scan the log) before main() maps it to the exit code.
int forecast(const std::vector<std::string>& args) {
  try {
    return run_forecast(args);
  } catch (const floodtwin::twin::CycleBusy& e) {
    std::fprintf(stderr, "ERROR busy: %s\n", e.what());
    return 75;
  } catch (const floodtwin::Error& e) {
    if (g_stop.load()) {
      std::fprintf(stderr, "ERROR interrupted: %s (nothing published)\n", e.what());
      return 130;
    }
    std::fprintf(stderr, "ERROR %s (nothing published)\n", e.what());
    throw;
  }
}

const floodtwin::cli::Registration forecast_registration(
    "forecast",
    {"one forecast cycle of a basin twin: warm start, analysis to T0, forecast to T0 + lead",
     "usage: floodtwin forecast TWIN.toml [--at T0] [--lead DURATION] [--threads N]\n"
     "                          [--wait DURATION] [--json] [--quiet] [--web]\n"
     "                          [--concurrent P]\n"
     "\n"
     "T0 is an ISO-8601 time (default: the newest observation). The cycle continues from the\n"
     "newest warm state at or before T0 (states/), runs the analysis to T0 with observed\n"
     "forcing, saves the state at T0 and forecasts to T0 + lead into cycles/<YYYYmmddTHHMMZ>/\n"
     "(forecast.h5, gauges.nc, warnings.csv, cycle.json, summary.txt). Data problems are\n"
     "printed as lines starting with WARN, failures as a line starting with ERROR.\n"
     "--web also writes the forecast's offline browser viewer, cycles/<cycle>/web/index.html\n"
     "(warning zones included when the scenario has [impacts]; docs/web.md).\n"
     "With an [ensemble] table in the twin file, each cycle also runs the members of its\n"
     "forecast leg into cycles/<cycle>/ensemble.h5 (docs/ensemble.md); --concurrent P runs P\n"
     "members at once, each on threads / P threads (default: one member per thread; the results\n"
     "do not depend on P).\n"
     "Exit codes: 0 done, 3 configuration, 4 input, 5 i/o, 6 numerical, 75 another cycle of\n"
     "the twin is running (retry; --wait to queue), 130 interrupted (nothing published).\n"
     "Under mpirun -np P (docs/mpi.md) both legs are split among the P processes by rows and\n"
     "an ensemble's members are shared among them; rank 0 writes, bitwise as one process.",
     forecast});

}  // namespace
