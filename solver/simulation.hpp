#pragma once
/// @file simulation.hpp
/// The 2D shallow-water solver: state, forcing, boundaries, time stepping and mass balance.
///
/// Scheme: Godunov-type finite volumes on the grid of grid.hpp, HLLC fluxes with the
/// hydrostatic reconstruction of Audusse et al. (2004) (well-balanced, depth-positive),
/// first order in space and time, or second order with MUSCL reconstruction of (h, eta, u, v)
/// limited by van Leer's limiter (or MC, or minmod: docs/solver.md, "Limiter") and Heun's
/// two-stage Runge-Kutta method (SSP-RK2). Manning friction is point-implicit (friction.hpp)
/// inside every stage. Rain, point sources and losses are added
/// after the flux update of each step.
///
/// Threading: OpenMP over row bands. Every face flux is a pure function of the state and every
/// sum is formed per row and added serially, so results are bitwise identical for any number
/// of threads.
#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "solver/boundary.hpp"
#include "solver/cross_section.hpp"
#include "solver/decomposition.hpp"
#include "solver/field_memory.hpp"
#include "solver/grid.hpp"
#include "solver/losses.hpp"
#include "solver/mass_balance.hpp"
#include "solver/parallel.hpp"
#include "solver/real.hpp"
#include "solver/reconstruction.hpp"
#include "solver/subgrid_channel.hpp"
#include "solver/time_series.hpp"

namespace floodtwin::solver {

class FloodMaps;

enum class Scheme { first_order, second_order };
/// Parses "first-order" | "second-order" (also "1", "2"); throws ConfigError otherwise.
Scheme parse_scheme(std::string_view text);
std::string to_string(Scheme scheme);
/// Parses "van-leer" | "mc" | "minmod" (also "van_leer"); throws ConfigError otherwise.
Limiter parse_limiter(std::string_view text);
std::string to_string(Limiter limiter);

/// Largest Courant number at which the scheme keeps every depth non-negative with the step
/// dt = cfl / max over cells of ((|u|+c)/dx + (|v|+c)/dy) (docs/solver.md, "Time step"):
/// 3/4 for the first-order scheme (reached by a still wet cell between dry cells, where the
/// HLL dry-bed speeds make the outflow 4/3 of the cell's wave speed), 1/2 for the
/// second-order scheme.
constexpr Real positivity_cfl(Scheme scheme) noexcept {
  return scheme == Scheme::first_order ? Real(0.75) : Real(0.5);
}

struct SolverConfig {
  Scheme scheme = Scheme::first_order;
  /// Slope limiter of the second-order scheme (unused by the first order). van Leer's is the
  /// default: it reaches steady states at bed kinks and jumps, where MC keeps a limit cycle;
  /// MC is a little more accurate on transients (docs/solver.md, "Limiter").
  Limiter limiter = Limiter::van_leer;
  /// Courant number: dt = cfl / max over cells of ((|u|+c)/dx + (|v|+c)/dy). In (0, 1];
  /// 0 (the default) takes the scheme's positivity bound, positivity_cfl(scheme). The
  /// Simulation stores the resolved value (config().cfl is never 0).
  Real cfl = Real(0);
  /// cfl, with 0 replaced by positivity_cfl(scheme).
  [[nodiscard]] Real resolved_cfl() const noexcept {
    return cfl == 0 ? positivity_cfl(scheme) : cfl;
  }
  Real gravity = Real(9.81);  ///< [m/s2]
  /// Depth below which a cell's velocity is taken as zero [m].
  Real dry_depth = Real(1e-6);
  /// Upper bound on the time step [s]. It matters only while the domain is (nearly) dry and
  /// still, where the CFL condition allows any step: rain, sources and inflows then enter in
  /// steps of at most this length.
  Real max_dt = Real(10);
  /// Local time stepping (docs/solver.md, "Local time steps"): 0 (the default) steps every cell
  /// with the one global step; L in 1..6 lets a cell whose own CFL condition allows it take
  /// steps of 2, 4, .. 2^L times the global one within a cycle of 2^L global steps, its
  /// neighbours' faces integrated at the finer of the two levels (conservative, well-balanced).
  /// First-order scheme only.
  int local_levels = 0;
  static constexpr int max_local_levels = 6;
  /// Throws ConfigError naming the field when a value is out of range.
  void validate() const;
};

/// Cell kinds stored in `mask()`.
enum CellKind : std::uint8_t {
  cell_wall = 0,       ///< inactive cell or wall ghost: no flow across its faces
  cell_active = 1,     ///< computed cell
  cell_ghost = 2,      ///< ghost cell with a state (open or water-level boundary)
  cell_discharge = 3,  ///< ghost cell imposing an inflow discharge
};

/// A point source or sink.
struct PointSource {
  std::string name;
  int i = 0;
  int j = 0;
  TimeSeries discharge;  ///< [m3/s], negative for abstraction
};

/// Rows kept around a process's block (Grid::kept_rows, keep_block): the deepest halo (2),
/// the ghost row, and the reach of a step's row planning from rain and seeds (4).
inline constexpr int block_margin = 8;

/// The row blocks of `processes` processes for a grid with this elevation (NaN: inactive),
/// chosen before any field is filled, as set_decomposition would choose them (blocks of about
/// equal active cells). For d->set_rows, followed by keep_block.
std::vector<int> block_rows(const Grid& grid, std::span<const Real> elevation, int processes,
                            Scheme scheme);
/// Sets the grid's kept rows to d's block of this process and block_margin rows around it
/// (rank 0 too: its writers read the others' rows through on_root). A Simulation,
/// FloodMaps and loss models built on the grid then fill only these rows, so that each
/// process holds about its share of the fields (docs/mpi.md, "Memory per process").
void keep_block(Grid& grid, const Decomposition& d);

class Simulation {
 public:
  /// @param grid       the grid (validated here)
  /// @param elevation  bed elevation [m], nx * ny values, row-major, row 0 is the northern row;
  ///                   NaN marks an inactive cell (a wall), e.g. DEM no-data.
  /// @param config     solver settings (validated here)
  Simulation(const Grid& grid, std::span<const Real> elevation, const SolverConfig& config = {});
  ~Simulation();
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;
  Simulation(Simulation&&) noexcept;
  Simulation& operator=(Simulation&&) noexcept;

