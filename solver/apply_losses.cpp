/// @file apply_losses.cpp
/// The losses' pass of a step: the loss model's depths taken off the wet cells of this
/// process's rows, the wave rate of the state after them, and (maps_in_losses) the flood
/// maps of the step's end, a run of cells at a time while the run is in cache.
#include <algorithm>
#include <cmath>
#include <sstream>

#include "solver/error.hpp"
#include "solver/flood_maps.hpp"
#include "solver/simulation.hpp"
#include "solver/workspace.hpp"

namespace floodtwin::solver {

namespace {

/// The cells of [k0, k1) whose loss is taken off: active, with a loss in [0, h].
inline bool takes_loss(std::uint8_t m, Real loss, Real h) {
  return m == cell_active && loss >= 0 && loss <= h;
}

/// Adds the losses taken off [k0, k1) to `sum`, one cell after the other (the order of the
/// row's sum, independent of vector widths and threads).
void add_losses(std::size_t k0, std::size_t k1, const std::uint8_t* mask, const Real* loss,
                const Real* h, double& sum) {
  for (std::size_t k = k0; k < k1; ++k) {
    if (takes_loss(mask[k], loss[k], h[k]) && loss[k] != 0) sum += loss[k];
  }
}

/// Takes the losses off the active cells of [k0, k1): h - loss, the discharges scaled by the
/// depth ratio (0 once the cell is dry). Counts the cells whose loss is outside [0, h] (left
/// as they are) into `bad` and raises `max_rate` to the wave rate of each updated cell. Written
/// with selects and masked stores so that the compiler runs several cells at once.
void take_losses(std::size_t k0, std::size_t k1, const std::uint8_t* __restrict mask,
                 const Real* __restrict loss, Real* __restrict h, Real* __restrict qx,
                 Real* __restrict qy, Real g, Real dry, Real inv_dx, Real inv_dy, long long& bad,
                 double& max_rate) {
  long long bad_run = 0;
  Real rate = 0;
#pragma omp simd reduction(+ : bad_run) reduction(max : rate)
  for (std::size_t k = k0; k < k1; ++k) {
    const bool active = mask[k] == cell_active;
    const Real l = loss[k];
    const Real h0 = h[k];
    const bool ok = l >= 0 && l <= h0;
    bad_run += active && !ok ? 1 : 0;
    const Real a0 = qx[k];
    const Real b0 = qy[k];
    const Real h1 = h0 - l;
    const Real ratio = h1 / (h0 > 0 ? h0 : Real(1));  // one division (h0 > 0 where l != 0)
    const bool keeps = h1 > dry;
    const bool lost = active && ok && l != 0;
    const Real hn = lost ? h1 : h0;
    const Real an = lost ? (keeps ? a0 * ratio : Real(0)) : a0;
    const Real bn = lost ? (keeps ? b0 * ratio : Real(0)) : b0;
    if (lost) {  // a masked store: lines without a loss stay clean
      h[k] = hn;
      qx[k] = an;
      qy[k] = bn;
    }
    const Real r = active && ok ? wave_rate(hn, an, bn, g, dry, inv_dx, inv_dy) : Real(0);
    rate = std::max(rate, r);
  }
  bad += bad_run;
  max_rate = std::max(max_rate, static_cast<double>(rate));
}

}  // namespace

void Simulation::apply_losses(Real t, Real dt, Real rain_depth) {
  if (!losses_) return;
  const Grid& G = grid_;
  const StepRain rain{rain_depth, rain_.empty() ? nullptr : rain_.data()};
  const bool split = decomposed();
  if (split && loss_mask_.size() != mask_.size()) {  // other processes' rows: not computed here
    loss_mask_ = mask_;
    for (int j = -1; j <= G.ny; ++j) {
      if (j >= row0_ && j < row1_) continue;
      const auto base = static_cast<std::size_t>(G.index(-1, j));
      std::fill_n(loss_mask_.begin() + static_cast<std::ptrdiff_t>(base), G.stride(), cell_wall);
    }
  }
  // A model that computes a run of cells at a time does so in the pass below, which then
  // applies the losses while the run's cells are in cache; another computes them all first.
  const bool by_runs = losses_->computes_runs(G);
  if (!by_runs) {
    // The cells that may hold water (outside them h = 0: no loss), this process's rows.
    wet_runs_.start.assign(static_cast<std::size_t>(G.ny) + 1, 0);
    wet_runs_.runs.clear();
    for (int j = 0; j < G.ny; ++j) {
      if (j >= row0_ && j < row1_) {
        for_each_wet_run(j, [&](int first, int last) { wet_runs_.runs.emplace_back(first, last); });
      }
      wet_runs_.start[static_cast<std::size_t>(j) + 1] = wet_runs_.runs.size();
    }
    losses_->compute_wet(G, split ? loss_mask_.data() : mask_.data(), h_.data(), t, dt, rain,
                         wet_runs_, loss_.data());
  }
  // Per row: the depth lost and the count of bad loss depths. The wave rate of the state
  // after the losses is taken on the way (as compute_max_rate would).
  std::vector<double> rows(2 * static_cast<std::size_t>(G.ny), 0.0);
  long long bad = 0;
  double max_rate = 0;
  const Real g = config_.gravity;
  const Real dry = config_.dry_depth;
  const Real inv_dx = Real(1) / G.dx;
  const Real inv_dy = Real(1) / G.dy;
  FloodMaps* const maps = maps_in_losses() ? maps_ : nullptr;  // the maps of the step's end
#pragma omp parallel for schedule(dynamic, 8) reduction(+ : bad) reduction(max : max_rate)
  for (int j = row0_; j < row1_; ++j) {
    long long bad_row = 0;
    double s = 0;
    const std::ptrdiff_t base = G.index(0, j);
    auto apply_run = [&](int first, int last) {
      if (by_runs) {  // own rows only: the mask is the loss mask there
        losses_->compute_run(G, mask_.data(), h_.data(), t, dt, rain, j, first, last, loss_.data());
      }
      const auto k0 = static_cast<std::size_t>(base + first);
      const auto k1 = static_cast<std::size_t>(base + last);
      add_losses(k0, k1, mask_.data(), loss_.data(), h_.data(), s);
      take_losses(k0, k1, mask_.data(), loss_.data(), h_.data(), qx_.data(), qy_.data(), g, dry,
                  inv_dx, inv_dy, bad_row, max_rate);
      // A cell whose loss is bad ends the step with an error below: its maps do not matter.
      if (maps != nullptr) {
        maps->update_run(k0, k1, mask_.data(), h_.data(), qx_.data(), qy_.data(), z_.data(), dry,
                         step_end_, dt);
      }
    };
    if (by_runs) {
      for_each_wet_run(j, apply_run);
    } else {
      for (std::size_t r = wet_runs_.start[static_cast<std::size_t>(j)];
           r < wet_runs_.start[static_cast<std::size_t>(j) + 1]; ++r) {
        apply_run(wet_runs_.runs[r].first, wet_runs_.runs[r].second);
      }
    }
    rows[2 * static_cast<std::size_t>(j)] = s;
    rows[2 * static_cast<std::size_t>(j) + 1] = static_cast<double>(bad_row);
    bad += bad_row;
  }
  if (split) {
    decomp_->allgather_rows(rows.data(), 2);
    bad = 0;
    for (int j = 0; j < G.ny; ++j)
      bad += static_cast<long long>(rows[2 * static_cast<std::size_t>(j) + 1]);
  }
  if (bad > 0) {
    std::ostringstream msg;
    msg << "loss model returned " << bad << " loss depths outside [0, h] at t = " << t;
    throw NumericalError(msg.str());
  }
  double total = 0;
  for (int j = 0; j < G.ny; ++j) total += rows[2 * static_cast<std::size_t>(j)];
  balance_.losses += total * static_cast<double>(G.dx) * static_cast<double>(G.dy);
  max_rate_ = static_cast<Real>(max_rate);
}

bool Simulation::maps_in_losses() const {
  // The losses' pass visits the wet runs of this process's rows after every other change of
  // the step but the channels' exchange, so it sees the state update() would.
  return maps_ != nullptr && losses_ && !channels_ && losses_->computes_runs(grid_);
}

}  // namespace floodtwin::solver
