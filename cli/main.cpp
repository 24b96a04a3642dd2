/// @file main.cpp
/// The `floodtwin` command. Only here are errors turned into exit codes:
///   0 success, 1 unexpected error, 2 usage, 3 configuration, 4 input, 5 i/o, 6 numerical,
///   130 interrupted.
#include <cstdio>
#include <string>
#include <vector>

#include "cli/command.hpp"
#include "floodtwin/version.hpp"
#include "solver/error.hpp"

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

}  // namespace

int main(int argc, char** argv) {
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
    std::fprintf(stderr, "floodtwin: configuration error: %s\n", e.what());
    return 3;
  } catch (const floodtwin::InputError& e) {
    std::fprintf(stderr, "floodtwin: input error: %s\n", e.what());
    return 4;
  } catch (const floodtwin::IoError& e) {
    std::fprintf(stderr, "floodtwin: i/o error: %s\n", e.what());
    return 5;
  } catch (const floodtwin::NumericalError& e) {
    std::fprintf(stderr, "floodtwin: numerical error: %s\n", e.what());
    return 6;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "floodtwin: error: %s\n", e.what());
    return 1;
  }
}
