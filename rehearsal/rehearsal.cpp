#include "rehearsal/rehearsal.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <sstream>

#include "driver/forecast.hpp"
#include "scenarios/scenario.hpp"
#include "solver/error.hpp"
#include "solver/simulation.hpp"
#include "terrain/rainfall.hpp"

namespace floodtwin::rehearsal {

namespace fs = std::filesystem;

std::vector<Real> breach_bed(const solver::Grid& grid, std::span<const Real> z,
                             const scenarios::BreachChange& breach, std::size_t* cells) {
  std::vector<Real> out(z.begin(), z.end());
  const double r = 0.5 * breach.width;
  // Squared distance from (x, y) to the polyline (one point: to the point).
  auto dist2 = [&](double x, double y) {
    const auto& p = breach.line;
    double best = std::numeric_limits<double>::infinity();
    if (p.size() == 1) return (x - p[0][0]) * (x - p[0][0]) + (y - p[0][1]) * (y - p[0][1]);
    for (std::size_t k = 1; k < p.size(); ++k) {
      const double ax = p[k - 1][0], ay = p[k - 1][1];
      const double bx = p[k][0] - ax, by = p[k][1] - ay;
      const double len2 = bx * bx + by * by;
      double t = len2 > 0 ? ((x - ax) * bx + (y - ay) * by) / len2 : 0.0;
      t = std::clamp(t, 0.0, 1.0);
      const double dx = x - (ax + t * bx), dy = y - (ay + t * by);
      best = std::min(best, dx * dx + dy * dy);
    }
    return best;
  };
  std::size_t changed = 0;
  for (int j = 0; j < grid.ny; ++j) {
    for (int i = 0; i < grid.nx; ++i) {
      const std::size_t c = static_cast<std::size_t>(j) * static_cast<std::size_t>(grid.nx) +
                            static_cast<std::size_t>(i);
      if (std::isnan(out[c])) continue;
      if (!(dist2(grid.x_center(i), grid.y_center(j)) <= r * r)) continue;
      const Real before = out[c];
      out[c] = breach.level ? std::min(out[c], static_cast<Real>(*breach.level))
                            : out[c] - static_cast<Real>(*breach.depth);
      if (out[c] != before) ++changed;
    }
  }
  if (cells != nullptr) *cells = changed;
  return out;
}

const std::vector<std::string>& comparison_columns() {
  static const std::vector<std::string> c = [] {
    std::vector<std::string> cols{"variant"};
    const auto& z = impacts::zone_columns();
    cols.insert(cols.end(), z.begin(), z.begin() + 10);  // the contract columns of zones.csv
    return cols;
  }();
  return c;
}

namespace {

std::string shortest(double v) {
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, res.ptr);
}

/// A copy of a rain CSV (time column first; `#` comment lines and the header kept) with every
/// number after the first column multiplied by `factor`; other cells (missing values) kept.
void scale_rain_csv(const std::string& from, const fs::path& to, double factor) {
  std::ifstream in(from, std::ios::binary);
  if (!in) throw IoError(from + ": cannot read the rain series to scale");
  std::ofstream out(to, std::ios::binary);
  if (!out) throw IoError(to.string() + ": cannot write the scaled rain series");
  std::string line;
  bool header_seen = false;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line[first] == '#' || !header_seen) {
      header_seen = header_seen || !(first == std::string::npos || line[first] == '#');
      out << line << '\n';
      continue;
    }
    std::stringstream cells(line);
    std::string cell, row;
    for (int k = 0; std::getline(cells, cell, ','); ++k) {
      if (k > 0) {
        row += ',';
        const auto a = cell.find_first_not_of(" \t");
        const auto b = cell.find_last_not_of(" \t");
        double v = 0;
        if (a != std::string::npos) {
          const char* s = cell.data() + a;
          const char* e = cell.data() + b + 1;
          const auto res = std::from_chars(s, e, v);
          if (res.ec == std::errc() && res.ptr == e && std::isfinite(v)) {
            row += shortest(v * factor);
            continue;
          }
        }
      }
      row += cell;
    }
    if (!line.empty() && line.back() == ',') row += ',';
    out << row << '\n';
  }
  if (!out) throw IoError(to.string() + ": write failed");
}

