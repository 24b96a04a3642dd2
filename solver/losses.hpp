#pragma once
/// @file losses.hpp
/// The hook through which losses (infiltration, evaporation) remove water.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "solver/grid.hpp"
#include "solver/real.hpp"

namespace floodtwin::solver {

/// Removes water from active cells after each time step.
class LossModel {
 public:
  virtual ~LossModel() = default;
  /// Computes the losses over [t, t + dt].
  /// @param grid  the grid (padded layout, see grid.hpp)
  /// @param mask  cell kinds; only cells with mask == 1 are active
  /// @param h     depths [m] after the step's flux update
  /// @param t     time at the start of the step [s]
  /// @param dt    step [s]
  /// @param loss  output: depth lost per active cell [m], 0 <= loss <= h (padded layout)
  /// The simulation subtracts `loss` from h, scales the discharge with the depth (velocity is
  /// kept) and books the volume as losses in the mass balance.
  virtual void compute(const Grid& grid, const std::uint8_t* mask, const Real* h, Real t,
                       Real dt, Real* loss) = 0;

  /// The model's own per-cell state (padded layout, named), which checkpoints save and restore
  /// so that a resumed run is bitwise identical; empty for stateless models.
  virtual std::vector<std::pair<std::string, std::vector<Real>*>> state_fields() { return {}; }
};

}  // namespace floodtwin::solver
