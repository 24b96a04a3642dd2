#pragma once
/// @file command.hpp
/// Sub-commands of `floodtwin` register themselves here, one file per command (cmd_*.cpp),
/// so that main.cpp never changes when a command is added.
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace floodtwin::cli {

struct Command {
  std::string summary;  ///< one line for `floodtwin --help`
  std::string usage;    ///< full usage text for `floodtwin COMMAND --help`
  /// Runs the command with the arguments after its name; returns the exit code.
  /// Throws floodtwin::Error subclasses; main() maps them to exit codes.
  std::function<int(const std::vector<std::string>& args)> run;
};

/// All registered commands by name.
std::map<std::string, Command>& commands();

/// Registers a command at static-initialisation time:
///   static const floodtwin::cli::Registration reg("info", {...});
struct Registration {
  Registration(const std::string& name, Command command);
};

}  // namespace floodtwin::cli
