#pragma once
/// @file wet_runs.hpp
/// Private to solver/: the wet runs of a row (Simulation::wet_runs_row_), written by the stage
/// as it writes a row and by refresh_live (dry_ground.cpp).
#include "solver/simulation.hpp"

namespace floodtwin::solver {

/// Appends the runs of the cells of [first, last) where wet(i) to `runs` (a row's, increasing;
/// the new cells lie right of its last run), joining runs less than Simulation::wet_gap apart.
template <class Runs, class Wet>
void add_wet_runs(Runs& runs, int first, int last, Wet&& wet) {
  for (int i = first; i < last; ++i) {
    if (!wet(i)) continue;
    if (!runs.empty() && i - runs.back().last < Simulation::wet_gap) {
      runs.back().last = i + 1;
    } else {
      runs.push_back({i, i + 1});
    }
  }
}

}  // namespace floodtwin::solver
