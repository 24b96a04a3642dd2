/// @file cmd_run.cpp
/// `floodtwin run SCENARIO` and `floodtwin validate SCENARIO`.
#include <omp.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>

#ifdef FLOODTWIN_HAVE_MPI
#include "parallel/mpi_decomposition.hpp"
#endif
#include "cli/args.hpp"
#include "cli/command.hpp"
#include "driver/forecast.hpp"
#include "driver/gauge_warnings.hpp"
#include "driver/inputs.hpp"
#include "driver/products.hpp"
#include "impacts/run.hpp"
#include "impacts/validate.hpp"
#include "io/file_lock.hpp"
#include "scenarios/scenario.hpp"
#include "solver/error.hpp"
#include "terrain/rainfall.hpp"

namespace {

using floodtwin::ConfigError;

std::atomic<bool> g_stop{false};
extern "C" void on_signal(int) { g_stop.store(true); }

using floodtwin::driver::clock_text;

/// A volume, area or depth with 4 significant digits, whole numbers from 10^4 up: lab-scale
/// values (0.0123 m3) are not rounded to 0, basin-scale ones (9450000 m3) stay readable.
std::string amount(double v) {
  char buf[64];
  if (std::abs(v) >= 1e4 && std::abs(v) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  } else {
    std::snprintf(buf, sizeof buf, "%.4g", v);
  }
  return buf;
}

/// An area in m2 below 0.1 km2, else in km2.
std::string area_text(double m2) {
  if (std::abs(m2) < 1e5) return amount(m2) + " m2";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.4g km2", m2 / 1e6);
  return buf;
}

struct RunArgs {
  std::string scenario, output, resume;
  int threads = 0;
  double checkpoint_every = 0;
  double progress_every = 2;
  bool quiet = false;
};

RunArgs parse(const std::vector<std::string>& args, bool run) {
  RunArgs a;
  for (std::size_t k = 0; k < args.size(); ++k) {
    const std::string& arg = args[k];
    auto value = [&]() -> const std::string& {
      if (k + 1 >= args.size()) throw ConfigError(arg + ": missing value");
      return args[++k];
    };
    if (run && (arg == "--threads" || arg == "-j")) {
      a.threads = static_cast<int>(
          floodtwin::cli::integer_arg(arg, value(), 1, floodtwin::cli::max_threads));
    } else if (run && (arg == "--output" || arg == "-o")) {
      a.output = value();
    } else if (run && arg == "--checkpoint-every") {
      a.checkpoint_every = floodtwin::scenarios::parse_duration(value(), "--checkpoint-every");
      if (!(a.checkpoint_every > 0)) throw ConfigError("--checkpoint-every: must be positive");
    } else if (run && arg == "--progress-every") {
      a.progress_every = floodtwin::scenarios::parse_duration(value(), "--progress-every");
      if (!(a.progress_every >= 0)) throw ConfigError("--progress-every: must not be negative");
    } else if (run && arg == "--resume") {
      a.resume = value();
    } else if (run && (arg == "--quiet" || arg == "-q")) {
      a.quiet = true;
    } else if (!arg.empty() && arg[0] == '-') {
      throw ConfigError("unknown option '" + arg + "' (try --help)");
    } else if (a.scenario.empty()) {
      a.scenario = arg;
    } else {
      throw ConfigError("unexpected argument '" + arg + "'");
    }
  }
  if (a.scenario.empty()) throw ConfigError("missing the scenario file (try --help)");
  return a;
}

int run(const std::vector<std::string>& args) {
  const RunArgs a = parse(args, true);
  if (a.threads > 0) omp_set_num_threads(a.threads);
  const auto scenario = floodtwin::scenarios::load_scenario(a.scenario);
  std::fprintf(stderr, "floodtwin: preparing %s\n", scenario.file.c_str());
  std::shared_ptr<floodtwin::solver::Decomposition> processes;
#ifdef FLOODTWIN_HAVE_MPI
  // Under mpirun with several processes: the rows are shared among them (docs/mpi.md), and
  // each process fills only its rows' share of the fields (prepare).
  if (floodtwin::parallel::world_size() > 1) processes = floodtwin::parallel::world_decomposition();
#endif
  floodtwin::driver::Forecast forecast = floodtwin::driver::prepare(scenario, processes);
  for (const auto& n : forecast.notes) std::fprintf(stderr, "  %s\n", n.c_str());
#ifdef FLOODTWIN_HAVE_MPI
  if (processes) {
    forecast.sim->set_decomposition(processes);
    const auto [first, end] = forecast.sim->owned_rows();
    std::fprintf(stderr, "  mpi: %d processes, rank 0 computes rows %d to %d of %d\n",
                 floodtwin::parallel::world_size(), first, end - 1, forecast.sim->grid().ny);
  }
#endif
  if (scenario.impacts) {  // bad [impacts] inputs are refused before the run, not after it
    const auto& g = forecast.sim->grid();
    const floodtwin::impacts::GridGeometry grid{g.nx, g.ny, g.dx, g.dy, g.origin_x, g.origin_y};
    const auto notes = floodtwin::impacts::check_impacts_inputs(scenario, grid, forecast.crs_wkt);
    for (const auto& n : notes) std::fprintf(stderr, "  impacts %s\n", n.c_str());
  }

  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  // OpenMPI's mpirun forwards SIGUSR1 to every process (SIGINT/SIGTERM it turns into SIGTERM
  // followed by SIGKILL 1 s later): the way to stop a decomposed run from its mpirun.
  std::signal(SIGUSR1, on_signal);
  const bool tty = isatty(fileno(stderr)) != 0 && !a.quiet;
  floodtwin::driver::RunOptions ro;
  ro.output = a.output;
  ro.checkpoint_every = a.checkpoint_every;
  ro.resume = a.resume;
  ro.stop = &g_stop;
  ro.progress_every = a.progress_every;
  ro.threads = omp_get_max_threads();
  ro.command_line.push_back("floodtwin");
  ro.command_line.push_back("run");
  for (const auto& s : args) ro.command_line.push_back(s);
  ro.on_progress = [&](const floodtwin::driver::Progress& p) {
    if (a.quiet) return;
    const double frac = p.duration > 0 ? p.time / p.duration : 1;
    const double eta = frac > 0 ? p.wall * (1 - frac) / frac : 0;
    // Before the first step there is no time step and no mass balance to show.
    char balance[32] = "-";
    char dt[32] = "-";
    if (p.steps > 0) {
      std::snprintf(balance, sizeof balance, "%.1e", p.balance_error);
      std::snprintf(dt, sizeof dt, "%.3g s", p.dt);
    }
    // Progress::wet_cells counts the cells deeper than the flood threshold.
    if (tty) {
      const int width = 30;
      const int done = static_cast<int>(frac * width);
      std::string bar(static_cast<std::size_t>(done), '#');
      bar.resize(width, '.');
      std::fprintf(
          stderr, "\r[%s] %3.0f%%  t %s / %s  wall %s  ETA %s  dt %s  flooded %zu  balance %s ",
          bar.c_str(), 100 * frac, clock_text(p.time).c_str(), clock_text(p.duration).c_str(),
          clock_text(p.wall).c_str(), clock_text(eta).c_str(), dt, p.wet_cells, balance);
    } else {
      std::fprintf(stderr,
                   "t = %s / %s (%.0f%%)  wall %s  ETA %s  steps %lld  dt %s  "
                   "flooded cells (> %g m) %zu  mass balance %s\n",
                   clock_text(p.time).c_str(), clock_text(p.duration).c_str(), 100 * frac,
                   clock_text(p.wall).c_str(), clock_text(eta).c_str(), p.steps, dt,
                   scenario.flood_threshold, p.wet_cells, balance);
    }
    std::fflush(stderr);
  };
  ro.on_warning = [&](const floodtwin::driver::Warning& w) {
    std::fprintf(stderr, "%sWARNING: %s\n", tty ? "\n" : "",
                 floodtwin::driver::warning_text(w, clock_text(w.time)).c_str());
  };

  // [impacts] are written after the results: their folder is locked for the whole run (as
  // driver::run locks the results), so that a second run on this output touches nothing.
  // Under mpirun rank 0 writes the results and then the impacts from them (docs/mpi.md).
  bool root = true;
#ifdef FLOODTWIN_HAVE_MPI
  root = floodtwin::parallel::world_rank() == 0;
#endif
  std::optional<floodtwin::io::FileLock> impacts_lock;
  std::filesystem::path impacts_dir;
  if (scenario.impacts && root) {
    const std::filesystem::path results(a.output.empty() ? scenario.output : a.output);
    impacts_dir = results.parent_path() / (results.stem().string() + "_impacts");
    const auto inputs = floodtwin::driver::input_paths(scenario);
    floodtwin::io::refuse_output_over_inputs(
        impacts_dir, std::vector<std::filesystem::path>(inputs.begin(), inputs.end()),
        "run: [impacts] folder");
    if (results.has_parent_path()) std::filesystem::create_directories(results.parent_path());
    impacts_lock.emplace(floodtwin::io::lock_path(impacts_dir),
                         "run of " + scenario.file + " ([impacts])");
  }
  const auto summary = floodtwin::driver::run(forecast, ro);
  if (tty) std::fprintf(stderr, "\n");
  if (summary.interrupted) {
    // Every MPI process stops at the same step; rank 0 wrote the checkpoint (the others have
    // none to name, and their output goes nowhere).
    if (summary.checkpoints.empty()) return 130;
    std::fprintf(stderr,
                 "floodtwin: interrupted at t = %s; resume with\n  floodtwin run %s --resume %s\n",
                 clock_text(forecast.sim->time()).c_str(), scenario.file.c_str(),
                 summary.checkpoints.back().c_str());
    return 130;
  }
  std::printf("floodtwin: done in %s wall time, %lld steps, %d threads\n",
              clock_text(summary.wall).c_str(), summary.steps, omp_get_max_threads());
  const auto& b = summary.balance;
  std::printf("  peak depth %s m, flooded area (max depth > %g m) %s\n",
              amount(summary.max_depth).c_str(), scenario.flood_threshold,
              area_text(summary.flooded_area).c_str());
  // Inflow: through the boundaries and from point sources (net of any extraction).
  std::printf(
      "  volumes: rain %s m3, inflow %s m3 (boundaries %s, point sources %s), outflow %s m3, "
      "losses %s m3, stored %s m3, balance error %.1e\n",
      amount(b.rain_in).c_str(), amount(b.boundary_in + b.point_in).c_str(),
      amount(b.boundary_in).c_str(), amount(b.point_in).c_str(), amount(b.boundary_out).c_str(),
      amount(b.losses).c_str(), amount(b.volume).c_str(), b.relative_error());
  // Discharge: peak per cross-section, net outflow per boundary condition.
  const auto& flows = forecast.sim->flows();
  for (const auto& x : flows.sections()) {
    std::printf("  cross-section %s: peak discharge %.3f m3/s at t = %s, volume %s m3\n",
                x.name.c_str(), x.peak,
                std::isnan(x.peak_time) ? "-" : clock_text(x.peak_time).c_str(),
                amount(x.volume).c_str());
  }
  const auto labels = floodtwin::solver::boundary_labels(forecast.sim->boundaries());
  for (std::size_t k = 0; k < labels.size() && k < flows.boundaries().size(); ++k) {
    const auto& f = flows.boundaries()[k];
    std::printf("  boundary %s: inflow %s m3, outflow %s m3\n", labels[k].c_str(),
                amount(f.inflow).c_str(), amount(f.outflow).c_str());
  }
  std::printf("  warnings: %zu\n", summary.warnings.size());
  for (const auto& w : summary.warnings) {
    std::printf("    %s: %s %.3f > %.3f from t = %s%s\n", w.gauge.c_str(), w.what.c_str(), w.value,
                w.threshold, clock_text(w.time).c_str(),
                w.before_resume ? " (before the resume)" : "");
  }
  for (const auto& n : summary.notes) std::printf("  resumed: %s\n", n.c_str());
  for (const auto& c : summary.checkpoints) std::printf("  checkpoint: %s\n", c.c_str());
  std::printf("  results: %s\n", summary.results.c_str());
  for (const auto& n : floodtwin::driver::output_notes(scenario, summary.results, scenario.vtk_dir))
    std::printf("  note: %s\n", n.c_str());
  if (scenario.impacts && root) {  // [impacts]: warnings, impacts and plan actions per zone
    floodtwin::impacts::ImpactsOptions io;
    // Under mpirun each process computed its rows of the rain: the impacts read it whole.
    std::optional<floodtwin::terrain::RainfallField> whole_rain;
    if (forecast.rain && forecast.sim->decomposed()) whole_rain.emplace(forecast.rain->whole());
    io.rain = whole_rain ? &*whole_rain : forecast.rain.get();
    io.out = impacts_dir;
    const auto impacts = floodtwin::impacts::run_impacts(summary.results, scenario, io);
    std::printf("%s  impacts: %s\n", impacts.headline().c_str(), impacts.out.c_str());
  }
  return 0;
}

int validate(const std::vector<std::string>& args) {
  const RunArgs a = parse(args, false);
  const std::string report =
      floodtwin::driver::format_check(floodtwin::driver::validate_scenario(a.scenario));
  const std::string impacts = floodtwin::impacts::validate_impacts(a.scenario);
  std::fputs((report + impacts).c_str(), stdout);
  return 0;
}

const floodtwin::cli::Registration run_registration(
    "run", {"run a forecast scenario (TOML) and write its results",
            "usage: floodtwin run SCENARIO [--threads N] [--output PATH]\n"
            "                     [--checkpoint-every DURATION] [--resume CHECKPOINT] [--quiet]\n"
            "                     [--progress-every DURATION]\n"
            "\n"
            "Shows a progress bar on a terminal and log lines otherwise, every 2 s of wall time\n"
            "(--progress-every; 0: every 20 steps) and at each output. SIGINT, SIGTERM and\n"
            "SIGUSR1 write a checkpoint and stop (exit code 130); --resume continues from it.\n"
            "Under mpirun every process stops at the same step: send SIGUSR1 to mpirun, which\n"
            "forwards it to every process (docs/mpi.md).",
            run});
const floodtwin::cli::Registration validate_registration(
    "validate", {"check a scenario and its input files without running it",
                 "usage: floodtwin validate SCENARIO", validate});

}  // namespace
