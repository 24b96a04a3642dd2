/// @file cmd_info.cpp
/// `floodtwin info RESULTS [--threshold D]`: a readable summary of a results file (extent,
/// times, peak depth, flooded area, mass balance error). Works on a `.partial` file of a run
/// that was stopped, too.
#include <cstdio>
#include <string>

#include "cli/args.hpp"
#include "cli/command.hpp"
#include "io/results_reader.hpp"
#include "solver/error.hpp"

namespace {

int run(const std::vector<std::string>& args) {
  std::string path;
  double threshold = 0;
  for (std::size_t a = 0; a < args.size(); ++a) {
    if (args[a] == "--threshold" && a + 1 < args.size()) {
      // Strict: "0x10" is not 16, "0.5m" is not 0.5 (cli/args.hpp).
      threshold =
          floodtwin::cli::number_arg("info: --threshold", args[++a], 0, "a depth > 0 in metres");
    } else if (path.empty() && !args[a].starts_with("--")) {
      path = args[a];
    } else {
      throw floodtwin::ConfigError("info: unknown argument '" + args[a] + "'");
    }
  }
  if (path.empty()) throw floodtwin::ConfigError("info: expected a results file");
  const floodtwin::io::ResultsSummary summary =
      floodtwin::io::read_results_summary(path, threshold);
  std::fputs(floodtwin::io::format_summary(summary).c_str(), stdout);
  return 0;
}

const floodtwin::cli::Registration registration(
    "info", {"summarise a results file (extent, times, peak depth, flooded area, mass balance)",
             "usage: floodtwin info RESULTS.h5 [--threshold DEPTH_M]\n"
             "  --threshold  depth above which a cell counts as flooded [m]\n"
             "               (default: the run's flood threshold)",
             run});

}  // namespace
