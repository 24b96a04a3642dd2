#pragma once
/// @file conditioning.hpp
/// Hydrological conditioning of a DEM: filling the closed depressions (pits) that SRTM-type
/// artefacts leave, so that rain-on-grid runs do not store water in them and the hazard map
/// is not dotted with false deep spots.
///
/// Spill levels come from priority-flood (Barnes, Lehman and Mulla 2014, "Priority-flood: an
/// optimal depression-filling and watershed-labeling algorithm", Algorithm 2 with a plain
/// priority queue): the spill level W of a cell is the lowest level water standing on it must
/// reach to leave the active region, i.e. the smallest, over all 4-connected paths from the
/// cell to an outlet, of the highest elevation on the path. Outlets are the active cells on
/// the grid's edge or next to an inactive (NaN) cell. 4-connected paths because the solver
/// exchanges water only across cell faces (a diagonal gap between two cells does not drain).
///
/// A depression is a 4-connected set of cells with W > z (all its cells share one W). It is
/// filled flat to W (no epsilon gradient: the shallow-water solver drains a flat surface by
/// its water-surface slope, unlike D8 routing), unless it is deeper than `max_depth` or holds
/// more than `max_volume`: such a depression is a real lake or basin and is kept unchanged
/// (including any smaller pits inside it).
///
/// Arrays are nx * ny, row-major, row 0 north (as solver::Grid); NaN marks inactive cells.
#include <cstddef>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "solver/real.hpp"

namespace floodtwin::terrain {

struct ConditioningOptions {
  /// A depression whose deepest cell lies more than this below its spill level is kept [m].
  double max_depth = std::numeric_limits<double>::infinity();
  /// A depression holding more than this volume below its spill level is kept [m3].
  double max_volume = std::numeric_limits<double>::infinity();
};

/// What conditioning changed.
struct ConditioningReport {
  std::size_t depressions_filled = 0;  ///< depressions raised to their spill level
  std::size_t depressions_kept = 0;    ///< deeper or larger than the limits, left unchanged
  std::size_t cells_raised = 0;
  double max_raise = 0;       ///< largest rise of a cell [m]
  double volume = 0;          ///< storage removed: sum of the rises times the cell area [m3]
  double kept_max_depth = 0;  ///< deepest kept depression [m] (0: none kept)
  /// One line for the run notes, e.g. "terrain conditioning (fill): 12 depressions filled,
  /// 30 cells raised by up to 1.2 m, 4500 m3; 1 deeper/larger depression kept (4.1 m deep)".
  [[nodiscard]] std::string summary() const;
};

/// Spill level of every cell (priority-flood); NaN for inactive cells. A cell with W = z
/// drains; W > z lies in a depression.
std::vector<Real> spill_levels(std::span<const Real> z, int nx, int ny);

/// Fills the depressions of `z` (in place) within the limits; cell area dx * dy [m2] for the
/// volumes. Throws std::invalid_argument if z.size() != nx * ny or a size is not positive.
ConditioningReport fill_depressions(std::span<Real> z, int nx, int ny, double dx, double dy,
                                    const ConditioningOptions& options = {});

/// Limits of a breach: a channel cut from a depression's lowest cell through its rim to the
/// nearest (least cut volume) draining cell at or below it, the cut falling evenly along the
/// path (4-connected), so the depression drains instead of being filled.
struct BreachOptions {
  double max_depth = std::numeric_limits<double>::infinity();   ///< deepest cut of a cell [m]
  double max_length = std::numeric_limits<double>::infinity();  ///< path length [m]
  double max_volume = std::numeric_limits<double>::infinity();  ///< cut volume per breach [m3]
};

/// What breaching changed.
struct BreachReport {
  std::size_t breaches = 0;      ///< depressions drained by a cut
  std::size_t not_breached = 0;  ///< depressions no cut within the limits drains
  std::size_t cells_lowered = 0;
  double max_cut = 0;  ///< deepest cut [m]
  double volume = 0;   ///< material removed [m3]
  /// e.g. "3 depressions breached, 7 cells lowered by up to 2.5 m, 310 m3 removed;
  /// 1 not breachable within the limits"
  [[nodiscard]] std::string summary() const;
};

/// Breaches the depressions of `z` (in place) within the limits, repeatedly until no
/// depression can be breached (a breach may leave a nested pit, breached in the next pass).
/// A depression whose lowest cell lies below every draining cell it can reach within the
/// limits is left (fill it, "fill+breach"). Throws std::invalid_argument on bad sizes.
BreachReport breach_depressions(std::span<Real> z, int nx, int ny, double dx, double dy,
                                const BreachOptions& options = {});

}  // namespace floodtwin::terrain
