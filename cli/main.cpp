/// @file main.cpp
/// The `floodtwin` command. Only here are errors turned into exit codes:
///   0 success, 1 unexpected error, 2 usage, 3 configuration, 4 input, 5 i/o, 6 numerical,
///   130 interrupted.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "cli/command.hpp"
#include "floodtwin/version.hpp"
#include "parallel/launcher.hpp"
#include "solver/error.hpp"
#ifdef FLOODTWIN_HAVE_MPI
#include "parallel/mpi_decomposition.hpp"
#endif

namespace floodtwin::cli {

std::map<std::string, Command>& commands() {
  static std::map<std::string, Command> registry;
  return registry;
}

Registration::Registration(const std::string& name, Command command) {
  commands()[name] = std::move(command);
}

}  // namespace floodtwin::cli

namespace {

void print_help() {
  std::printf("usage: floodtwin <command> [options]\n\ncommands:\n");
  for (const auto& [name, cmd] : floodtwin::cli::commands()) {
    std::printf("  %-10s %s\n", name.c_str(), cmd.summary.c_str());
  }
  std::printf(
      "\noptions:\n  --version  print the version\n  --help     print this help\n"
      "\n`floodtwin COMMAND --help` describes a command.\n");
}

/// Where errors go: stderr, or on MPI ranks other than 0 (whose output is silenced) a copy of
/// the original stderr, with the rank in the message.
FILE* g_errors = stderr;
std::string g_rank_label;

void report(const char* kind, const char* what) {
  std::fprintf(g_errors, "floodtwin%s: %s%s\n", g_rank_label.c_str(), kind, what);
  std::fflush(g_errors);
}

int run_command(int argc, char** argv);

}  // namespace

int main(int argc, char** argv) {
  // Under mpirun (docs/mpi.md): MPI starts only when a launcher started this process, so a
  // floodtwin run alone never touches MPI.
  const int launched = floodtwin::parallel::launcher_size();
  int size = 1;
  int rank = 0;
#ifdef FLOODTWIN_HAVE_MPI
  if (launched > 0) {
    const char* t = std::getenv("FLOODTWIN_MPI_INIT_TIMEOUT");
    const double timeout = t != nullptr && std::atof(t) > 0 ? std::atof(t) : 60.0;
    try {
      floodtwin::parallel::init(&argc, &argv, timeout);
    } catch (const floodtwin::ConfigError& e) {
      report("configuration error: ", e.what());
      floodtwin::parallel::abort(3);
    }
    size = floodtwin::parallel::world_size();
    rank = floodtwin::parallel::world_rank();
  }
#else
  if (launched > 1) {
    std::fprintf(stderr,
                 "floodtwin: started by an MPI launcher with %d processes, but this floodtwin "
                 "was built without MPI (FLOODTWIN_MPI=OFF): run it without mpirun, or "
                 "rebuild it with OpenMPI installed (scripts/install-deps.sh)\n",
                 launched);
    return 3;
  }
#endif
  if (size > 1) {
    g_rank_label = " (rank " + std::to_string(rank) + " of " + std::to_string(size) + ")";
    const std::string name = argc >= 2 ? argv[1] : "";
    // The commands that share their work among processes (docs/mpi.md).
    if (name != "run" && name != "ensemble" && name != "forecast") {
      if (rank == 0) {
        report("usage error: ",
               ("only `floodtwin run`, `floodtwin ensemble` and `floodtwin forecast` run on "
                "several MPI processes; run `floodtwin " +
                name + "` without mpirun")
                   .c_str());
      }
#ifdef FLOODTWIN_HAVE_MPI
      floodtwin::parallel::finalize();
#endif
      return 2;
    }
    if (rank != 0) {  // one process talks: the others' output goes nowhere, their errors do
      const int fd = dup(fileno(stderr));
      if (fd >= 0) g_errors = fdopen(fd, "w");
      if (g_errors == nullptr) g_errors = stderr;
      if (std::freopen("/dev/null", "w", stdout) == nullptr ||
          std::freopen("/dev/null", "w", stderr) == nullptr) {
        g_errors = stderr;
      }
    }
  }
  const int code = run_command(argc, argv);
#ifdef FLOODTWIN_HAVE_MPI
  // An error on one process would leave the others waiting in a collective: end them all.
  // 130, an interrupted run (SIGINT, SIGTERM, SIGUSR1), is no error: every process stopped at
  // the same step (driver::run), after the checkpoint, and they end together.
  constexpr int interrupted = 130;
  if (size > 1 && code != 0 && code != interrupted) floodtwin::parallel::abort(code);
  floodtwin::parallel::finalize();
#endif
  return code;
}

namespace {

int run_command(int argc, char** argv) {
  using floodtwin::cli::commands;
  try {
    if (argc < 2) {
      print_help();
      return 2;
    }
    const std::string name = argv[1];
    if (name == "--help" || name == "-h" || name == "help") {
      print_help();
      return 0;
    }
    if (name == "--version") {
      std::printf("floodtwin %s (%s)\n", floodtwin::version, floodtwin::git_commit);
      return 0;
    }
    const auto it = commands().find(name);
    if (it == commands().end()) {
      std::fprintf(stderr, "floodtwin: unknown command '%s' (try floodtwin --help)\n",
                   name.c_str());
      return 2;
    }
    std::vector<std::string> args(argv + 2, argv + argc);
    for (const auto& a : args) {
      if (a == "--help" || a == "-h") {
        std::printf("%s\n", it->second.usage.c_str());
        return 0;
      }
    }
    return it->second.run(args);
  } catch (const floodtwin::ConfigError& e) {
    report("configuration error: ", e.what());
    return 3;
  } catch (const floodtwin::InputError& e) {
    report("input error: ", e.what());
    return 4;
  } catch (const floodtwin::IoError& e) {
    report("i/o error: ", e.what());
    return 5;
  } catch (const floodtwin::NumericalError& e) {
    report("numerical error: ", e.what());
    return 6;
  } catch (const std::exception& e) {
    report("error: ", e.what());
    return 1;
  }
}

}  // namespace