  // ---- fields: nx * ny values, row-major, row 0 north (as the elevation) -------------------
  void set_manning(Real n);
  void set_manning(std::span<const Real> n);
  /// State edits after the first step (set_depth, set_water_level, set_active) change the
  /// stored volume: the change is booked as MassBalance::edits, so the balance stays closed.
  /// Depths [m] >= 0 and finite; inactive cells are ignored.
  void set_depth(std::span<const Real> h);
  /// Free-surface elevation [m]; depth = max(0, eta - z).
  void set_water_level(std::span<const Real> eta);
  /// Velocities [m/s], positive towards east and north; dry cells get zero discharge.
  void set_velocity(std::span<const Real> u, std::span<const Real> v);
  /// Unit discharges [m2/s], positive towards east and north.
  void set_discharge(std::span<const Real> qx, std::span<const Real> qy);
  /// Marks further cells inactive (walls), e.g. outside a basin polygon: 0 = inactive.
  void set_active(std::span<const std::uint8_t> active);
  /// Changes the bed [m] (nx * ny values, as the constructor's `elevation`), e.g. a levee
  /// breach in mid-run. The depth h and the discharges stay as they are in every cell, so the
  /// stored volume is unchanged (nothing is booked as an edit) and the water level moves with
  /// the bed: where a levee is washed away its material is gone, and the water around flows
  /// into the gap, which is what a breach does. (Keeping the level instead would create or
  /// destroy water wherever a wet bed moves.) A lake at rest stays at rest where the bed moves
  /// in dry cells that stay above the water; where a wet bed is lowered the surface dips and
  /// refills from around it. Ghost beds of the boundaries and cached wave rates are rebuilt.
  /// Inactive cells stay inactive (their values are ignored and may be NaN); active cells
  /// need finite values: InputError names the cell and value otherwise.
  void set_elevation(std::span<const Real> z);
  /// Schedules set_elevation(z) at time t [s] (checked now): steps stop exactly at t and the
  /// bed changes before the next step, so a run (e.g. driver::run) needs no other hook.
  /// A time at or before time() applies at the next step. Several changes apply in time order.
  void schedule_elevation(Real t, std::vector<Real> z);
  /// How many times the bed has changed (set_elevation, also when scheduled): writers of
  /// static bed maps compare it with the count at their last write.
  [[nodiscard]] long long bed_changes() const { return bed_changes_; }
  /// Time of the next scheduled bed change, infinity when none is pending.
  [[nodiscard]] Real next_elevation_change() const;

