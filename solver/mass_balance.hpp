#pragma once
/// @file mass_balance.hpp
/// Water volumes accumulated since the start of a simulation [m3].
#include <algorithm>
#include <cmath>

#include "solver/real.hpp"

namespace floodtwin::solver {

struct MassBalance {
  double initial_volume = 0;  ///< volume stored at the start [m3]
  double volume = 0;          ///< volume stored now [m3]
  double rain_in = 0;         ///< rain added [m3]
  double boundary_in = 0;     ///< volume that entered through boundaries [m3]
  double boundary_out = 0;    ///< volume that left through boundaries [m3]
  double point_in = 0;        ///< net volume of point sources (negative for abstraction) [m3]
  double losses = 0;          ///< volume removed by losses (infiltration...) [m3]
  double correction = 0;      ///< volume added by clipping round-off negative depths [m3]
  /// Net volume added by edits of the state after the start (set_depth, set_water_level,
  /// set_active...): booked so that the balance of the run stays meaningful [m3].
  double edits = 0;

  /// Volume expected from the sources and sinks [m3].
  [[nodiscard]] double expected_volume() const {
    return initial_volume + rain_in + boundary_in - boundary_out + point_in - losses + correction +
           edits;
  }
  /// stored - expected [m3].
  [[nodiscard]] double error() const { return volume - expected_volume(); }
  /// |error| relative to the largest volume that took part in the balance.
  [[nodiscard]] double relative_error() const {
    const double scale = std::max(
        {std::abs(initial_volume), std::abs(volume),
         initial_volume + rain_in + boundary_in + std::abs(point_in) + std::abs(edits), 1e-300});
    return std::abs(error()) / scale;
  }
};

}  // namespace floodtwin::solver
