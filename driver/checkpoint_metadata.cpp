#include "driver/checkpoint_metadata.hpp"

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <sstream>
#include <stdexcept>

#include "solver/error.hpp"

namespace floodtwin::driver {

std::string format_flows(const solver::FlowAccounts& flows) {
  std::string out;
  char number[40];
  for (const double v : flows.totals()) {
    std::snprintf(number, sizeof number, "%.17g", v);
    if (!out.empty()) out.push_back(' ');
    out += number;
  }
  return out;
}

void restore_flows(solver::FlowAccounts& flows, const std::string& text, const std::string& file) {
  std::vector<double> values;
  std::istringstream in(text);
  std::string token;
  while (in >> token) {
    char* end = nullptr;
    const double v = std::strtod(token.c_str(), &end);
    if (end == token.c_str() || *end != '\0') {
      throw InputError(file + ": metadata/" + flows_key + " holds '" + token +
                       "' where a number was expected");
    }
    values.push_back(v);
  }
  try {
    flows.restore_totals(values);
  } catch (const InputError& e) {
    throw InputError(file + ": " + e.what() +
                     " (the cross-sections or boundary conditions "
                     "changed since the checkpoint was written)");
  }
}

namespace {
constexpr char field_separator = '\x1f';  // ASCII unit separator: not in gauge names
}  // namespace

std::string format_warnings(const std::vector<Warning>& warnings) {
  std::string out;
  char number[3][40];
  for (const Warning& w : warnings) {
    std::snprintf(number[0], sizeof number[0], "%.17g", w.threshold);
    std::snprintf(number[1], sizeof number[1], "%.17g", w.value);
    std::snprintf(number[2], sizeof number[2], "%.17g", w.time);
    out.append(w.gauge).push_back(field_separator);
    out.append(w.what).push_back(field_separator);
    out.append(number[0]).push_back(field_separator);
    out.append(number[1]).push_back(field_separator);
    out.append(number[2]).push_back('\n');
  }
  return out;
}

std::vector<Warning> parse_warnings(const std::string& text, const std::string& file) {
  std::vector<Warning> out;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    std::vector<std::string> fields;
    std::istringstream parts(line);
    std::string part;
    while (std::getline(parts, part, field_separator)) fields.push_back(part);
    Warning w;
    try {
      if (fields.size() != 5) throw std::invalid_argument("fields");
      w.gauge = fields[0];
      w.what = fields[1];
      w.threshold = std::stod(fields[2]);
      w.value = std::stod(fields[3]);
      w.time = std::stod(fields[4]);
    } catch (const std::exception&) {
      throw InputError(file + ": metadata/" + warnings_key + " holds a malformed line '" + line +
                       "' (expected gauge, what, threshold, value, time)");
    }
    out.push_back(std::move(w));
  }
  return out;
}

}  // namespace floodtwin::driver