  // ---- forcing ------------------------------------------------------------------------------
  /// Adds a boundary condition; later conditions override earlier ones where segments overlap.
  void add_boundary(const BoundaryCondition& bc);
  void clear_boundaries();
  /// Rainfall intensity per cell [m/s] (>= 0), held until changed; an empty span removes it.
  void set_rain_rate(std::span<const Real> rate);
  /// Spatially uniform rainfall intensity [m/s] as a function of time, added to the field.
  void set_uniform_rain(TimeSeries rate);
  /// Adds a point source at the cell containing (x, y); returns its index.
  std::size_t add_point_source(Real x, Real y, TimeSeries discharge, std::string name = "");
  void set_loss_model(std::shared_ptr<LossModel> model);
  /// The loss model, or null.
  [[nodiscard]] LossModel* loss_model() const { return losses_.get(); }

  /// The first end of a forcing series with AfterEnd::error (boundaries, point sources, uniform
  /// rain), infinity when none ends: steps stop there and a step beyond is refused.
  [[nodiscard]] Real forcing_end() const;
  /// Throws InputError naming the series (its end, `t_end` and how to say what follows) when
  /// a forcing series ends before t_end; call it before a run to fail at once.
  void check_forcing(Real t_end) const;

  // ---- sub-grid channels (subgrid_channel.hpp, docs/solver.md) ----------------------------
  /// Adds a channel narrower than a cell inside its cells (its own storage and conveyance,
  /// one water level per cell shared with the floodplain); returns its index. Channels start
  /// full in wet cells, empty in dry ones; set_water_level sets them to the level. Throws
  /// InputError naming the channel on bad geometry, and under a decomposition of more than
  /// one process (set_decomposition refuses one too once a channel exists).
  std::size_t add_channel(const ChannelReach& reach);
  /// The channel network, or null.
  [[nodiscard]] const ChannelNetwork* channels() const { return channels_.get(); }
  /// What the outputs show on each channel cell (channels()->cells() order; empty without
  /// channels): the water level shared by channel and floodplain and the river's depth above
  /// the channel bed, its discharge and mean velocity. depth(), water_level(), the flood maps,
  /// results snapshots and gauges take channel cells from here (docs/solver.md, "Outputs on
  /// channel cells"); h() stays the 2D state.
  [[nodiscard]] std::vector<ChannelCellOutput> channel_outputs() const;
  /// Channel state for checkpoints (empty without channels), and its restore (after restore()).
  [[nodiscard]] std::vector<double> channel_state() const;
  void restore_channel_state(std::span<const double> state);

  // ---- discharge accounts (cross_section.hpp) ---------------------------------------------
  /// Adds a cross-section: a polyline [[x, y], ...] in CRS units through which the discharge
  /// is accounted from now on (positive from the right of the line to its left). Throws
  /// InputError when the name is empty or taken or the line cuts no face. Returns its index.
  std::size_t add_cross_section(std::string name, std::vector<LinePoint> line);
  /// Sections, per-condition and per-side boundary flows, and their samples.
  [[nodiscard]] const FlowAccounts& flows() const { return flows_; }
  /// For drivers: record_sample, clear_samples, clear_sections.
  [[nodiscard]] FlowAccounts& flows() { return flows_; }

