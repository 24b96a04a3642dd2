#pragma once
/// @file variants.hpp
/// Rehearsal variants (`floodtwin rehearse SCENARIO --variants FILE.toml`, Python
/// floodtwin.rehearse): named what-if changes of a scenario, parsed and checked here into plain
/// structs; rehearsal/ applies them. File format in docs/impacts.md ("Rehearsal").
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "solver/boundary.hpp"

namespace floodtwin::scenarios {

/// An extra inflow: on a side of the grid (a discharge boundary over the whole side) or at a
/// point (a point source), constant or a series of (time [s], discharge [m3/s]) pairs.
struct InflowChange {
  std::optional<solver::Side> side;           ///< a side inflow; unset: a point inflow at (x, y)
  double x = 0, y = 0;                        ///< point [grid CRS]
  std::optional<double> discharge;            ///< [m3/s], for the whole run
  std::vector<std::array<double, 2>> series;  ///< (t [s], Q [m3/s]) when no `discharge`
};

/// A levee breach: the cells whose centre lies within width / 2 of the polyline (one point: a
/// disc of diameter `width`), or inside the polygon, get the bed min(z, level), or z - depth,
/// from `time` on.
struct BreachChange {
  std::vector<std::array<double, 2>> line;  ///< (x, y) [grid CRS], one point or a polyline
  double width = 0;                         ///< [m] > 0 (with `line`)
  /// A ring (x, y) [grid CRS] of >= 3 vertices (closing vertex optional) instead of `line`:
  /// the cells whose centre lies inside (even-odd rule) are breached.
  std::vector<std::array<double, 2>> polygon;
  std::optional<double> level;              ///< bed level after the breach [m]
  std::optional<double> depth;              ///< lowering of the bed [m] > 0
  double time = 0;                          ///< [s] after the start of the run
};

struct Variant {
  std::string name;        ///< letters, digits, _ . - (it names a folder)
  double rain_factor = 1;  ///< factor on the [rainfall] series/uniform rain
  std::optional<InflowChange> inflow;
  std::optional<BreachChange> breach;
  std::string file;  ///< where it was read ("" when built in code)
  int line = 0;
};

/// Reads `[[variant]]` tables: name, rain_factor, inflow = {side | x, y; discharge | series},
/// breach = {x, y | line; width | polygon; level | depth; time}. Unknown keys, missing or duplicate
/// names, bad values: ConfigError naming the file, line and key.
std::vector<Variant> load_variants(const std::string& path);

/// Checks a variant built in code (Python): the same rules as the file; `where` prefixes the
/// messages.
void check_variant(const Variant& v, const std::string& where);

}  // namespace floodtwin::scenarios