/// The scenario of a variant: rain files scaled into `folder`, no VTK output.
scenarios::Scenario variant_scenario(const scenarios::Scenario& base, const scenarios::Variant& v,
                                     const fs::path& folder, std::vector<std::string>& notes,
                                     const std::string& where) {
  scenarios::Scenario s = base;
  s.vtk_dir.clear();
  if (v.rain_factor != 1.0) {
    if (!s.rain_grids.empty()) {
      throw ConfigError(where +
                        "rain_factor: gridded rain ([rainfall] grids) cannot be scaled yet");
    }
    if (s.rain_uniform.empty() && s.rain_series.empty()) {
      throw ConfigError(where + "rain_factor: the scenario has no [rainfall] series or uniform");
    }
    for (std::string* file : {&s.rain_uniform, &s.rain_series}) {
      if (file->empty()) continue;
      const fs::path scaled = folder / ("rain_" + fs::path(*file).filename().string());
      scale_rain_csv(*file, scaled, v.rain_factor);
      notes.push_back("rain x " + shortest(v.rain_factor) + ": " + scaled.string());
      *file = scaled.string();
    }
    if (s.rain_fallback) *s.rain_fallback *= v.rain_factor;
  }
  return s;
}

void apply_changes(driver::Forecast& f, const scenarios::Variant& v, double duration,
                   std::vector<std::string>& notes, const std::string& where) {
  solver::Simulation& sim = *f.sim;
  if (v.inflow) {
    const scenarios::InflowChange& in = *v.inflow;
    solver::TimeSeries q;
    if (in.discharge) {
      q = solver::TimeSeries(static_cast<Real>(*in.discharge));
    } else {
      std::vector<Real> t, val;
      for (const auto& p : in.series) {
        t.push_back(static_cast<Real>(p[0]));
        val.push_back(static_cast<Real>(p[1]));
      }
      q = solver::TimeSeries(t, val, "variant " + v.name + " inflow series");
    }
    try {
      if (in.side) {
        solver::BoundaryCondition bc;
        bc.side = *in.side;
        bc.type = solver::BoundaryType::discharge;
        bc.series = q;
        sim.add_boundary(bc);
        notes.push_back("inflow on the " + solver::to_string(*in.side) + " side");
      } else {
        sim.add_point_source(static_cast<Real>(in.x), static_cast<Real>(in.y), q,
                             "rehearsal " + v.name);
        notes.push_back("inflow at (" + shortest(in.x) + ", " + shortest(in.y) + ")");
      }
    } catch (const Error& e) {
      throw ConfigError(where + "inflow: " + e.what());
    }
  }
  if (v.breach) {
    const scenarios::BreachChange& b = *v.breach;
    if (!(b.time < duration)) {
      std::ostringstream msg;
      msg << where << "breach: time " << b.time << " s is not before the end of the run ("
          << duration << " s)";
      throw ConfigError(msg.str());
    }
    std::size_t cells = 0;
    std::vector<Real> z = breach_bed(sim.grid(), sim.elevation(), b, &cells);
    if (cells == 0) {
      throw ConfigError(where + "breach: no active cell centre within width / 2 (" +
                        shortest(0.5 * b.width) + " m) of the breach is lowered");
    }
    sim.schedule_elevation(static_cast<Real>(b.time), std::move(z));
    notes.push_back("breach of " + std::to_string(cells) + " cell(s) at t = " + shortest(b.time) +
                    " s");
  }
}

}  // namespace