  // ---- time stepping ------------------------------------------------------------------------
  /// The CFL time step of the current state (infinity when everything is still).
  [[nodiscard]] Real stable_dt() const;
  /// Advances one step of min(stable_dt(), max_dt, dt_limit, forcing_end() - time()) and
  /// returns it. Throws NumericalError if the state breaks down (NaN or negative depth), and
  /// InputError (before changing anything) at the end of a forcing series (forcing_end()).
  Real step(Real dt_limit = std::numeric_limits<Real>::infinity());
  /// Steps until time() equals t_end exactly (the last step is shortened). `after_step` (if
  /// given) is called with each step's dt, e.g. to update FloodMaps; returning false stops
  /// early (at a step boundary). Returns true when t_end was reached.
  bool advance_to(Real t_end, const std::function<bool(Real dt)>& after_step = {});
  /// From now on every step folds the state it ends with into `maps`, bitwise as calling
  /// maps->update(*this, dt) after it would: with a loss model that computes runs and no
  /// sub-grid channel in the losses' pass over the wet cells (no pass of its own), else by
  /// update() at the end of the step. nullptr stops it; `maps` must outlive the folding and
  /// have this grid (ConfigError otherwise).
  void fold_maps(FloodMaps* maps);
  [[nodiscard]] Real time() const { return time_; }
  /// Sets the clock before the first step: a cold start at a time other than 0 (a forecast
  /// cycle's spin-up). Throws ConfigError once the simulation has stepped.
  void set_time(Real t);
  [[nodiscard]] long long steps() const { return steps_; }
  [[nodiscard]] Real last_dt() const { return last_dt_; }
  /// Dry-ground skipping (default on): a step visits only the cells within reach of water,
  /// rain, or a discharge or water-level boundary (4 rows and columns for the second order's
  /// two stages, 1 for the first order; rain and those boundaries take whole rows); the
  /// other cells are dry, still and stay so. Results are bitwise
  /// those of the full sweep (tested). Off: every row every step (tests, benchmarks).
  void set_skip_dry(bool on) { skip_dry_ = on; }
  [[nodiscard]] bool skip_dry() const { return skip_dry_; }
  /// Columns [first, last) of interior row j outside which h, qx and qy are zero: a bound
  /// kept by the stepper (the whole row when unknown, e.g. after a state edit). FloodMaps and
  /// the time-step reduction visit only these cells.
  [[nodiscard]] std::pair<int, int> wet_columns(int j) const {
    if (!live_known_) return {0, grid_.nx};
    const Span& s = live_[static_cast<std::size_t>(j)];
    return {s.first, s.last};
  }
  /// Wet runs closer than this many columns are joined into one (fewer, longer spans: the
  /// row loops vectorise better; the cells between are dry and visited for nothing).
  static constexpr int wet_gap = 4;
  /// Calls f(first, last) for the runs of columns of interior row j outside which h, qx and
  /// qy are zero, in increasing order and disjoint: the wet cells as the last step left them
  /// (runs closer than `wet_gap` joined), within wet_columns(j) (the whole row when unknown).
  /// The loops over "the cells that may be wet" (flood maps, time-step reduction, losses)
  /// visit these: on a mostly dry grid a row holds a few wet reaches far apart, which one
  /// [first, last) span would join.
  template <class F>
  void for_each_wet_run(int j, F&& f) const {
    if (!live_known_) {
      f(0, grid_.nx);
      return;
    }
    for (const Span& r : wet_runs_row_[static_cast<std::size_t>(j)]) f(r.first, r.last);
  }

  // ---- domain decomposition (decomposition.hpp, docs/mpi.md) --------------------------------
  /// Shares the rows among the processes of `d` (null: this process computes every row):
  /// blocks of about equal active cells, at least as deep as the stencil's halo. Every process
  /// builds the same simulation (grid, forcing, boundaries, sources, state) and then calls
  /// this with its own `d`, before the first step (or after a restore). Steps are collective:
  /// every process calls step / advance_to / stable_dt alike. Results are bitwise those of
  /// one process. Throws InputError when the grid has too few rows for `d->size()` blocks.
  /// Blocks set on `d` beforehand (d->set_rows(block_rows(...)), and the grid's kept rows
  /// from keep_block) are used as they are: memory per process (docs/mpi.md). Collective with
  /// more than one process (the stored volume of the state is summed over them).
  void set_decomposition(std::shared_ptr<Decomposition> d);
  [[nodiscard]] Decomposition* decomposition() const { return decomp_.get(); }
  /// True with a decomposition of more than one process.
  [[nodiscard]] bool decomposed() const { return decomp_ != nullptr && decomp_->size() > 1; }
  /// Rows [first, end) this process computes (every row without a decomposition). Outside
  /// them (and the halo) a decomposed process's fields are stale.
  [[nodiscard]] std::pair<int, int> owned_rows() const { return {row0_, row1_}; }
  /// Threads of the per-step loops over the owned rows (parallel.hpp's loop_threads: one on
  /// small grids and on one-row channels).
  [[nodiscard]] int step_threads() const {
    const int rows = row1_ - row0_;
    return loop_threads(static_cast<std::size_t>(rows) * static_cast<std::size_t>(grid_.nx), rows);
  }
  /// Collective: rank 0 receives h, qx, qy and the loss model's state of the rows the other
  /// processes own, so that everything reading the whole state on rank 0 (depth(), results
  /// and checkpoint writers) sees the one-process state; and every process computes the
  /// stored volume (collectively) and keeps it until the next step, so that mass_balance() and
  /// stored_volume() may then be called by rank 0 alone (stored_volume). No-op without a
  /// decomposition.
  void gather_to_root();
  /// Collective: rank 0 runs `write` (the results, checkpoint and VTK writers), during which
  /// the rows it reads through HeldRows (row_source.hpp) come from their owners, a stripe at
  /// a time, and the stored volume is the whole state's (computed here, collectively, and
  /// kept as by gather_to_root); every other process serves those rows until `write` ends.
  /// One process: runs `write`. `maps`, when given, are served too.
  void on_root(const FloodMaps* maps, const std::function<void()>& write);
  /// True when some process of the decomposition keeps only some rows (Grid::kept_rows):
  /// the reductions of stored_volume's window (1) are then collective too (same on every
  /// process; set by set_decomposition).
  [[nodiscard]] bool rows_partial() const { return rows_partial_; }

