#include "twin/state_store.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <regex>

#include "driver/inputs.hpp"
#include "solver/error.hpp"

namespace floodtwin::twin {

namespace fs = std::filesystem;

namespace {

std::tm utc(double epoch) {
  const auto t = static_cast<std::time_t>(std::floor(epoch));
  std::tm tm{};
  gmtime_r(&t, &tm);
  return tm;
}

}  // namespace

std::string inputs_hash(const scenarios::Scenario& s) {
  // Rain is forcing: it comes from the twin's observations and forecasts, not from the state.
  scenarios::Scenario without_rain = s;
  without_rain.rain_stations.clear();
  without_rain.rain_series.clear();
  without_rain.rain_uniform.clear();
  without_rain.rain_grids.clear();
  return driver::inputs_hash(without_rain);
}

std::string stamp(double epoch, bool seconds) {
  const std::tm tm = utc(epoch);
  char out[32];
  std::strftime(out, sizeof out, seconds ? "%Y%m%dT%H%M%SZ" : "%Y%m%dT%H%MZ", &tm);
  return out;
}

std::string iso(double epoch) {
  const std::tm tm = utc(epoch);
  char out[32];
  std::strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return out;
}

std::string hours(double seconds) {
  char out[32];
  std::snprintf(out, sizeof out, "%.4g h", seconds / 3600);
  return out;
}

std::string state_name(const std::string& scenario_stem, double epoch, const std::string& hash) {
  return scenario_stem + "_" + stamp(epoch, true) + "_" + hash + ".state.h5";
}

std::vector<StoredState> list_states(const fs::path& dir, const std::string& scenario_stem) {
  std::vector<StoredState> out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return out;
  static const std::regex name(
      R"(^(.*)_(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z_([0-9a-f]{16})\.state\.h5$)");
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (!entry.is_regular_file(ec)) continue;
    const std::string file = entry.path().filename().string();
    std::smatch m;
    if (!std::regex_match(file, m, name) || m[1].str() != scenario_stem) continue;
    std::tm tm{};
    tm.tm_year = std::stoi(m[2].str()) - 1900;
    tm.tm_mon = std::stoi(m[3].str()) - 1;
    tm.tm_mday = std::stoi(m[4].str());
    tm.tm_hour = std::stoi(m[5].str());
    tm.tm_min = std::stoi(m[6].str());
    tm.tm_sec = std::stoi(m[7].str());
    out.push_back({entry.path(), static_cast<double>(timegm(&tm)), m[8].str()});
  }
  std::sort(out.begin(), out.end(),
            [](const StoredState& a, const StoredState& b) { return a.time > b.time; });
  return out;
}

}  // namespace floodtwin::twin
