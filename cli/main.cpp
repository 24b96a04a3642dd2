/// @file main.cpp
/// The `floodtwin` command. Only here are errors turned into exit codes.
#include <cstdio>
#include <cstring>
#include <string>

#include "cli/demo.hpp"
#include "floodtwin/version.hpp"
#include "solver/error.hpp"

namespace {

void print_help() {
  std::puts(
      "usage: floodtwin <command> [options]\n"
      "\n"
      "commands:\n"
      "  demo [--threads N]   run the built-in dam-break demo and print a summary\n"
      "\n"
      "options:\n"
      "  --version            print the version\n"
      "  --help               print this help");
}

}  // namespace

int main(int argc, char** argv) {
  try {
    if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0) {
      print_help();
      return argc < 2 ? 2 : 0;
    }
    const std::string command = argv[1];
    if (command == "--version") {
      std::printf("floodtwin %s (%s)\n", floodtwin::version, floodtwin::git_commit);
      return 0;
    }
    if (command == "demo") {
      int threads = 0;
      for (int a = 2; a < argc; ++a) {
        if (std::strcmp(argv[a], "--threads") == 0 && a + 1 < argc) {
          threads = std::stoi(argv[++a]);
        } else {
          std::fprintf(stderr, "floodtwin demo: unknown argument '%s'\n", argv[a]);
          return 2;
        }
      }
      return floodtwin::cli::run_demo(threads);
    }
    std::fprintf(stderr, "floodtwin: unknown command '%s' (try --help)\n", command.c_str());
    return 2;
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