  // ---- inspection ---------------------------------------------------------------------------
  [[nodiscard]] const Grid& grid() const { return grid_; }
  [[nodiscard]] const SolverConfig& config() const { return config_; }
  /// The balance so far, its `volume` from stored_volume(): collective like it.
  [[nodiscard]] MassBalance mass_balance() const;
  /// Volume stored in active cells [m3], summed per row (in column order) and then the rows in
  /// order 0..ny-1, whatever the threads.
  ///
  /// Decomposed (decomposed()): bitwise the one-process number, on every process. Each
  /// process sums its own rows and Decomposition::sum_rows adds every row's sum in row order
  /// (one Allgatherv): a **collective** call, which every process must make at the same point
  /// (as driver::run's progress and summary do). Two windows need no communication, so one
  /// process may call it alone there, the number being computed collectively and kept:
  /// (1) before the first step since set_decomposition or restore (both compute it: the
  /// results writer's header, the first step's initial volume); (2) after on_root or
  /// gather_to_root and before the next step or state change (rank 0's results and
  /// checkpoint writers call mass_balance() alone there). Where processes keep only their
  /// rows (rows_partial), any other call is collective; outside them a call on only some
  /// processes waits for the others for ever.
  [[nodiscard]] double stored_volume() const;
  /// Active cells with depth > threshold. Decomposed: collective (each process counts its own
  /// rows per row, one sum_rows), bitwise the one-process count on every process, except in
  /// window (1) of stored_volume (no step since set_decomposition or restore) when every
  /// process keeps every row (not rows_partial), where each counts its state alone. Unlike
  /// stored_volume, no number is kept by on_root: every process calls it, or none.
  [[nodiscard]] std::size_t wet_cells(Real threshold = Real(1e-3)) const;
  [[nodiscard]] std::size_t active_cells() const { return active_cells_; }
  [[nodiscard]] const std::vector<PointSource>& point_sources() const { return sources_; }
  [[nodiscard]] const std::vector<BoundaryCondition>& boundaries() const { return boundaries_; }

  /// Padded fields (layout in grid.hpp); valid until the simulation is destroyed or moved.
  [[nodiscard]] const Real* h() const { return h_.data(); }
  [[nodiscard]] const Real* qx() const { return qx_.data(); }
  [[nodiscard]] const Real* qy() const { return qy_.data(); }
  [[nodiscard]] const Real* z() const { return z_.data(); }
  [[nodiscard]] const Real* manning() const { return n_.data(); }
  [[nodiscard]] const std::uint8_t* mask() const { return mask_.data(); }
  [[nodiscard]] bool is_active(int i, int j) const {
    return mask_[static_cast<std::size_t>(grid_.index(i, j))] == cell_active;
  }

  /// Interior copies, nx * ny row-major, row 0 north. Inactive cells hold NaN in `elevation`
  /// and 0 elsewhere. On sub-grid channel cells depth() and water_level() show the river
  /// (channel_outputs(): depth above the channel bed); elevation() stays the DEM (the bank)
  /// and the velocities the 2D scheme's.
  [[nodiscard]] std::vector<Real> depth() const;
  [[nodiscard]] std::vector<Real> water_level() const;
  [[nodiscard]] std::vector<Real> velocity_x() const;
  [[nodiscard]] std::vector<Real> velocity_y() const;
  [[nodiscard]] std::vector<Real> elevation() const;

  /// Local time stepping's memory of rejected cycles (the levels the next cycle tries and the
  /// cycles accepted since, docs/solver.md "Local time steps"): checkpoints keep it, so that a
  /// resumed run takes the same cycles as an uninterrupted one. {-1, 0} before the first cycle.
  [[nodiscard]] std::pair<int, int> local_state() const;
  void restore_local_state(int try_levels, int accepted);
  /// Restores a saved state (checkpoint / hot start): time, step count, mass balance and the
  /// padded h, qx, qy fields. Sizes must match the grid.
  void restore(Real time, long long steps, const MassBalance& balance, std::span<const Real> h,
               std::span<const Real> qx, std::span<const Real> qy);

