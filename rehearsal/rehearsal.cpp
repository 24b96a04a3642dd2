#include "rehearsal/rehearsal.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <sstream>

#include "driver/forecast.hpp"
#include "io/file_lock.hpp"
#include "scenarios/scenario.hpp"
#include "solver/error.hpp"
#include "solver/simulation.hpp"
#include "terrain/rainfall.hpp"
#include "twin/cycle.hpp"

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
  // Even-odd rule: is (x, y) inside the polygon?
  auto inside = [&](double x, double y) {
    const auto& p = breach.polygon;
    bool in = false;
    for (std::size_t k = 0, m = p.size() - 1; k < p.size(); m = k++) {
      const double xk = p[k][0], yk = p[k][1], xm = p[m][0], ym = p[m][1];
      if ((yk > y) != (ym > y) && x < (xm - xk) * (y - yk) / (ym - yk) + xk) in = !in;
    }
    return in;
  };
  const bool polygon = !breach.polygon.empty();
  std::size_t changed = 0;
  for (int j = 0; j < grid.ny; ++j) {
    for (int i = 0; i < grid.nx; ++i) {
      const std::size_t c = static_cast<std::size_t>(j) * static_cast<std::size_t>(grid.nx) +
                            static_cast<std::size_t>(i);
      if (std::isnan(out[c])) continue;
      const double x = grid.x_center(i), y = grid.y_center(j);
      if (polygon ? !inside(x, y) : !(dist2(x, y) <= r * r)) continue;
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

}  // namespace

void apply_variant(driver::Forecast& f, const scenarios::Variant& v, double start,
                   std::vector<std::string>& notes, const std::string& where) {
  solver::Simulation& sim = *f.sim;
  const double duration = f.scenario.duration;
  if (v.rain_factor != 1.0) {
    if (!f.rain) {
      throw ConfigError(where +
                        "rain_factor: the run has no rain ([rainfall] series, uniform or "
                        "grids; a cycle's forecast rain) to scale");
    }
    f.rain = std::make_shared<terrain::RainfallField>(
        terrain::RainfallField::scaled(f.rain, static_cast<Real>(v.rain_factor)));
    notes.push_back("rain x " + shortest(v.rain_factor));
  }
  if (v.inflow) {
    const scenarios::InflowChange& in = *v.inflow;
    solver::TimeSeries q;
    if (in.discharge) {
      q = solver::TimeSeries(static_cast<Real>(*in.discharge));
    } else {
      std::vector<Real> t, val;
      for (const auto& p : in.series) {
        t.push_back(static_cast<Real>(start + p[0]));
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
    if (!(start + b.time < duration)) {
      std::ostringstream msg;
      msg << where << "breach: time " << b.time << " s is not before the end of the run ("
          << duration - start << " s)";
      throw ConfigError(msg.str());
    }
    std::size_t cells = 0;
    std::vector<Real> z = breach_bed(sim.grid(), sim.elevation(), b, &cells);
    if (cells == 0) {
      throw ConfigError(where + (b.polygon.empty()
                                     ? "breach: no active cell centre within width / 2 (" +
                                           shortest(0.5 * b.width) + " m) of the breach is lowered"
                                     : std::string("breach: no active cell centre "
                                                   "inside the polygon is lowered")));
    }
    sim.schedule_elevation(static_cast<Real>(start + b.time), std::move(z));
    notes.push_back("breach of " + std::to_string(cells) + " cell(s) at t = " + shortest(b.time) +
                    " s");
  }
}

namespace {

std::string where_of(const scenarios::Variant& v) {
  return v.file.empty() ? "variant '" + v.name + "': "
                        : v.file + ":" + std::to_string(v.line) + ": variant '" + v.name + "': ";
}

/// The baseline (when asked) and the variants, checked, names unique.
std::vector<scenarios::Variant> all_variants(const std::vector<scenarios::Variant>& variants,
                                             bool baseline) {
  std::vector<scenarios::Variant> all;
  if (baseline) {
    scenarios::Variant b;
    b.name = "baseline";
    all.push_back(b);
  }
  for (const scenarios::Variant& v : variants) {
    const std::string where = where_of(v);
    scenarios::check_variant(v, where);
    for (const auto& a : all) {
      if (a.name == v.name) {
        throw ConfigError(where + "the name is used twice" +
                          (v.name == "baseline" ? " (baseline is the run as it is)" : ""));
      }
    }
    all.push_back(v);
  }
  if (all.empty()) throw ConfigError("rehearse: no variant to run");
  return all;
}

/// comparison.csv, written whole and renamed.
std::string write_comparison(const fs::path& out, const Rehearsal& r) {
  const fs::path csv = out / "comparison.csv";
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
    for (const VariantRun& run : r.runs) {
      for (std::size_t z = 0; z < run.impacts.zone_id.size(); ++z) {
        const std::vector<std::string> row = impacts::zone_row(run.impacts, z);
        f << quoted(run.name);
        for (std::size_t k = 0; k + 1 < cols.size(); ++k) f << ',' << quoted(row[k]);
        f << '\n';
      }
    }
    if (!f) throw IoError(partial.string() + ": write failed");
  }
  fs::rename(partial, csv);
  return csv.string();
}

}  // namespace

namespace {

/// One variant's run, prepared: the forecast with the variant applied, and what its impacts
/// need (the rain the warning levels' indicators see, the forecast time).
struct Leg {
  driver::Forecast forecast;
  std::shared_ptr<const terrain::RainfallField> impacts_rain;
  std::optional<double> until;  ///< end of the run [s]; the scenario's duration when unset
  std::string forecast_time;    ///< T0 for lead times; empty: from the scenario's start
  std::string title;
};

/// Runs every variant from a fresh preparation (a run changes its forecast's state), each into
/// <out>/<name>/, then writes comparison.csv. One rehearsal at a time per folder.
Rehearsal run_variants(const std::vector<scenarios::Variant>& all, const RehearsalOptions& options,
                       const std::function<Leg(const scenarios::Variant&, VariantRun&)>& prepare) {
  Rehearsal out;
  fs::create_directories(options.out);
  // A second rehearsal into the same folder is refused, naming the first.
  const io::FileLock lock(options.out / ".rehearse.lock", "rehearsal into " + options.out.string());
  for (const scenarios::Variant& v : all) {
    VariantRun run;
    run.name = v.name;
    const fs::path folder = options.out / v.name;
    fs::create_directories(folder);
    Leg leg = prepare(v, run);
    driver::RunOptions ro;
    if (leg.until) ro.until = *leg.until;
    ro.output = (folder / (v.name + ".h5")).string();
    ro.threads = options.threads;
    ro.title = leg.title + ", variant " + v.name;
    ro.command_line = options.command_line;
    const driver::RunSummary summary = driver::run(leg.forecast, ro);
    run.results = summary.results;
    impacts::ImpactsOptions io;
    io.out = folder / (v.name + "_impacts");
    io.rain = leg.impacts_rain.get();
    io.forecast_time = leg.forecast_time;
    run.impacts = impacts::run_impacts(summary.results, leg.forecast.scenario, io);
    out.runs.push_back(std::move(run));
  }
  out.comparison = write_comparison(options.out, out);
  return out;
}

}  // namespace

Rehearsal rehearse(const std::string& scenario_path,
                   const std::vector<scenarios::Variant>& variants,
                   const RehearsalOptions& options) {
  scenarios::Scenario base = scenarios::load_scenario(scenario_path);
  if (!base.impacts) {
    throw ConfigError(scenario_path + ": rehearse needs an [impacts] table in the scenario");
  }
  base.vtk_dir.clear();
  const std::string title = "floodtwin rehearse: " + fs::path(scenario_path).filename().string();
  return run_variants(all_variants(variants, options.baseline), options,
                      [&](const scenarios::Variant& v, VariantRun& run) {
                        Leg leg{driver::prepare(base), nullptr, std::nullopt, "", title};
                        apply_variant(leg.forecast, v, 0.0, run.notes, where_of(v));
                        leg.impacts_rain = leg.forecast.rain;  // the variant's rain
                        return leg;
                      });
}

Rehearsal rehearse_cycle(const twin::TwinSpec& twin, const std::string& cycle,
                         const std::vector<scenarios::Variant>& variants,
                         const RehearsalOptions& options) {
  if (!twin.scenario.impacts) {
    throw ConfigError(twin.file + ": rehearse needs an [impacts] table in the twin's scenario " +
                      twin.scenario.file);
  }
  const std::string title = "floodtwin rehearse: " + fs::path(twin.file).filename().string();
  return run_variants(
      all_variants(variants, options.baseline), options,
      [&](const scenarios::Variant& v, VariantRun& run) {
        // Prepared afresh per variant: the cycle's state at T0, checked against the twin's
        // inputs as they are now (a change mid-rehearsal is refused, not mixed in).
        twin::CycleForecast cf = twin::prepare_cycle_forecast(twin, cycle, options.lead);
        const twin::CycleSummary& sum = cf.summary;
        run.notes.push_back("cycle " + sum.cycle + ": forecast from the state at T0 " + sum.t0 +
                            " (" + fs::path(sum.state_used).filename().string() + ")");
        for (const twin::DataIssue& i : sum.issues) run.notes.push_back("WARN " + i.message);
        apply_variant(cf.forecast, v, sum.t0_seconds, run.notes, where_of(v));
        // The impacts' rain indicators see the variant's forecast rain after T0.
        std::shared_ptr<const terrain::RainfallField> impacts_rain = cf.impacts_rain;
        if (v.rain_factor != 1.0 && impacts_rain) {
          const Real t0 = static_cast<Real>(sum.t0_seconds);
          constexpr Real inf = std::numeric_limits<Real>::infinity();
          impacts_rain = std::make_shared<terrain::RainfallField>(terrain::RainfallField::compose(
              cf.forecast.sim->grid(),
              {{impacts_rain, -inf, t0, 1},
               {impacts_rain, t0, inf, static_cast<Real>(v.rain_factor)}}));
        }
        return Leg{std::move(cf.forecast), impacts_rain, sum.t0_seconds + sum.lead, sum.t0,
                   title + ", cycle " + sum.cycle};
      });
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
