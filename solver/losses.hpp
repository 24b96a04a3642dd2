#pragma once
/// @file losses.hpp
/// The hook through which losses (infiltration, evaporation) remove water.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "solver/field_memory.hpp"
#include "solver/grid.hpp"
#include "solver/real.hpp"

namespace floodtwin::solver {

/// The rain a simulation added over one step: cell k received
///   depth(k, dt) = uniform_depth + (rate != nullptr ? rate[k] * dt : 0)   [m]
/// in active cells, exactly what the stepper added to h. Loss models that depend on the rain
/// (SCS curve number) read it from here, so they follow every way of setting the rain.
struct StepRain {
  Real uniform_depth = 0;      ///< depth of the uniform rain of the step [m]
  const Real* rate = nullptr;  ///< rain intensity per cell [m/s] (padded layout), or null

  [[nodiscard]] Real depth(std::size_t k, Real dt) const {
    return uniform_depth + (rate != nullptr ? rate[k] * dt : Real(0));
  }
  [[nodiscard]] bool none() const { return uniform_depth == 0 && rate == nullptr; }
};

/// Columns of the interior rows outside which h = 0: row j's runs of columns [first, last)
/// are runs[start[j]] .. runs[start[j + 1] - 1], increasing (start has ny + 1 entries).
struct WetRuns {
  std::vector<std::size_t> start;
  std::vector<std::pair<int, int>> runs;
};

/// Removes water from active cells after each time step.
class LossModel {
 public:
  virtual ~LossModel() = default;
  /// Computes the losses over [t, t + dt].
  /// @param grid  the grid (padded layout, see grid.hpp)
  /// @param mask  cell kinds; only cells with mask == 1 are active
  /// @param h     depths [m] after the step's flux update (rain of the step included)
  /// @param t     time at the start of the step [s]
  /// @param dt    step [s]
  /// @param rain  the rain the simulation added over the step
  /// @param loss  output: depth lost per active cell [m], 0 <= loss <= h (padded layout)
  /// The simulation subtracts `loss` from h, scales the discharge with the depth (velocity is
  /// kept) and books the volume as losses in the mass balance.
  virtual void compute(const Grid& grid, const std::uint8_t* mask, const Real* h, Real t, Real dt,
                       const StepRain& rain, Real* loss) = 0;
  /// As compute, where only the cells of `wet` may hold water (h = 0 elsewhere): the
  /// simulation then reads `loss` in those cells only. A model whose cells with h = 0 lose
  /// nothing and keep their state may visit only them (on a mostly dry grid most cells are
  /// never touched); the default computes every cell.
  virtual void compute_wet(const Grid& grid, const std::uint8_t* mask, const Real* h, Real t,
                           Real dt, const StepRain& rain, const WetRuns& wet, Real* loss) {
    static_cast<void>(wet);
    compute(grid, mask, h, t, dt, rain, loss);
  }

  /// Whether the model computes the losses of one run of cells at a time (compute_run), so
  /// that the simulation computes and applies them while it writes the cells (in the step's
  /// last stage, or in one pass over the wet cells); checks that `grid` is the model's. False
  /// (the default): compute_wet, a pass of its own.
  virtual bool computes_runs(const Grid& grid) const {
    static_cast<void>(grid);
    return false;
  }
  /// As compute_wet for the cells [first, last) of the interior row j only, where `mask`, `h`
  /// and `loss` are that row's (column i at mask[i], h[i], loss[i]: the simulation may pass a
  /// row buffer it has not yet stored) and `rain` is as in compute (padded layout). Writes
  /// loss[first..last) and the model's state of those cells and nothing else: rows run on
  /// several threads at once. Called only when computes_runs() is true.
  virtual void compute_run(const Grid& grid, const std::uint8_t* mask, const Real* h, Real t,
                           Real dt, const StepRain& rain, int j, int first, int last, Real* loss) {
    static_cast<void>(grid);
    static_cast<void>(mask);
    static_cast<void>(h);
    static_cast<void>(t);
    static_cast<void>(dt);
    static_cast<void>(rain);
    static_cast<void>(j);
    static_cast<void>(first);
    static_cast<void>(last);
    static_cast<void>(loss);
    throw std::logic_error("compute_run: this loss model computes whole grids (computes_runs)");
  }

  /// The model's own per-cell state (padded layout, named), which checkpoints save and restore
  /// so that a resumed run is bitwise identical; empty for stateless models.
  virtual std::vector<std::pair<std::string, Field<Real>*>> state_fields() { return {}; }
};

}  // namespace floodtwin::solver
