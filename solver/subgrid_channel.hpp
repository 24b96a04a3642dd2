#pragma once
/// @file subgrid_channel.hpp
/// Sub-grid channels: rivers narrower than a cell carried by a 1D channel inside the cells, as
/// LISFLOOD-FP's sub-grid channels (Neal, Schumann & Bates 2012) with the local-inertial flow
/// of Bates, Horritt & Fewtrell (2010). docs/solver.md, "Channels narrower than a cell".
///
/// A channel cell is a grid cell holding a rectangular channel of width w, bed level z_ch
/// below the cell's bed (the bank, which stays the DEM's) and a centreline length L inside the
/// cell. The cell has one water level eta shared by channel and floodplain:
///  - in bank (eta <= bank) the water is in the channel: volume w L (eta - z_ch), the 2D depth
///    of the cell is 0;
///  - above bank the channel is full and the 2D depth is eta - bank.
/// After every exchange the level is equalised exactly (volume conserving): the 2D water of a
/// cell whose channel is not full fills the channel, a channel filled beyond its bank spills
/// into the cell's 2D depth.
///
/// Channel cells are joined by links (consecutive cells along a centreline, or a junction
/// into a cell of another channel), each with its true length along the centreline, so
/// skewed and diagonal paths have the true slope and length. A link carries the discharge
///
///     Q <- (Q - g A dt (eta_b - eta_a) / L) / (1 + g dt n^2 |Q| / (A R^(4/3)))
///
/// A = w d, R = w d / (w + 2 d), d = max(eta_a, eta_b) - max(z_ch,a, z_ch,b) (the channel's
/// full depth, above bank too: the 2D scheme carries the floodplain's flow above bank, the
/// divided-channel method), in substeps of at most alpha L / sqrt(g d) (alpha = 0.7) inside
/// each 2D step. Outflow of a cell within a substep is limited to its volume (positivity).
/// A free outlet (a centreline leaving the active grid) discharges at normal depth with the
/// bed slope of the last link; its volume is booked as boundary outflow.
///
/// Everything runs serially in a fixed order (cells and links in the order added), so results
/// do not depend on the thread count. The model refuses domain decomposition (the links of a
/// channel cross the process blocks).
#include <cstddef>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "solver/real.hpp"

namespace floodtwin::solver {

/// One channel as the solver takes it: its cells from upstream to downstream. A cell that
/// already belongs to an earlier channel is shared (a junction: the link goes into it, and
/// its own geometry is kept).
struct ChannelReach {
  std::string name;
  std::vector<int> i, j;            ///< cells (column, row 0 north)
  std::vector<double> width;        ///< channel width per cell [m]
  std::vector<double> bed;          ///< channel bed level per cell [m], below the cell's bed
  std::vector<double> length;       ///< centreline length the cell stores [m]
  std::vector<double> link_length;  ///< along the centreline to the next cell [m] (size - 1)
  double manning = 0.03;            ///< the channel's Manning n [s/m^(1/3)]
  /// The downstream end discharges at normal depth (the centreline leaves the active grid);
  /// closed otherwise.
  bool free_outlet = false;
  /// Bed slope of the outlet (used when free_outlet; > 0).
  double outlet_slope = 0;
};

/// Totals of a channel network step, for the mass balance.
struct ChannelStepResult {
  double outflow = 0;     ///< volume out through free outlets [m3]
  double correction = 0;  ///< volume added by clipping round-off negative volumes [m3]
  int substeps = 0;
  bool changed_2d = false;  ///< some cell's 2D state changed (its wave rate may have)
};

/// What the outputs (results, flood maps, gauges, Python) show on a channel cell: the river,
/// measured from the channel bed as LISFLOOD-FP does (docs/solver.md, "Outputs on channel
/// cells").
struct ChannelCellOutput {
  std::ptrdiff_t k = 0;  ///< padded index of the grid cell
  Real level = 0;        ///< water level: channel bed + channel depth + 2D depth [m]
  Real depth = 0;        ///< depth of the river: level - channel bed [m]
  Real bed = 0;          ///< channel bed [m]
  /// Discharge along the channel through the cell [m3/s]: the larger of the links' inflow and
  /// outflow (the two agree in steady flow).
  Real discharge = 0;
  /// The channel's mean velocity [m/s]: the largest of its links' |Q| / (w d), d the link's
  /// flow depth (the larger level minus the higher bed, as the link's flow has).
  Real speed = 0;
};

/// The channel network of a simulation (cells, links, outlets, their state).
class ChannelNetwork {
 public:
  struct Cell {
    std::ptrdiff_t k = 0;  ///< padded index of the grid cell
    double width = 0, bed = 0, bank = 0, length = 0;
    double depth = 0;  ///< in-bank water depth above the channel bed [m], <= bank - bed
    std::size_t channel = 0;
  };
  struct Link {
    std::size_t a = 0, b = 0;  ///< upstream, downstream cell
    double length = 0, width = 0, manning = 0;
    double q = 0;  ///< discharge from a to b [m3/s]
  };
  struct Outlet {
    std::size_t a = 0;
    double slope = 0, manning = 0;
  };

