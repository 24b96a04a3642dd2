#pragma once
/// @file rehearsal.hpp
/// Rehearsal: named what-if variants of a scenario, or of a forecast cycle's forecast leg
/// (scenarios/variants.hpp: rain scaled, an extra inflow, a levee breach along a line or over
/// a polygon at a time) run side by side through the forecast driver, each with its impacts
/// (impacts/run.hpp), and a comparison table of their impacts. The one implementation behind
/// `floodtwin rehearse` and Python's floodtwin.rehearse.
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "driver/forecast.hpp"
#include "impacts/run.hpp"
#include "scenarios/variants.hpp"
#include "solver/grid.hpp"
#include "solver/real.hpp"
#include "twin/twin_file.hpp"

namespace floodtwin::rehearsal {

using solver::Real;

/// The bed after a breach (pure): every cell whose centre lies within width / 2 of the
/// breach's polyline (one point: of the point), or inside its polygon (even-odd rule), gets
/// min(z, level) or z - depth; NaN (inactive) cells stay NaN. `cells` (if given) receives the number of cells changed.
/// @param z  bed [m], nx * ny, row-major, row 0 north (Simulation::elevation())
std::vector<Real> breach_bed(const solver::Grid& grid, std::span<const Real> z,
                             const scenarios::BreachChange& breach, std::size_t* cells = nullptr);

struct RehearsalOptions {
  std::filesystem::path out;  ///< folder: out/<variant>/ and out/comparison.csv
  int threads = 0;            ///< recorded in the results (the caller sets OpenMP)
  /// Run the scenario as it is first, as variant "baseline".
  bool baseline = true;
  std::vector<std::string> command_line;
  std::optional<double> lead;  ///< [s] a cycle's forecast lead; unset: the twin's [forecast] lead
};

struct VariantRun {
  std::string name;
  std::string results;             ///< out/<name>/<name>.h5
  std::vector<std::string> notes;  ///< what the variant changed
  impacts::ImpactsResult impacts;  ///< its impacts (folder out/<name>/<name>_impacts/)
};

struct Rehearsal {
  std::vector<VariantRun> runs;  ///< baseline first (when run), then the variants in order
  std::string comparison;        ///< out/comparison.csv
};

/// Applies a variant to a prepared run: the rain (any kind) scaled, an inflow added (point
/// source or side boundary), a breach scheduled. Times in the variant (inflow series, breach
/// time) count from `start` [s on the run's clock]: 0 for a scenario, T0 for a cycle's
/// forecast. What was changed is appended to `notes`; a change that cannot apply is a
/// ConfigError prefixed with `where`.
void apply_variant(driver::Forecast& f, const scenarios::Variant& v, double start,
                   std::vector<std::string>& notes, const std::string& where);

/// The columns of comparison.csv: variant, then zone, name and the contract columns of
/// zones.csv (level, level_time, flooded_area_m2, max_depth_m, people_affected,
/// buildings_flooded, damage, roads_cut_m), the same text as in each zones.csv.
const std::vector<std::string>& comparison_columns();

/// Runs each variant of the scenario (which needs [impacts]) into options.out/<name>/ and
/// writes options.out/comparison.csv (one row per variant and zone). Throws ConfigError for a
/// scenario without [impacts], a variant that cannot apply (rain_factor on gridded rain, a
/// breach that selects no cell or after the end, an inflow outside the grid), naming it.
Rehearsal rehearse(const std::string& scenario_path,
                   const std::vector<scenarios::Variant>& variants,
                   const RehearsalOptions& options);

/// The variants of a published forecast cycle (its name YYYYmmddTHHMMZ or its T0): each runs
/// the cycle's forecast leg from the state the cycle saved at T0 (twin::prepare_cycle_forecast;
/// forecast rain and inflows as the files are now), with the variant's changes counted from T0,
/// into options.out/<name>/, with impacts and lead times from T0; options.out/comparison.csv as
/// for a scenario. The baseline reproduces the cycle's own forecast.
Rehearsal rehearse_cycle(const twin::TwinSpec& twin, const std::string& cycle,
                         const std::vector<scenarios::Variant>& variants,
                         const RehearsalOptions& options);

/// The comparison as a fixed-width text table (variant, zone, level, time, people, buildings,
/// damage, flooded area) for the terminal.
std::string comparison_table(const Rehearsal& r);

}  // namespace floodtwin::rehearsal