Rehearsal rehearse(const std::string& scenario_path,
                   const std::vector<scenarios::Variant>& variants,
                   const RehearsalOptions& options) {
  const scenarios::Scenario base = scenarios::load_scenario(scenario_path);
  if (!base.impacts) {
    throw ConfigError(scenario_path + ": rehearse needs an [impacts] table in the scenario");
  }
  std::vector<scenarios::Variant> all;
  if (options.baseline) {
    scenarios::Variant b;
    b.name = "baseline";
    all.push_back(b);
  }
  for (const scenarios::Variant& v : variants) {
    const std::string where =
        v.file.empty() ? "variant '" + v.name + "': "
                       : v.file + ":" + std::to_string(v.line) + ": variant '" + v.name + "': ";
    scenarios::check_variant(v, where);
    for (const auto& a : all) {
      if (a.name == v.name) {
        throw ConfigError(where + "the name is used twice" +
                          (v.name == "baseline" ? " (baseline is the scenario as it is)" : ""));
      }
    }
    all.push_back(v);
  }
  if (all.empty()) throw ConfigError("rehearse: no variant to run");
  Rehearsal out;
  fs::create_directories(options.out);
  for (const scenarios::Variant& v : all) {
    const std::string where =
        v.file.empty() ? "variant '" + v.name + "': "
                       : v.file + ":" + std::to_string(v.line) + ": variant '" + v.name + "': ";
    VariantRun run;
    run.name = v.name;
    const fs::path folder = options.out / v.name;
    fs::create_directories(folder);
    const scenarios::Scenario s = variant_scenario(base, v, folder, run.notes, where);
    driver::Forecast f = driver::prepare(s);
    apply_changes(f, v, s.duration, run.notes, where);
    driver::RunOptions ro;
    ro.output = (folder / (v.name + ".h5")).string();
    ro.threads = options.threads;
    ro.title = "floodtwin rehearse: " + fs::path(scenario_path).filename().string() + ", variant " +
               v.name;
    ro.command_line = options.command_line;
    const driver::RunSummary summary = driver::run(f, ro);
    run.results = summary.results;
    impacts::ImpactsOptions io;
    io.out = folder / (v.name + "_impacts");
    io.rain = f.rain.get();
    run.impacts = impacts::run_impacts(summary.results, s, io);
    out.runs.push_back(std::move(run));
  }
  // comparison.csv, written whole and renamed.
  const fs::path csv = options.out / "comparison.csv";
  fs::path partial = csv;
  partial += ".partial";
  {
    std::ofstream f(partial, std::ios::binary);
    if (!f) throw IoError(partial.string() + ": cannot write");
    const auto& cols = comparison_columns();
    for (std::size_t k = 0; k < cols.size(); ++k) f << (k ? "," : "") << cols[k];
    f << '\n';
    auto quoted = [](const std::string& t) {
      if (t.find_first_of(",\"\n") == std::string::npos) return t;
      std::string q = "\"";
      for (const char c : t) q += c == '"' ? std::string("\"\"") : std::string(1, c);
      return q + "\"";
    };
    for (const VariantRun& r : out.runs) {
      for (std::size_t z = 0; z < r.impacts.zone_id.size(); ++z) {
        const std::vector<std::string> row = impacts::zone_row(r.impacts, z);
        f << quoted(r.name);
        for (std::size_t k = 0; k + 1 < cols.size(); ++k) f << ',' << quoted(row[k]);
        f << '\n';
      }
    }
    if (!f) throw IoError(partial.string() + ": write failed");
  }
  fs::rename(partial, csv);
  out.comparison = csv.string();
  return out;
}

std::string comparison_table(const Rehearsal& r) {
  std::ostringstream t;
  char line[256];
  std::snprintf(line, sizeof line, "%-14s %-10s %-10s %-20s %10s %9s %14s %14s\n", "variant",
                "zone", "level", "level_time", "people", "buildings", "damage", "flooded_m2");
  t << line;
  for (const VariantRun& v : r.runs) {
    for (std::size_t z = 0; z < v.impacts.zone_id.size(); ++z) {
      const impacts::ZoneImpact& i = v.impacts.impacts[z];
      const std::vector<std::string> row = impacts::zone_row(v.impacts, z);
      std::snprintf(line, sizeof line, "%-14s %-10s %-10s %-20s %10.0f %9zu %14.0f %14.0f\n",
                    v.name.c_str(), v.impacts.zone_id[z].c_str(),
                    row[2].empty() ? "-" : row[2].c_str(), row[3].empty() ? "-" : row[3].c_str(),
                    i.people_affected, i.buildings_flooded, i.damage, i.flooded_area);
      t << line;
    }
  }
  return t.str();
}

}  // namespace floodtwin::rehearsal
