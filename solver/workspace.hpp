#pragma once
/// @file workspace.hpp
/// Per-thread scratch rows of the stepper (private to solver/).
#include <vector>

#include "solver/reconstruction.hpp"
#include "solver/riemann_hllc.hpp"
#include "solver/simulation.hpp"

namespace floodtwin::solver {

struct Simulation::Workspace {
  static constexpr int ring = 4;  ///< primitive rows kept: r-1 .. r+2
  std::vector<Real> ph[ring], pu[ring], pv[ring], peta[ring];
  std::vector<FaceFlux> fx;             ///< x faces of the current row (nx + 1)
  std::vector<FaceFlux> fy_n, fy_s;     ///< y faces north and south of the current row (nx)
  std::vector<FaceValues> n_face, s_face, s_prev;  ///< y reconstruction (second order)
  std::vector<Real> scx, scy, scy_next;            ///< bed-slope corrections (second order)

  void resize(int nx) {
    const auto w = static_cast<std::size_t>(nx + 2);
    for (int s = 0; s < ring; ++s) {
      ph[s].resize(w);
      pu[s].resize(w);
      pv[s].resize(w);
      peta[s].resize(w);
    }
    fx.resize(w - 1);
    fy_n.resize(w);
    fy_s.resize(w);
    n_face.resize(w);
    s_face.resize(w);
    s_prev.resize(w);
    scx.resize(w);
    scy.resize(w);
    scy_next.resize(w);
  }
};

struct Simulation::StageResult {
  double max_rate = 0;
  double boundary_in = 0;
  double boundary_out = 0;
  double rain = 0;
  double correction = 0;
  long long bad_cells = 0;
  std::ptrdiff_t first_bad = -1;
  Real first_bad_value = 0;
};

/// Largest (|u| + c) / dx + (|v| + c) / dy of a cell; the CFL condition bounds dt by cfl / rate.
inline Real wave_rate(Real h, Real qx, Real qy, Real g, Real dry, Real inv_dx,
                      Real inv_dy) noexcept {
  if (!(h > 0)) return 0;
  const Real c = std::sqrt(g * h);
  if (h <= dry) return c * (inv_dx + inv_dy);
  return (std::abs(qx) / h + c) * inv_dx + (std::abs(qy) / h + c) * inv_dy;
}

}  // namespace floodtwin::solver
