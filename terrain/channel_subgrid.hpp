#pragma once
/// @file channel_subgrid.hpp
/// The geometry of a sub-grid channel (solver/subgrid_channel.hpp): the cells a centreline
/// passes through, each with its channel width, channel bed, the centreline length it stores
/// and the length along the centreline to the next cell (so the slope and length are the
/// true ones at any orientation). The DEM (the banks) is not changed.
///
///  - cells: the 4-connected path of channel_path (channel_burn.hpp), without the cells outside
///    the grid or inactive, and without cells the centreline only grazes (their centres project
///    less than a quarter cell beyond the previous cell's: a corner cut of a staircase);
///  - chainage s_k: the cell centre projected on the centreline; link length s_{k+1} - s_k;
///    stored length (s_{k+1} - s_{k-1}) / 2, at the ends half a link plus what the centreline
///    has before (after) the centre, at most another half link;
///  - bed: the profile's bed level at s_k, or the cell's DEM bed minus the bank-full depth; at
///    least 0.1 m below the DEM (a profile's bed above it is lowered so, and counted);
///  - outlet: free (normal depth) when the centreline continues past its last cell out of the
///    grid or into inactive cells, with the bed slope over the last (up to 5) links, at
///    least 1e-4; closed otherwise.
#include <string>
#include <vector>

#include "solver/grid.hpp"
#include "solver/real.hpp"
#include "solver/subgrid_channel.hpp"
#include "terrain/channel_burn.hpp"

namespace floodtwin::terrain {

/// A sub-grid channel: the solver's reach and a report in the burn's terms (cells with
/// chainage, width, bed and the channel's n; nothing lowered).
struct SubgridChannel {
  solver::ChannelReach reach;
  ChannelReport report;
  std::size_t raised = 0;  ///< cells whose bed (profile) was not 0.1 m below the DEM: set so
  /// e.g. "channel 'river' (sub-grid): 40 cells along 1200 m, width 10 m, n 0.03, free
  /// outlet (slope 0.002)"
  [[nodiscard]] std::string summary() const;
};

/// The sub-grid geometry of `spec` on the grid with bed `z` (nx * ny, row 0 north, NaN
/// inactive). Throws InputError (spec.where) as check_channel does, or when the line misses
/// every active cell.
SubgridChannel subgrid_channel(const solver::Grid& grid, std::span<const Real> z,
                               const ChannelSpec& spec);

}  // namespace floodtwin::terrain
