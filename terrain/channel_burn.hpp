#pragma once
/// @file channel_burn.hpp
/// Rivers narrower than a cell, burnt into the grid as a conveyance-preserving channel.
///
/// The centreline is traversed cell by cell (every cell the line passes through, stepping one
/// axis at a time, so consecutive cells share a face: a 4-connected path with no diagonal leak;
/// loops tighter than a cell are cut). Each path cell gets
///  - the channel's bed level: z = min(z, bed), bed = DEM - bank-full depth or the profile's
///    bed level at the cell's chainage (the projection of its centre on the centreline);
///  - a Manning n such that the cell, as the 2D solver sees it (a rectangle one cell wide,
///    hydraulic radius = depth), carries at the reference depth h_r the discharge of the real
///    rectangular channel of width w (hydraulic radius R = w h / (w + 2 h)) on the real slope:
///
///        n_cell = n_ch * (b / w) * ((w + 2 h_r) / w)^(2/3) * sqrt(L_true / L_path)
///
///    b = cell size across the flow; L_true / L_path = length along the centreline over length
///    along the cell path (over a window of +-3 cells): on the path the same drop is spread over
///    a longer (staircase) or shorter (meander) distance, so its slope differs by that ratio.
///    h_r defaults to the local bank-full depth (DEM - bed): the conveyance is exact there and
///    within a few per cent below (docs/solver.md, "Channels narrower than a cell").
/// The cell's storage is that of the whole cell (b / w times the channel's in bank), and above
/// bank-full the cell keeps the channel's n: limits measured and discussed in docs/solver.md.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "solver/grid.hpp"
#include "solver/real.hpp"
#include "terrain/channels.hpp"

namespace floodtwin::terrain {

/// One channel: a centreline and its cross-section.
struct ChannelSpec {
  std::string name;
  std::vector<Point2> line;  ///< centreline [[x, y], ...] in the grid's CRS, >= 2 points
  double width = 0;          ///< constant width [m] (without a profile)
  double depth = 0;          ///< constant bank-full depth below the DEM [m] (without a profile)
  /// Optional profile: chainage [m from the first vertex] -> width [m] and bed level [m],
  /// increasing chainages; linear in between, held beyond the ends. When given, width and
  /// depth are unused.
  std::vector<double> chainage, widths, beds;
  double manning = 0.03;  ///< Manning n of the channel [s/m^(1/3)]
  /// Depth at which the conveyance is matched exactly [m]; 0: the local bank-full depth.
  double design_depth = 0;
  /// "subgrid" (channel_subgrid.hpp) or "burn" (burn_channel): the caller's choice.
  std::string model = "subgrid";
  /// Where the spec came from ("file.toml:12: [[channel]] 'river'"), for messages.
  std::string where;
};

/// One burnt cell.
struct ChannelCell {
  int i = 0, j = 0;
  double chainage = 0;      ///< of the cell centre along the centreline [m]
  double width = 0;         ///< [m]
  double bed = 0;           ///< bed level [m] (the cell's new elevation unless it was lower)
  double manning = 0;       ///< the cell's Manning n
  double length_ratio = 1;  ///< L_true / L_path around the cell
};

/// What burning a channel did.
struct ChannelReport {
  std::string name;
  std::vector<ChannelCell> cells;  ///< burnt cells, upstream (first vertex) to downstream
  std::size_t skipped = 0;         ///< path cells outside the grid or inactive
  double true_length = 0;          ///< centreline length inside the path's cells [m]
  double lowered_volume = 0;       ///< storage added by lowering the cells [m3]
  /// e.g. "channel 'river': 40 cells, 1200 m, width 10 m, n 0.03 -> cell n 0.098 to 0.1,
  /// bed lowered by up to 2 m (72000 m3)"
  [[nodiscard]] std::string summary() const;
  /// The burnt cell nearest the chainage s [m]; InputError naming the channel when none.
  [[nodiscard]] const ChannelCell& at_chainage(double s) const;
};

/// The cell path of a centreline on the (unbounded) grid: (i, j) and the chainage of each
/// cell's centre, 4-connected, loops cut. Cells may lie outside the grid.
struct PathCell {
  int i = 0, j = 0;
  double chainage = 0;
};
std::vector<PathCell> channel_path(const solver::Grid& grid, std::span<const Point2> line);

/// A profile's value at chainage s: linear between the chainages x (increasing), held beyond
/// the ends.
double profile_value(const std::vector<double>& x, const std::vector<double>& y, double s);

/// Checks a spec (throws InputError starting with spec.where): >= 2 finite points, width in
/// (0, min(dx, dy)], depth >= 0 (> 0 without a profile), n in (0, 1], profile sizes and
/// increasing chainages.
void check_channel(const ChannelSpec& spec, const solver::Grid& grid);

/// Burns one channel into `z` (nx * ny, row 0 north, NaN inactive) and `manning` (same size).
/// A cell burnt by an earlier channel (`claimed`, nx * ny flags, updated) keeps the lower bed
/// and the lower n (a junction). Throws InputError (spec.where) when the line misses every
/// active cell of the grid.
ChannelReport burn_channel(const solver::Grid& grid, std::span<Real> z, std::span<Real> manning,
                           std::span<std::uint8_t> claimed, const ChannelSpec& spec);

/// The line features of an OGR vector file (first layer, or `layer`), in the grid's CRS
/// (reprojected when the file has another one). Throws IoError / InputError naming the path.
std::vector<std::vector<Point2>> read_centrelines(const std::string& path, const std::string& layer,
                                                  const std::string& grid_crs_wkt);

/// A profile table: CSV with columns chainage [m], width [m], bed [m] (any order, by name),
/// increasing chainages. Throws IoError / InputError naming the file, line and column.
void read_channel_profile(const std::string& path, ChannelSpec& spec);

/// Manning normal depth of a rectangular channel: the h with Q = (1/n) A R^(2/3) S^(1/2),
/// A = w h, R = w h / (w + 2 h) (bisection to 1e-12 relative).
double normal_depth(double discharge, double width, double manning, double slope);

}  // namespace floodtwin::terrain
