/// @file cmd_ensemble.cpp
/// `floodtwin ensemble SCENARIO [--members N] [--threads N] [--concurrent P] [--member K]
/// [--output FILE]`: the members of the scenario's [ensemble] and their probabilistic
/// products (docs/ensemble.md).
#include <omp.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "cli/args.hpp"
#include "cli/command.hpp"
#include "cli/processes.hpp"
#include "driver/products.hpp"
#include "ensemble/ensemble.hpp"
#include "solver/error.hpp"

namespace {

using floodtwin::ConfigError;
namespace ens = floodtwin::ensemble;

void print_member(const ens::Member& m, const ens::EnsembleSpec& spec) {
  std::printf("member %d:", m.index);
  std::printf(" rain_factor %.6g, manning_factor %.6g", m.rain_factor, m.manning_factor);
  for (const auto& p : spec.perturbations) {
    if (p.key == "rain_factor" || p.key == "manning_factor") continue;
    std::printf(", %s %.6g", p.key.c_str(), ens::value_of(m, p.key));
  }
  if (!m.rain_file.empty()) std::printf(", rain %s", m.rain_file.c_str());
}

int ensemble(const std::vector<std::string>& args) {
  std::string scenario;
  ens::EnsembleOptions options;
  options.concurrent = 0;  // not given: one member per thread (bench/README.md, "Ensembles")
  int member = -1;
  for (std::size_t k = 0; k < args.size(); ++k) {
    const std::string& arg = args[k];
    auto value = [&]() -> const std::string& {
      if (k + 1 >= args.size()) throw ConfigError(arg + ": missing value");
      return args[++k];
    };
    if (arg == "--members" || arg == "-n") {
      options.members = static_cast<int>(floodtwin::cli::integer_arg(arg, value(), 1, 100000));
    } else if (arg == "--threads" || arg == "-j") {
      options.threads = static_cast<int>(
          floodtwin::cli::integer_arg(arg, value(), 1, floodtwin::cli::max_threads));
    } else if (arg == "--concurrent" || arg == "-p") {
      options.concurrent = static_cast<int>(
          floodtwin::cli::integer_arg(arg, value(), 1, floodtwin::cli::max_threads));
    } else if (arg == "--member" || arg == "-m") {
      member = static_cast<int>(floodtwin::cli::integer_arg(arg, value(), 0, 99999));
    } else if (arg == "--output" || arg == "-o") {
      options.output = value();
    } else if (!arg.empty() && arg[0] == '-') {
      throw ConfigError("unknown option '" + arg + "' (try --help)");
    } else if (scenario.empty()) {
      scenario = arg;
    } else {
      throw ConfigError("unexpected argument '" + arg + "'");
    }
  }
  if (scenario.empty()) throw ConfigError("missing the scenario file (try --help)");
  if (options.threads > 0) omp_set_num_threads(options.threads);
  options.threads = omp_get_max_threads();
  if (options.concurrent == 0) options.concurrent = options.threads;
  ens::check_concurrent(options.concurrent, options.threads, "--concurrent");
  // Under mpirun (docs/mpi.md): the members shared among the processes, or member K's rows.
  options.processes = floodtwin::cli::world_processes();
  options.command_line = {"floodtwin", "ensemble"};
  options.command_line.insert(options.command_line.end(), args.begin(), args.end());
  if (member >= 0) {
    const ens::SingleMember r = ens::run_single_member(scenario, member, options);
    if (!options.processes.root()) return 0;
    if (options.processes.several()) {
      std::printf("mpi: %d processes, rank 0 computed rows %d to %d\n", options.processes.size,
                  r.rows.first, r.rows.second - 1);
    }
    const auto spec = ens::load_ensemble_spec(floodtwin::scenarios::load_scenario(scenario));
    print_member(r.member, spec);
    std::printf("\nfloodtwin: member %d written to %s (%s wall time, %lld steps, %d threads)\n",
                member, r.results.c_str(), floodtwin::driver::clock_text(r.result.wall).c_str(),
                r.result.steps, options.threads);
    return 0;
  }
  options.on_member = [](const ens::Member& m, const ens::MemberResult& r) {
    std::printf("member %d done: %lld steps, %.1f s (rain x %.4g, shift %.0f s, manning x %.4g)\n",
                m.index, r.steps, r.wall, m.rain_factor, m.rain_shift, m.manning_factor);
    std::fflush(stdout);
  };
  const ens::EnsembleRun run = ens::run_ensemble(scenario, options);
  if (!options.processes.root()) return 0;  // rank 0 reports
  std::printf(
      "floodtwin: %zu members in %s wall time (%lld steps; %d threads, %d member(s) at "
      "once%s)\n",
      run.members.size(), floodtwin::driver::clock_text(run.wall).c_str(), run.steps,
      options.threads, std::max(1, std::min(options.concurrent, options.threads)),
      options.processes.several()
          ? (", on each of " + std::to_string(options.processes.size) + " MPI processes").c_str()
          : "");
  const auto& p = run.products;
  const std::size_t cells = static_cast<std::size_t>(p.nx) * static_cast<std::size_t>(p.ny);
  for (std::size_t t = 0; t < p.thresholds.size(); ++t) {
    std::size_t any = 0, half = 0;
    for (std::size_t c = 0; c < cells; ++c) {
      const double v = p.exceedance[t * cells + c];
      any += v > 0 ? 1 : 0;
      half += v >= 0.5 ? 1 : 0;
    }
    std::printf("  max depth > %g m: %zu cells in some member, %zu in at least half\n",
                p.thresholds[t], any, half);
  }
  // Per warning zone ([impacts] zones and levels): the chance of each level and when.
  for (const std::string& line : ens::zone_summary_lines(p)) std::printf("  %s\n", line.c_str());
  std::printf("  ensemble: %s\n", run.output.c_str());
  return 0;
}

const floodtwin::cli::Registration ensemble_registration(
    "ensemble",
    {"run the members of a scenario's [ensemble]: probabilistic maps and gauge series",
     "usage: floodtwin ensemble SCENARIO [--members N] [--threads N] [--concurrent P]\n"
     "                          [--member K] [--output FILE]\n"
     "\n"
     "Runs the members of the scenario's [ensemble] table (docs/ensemble.md):\n"
     "  [ensemble]\n"
     "  members = 20\n"
     "  seed = 42\n"
     "  rain_factor = { distribution = \"lognormal\", median = 1.0, sigma = 0.3 }\n"
     "  manning_factor = { distribution = \"uniform\", min = 0.8, max = 1.2 }\n"
     "  rain_shift = { distribution = \"normal\", mean = 0, sd = 900 }   # seconds\n"
     "  thresholds = [0.1, 0.3, 1.0]\n"
     "  quantiles = [0.1, 0.5, 0.9]\n"
     "and writes <results stem>_ensemble.h5 (CF-netCDF): exceedance_probability(threshold,\n"
     "y, x), max_depth_quantile(quantile, y, x), arrival_time_quantile(quantile, y, x), the\n"
     "members' factors (realization) and gauge_depth(realization, gauge_time, station).\n"
     "\n"
     "  --members N     number of members (default: the table's members)\n"
     "  --threads N     OpenMP threads in all (default: OMP_NUM_THREADS or all cores)\n"
     "  --concurrent P  members run at once, each on threads / P threads (default: one\n"
     "                  member per thread; 1 puts all threads on one member at a time)\n"
     "  --member K      run member K (0-based) alone into <results stem>_member<K>.h5, an\n"
     "                  ordinary results file equal, bitwise, to member K in the ensemble\n"
     "Under mpirun -np P (docs/mpi.md) the members are shared among the P processes (whole\n"
     "members, --threads and --concurrent per process) and --member K's rows are split\n"
     "among them; the files are bitwise those of one process."
     "  --output FILE   the ensemble (or member) file instead of the default",
     ensemble});

}  // namespace
