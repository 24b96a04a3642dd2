#pragma once
/// @file spec.hpp
/// The [ensemble] table of a scenario file (docs/ensemble.md): how many members, the seed,
/// the perturbations drawn per member (rain factor, rain timing shift, Manning factor,
/// infiltration factors), the forecast-rain members (one file per member, or one CSV with a
/// member column) and the products (exceedance thresholds, quantiles). Read with toml++ from
/// the same TOML file the scenario loader reads (which accepts the table and ignores it).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "scenarios/scenario.hpp"

namespace floodtwin::ensemble {

/// A distribution a per-member value is drawn from.
struct Distribution {
  enum class Kind { fixed, normal, lognormal, uniform };
  Kind kind = Kind::fixed;
  double a = 0;  ///< fixed: value; normal: mean; lognormal: median; uniform: min
  double b = 0;  ///< normal: sd; lognormal: sigma; uniform: max
  [[nodiscard]] std::string describe() const;
};

/// One perturbed quantity: its key in [ensemble] and its distribution.
struct Perturbation {
  std::string key;  ///< "rain_factor", "rain_shift", "manning_factor", ...
  Distribution distribution;
  int line = 0;
};

struct EnsembleSpec {
  std::string file;  ///< the scenario file
  int line = 0;      ///< line of the [ensemble] table
  int members = 0;
  std::uint64_t seed = 0;
  /// Perturbations, in the order of perturbation_keys(); absent ones are not drawn.
  std::vector<Perturbation> perturbations;
  /// Forecast-rain members: a path with "{member}" (one file per member, replacing the
  /// scenario's [rainfall] series, uniform or grids file) or a CSV whose second column is
  /// `member` (split per member). Empty: the scenario's rain for every member.
  std::string rain_members;
  int rain_members_line = 0;
  std::vector<double> thresholds{0.1, 0.3, 1.0};  ///< m
  std::vector<double> quantiles{0.1, 0.5, 0.9};   ///< in [0, 1]
  [[nodiscard]] const Perturbation* find(const std::string& key) const;
};

/// The perturbation keys [ensemble] knows, in the order their draws are listed.
const std::vector<std::string>& perturbation_keys();

/// Reads the [ensemble] table of `scenario.file`. Throws ConfigError naming file, line and key
/// for 0 members, an unknown distribution, a negative sigma or sd, min > max, a factor that
/// can be negative (normal rain_factor with mean <= 0), an unknown key, thresholds or
/// quantiles out of range; and for perturbations the scenario cannot take (rain_factor
/// without [rainfall], infiltration factors without that model). No [ensemble] table: an
/// EnsembleSpec with `members` 0 and `line` 0 (the caller decides whether that is an error).
EnsembleSpec load_ensemble_spec(const scenarios::Scenario& scenario);

}  // namespace floodtwin::ensemble
