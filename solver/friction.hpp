#pragma once
/// @file friction.hpp
/// Manning friction, fully implicit in time for each cell.
///
/// The friction ODE dq/dt = -g n^2 |q| q / h^(7/3) is integrated with backward Euler over a
/// step dt at fixed h: |q_new| (1 + a |q_new|) = |q_old| with a = dt g n^2 / h^(7/3), whose
/// positive root is |q_new| = 2 |q_old| / (1 + sqrt(1 + 4 a |q_old|)) (written without
/// cancellation). The factor never exceeds 1, never reverses the flow and is stable for any
/// dt, so thin sheets on steep slopes stay stable; a steady state of the scheme satisfies the
/// exact discrete steady equation whatever dt is.
#include <cmath>

#include "solver/real.hpp"

namespace floodtwin::solver {

/// Factor in (0, 1] that multiplies both discharge components.
/// @param h       depth [m], > 0
/// @param q_norm  |(qx, qy)| before friction [m2/s]
/// @param n       Manning coefficient [s/m^(1/3)], 0 for frictionless
/// @param g       gravity [m/s2]
/// @param dt      time step [s]
inline Real manning_factor(Real h, Real q_norm, Real n, Real g, Real dt) noexcept {
  if (n <= 0 || q_norm <= 0) return 1;
  const Real h73 = h * h * std::cbrt(h);
  const Real a = dt * g * n * n / h73;
  return 2 / (1 + std::sqrt(1 + 4 * a * q_norm));
}

}  // namespace floodtwin::solver