 private:
  struct Workspace;
  struct StageResult;
  /// Columns [first, last) of a row (first >= last: none).
  struct Span {
    int first = 0;
    int last = 0;
  };
  /// Column spans per row, rows -1..ny (compressed rows): row r's spans, increasing and
  /// disjoint, are spans[start[r + 1], start[r + 2]).
  struct RowSpans {
    std::vector<std::size_t> start;
    std::vector<Span> spans;
    [[nodiscard]] std::span<const Span> row(int r) const {
      const std::size_t a = start[static_cast<std::size_t>(r + 1)];
      const std::size_t b = start[static_cast<std::size_t>(r + 2)];
      return {spans.data() + a, b - a};
    }
  };
  /// Adds cell (i, j) of h_ to its row's wet runs (after a point edit of the state).
  void mark_wet(int i, int j);
  /// The column sets of a step (plan_columns): cells updated per row (by both stages of a
  /// second-order step), y faces between rows r and r + 1, primitive values loaded per row,
  /// and (second order) the cells whose y reconstruction a row needs.
  RowSpans update_cols_, yface_cols_, load_cols_, yrecon_cols_;
  std::vector<std::vector<Span>> band_spans_;  ///< plan_columns' buffers, one per thread
  std::vector<std::size_t> span_counts_;       ///< plan_columns' spans per row
  bool column_sets_ = false;  ///< the sets above hold for this step (else whole rows)
  /// Prefix sums over rows of the work a step with the column sets above does (cells updated
  /// plus a cost per span and per row): the threads' bands of rows are cut at equal work.
  std::vector<long long> row_work_;
  std::vector<std::uint8_t> full_rows_;  ///< seeds of plan_rows that need their whole row
  /// Fills the column sets of a step from the wet runs (after plan_rows).
  void plan_columns();
  /// A stage reads h_in..qy_in and writes h_out..qy_out (the same arrays for the in-place
  /// first-order step), visiting the rows of work_rows_; live_out: the wet columns of its
  /// output rows. With `halo_in` (a decomposed second-order step's second stage, whose input
  /// halo is still in flight) the rows that read no halo row are swept first, then
  /// `halo_in()` lands the halo, then the block's edge rows are swept: the same faces and
  /// updates as one sweep (a band may start at any row), so the results are bitwise the same.
  template <bool kSecondOrder>
  StageResult stage(const Real* h_in, const Real* qx_in, const Real* qy_in, Real* h_out,
                    Real* qx_out, Real* qy_out, const Real* h_base, const Real* qx_base,
                    const Real* qy_base, Real t_stage, Real dt, Real weight, bool final_stage,
                    Real rain_depth, std::vector<Span>& live_out,
                    const std::function<void()>* halo_in = nullptr);
  /// Rescans the wet columns of the state when unknown (after an edit).
  void refresh_live();
  /// Fills work_rows_ for a step with uniform rain depth `rain_depth`.
  void plan_rows(Real rain_depth);
  /// Which ghost cells fill_ghosts fills under a decomposition: those of every kept row, of
  /// the block's rows (and the grid's ghost row next to the block), or of the halo rows only.
  enum class GhostRows : std::uint8_t { kept, block, halo };
  void fill_ghosts(Real* h, Real* qx, Real* qy, Real t, Real step_start, Real dt,
                   GhostRows rows = GhostRows::kept) const;
  [[nodiscard]] Real boundary_rate(Real t) const;
  void rebuild_boundary_cells();
  void apply_point_sources(Real t, Real dt);
  /// Adds `volume` [m3] to cell k of h_ (a sink takes at most what the cell holds; added
  /// water is at rest, a sink keeps the velocity); returns the volume added.
  Real add_to_cell(std::size_t k, Real volume);
  /// The losses of the step: computed and applied in a pass over the wet cells, or (when the
  /// last stage applied them: finish_in_stage) checked and booked from `last_stage`.
  void apply_losses(Real t, Real dt, Real rain_depth, const StageResult& last_stage);
  /// Whether the step's last stage also applies the losses and folds the flood maps, cell by
  /// cell as it writes the new state: when nothing changes the state after the stage (no
  /// point sources, no channels) and the loss model, if any, computes runs of cells.
  [[nodiscard]] bool finish_in_stage() const;
  /// Throws NumericalError when a loss model returned `bad` > 0 loss depths outside [0, h].
  static void check_losses(long long bad, Real t);
  /// One Workspace per thread, sized for the grid.
  void prepare_workspaces();
  /// Local time stepping (local_steps.cpp): one cycle of 2^L global steps of dt0 from t,
  /// ending at t_end exactly; L chosen by the caller (step), levels assigned here.
  /// Returns false (the state as before) when the cycle is rejected: a cell went dry below
  /// zero or its rate grew beyond its step within the cycle.
  bool local_cycle(Real t, Real dt0, int levels, Real t_end);
  /// The plan of that cycle (local_levels.cpp): the cells' levels and reach, and the column
  /// runs per row and level threshold its steps visit (LocalSteps).
  void plan_local_cycle(Real t0, Real dt0, int levels, Real t_end);
  /// A step of local time stepping: one cycle from time_, at most dt_limit and ending at the
  /// horizon at the latest (as step()); returns its length, or nothing when no cycle of one
  /// level or more is accepted (step() then takes a global step).
  std::optional<Real> local_step(Real dt_limit, Real horizon);
  /// The levels a cycle from global step dt0 may use (local_levels, fewer where a cell's step
  /// would exceed max_dt) into `levels`; returns the cycle's length.
  Real local_span(Real dt0, int& levels) const;
  /// The levels, span sets and accumulators of local time stepping (local_steps.hpp).
  struct LocalSteps;
  std::unique_ptr<LocalSteps> local_;
  /// Advances the sub-grid channels by dt (after the 2D step, sources and losses).
  void step_channels(Real dt);
  /// Books the change of stored volume caused by an edit of the state (MassBalance::edits).
  void book_edit(double volume_before);
  [[nodiscard]] Real compute_max_rate() const;
  void mark_state_changed();
  void check_interior_field(std::span<const Real> values, const char* name) const;
  /// Checks a bed for set_elevation (sizes, finite in active cells).
  void check_elevation(std::span<const Real> z) const;
  /// Applies the scheduled bed changes due at time_.
  void apply_due_elevations();
  [[nodiscard]] std::size_t interior_offset(std::size_t flat) const;
  /// Decomposed runs: copies the halo rows of the fields from their owners. With `wait`
  /// false the messages are only posted (the end of a step): complete_halo() waits for them,
  /// at the next step once its time step is reduced, so that the flood-map update, the time-step
  /// rate and its reduction overlap the exchange (docs/mpi.md).
  void exchange_halo(Real* h, Real* qx, Real* qy, bool wait = true);
  void complete_halo();
  /// Decomposed runs refuse state edits after the first step (the stored volume they book
  /// needs the whole state).
  void refuse_decomposed_edit(const char* what) const;
  /// Decomposed: true while every process holds the same whole state in its kept rows (no
  /// step since set_decomposition or restore), when the reductions need no communication.
  [[nodiscard]] bool state_whole_everywhere() const { return steps_ == whole_steps_; }