  /// Adds a reach. `z`, `mask_active`: padded bed and activity of the grid (index k). Throws
  /// InputError naming the channel when a cell is inactive or outside, a width is not in
  /// (0, cell_size], a bed is not below the cell's bed, or lengths are not > 0.
  void add(const ChannelReach& reach, std::span<const std::ptrdiff_t> cells,
           std::span<const Real> z, double cell_size);

  /// Channels' in-bank volume [m3], summed in a fixed order.
  [[nodiscard]] double volume() const;
  /// The network cell at padded index k, or -1.
  [[nodiscard]] std::ptrdiff_t find(std::ptrdiff_t k) const;

  /// Adds `volume` [m3] (negative: takes, at most what the cell holds, channel and 2D water)
  /// to the cell `c`; returns the volume added. Equalises the level.
  double add_volume(std::size_t c, double volume, Real* h, Real* qx, Real* qy, double area,
                    Real dry);
  /// Sets the channel of each cell to the cell's level: full where its 2D depth is > dry,
  /// otherwise eta - bed clamped to [0, bank - bed] (eta: padded levels, or null: unchanged).
  void set_levels(const Real* h, const Real* eta, Real dry);

  /// Advances the channels by dt: level equalisation, link flows in substeps, equalisation
  /// after each. h, qx, qy: the padded 2D state (changed in channel cells only).
  ChannelStepResult step(double dt, Real* h, Real* qx, Real* qy, double area, Real g, Real dry);

  /// The outputs of every cell (in cells() order) for the padded 2D depth h.
  [[nodiscard]] std::vector<ChannelCellOutput> outputs(const Real* h, Real dry) const;
  /// Volume each link carried from a to b in the last step() [m3] (links() order): what
  /// cross-sections crossing the link count.
  [[nodiscard]] const std::vector<double>& link_volumes() const { return link_volume_; }

  /// State for checkpoints: depths of the cells, then discharges of the links.
  [[nodiscard]] std::vector<double> state() const;
  /// Restores state(); InputError when the size or a value is wrong.
  void restore(std::span<const double> s);

  [[nodiscard]] const std::vector<Cell>& cells() const { return cells_; }
  [[nodiscard]] const std::vector<Link>& links() const { return links_; }
  [[nodiscard]] const std::vector<std::string>& names() const { return names_; }
  [[nodiscard]] bool empty() const { return cells_.empty(); }

 private:
  /// Equalises the level of cell c (volume conserving); returns true when its 2D depth moved.
  bool equalise(std::size_t c, Real* h, Real* qx, Real* qy, double area, Real dry);
  std::vector<Cell> cells_;
  std::vector<Link> links_;
  std::vector<Outlet> outlets_;
  std::vector<std::string> names_;
  std::map<std::ptrdiff_t, std::size_t> index_;  ///< padded index -> cell
  std::vector<double> out_, dv_, eta_;           ///< per-cell scratch of a substep
  std::vector<double> link_volume_;              ///< per link: volume of the last step [m3]
};

}  // namespace floodtwin::solver
