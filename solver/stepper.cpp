/// @file stepper.cpp
/// The step (Simulation::step): its length from the wave speeds, the stages of the scheme
/// (stage.cpp), the point sources and the losses after them where the last stage does not
/// finish the step itself, the flood maps folded in, and advance_to.
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <iterator>
#include <limits>
#include <sstream>

#include "solver/error.hpp"
#include "solver/flood_maps.hpp"
#include "solver/local_steps.hpp"
#include "solver/row_update.hpp"
#include "solver/simulation.hpp"
#include "solver/wet_runs.hpp"
#include "solver/workspace.hpp"

namespace floodtwin::solver {

namespace {
/// Local time stepping: a cycle with fewer levels than configured (after a rejected one)
/// tries one level more after this many accepted cycles in a row.
constexpr int kRaiseAfter = 8;
}  // namespace

Real Simulation::compute_max_rate() const {
  const Real g = config_.gravity;
  const Real dry = config_.dry_depth;
  const Real inv_dx = Real(1) / grid_.dx;
  const Real inv_dy = Real(1) / grid_.dy;
  double m = 0;
  // Only the wet columns: a dry cell's rate is 0 (and the maximum starts at 0).
#pragma omp parallel for num_threads(step_threads()) reduction(max : m) schedule(dynamic, 8)
  for (int j = row0_; j < row1_; ++j) {  // this process's rows (stable_dt reduces)
    const std::ptrdiff_t base = grid_.index(0, j);
    for_each_wet_run(j, [&](int first, int last) {
      for (int i = first; i < last; ++i) {
        const auto k = static_cast<std::size_t>(base + i);
        if (mask_[k] != cell_active) continue;
        m = std::max(m,
                     static_cast<double>(wave_rate(h_[k], qx_[k], qy_[k], g, dry, inv_dx, inv_dy)));
      }
    });
  }
  return static_cast<Real>(m);
}

Real Simulation::stable_dt() const {
  if (max_rate_ < 0) max_rate_ = compute_max_rate();
  Real rate = std::max(max_rate_, boundary_rate(time_));
  if (decomposed()) {  // the one reduction of a step (cached until the state changes)
    if (global_rate_ < 0) global_rate_ = static_cast<Real>(decomp_->max(rate));
    rate = global_rate_;
  }
  if (!(rate > 0)) return std::numeric_limits<Real>::infinity();
  return config_.cfl / rate;
}

Real Simulation::add_to_cell(std::size_t k, Real volume) {
  const Real area = grid_.cell_area();
  const Real h_old = h_[k];
  if (volume < 0) volume = std::max(volume, -h_old * area);  // cannot take more than stored
  const Real h_new = h_old + volume / area;
  if (h_new > config_.dry_depth && h_old > config_.dry_depth) {
    // Mass added at rest: discharge unchanged; mass removed keeps the velocity.
    if (volume < 0) {
      qx_[k] *= h_new / h_old;
      qy_[k] *= h_new / h_old;
    }
  } else {
    qx_[k] = qy_[k] = 0;
  }
  h_[k] = h_new;
  return volume;
}

void Simulation::apply_point_sources(Real t, Real dt) {
  const Real area = grid_.cell_area();
  std::vector<double> volumes(sources_.size(), 0.0);
  std::vector<int> rows(sources_.size(), 0);
  for (std::size_t n = 0; n < sources_.size(); ++n) {
    const PointSource& s = sources_[n];
    rows[n] = s.j;
    if (s.j < row0_ || s.j >= row1_) continue;  // decomposed: the owner of the cell adds it
    const auto k = static_cast<std::size_t>(grid_.index(s.i, s.j));
    Real volume = s.discharge.integral(t, t + dt);
    const std::ptrdiff_t ch = channels_ ? channels_->find(static_cast<std::ptrdiff_t>(k)) : -1;
    if (ch >= 0) {  // into the cell's sub-grid channel (one level with the cell's water)
      volumes[n] = channels_->add_volume(static_cast<std::size_t>(ch), static_cast<double>(volume),
                                         h_.data(), qx_.data(), qy_.data(),
                                         static_cast<double>(area), config_.dry_depth);
    } else {
      volumes[n] = static_cast<double>(add_to_cell(k, volume));
    }
    mark_wet(s.i, s.j);
  }
  if (decomposed() && !sources_.empty()) decomp_->merge_tagged(volumes, rows);
  for (const double v : volumes) balance_.point_in += v;
  // Recomputed from the state (not patched per source cell), so that a run restored from a
  // checkpoint takes the same next step.
  if (!sources_.empty()) max_rate_ = -1;
}

void Simulation::prepare_workspaces() {
  const auto threads = static_cast<std::size_t>(omp_get_max_threads());
  if (workspaces_.size() < threads) workspaces_.resize(threads);
  for (auto& ws : workspaces_) {
    if (ws.width != grid_.nx) ws.resize(grid_.nx);
  }
}

void Simulation::check_losses(long long bad, Real t) {
  if (bad > 0) {
    std::ostringstream msg;
    msg << "loss model returned " << bad << " loss depths outside [0, h] at t = " << t;
    throw NumericalError(msg.str());
  }
}

bool Simulation::finish_in_stage() const {
  return sources_.empty() && !channels_ && (!losses_ || losses_->computes_runs(grid_));
}

void Simulation::apply_losses(Real t, Real dt, Real rain_depth, const StageResult& last_stage) {
  if (!losses_) return;
  const Grid& G = grid_;
  if (finish_in_stage()) {  // applied by the last stage: checked and booked here
    check_losses(last_stage.bad_losses, t);
    balance_.losses += last_stage.losses * static_cast<double>(G.dx) * static_cast<double>(G.dy);
    return;
  }
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
  FloodMaps* const maps = maps_in_losses() ? maps_ : nullptr;  // the maps of the step's end
  const StepEnd step_end{
      config_.gravity, config_.dry_depth, Real(1) / G.dx, Real(1) / G.dy, step_end_, dt, maps};
  prepare_workspaces();  // their row buffers (the losses of a run)
#pragma omp parallel for num_threads(step_threads()) schedule(dynamic, 8) reduction(+ : bad) \
    reduction(max : max_rate)
  for (int j = row0_; j < row1_; ++j) {
    EndSums sums;
    const std::ptrdiff_t base = G.index(0, j);
    // The row's losses: a row buffer for a model computing runs, else the whole field's row.
    Workspace& W = workspaces_[static_cast<std::size_t>(omp_get_thread_num())];
    Real* const loss_row = by_runs ? W.loss.data() : loss_.data() + base;
    auto apply_run = [&](int first, int last) {
      if (by_runs) {  // own rows only: the mask is the loss mask there
        losses_->compute_run(G, mask_.data() + base, h_.data() + base, t, dt, rain, j, first, last,
                             loss_row);
      }
      finish_cells(mask_.data() + base, h_.data() + base, qx_.data() + base, qy_.data() + base,
                   loss_row, z_.data() + base, base, first, last, step_end, sums);
    };
    if (by_runs) {
      for_each_wet_run(j, apply_run);
    } else {
      for (std::size_t r = wet_runs_.start[static_cast<std::size_t>(j)];
           r < wet_runs_.start[static_cast<std::size_t>(j) + 1]; ++r) {
        apply_run(wet_runs_.runs[r].first, wet_runs_.runs[r].second);
      }
    }
    rows[2 * static_cast<std::size_t>(j)] = sums.lost.total();
    rows[2 * static_cast<std::size_t>(j) + 1] = static_cast<double>(sums.bad);
    bad += sums.bad;
    max_rate = std::max(max_rate, sums.rate);
  }
  if (split) {
    decomp_->allgather_rows(rows.data(), 2);
    bad = 0;
    for (int j = 0; j < G.ny; ++j)
      bad += static_cast<long long>(rows[2 * static_cast<std::size_t>(j) + 1]);
  }
  check_losses(bad, t);
  double total = 0;
  for (int j = 0; j < G.ny; ++j) total += rows[2 * static_cast<std::size_t>(j)];
  balance_.losses += total * static_cast<double>(G.dx) * static_cast<double>(G.dy);
  max_rate_ = static_cast<Real>(max_rate);
}

Real Simulation::step(Real dt_limit) {
  if (!balance_started_) {
    balance_ = MassBalance{};
    balance_.initial_volume = stored_volume();
    balance_started_ = true;
  }
  // A run past the end of a forcing series is an error (time_series.hpp): steps end at the
  // first such end, and a step from there is refused before anything changes.
  apply_due_elevations();  // a bed change scheduled for now (schedule_elevation)
  const Real forcing_horizon = forcing_end();
  if (!(time_ < forcing_horizon)) {
    check_forcing(std::nextafter(time_, std::numeric_limits<Real>::max()));
  }
  // Steps also stop exactly at the next scheduled bed change.
  const Real horizon = std::min(forcing_horizon, next_elevation_change());
  Real dt = std::min({stable_dt(), config_.max_dt, dt_limit});
  complete_halo();  // posted by the last step; the rate of this process's rows needs no halo
  const bool to_horizon = !(dt < horizon - time_);
  if (to_horizon) dt = horizon - time_;
  if (!(dt > 0) || !std::isfinite(dt)) {
    std::ostringstream msg;
    msg << "time step at t = " << time_ << " s is " << dt
        << (std::isfinite(dt) ? "" : ": the domain is still; give a maximum time step");
    throw NumericalError(msg.str());
  }
  const Real t = time_;
  if (config_.local_levels > 0) {
    if (const std::optional<Real> span = local_step(dt_limit, horizon)) return *span;
    // A global step: after kRaiseAfter of them local steps are tried again.
    if (local_ && local_->try_levels == 0 && ++local_->accepted >= kRaiseAfter) {
      local_->try_levels = 1;
      local_->accepted = 0;
    }
  }
  // advance_to's last step ends at its end time exactly (t + dt may round off it).
  step_end_ = !std::isnan(snap_end_) && !(dt < dt_limit) ? snap_end_
              : to_horizon                               ? horizon
                                                         : t + dt;
  const Real rain_depth = uniform_rain_.empty() ? Real(0) : uniform_rain_.integral(t, t + dt);
  StageResult r1;
  StageResult r2;
  refresh_live();
  plan_rows(rain_depth);
  if (config_.scheme == Scheme::first_order) {
    // In place (the stage defers the rows that neighbouring threads read): no stage buffers.
    fill_ghosts(h_.data(), qx_.data(), qy_.data(), t, t, dt);
    r2 = stage<false>(h_.data(), qx_.data(), qy_.data(), h_.data(), qx_.data(), qy_.data(), nullptr,
                      nullptr, nullptr, t, dt, Real(1), true, rain_depth, live_);
    if (decomposed()) flows_.merge_stage(grid_, *decomp_);
    flows_.end_stage(static_cast<double>(dt));
  } else {
    if (h1_.size() != h_.size()) {  // allocated by the first second-order step
      reset_field(h1_, h_.size());
      reset_field(qx1_, h_.size());
      reset_field(qy1_, h_.size());
      live1_.assign(static_cast<std::size_t>(grid_.ny), Span{});
    }
    fill_ghosts(h_.data(), qx_.data(), qy_.data(), t, t, dt);
    r1 = stage<true>(h_.data(), qx_.data(), qy_.data(), h1_.data(), qx1_.data(), qy1_.data(),
                     nullptr, nullptr, nullptr, t, dt, Real(0.5), false, 0, live1_);
    // Stage 2 reads the halo rows of stage 1's output. Decomposed, the exchange is posted
    // now and lands while stage 2 sweeps the rows that read no halo row (the ghosts of the
    // block's rows filled before the rows are sent, those of the halo rows once received).
    std::function<void()> halo_in;  // set (and allocated) only when decomposed
    if (decomposed()) {
      halo_in = [&] {
        complete_halo();
        fill_ghosts(h1_.data(), qx1_.data(), qy1_.data(), t + dt, t, dt, GhostRows::halo);
      };
      fill_ghosts(h1_.data(), qx1_.data(), qy1_.data(), t + dt, t, dt, GhostRows::block);
      exchange_halo(h1_.data(), qx1_.data(), qy1_.data(), false);
      flows_.merge_stage(grid_, *decomp_);
    } else {
      fill_ghosts(h1_.data(), qx1_.data(), qy1_.data(), t + dt, t, dt);
    }
    flows_.end_stage(0.5 * static_cast<double>(dt));
    r2 = stage<true>(h1_.data(), qx1_.data(), qy1_.data(), h_.data(), qx_.data(), qy_.data(),
                     h_.data(), qx_.data(), qy_.data(), t + dt, dt, Real(0.5), true, rain_depth,
                     live_, halo_in ? &halo_in : nullptr);
    if (decomposed()) flows_.merge_stage(grid_, *decomp_);
    flows_.end_stage(0.5 * static_cast<double>(dt));
  }
  for (const StageResult* r : {&r1, &r2}) {
    if (r->bad_cells > 0) {
      const auto k = static_cast<std::ptrdiff_t>(r->first_bad);
      const std::ptrdiff_t s = grid_.stride();
      std::ostringstream msg;
      msg << "the solution broke down at t = " << t << " s (dt = " << dt << " s): " << r->bad_cells
          << " cell(s) with negative or non-finite depth or discharge, first at cell (column "
          << k % s - 1 << ", row " << k / s - 1 << ") with value " << r->first_bad_value
          << "; try a smaller cfl";
      flows_.discard_step();
      throw NumericalError(msg.str());
    }
    balance_.boundary_in += r->boundary_in;
    balance_.boundary_out += r->boundary_out;
    balance_.correction += r->correction;
  }
  balance_.rain_in += r2.rain;
  max_rate_ = static_cast<Real>(r2.max_rate);
  apply_point_sources(t, dt);
  apply_losses(t, dt, rain_depth, r2);
  step_channels(dt);
  // The next step reads the halo rows: posted now, waited for by the next step.
  exchange_halo(h_.data(), qx_.data(), qy_.data(), false);
  global_rate_ = -1;
  // The flows are booked at the step's own end (before advance_to's snap, as always).
  flows_.end_step(static_cast<double>(dt), static_cast<double>(to_horizon ? horizon : t + dt));
  time_ = step_end_;
  last_dt_ = dt;
  ++steps_;
  if (maps_ != nullptr && !finish_in_stage() && !maps_in_losses()) maps_->update(*this, dt);
  return dt;
}

void Simulation::fold_maps(FloodMaps* maps) {
  if (maps != nullptr && (maps->grid().nx != grid_.nx || maps->grid().ny != grid_.ny)) {
    throw ConfigError("fold_maps: the flood maps' grid does not match the simulation's");
  }
  maps_ = maps;
}

bool Simulation::maps_in_losses() const {
  // The losses' pass visits the wet runs of this process's rows after every other change of
  // the step but the channels' exchange, so it sees the state update() would.
  return maps_ != nullptr && losses_ && !channels_ && losses_->computes_runs(grid_);
}

Real Simulation::local_span(Real dt0, int& levels) const {
  levels = config_.local_levels;
  while (levels > 0 && dt0 * Real(1 << levels) > config_.max_dt) --levels;  // cells' steps
  return dt0 * Real(1 << levels);
}

std::optional<Real> Simulation::local_step(Real dt_limit, Real horizon) {
  if (channels_ || (losses_ && !losses_->computes_runs(grid_))) {
    throw ConfigError(
        "local time stepping (local_levels > 0) does not yet support sub-grid channels or loss "
        "models that compute whole grids; set local_levels = 0");
  }
  if (!local_) local_ = std::make_unique<LocalSteps>();
  LocalSteps& S = *local_;
  const Real t = time_;
  const Real dt0_full = std::min(stable_dt(), config_.max_dt);
  int levels = 0;
  static_cast<void>(local_span(dt0_full, levels));  // the levels max_dt allows
  if (S.try_levels < 0) S.try_levels = config_.local_levels;
  levels = std::min(levels, S.try_levels);
  const Real reach = std::min(dt_limit, horizon - t);
  for (; levels > 0; --levels) {
    Real dt0 = dt0_full;
    int used = levels;
    const Real full = dt0 * Real(1 << levels);
    const bool limited = !(full < reach);
    if (limited) {  // the cycle ends at the limit exactly: fewer levels, a shorter dt0
      while (used > 0 && dt0 * Real(1 << (used - 1)) >= reach) --used;
      dt0 = reach / Real(1 << used);
    }
    if (used == 0) return std::nullopt;  // one global step reaches the limit
    const bool to_horizon = limited && !(dt_limit < horizon - t);
    const Real span = limited ? reach : full;
    step_end_ = !std::isnan(snap_end_) && limited ? snap_end_ : to_horizon ? horizon : t + span;
    if (!local_cycle(t, dt0, used, step_end_)) {  // rejected: fewer levels from now on
      S.try_levels = levels - 1;
      S.accepted = 0;
      continue;
    }
    if (S.try_levels < config_.local_levels && ++S.accepted >= kRaiseAfter) {
      ++S.try_levels;
      S.accepted = 0;
    }
    flows_.end_step(static_cast<double>(span),
                    static_cast<double>(to_horizon ? horizon : t + span));
    // The next step reads the halo rows: posted now, waited for by the next step.
    exchange_halo(h_.data(), qx_.data(), qy_.data(), false);
    global_rate_ = -1;
    time_ = step_end_;
    last_dt_ = span;
    ++steps_;
    if (maps_ != nullptr) maps_->update(*this, span);
    return span;
  }
  return std::nullopt;
}

std::pair<int, int> Simulation::local_state() const {
  return local_ ? std::pair{local_->try_levels, local_->accepted} : std::pair{-1, 0};
}

void Simulation::restore_local_state(int try_levels, int accepted) {
  if (!(try_levels >= -1 && try_levels <= config_.local_levels && accepted >= 0)) {
    std::ostringstream msg;
    msg << "restore_local_state: levels " << try_levels << " (expected -1.." << config_.local_levels
        << ") and accepted cycles " << accepted << " (expected >= 0)";
    throw InputError(msg.str());
  }
  if (!local_) local_ = std::make_unique<LocalSteps>();
  local_->try_levels = try_levels;
  local_->accepted = accepted;
}

bool Simulation::advance_to(Real t_end, const std::function<bool(Real dt)>& after_step) {
  if (!std::isfinite(t_end)) throw InputError("advance_to: the end time must be finite");
  while (time_ < t_end) {
    const Real remaining = t_end - time_;
    int levels = 0;
    const Real dt0 = std::min(stable_dt(), config_.max_dt);
    const Real reach = config_.local_levels > 0 ? local_span(dt0, levels) : dt0;
    const bool last =
        reach >= remaining && std::min(forcing_end(), next_elevation_change()) >= t_end;
    snap_end_ = last ? t_end : std::numeric_limits<Real>::quiet_NaN();
    Real dt = 0;
    try {
      dt = step(remaining);
    } catch (...) {
      snap_end_ = std::numeric_limits<Real>::quiet_NaN();
      throw;
    }
    snap_end_ = std::numeric_limits<Real>::quiet_NaN();
    if (after_step && !after_step(dt)) return time_ >= t_end;
  }
  return true;
}

}  // namespace floodtwin::solver
