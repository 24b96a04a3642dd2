#include "terrain/channel_subgrid.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "solver/error.hpp"

namespace floodtwin::terrain {

namespace {

/// Minimum advance of a kept cell's chainage, in cell sizes.
constexpr double kMinAdvance = 0.25;
/// Links over which the outlet's bed slope is measured, and its floor.
constexpr std::size_t kOutletLinks = 5;
constexpr double kMinOutletSlope = 1e-4;
/// Least bank-full depth [m]: a profile's bed above (or too near) the DEM is put this far below.
constexpr double kMinDepth = 0.1;

}  // namespace

SubgridChannel subgrid_channel(const solver::Grid& grid, std::span<const Real> z,
                               const ChannelSpec& spec) {
  check_channel(spec, grid);
  if (z.size() != grid.cell_count()) {
    throw std::invalid_argument("subgrid_channel: bed size differs from the grid's");
  }
  double total = 0;
  for (std::size_t k = 1; k < spec.line.size(); ++k) {
    total +=
        std::hypot(spec.line[k][0] - spec.line[k - 1][0], spec.line[k][1] - spec.line[k - 1][1]);
  }
  const std::vector<PathCell> path = channel_path(grid, spec.line);
  const double min_advance = kMinAdvance * std::min(grid.dx, grid.dy);
  std::vector<PathCell> kept;
  std::size_t skipped = 0;
  bool beyond = false;  // the path goes on past the last kept cell outside the active grid
  for (const PathCell& p : path) {
    const bool inside =
        p.i >= 0 && p.j >= 0 && p.i < grid.nx && p.j < grid.ny &&
        !std::isnan(z[static_cast<std::size_t>(p.j) * static_cast<std::size_t>(grid.nx) +
                      static_cast<std::size_t>(p.i)]);
    if (!inside) {
      ++skipped;
      if (!kept.empty()) beyond = true;
      continue;
    }
    if (!kept.empty() && p.chainage - kept.back().chainage < min_advance) continue;
    kept.push_back(p);
    beyond = false;
  }
  if (kept.empty()) {
    std::ostringstream m;
    m.precision(10);
    m << spec.where << ": the centreline (from (" << spec.line.front()[0] << ", "
      << spec.line.front()[1] << ") to (" << spec.line.back()[0] << ", " << spec.line.back()[1]
      << ")) crosses no active cell of the grid: is its CRS the DEM's?";
    throw InputError(m.str());
  }
  const std::size_t n = kept.size();
  SubgridChannel out;
  solver::ChannelReach& r = out.reach;
  r.name = spec.name;
  r.manning = spec.manning;
  for (std::size_t k = 0; k < n; ++k) {
    const PathCell& p = kept[k];
    const double s = p.chainage;
    const double z0 =
        static_cast<double>(z[static_cast<std::size_t>(p.j) * static_cast<std::size_t>(grid.nx) +
                              static_cast<std::size_t>(p.i)]);
    double length = 0;
    if (n == 1) {
      length = std::min(total, std::min(grid.dx, grid.dy));
    } else {
      const double back = k > 0 ? 0.5 * (s - kept[k - 1].chainage) : 0.0;
      const double ahead = k + 1 < n ? 0.5 * (kept[k + 1].chainage - s) : 0.0;
      length = back + ahead;
      if (k == 0) length += std::min(s, ahead);
      if (k + 1 == n) length += std::min(total - s, back);
    }
    const double width =
        spec.chainage.empty() ? spec.width : profile_value(spec.chainage, spec.widths, s);
    double bed =
        spec.chainage.empty() ? z0 - spec.depth : profile_value(spec.chainage, spec.beds, s);
    if (!(bed <= z0 - kMinDepth)) {  // a profile's bed at or above the DEM
      bed = z0 - kMinDepth;
      ++out.raised;
    }
    r.i.push_back(p.i);
    r.j.push_back(p.j);
    r.width.push_back(width);
    r.bed.push_back(bed);
    r.length.push_back(length);
    if (k + 1 < n) r.link_length.push_back(kept[k + 1].chainage - s);
    ChannelCell c;
    c.i = p.i;
    c.j = p.j;
    c.chainage = s;
    c.width = width;
    c.bed = bed;
    c.manning = spec.manning;
    out.report.cells.push_back(c);
  }
  r.free_outlet = beyond;
  if (n > 1) {
    const std::size_t a = n - 1 - std::min(kOutletLinks, n - 1);
    const double drop = r.bed[a] - r.bed[n - 1];
    r.outlet_slope = std::max(kMinOutletSlope, drop / (kept[n - 1].chainage - kept[a].chainage));
  } else {
    r.outlet_slope = kMinOutletSlope;
  }
  out.report.name = spec.name;
  out.report.skipped = skipped;
  out.report.true_length = 0;
  for (const double l : r.length) out.report.true_length += l;
  return out;
}

std::string SubgridChannel::summary() const {
  std::ostringstream o;
  o.precision(4);
  double w0 = std::numeric_limits<double>::infinity(), w1 = 0;
  for (std::size_t k = 0; k < reach.width.size(); ++k) {
    w0 = std::min(w0, reach.width[k]);
    w1 = std::max(w1, reach.width[k]);
  }
  o << "channel '" << reach.name << "' (sub-grid): " << reach.i.size() << " cells along "
    << report.true_length << " m, width " << w0;
  if (w1 > w0) o << " to " << w1;
  o << " m, n " << reach.manning << ", "
    << (reach.free_outlet ? "free outlet (slope " : "closed downstream end");
  if (reach.free_outlet) o << reach.outlet_slope << ")";
  if (report.skipped > 0) o << "; " << report.skipped << " path cells outside the grid or inactive";
  if (raised > 0) {
    o << "; " << raised << " cells where the profile's bed is not 0.1 m below the DEM: bed set "
      << "0.1 m below it";
  }
  return o.str();
}

}  // namespace floodtwin::terrain
