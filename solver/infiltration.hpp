#pragma once
/// @file infiltration.hpp
/// Infiltration loss models (LossModel implementations): Green-Ampt and SCS curve number.
///
/// Per-cell parameters are given as one value (the same everywhere) or as nx * ny values,
/// row-major, row 0 north (as every public field). Internal state (cumulative infiltration,
/// cumulative rain) lives in padded fields of the grid's layout (grid.hpp).
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "solver/grid.hpp"
#include "solver/losses.hpp"
#include "solver/real.hpp"

namespace floodtwin::solver {

/// Green-Ampt infiltration (Green & Ampt 1911; Mein & Larson 1973; Chow, Maidment & Mays
/// 1988, Applied Hydrology, sec. 4.3).
///
/// Capacity rate f = Ks (1 + psi dtheta / F), with F the cumulative infiltration [m]. Over a
/// step the capacity increment dF is the exact integral of dF/dt = f from F_n
/// (Chow et al. eq. 4.4.4 between two times):
///   dF - S ln(1 + dF / (F_n + S)) = Ks dt,   S = psi dtheta,
/// solved in closed form for steps short against the infiltration so far (a series exact to
/// round-off, infiltration.cpp) and with Newton's method otherwise, so the ponded curve is
/// reproduced for any step length. The
/// loss of a step is min(h, dF): infiltration is limited by the water available in the cell
/// (rain of the step included), and F grows by the loss.
class GreenAmpt : public LossModel {
 public:
  /// @param grid    the simulation's grid
  /// @param ks      saturated hydraulic conductivity [m/s], >= 0: 1 or nx*ny values
  /// @param psi     wetting-front suction head [m], >= 0: 1 or nx*ny values
  /// @param dtheta  moisture deficit (porosity minus initial moisture) [-], >= 0: 1 or nx*ny
  /// @param initial_infiltration  F at t = 0 [m], >= 0 (0: dry soil, infinite initial rate)
  /// Throws InputError naming the parameter and the cell when a value is invalid; give any
  /// valid value (e.g. 0) in inactive cells.
  GreenAmpt(const Grid& grid, std::span<const Real> ks, std::span<const Real> psi,
            std::span<const Real> dtheta, Real initial_infiltration = 0);
  GreenAmpt(const Grid& grid, Real ks, Real psi, Real dtheta, Real initial_infiltration = 0);

  void compute(const Grid& grid, const std::uint8_t* mask, const Real* h, Real t, Real dt,
               const StepRain& rain, Real* loss) override;
  /// Visits the wet runs only: a cell with h = 0 infiltrates nothing.
  void compute_wet(const Grid& grid, const std::uint8_t* mask, const Real* h, Real t, Real dt,
                   const StepRain& rain, const WetRuns& wet, Real* loss) override;
  /// One run of wet cells at a time (the simulation applies them as it writes the cells).
  bool computes_runs(const Grid& grid) const override;
  void compute_run(const Grid& grid, const std::uint8_t* mask, const Real* h, Real t, Real dt,
                   const StepRain& rain, int j, int first, int last, Real* loss) override;
  std::vector<std::pair<std::string, Field<Real>*>> state_fields() override {
    return {{"green_ampt_infiltration", &f_}};
  }

  /// Cumulative infiltration F [m], nx*ny row-major, row 0 north.
  [[nodiscard]] std::vector<Real> cumulative_infiltration() const;

  /// Ponded capacity increment: the dF >= 0 solving dF - S ln(1 + dF/(F + S)) = ks dt.
  [[nodiscard]] static Real ponded_increment(Real F, Real ks, Real S, Real dt);
  /// Time to infiltrate F from F = 0 under ponding: t = (F - S ln(1 + F/S)) / ks.
  [[nodiscard]] static Real ponded_time(Real F, Real ks, Real S);

 private:
  /// The loss of active cell k over dt, with F updated.
  Real cell_loss(std::size_t k, Real h, Real dt);
  /// The cells of a run are solved Lanes at a time (batch_losses), bitwise as cell_loss:
  /// n <= Lanes cells k0.. of the padded fields, whose mask, depth and loss are mask[0..n),
  /// h[0..n) and loss[0..n). kLanes in short runs, kWideLanes (more side by side) in long ones.
  static constexpr int kLanes = 8;
  static constexpr int kWideLanes = 32;
  template <int Lanes>
  void batch_losses(std::size_t k0, int n, const std::uint8_t* mask, const Real* h, Real dt,
                    Real* loss);
  Grid grid_;
  Field<Real> ks_;  ///< [m/s], padded, or one value for uniform soil
  Field<Real> s_;   ///< psi * dtheta [m], padded, or one value for uniform soil
  Field<Real> f_;   ///< cumulative infiltration F [m], padded
};

/// SCS (NRCS) curve-number losses (USDA NRCS, National Engineering Handbook part 630,
/// ch. 10, eq. 10-9 to 10-11): with S = 25.4 (1000 / CN - 10) mm and Ia = ratio * S,
/// cumulative runoff Q(P) = (P - Ia)^2 / (P - Ia + S) for P > Ia, else 0, where P is the
/// cumulative rain of the cell. Each step removes the rain increment minus the runoff
/// increment, limited by the water available (what cannot be removed is owed to later steps).
///
/// P is the rain the simulation added to the cell (LossModel::compute's `rain`): whichever
/// way the rain is set (field, uniform series, gauges, radar), the model follows it. Point
/// sources and inflows are not rain and are not abstracted.
class ScsCurveNumber : public LossModel {
 public:
  /// @param cn     curve number in (0, 100]: 1 or nx*ny values
  /// @param initial_abstraction_ratio  Ia / S (0.2 in the NRCS handbook; 0.05 is also used)
  ScsCurveNumber(const Grid& grid, std::span<const Real> cn,
                 Real initial_abstraction_ratio = Real(0.2));
  ScsCurveNumber(const Grid& grid, Real cn, Real initial_abstraction_ratio = Real(0.2));

  void compute(const Grid& grid, const std::uint8_t* mask, const Real* h, Real t, Real dt,
               const StepRain& rain, Real* loss) override;
  std::vector<std::pair<std::string, Field<Real>*>> state_fields() override {
    return {{"scs_cumulative_rain", &p_}, {"scs_owed_losses", &owed_}};
  }

  /// Cumulative rain P [m] seen by each cell, nx*ny row 0 north.
  [[nodiscard]] std::vector<Real> cumulative_rain() const;
  /// Cumulative runoff Q(P) [m] for rain P [m] and potential retention S [m].
  [[nodiscard]] static Real runoff(Real P, Real S, Real ratio);

 private:
  Grid grid_;
  Real ratio_;
  Field<Real> s_;     ///< potential maximum retention S [m], padded
  Field<Real> p_;     ///< cumulative rain [m], padded
  Field<Real> owed_;  ///< losses not yet removed for lack of water [m], padded
};

}  // namespace floodtwin::solver