  Grid grid_;
  SolverConfig config_;
  // Decomposed runs fill the state, Manning n, rain and loss fields in the grid's kept rows
  // and the bed only (Grid::kept_rows, field_memory.hpp); the masks are whole everywhere.
  Field<Real> h_, qx_, qy_;                  ///< state [m], [m2/s], [m2/s]
  Field<Real> h1_, qx1_, qy1_;               ///< stage buffers
  Field<Real> z_;                            ///< bed [m] (0 in inactive cells)
  Field<Real> n_;                            ///< Manning n [s/m^(1/3)]
  Field<Real> rain_;                         ///< rain intensity [m/s], empty when unused
  std::vector<std::uint8_t> mask_;           ///< CellKind per cell
  std::vector<std::uint8_t> user_inactive_;  ///< 1 where elevation is NaN or set_active said 0
  /// Bed changes of schedule_elevation not applied yet, in time order ([s], interior bed).
  std::vector<std::pair<Real, std::vector<Real>>> scheduled_beds_;

  /// Per boundary ghost cell: what it imposes (rebuilt when boundaries change).
  struct GhostCell {
    std::ptrdiff_t ghost;     ///< index of the ghost cell
    std::ptrdiff_t interior;  ///< index of the adjacent interior cell
    Side side;
    BoundaryType type;
    std::size_t condition;  ///< index into boundaries_
  };
  std::vector<BoundaryCondition> boundaries_;
  std::vector<GhostCell> ghost_cells_;
  std::vector<Real> discharge_width_;  ///< per condition: wet-able width of its segment [m]
  /// Faces next to a wall, an inactive cell or a discharge ghost, which the vectorised flux
  /// loops leave to the scalar face_flux: x faces of row r at special_x_[r], y faces between
  /// rows r and r + 1 at special_y_[r + 1]. Rebuilt with the masks.
  std::vector<std::vector<int>> special_x_, special_y_;
  /// Open ghosts, for the second order: their side of the boundary face takes the interior
  /// cell's reconstructed face value, so that the face sees one state and passes its physical
  /// flux (a zero-gradient ghost holding the cell-centre depth let water in where a wet/dry
  /// front reached the outlet: docs/solver.md, "Boundaries"). open_x_[2 j] west, [2 j + 1]
  /// east of row j; open_y_[0] the columns open on row -1, open_y_[1] on row ny. Rebuilt with
  /// the masks.
  std::vector<std::uint8_t> open_x_;
  std::array<std::vector<int>, 2> open_y_;

