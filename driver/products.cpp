#include "driver/products.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <sstream>
#include <system_error>

#include "driver/forecast.hpp"
#include "driver/inputs.hpp"
#include "io/file_lock.hpp"
#include "io/results_reader.hpp"
#include "scenarios/scenario.hpp"
#include "solver/error.hpp"
#include "solver/simulation.hpp"
#include "terrain/rainfall.hpp"
#include "terrain/raster.hpp"

namespace floodtwin::driver {

namespace fs = std::filesystem;

namespace {

/// A fresh folder beside `target` for writing it before it is moved into place.
fs::path scratch_folder(const fs::path& target) {
  const fs::path parent = target.has_parent_path() ? target.parent_path() : fs::path(".");
  for (int k = 0; k < 1000; ++k) {
    std::string name = ".";  // appended piecewise: GCC 12 warns (-Wrestrict) on "." + string
    name.append(target.filename().string()).append(".partial-");
    name.append(std::to_string(::getpid())).append("-").append(std::to_string(k));
    const fs::path dir = parent / name;
    std::error_code ec;
    if (fs::create_directory(dir, ec)) return dir;
    if (ec)
      throw IoError("export: cannot create a scratch folder in " + parent.string() + ": " +
                    ec.message());
  }
  throw IoError("export: no free scratch folder name beside " + target.string());
}

}  // namespace

std::string clock_text(double seconds) {
  char buf[48];
  const long s = std::lround(seconds);
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%ldh%02ldm%02lds", s / 3600, (s / 60) % 60, s % 60);
  } else if (s >= 60) {
    std::snprintf(buf, sizeof buf, "%ldm%02lds", s / 60, s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%lds", s);
  }
  return buf;
}

std::string exact_duration_text(double seconds) {
  if (!std::isfinite(seconds)) return std::to_string(seconds) + "s";
  const double whole = std::floor(std::abs(seconds) / 60) * 60;  // hours and minutes
  const double rest = std::abs(seconds) - whole;
  char sec[48];
  std::snprintf(sec, sizeof sec, "%.15g", rest);
  std::string out = seconds < 0 ? "-" : "";
  if (whole >= 60) {
    const long long minutes = std::llround(whole / 60);
    char hm[64];
    if (minutes >= 60) {
      std::snprintf(hm, sizeof hm, "%lldh%02lldm", minutes / 60, minutes % 60);
    } else {
      std::snprintf(hm, sizeof hm, "%lldm", minutes);
    }
    out += hm;
    if (rest < 10) out += "0";
  }
  return out + sec + "s";
}

ScenarioCheck validate_scenario(const std::string& path) {
  const scenarios::Scenario scenario = scenarios::load_scenario(path);
  refuse_outputs_over_inputs(scenario, scenario.output, scenario.vtk_dir, "validate:");
  check_output_folder(scenario.output, scenario.file + ": [output] path");
  if (!scenario.vtk_dir.empty()) {
    check_output_folder((fs::path(scenario.vtk_dir) / "flood.pvd").string(),
                        scenario.file + ": [output] vtk");
  }
  const Forecast forecast = prepare(scenario);
  // A series that ends before the duration is refused here as `run` refuses it (driver::run).
  forecast.sim->check_forcing(static_cast<Real>(scenario.duration));
  if (forecast.rain) forecast.rain->check_covers(static_cast<Real>(scenario.duration));
  ScenarioCheck c;
  c.file = scenario.file;
  c.notes = forecast.notes;
  for (const auto& n : output_notes(scenario, scenario.output, scenario.vtk_dir)) {
    c.notes.push_back("note: " + n);
  }
  const solver::Grid& g = forecast.sim->grid();
  c.nx = g.nx;
  c.ny = g.ny;
  c.dx = g.dx;
  c.dy = g.dy;
  c.active_cells = forecast.sim->active_cells();
  c.boundaries = scenario.boundaries.size();
  c.point_sources = scenario.point_sources.size();
  c.gauges = scenario.gauges.size();
  c.scheme = solver::to_string(scenario.scheme);
  if (scenario.scheme == solver::Scheme::second_order) {
    c.limiter = solver::to_string(scenario.limiter);
  }
  c.duration = scenario.duration;
  c.output_interval = scenario.output_interval;
  c.output = scenario.output;
  c.vtk_dir = scenario.vtk_dir;
  return c;
}

std::string format_check(const ScenarioCheck& c) {
  std::ostringstream out;
  out << c.file << ": valid\n";
  for (const auto& n : c.notes) out << "  " << n << "\n";
  out << "  grid " << c.nx << " x " << c.ny << " cells of " << c.dx << " x " << c.dy << " m, "
      << c.active_cells << " active\n";
  out << "  " << c.boundaries << " boundaries, " << c.point_sources << " point sources, "
      << c.gauges << " gauges; " << c.scheme
      << (c.limiter.empty() ? std::string() : " (" + c.limiter + " limiter)") << ", duration "
      << exact_duration_text(c.duration) << ", output every "
      << exact_duration_text(c.output_interval) << "\n";
  out << "  results: " << c.output << "\n";
  if (!c.vtk_dir.empty()) out << "  VTK series: " << c.vtk_dir << "\n";
  return out.str();
}

ExportedMap export_map(const std::string& results, const std::string& out,
                       const std::string& variable, const std::string& time,
                       const std::string& format) {
  if (variable.empty()) throw ConfigError("export: a variable is required (e.g. max_depth)");
  if (out.empty()) throw ConfigError("export: an output file is required");
  // Never over the results read; one writer per output (`<out>.lock`), before anything else.
  io::refuse_output_over_inputs(out, {results}, "export: OUT");
  const io::FileLock lock(io::lock_path(out), "export to " + out);
  const io::ResultsReader reader(results);
  auto maps = [&]() {
    std::string names;
    for (const auto& v : reader.variables()) {
      if (reader.shape(v).size() >= 2) names += (names.empty() ? "" : ", ") + v;
    }
    return names;
  };
  if (!reader.has_variable(variable)) {
    throw InputError("export: " + results + " has no variable '" + variable + "'; maps: " + maps());
  }
  ExportedMap e;
  e.path = out;
  e.variable = variable;
  e.format = format;
  const auto shape = reader.shape(variable);
  std::vector<double> values;
  if (shape.size() == 2) {
    values = reader.read(variable);
  } else if (shape.size() == 3) {
    const auto times = reader.times();
    const std::size_t index = io::snapshot_index(times, time, results);
    e.time = times[index];
    values = reader.read_snapshot(variable, index);
  } else {
    throw InputError("export: '" + variable + "' of " + results + " is not a map (it has " +
                     std::to_string(shape.size()) + " dimensions); maps: " + maps());
  }
  const io::ResultsSummary summary = io::read_results_summary(results, 0);
  solver::Grid grid;
  grid.nx = reader.nx();
  grid.ny = reader.ny();
  grid.dx = summary.dx;
  grid.dy = summary.dy;
  grid.origin_x = summary.x_min;
  grid.origin_y = summary.y_max;
  e.nx = grid.nx;
  e.ny = grid.ny;
  const std::vector<Real> field(values.begin(), values.end());
  terrain::WriteOptions wo;
  wo.data_type = "Float32";
  wo.metadata["SOURCE"] = results + ":" + variable;
  if (e.time >= 0) wo.metadata["TIME_SECONDS"] = std::to_string(e.time);

  // Written in a scratch folder and moved into place, side-car files (.aux.xml, .hdr) too.
  const fs::path target(out);
  const fs::path scratch = scratch_folder(target);
  try {
    terrain::write_raster((scratch / target.filename()).string(), format, grid, field,
                          summary.crs_wkt, std::numeric_limits<double>::quiet_NaN(), wo);
    const fs::path parent = target.has_parent_path() ? target.parent_path() : fs::path(".");
    for (const auto& entry : fs::directory_iterator(scratch)) {
      fs::rename(entry.path(), parent / entry.path().filename());
    }
  } catch (const fs::filesystem_error& err) {
    std::error_code ec;
    fs::remove_all(scratch, ec);
    throw IoError("export: cannot move the raster into place at " + out + ": " + err.what());
  } catch (const Error& err) {
    // The message names the scratch copy; the user asked for `out`.
    std::string message = err.what();
    const std::string scratch_name = (scratch / target.filename()).string();
    for (auto at = message.find(scratch_name); at != std::string::npos;
         at = message.find(scratch_name, at + out.size())) {
      message.replace(at, scratch_name.size(), out);
    }
    std::error_code ec;
    fs::remove_all(scratch, ec);
    if (dynamic_cast<const ConfigError*>(&err) != nullptr) throw ConfigError(message);
    if (dynamic_cast<const InputError*>(&err) != nullptr) throw InputError(message);
    throw IoError(message);
  } catch (...) {
    std::error_code ec;
    fs::remove_all(scratch, ec);
    throw;
  }
  std::error_code ec;
  fs::remove_all(scratch, ec);
  return e;
}

}  // namespace floodtwin::driver
