#include <string>

#include "cli/command.hpp"
#include "cli/demo.hpp"
#include "solver/error.hpp"

namespace {

int run(const std::vector<std::string>& args) {
  int threads = 0;
  for (std::size_t a = 0; a < args.size(); ++a) {
    if (args[a] == "--threads" && a + 1 < args.size()) {
      threads = std::stoi(args[++a]);
    } else {
      throw floodtwin::ConfigError("demo: unknown argument '" + args[a] + "'");
    }
  }
  return floodtwin::cli::run_demo(threads);
}

const floodtwin::cli::Registration registration(
    "demo", {"run the built-in dam-break demo and print a summary",
             "usage: floodtwin demo [--threads N]", run});

}  // namespace