  TimeSeries uniform_rain_;
  std::vector<PointSource> sources_;
  std::shared_ptr<LossModel> losses_;
  std::unique_ptr<ChannelNetwork> channels_;  ///< sub-grid channels, null when none
  /// Loss depths of the last step (padded), for a model that does not compute runs of cells
  /// (one that does writes a row buffer of the stage or of the losses' pass).
  Field<Real> loss_;
  WetRuns wet_runs_;        ///< the cells the losses of a step visit

  /// Wet columns of the rows of h_ (live_) and h1_ (live1_): outside them h, qx, qy are 0.
  std::vector<Span> live_, live1_;
  /// Per row of h_, the runs of columns outside which h, qx and qy are 0 (increasing,
  /// disjoint; for_each_wet_run); valid with live_known_. Each row is written by the thread
  /// that steps it.
  std::vector<std::vector<Span>> wet_runs_row_;
  bool live_known_ = false;              ///< live_ valid (false after a state edit)
  std::vector<std::uint8_t> rain_rows_;  ///< 1 where the rain field is positive in the row
  std::vector<std::uint8_t> work_rows_;  ///< rows the current step visits
  std::vector<Real> zero_row_;           ///< nx + 2 zero fluxes for the rows not visited
  bool skip_dry_ = true;

  bool halo_pending_ = false;  ///< a halo exchange of h_, qx_, qy_ is in flight
  std::vector<Workspace> workspaces_;
  std::vector<double> row_sums_;  ///< per-row partial sums (fixed-order reductions)

  Real time_ = 0;
  Real last_dt_ = 0;
  FloodMaps* maps_ = nullptr;  ///< folded in by each step (fold_maps)
  /// Whether the maps are folded in by the losses' pass (apply_losses), not after the step.
  [[nodiscard]] bool maps_in_losses() const;
  /// The time the step under way ends at (set by step before the losses' pass), and the end
  /// advance_to makes its last step end at exactly (NaN: none).
  Real step_end_ = 0;
  Real snap_end_ = std::numeric_limits<Real>::quiet_NaN();
  long long steps_ = 0;
  long long bed_changes_ = 0;   ///< set_elevation calls
  mutable Real max_rate_ = -1;  ///< max wave rate of the state, < 0 when unknown
  MassBalance balance_;
  FlowAccounts flows_;            ///< cross-sections and boundary flows
  bool balance_started_ = false;  ///< initial volume recorded (at the first step)
  std::size_t active_cells_ = 0;

  std::shared_ptr<Decomposition> decomp_;  ///< null: one process
  bool rows_partial_ = false;              ///< rows_partial()
  int row0_ = 0;                           ///< rows [row0_, row1_) computed here
  int row1_ = 0;
  mutable Real global_rate_ = -1;        ///< decomposed: max wave rate over all processes
  std::vector<std::uint8_t> loss_mask_;  ///< decomposed: mask_ with other processes' rows walls
  long long whole_steps_ = 0;  ///< steps_ at set_decomposition / restore (state_whole_everywhere)
  /// Decomposed: the stored volume computed by gather_to_root, valid while steps_ equals
  /// gathered_steps_ (-1: none; state edits reset it).
  double gathered_volume_ = 0;
  long long gathered_steps_ = -1;
};

}  // namespace floodtwin::solver
