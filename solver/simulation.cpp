#include "solver/simulation.hpp"

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <optional>
#include <sstream>

#include "solver/error.hpp"
#include "solver/local_steps.hpp"
#include "solver/row_source.hpp"
#include "solver/workspace.hpp"

namespace floodtwin::solver {

Scheme parse_scheme(std::string_view text) {
  if (text == "first-order" || text == "first_order" || text == "1") return Scheme::first_order;
  if (text == "second-order" || text == "second_order" || text == "2") {
    return Scheme::second_order;
  }
  throw ConfigError("scheme: expected \"first-order\" or \"second-order\", got \"" +
                    std::string(text) + "\"");
}

std::string to_string(Scheme scheme) {
  return scheme == Scheme::first_order ? "first-order" : "second-order";
}

Limiter parse_limiter(std::string_view text) {
  if (text == "van-leer" || text == "van_leer") return Limiter::van_leer;
  if (text == "mc") return Limiter::mc;
  if (text == "minmod") return Limiter::minmod;
  throw ConfigError("limiter: expected \"van-leer\", \"mc\" or \"minmod\", got \"" +
                    std::string(text) + "\"");
}

std::string to_string(Limiter limiter) {
  switch (limiter) {
    case Limiter::mc:
      return "mc";
    case Limiter::minmod:
      return "minmod";
    case Limiter::van_leer:
      break;
  }
  return "van-leer";
}

void SolverConfig::validate() const {
  std::ostringstream msg;
  if (!(cfl >= 0 && cfl <= 1)) {  // 0: the scheme's default (resolved_cfl)
    msg << "cfl: expected a Courant number in (0, 1], got " << cfl;
  } else if (!(gravity > 0 && std::isfinite(gravity))) {
    msg << "gravity: expected a positive finite value, got " << gravity;
  } else if (!(dry_depth >= 0 && std::isfinite(dry_depth))) {
    msg << "dry_depth: expected a finite value >= 0, got " << dry_depth;
  } else if (!(max_dt > 0)) {
    msg << "max_dt: expected a positive time step, got " << max_dt;
  } else if (!(local_levels >= 0 && local_levels <= max_local_levels)) {
    msg << "local_levels: expected 0 (off) to " << max_local_levels << ", got " << local_levels;
  } else if (local_levels > 0 && scheme != Scheme::first_order) {
    msg << "local_levels: local time stepping needs the first-order scheme (got "
        << to_string(scheme) << ")";
  } else {
    return;
  }
  throw ConfigError(msg.str());
}

Simulation::Simulation(const Grid& grid, std::span<const Real> elevation,
                       const SolverConfig& config)
    : grid_(grid), config_(config) {
  grid_.validate();
  config_.validate();
  config_.cfl = config_.resolved_cfl();
  static_cast<void>(min_cells_per_thread());  // a bad FLOODTWIN_MIN_CELLS_PER_THREAD throws here
  row1_ = grid_.ny;
  if (elevation.size() != grid_.cell_count()) {
    std::ostringstream msg;
    msg << "elevation: expected " << grid_.nx << " x " << grid_.ny << " = " << grid_.cell_count()
        << " values, got " << elevation.size();
    throw InputError(msg.str());
  }
  const std::size_t n = grid_.padded_size();
  // Zeros, untouched outside the kept rows (field_memory.hpp).
  reset_field(h_, n);
  reset_field(qx_, n);
  reset_field(qy_, n);
  // h1_, qx1_, qy1_: allocated by the first second-order step (the first order needs none).
  reset_field(z_, n);
  reset_field(n_, n);
  mask_.assign(n, cell_wall);
  user_inactive_.assign(n, 0);
  const auto [first, end] = grid_.kept_cells();  // the bed is set there; every cell is checked
  for (std::size_t c = 0; c < elevation.size(); ++c) {
    const std::size_t k = interior_offset(c);
    const Real zc = elevation[c];
    if (std::isnan(zc)) {
      user_inactive_[k] = 1;
    } else if (!std::isfinite(zc)) {
      std::ostringstream msg;
      msg << "elevation: cell (row " << c / static_cast<std::size_t>(grid_.nx) << ", column "
          << c % static_cast<std::size_t>(grid_.nx) << ") is " << zc
          << "; expected a finite value (NaN marks an inactive cell)";
      throw InputError(msg.str());
    } else if (c >= first && c < end) {
      z_[k] = zc;
    }
  }
  rebuild_boundary_cells();
}

Simulation::~Simulation() = default;
Simulation::Simulation(Simulation&&) noexcept = default;
Simulation& Simulation::operator=(Simulation&&) noexcept = default;

std::size_t Simulation::interior_offset(std::size_t flat) const {
  const auto nx = static_cast<std::size_t>(grid_.nx);
  return static_cast<std::size_t>(
      grid_.index(static_cast<int>(flat % nx), static_cast<int>(flat / nx)));
}

void Simulation::check_interior_field(std::span<const Real> values, const char* name) const {
  if (values.size() != grid_.cell_count()) {
    std::ostringstream msg;
    msg << name << ": expected " << grid_.nx << " x " << grid_.ny << " = " << grid_.cell_count()
        << " values, got " << values.size();
    throw InputError(msg.str());
  }
}

namespace {
[[noreturn]] void bad_value(const char* name, std::size_t flat, int nx, Real value,
                            const char* expected) {
  std::ostringstream msg;
  msg << name << ": cell (row " << flat / static_cast<std::size_t>(nx) << ", column "
      << flat % static_cast<std::size_t>(nx) << ") is " << value << "; expected " << expected;
  throw InputError(msg.str());
}
}  // namespace

void Simulation::set_manning(Real n) {
  if (!(n >= 0 && std::isfinite(n))) {
    std::ostringstream msg;
    msg << "manning: expected a finite value >= 0, got " << n;
    throw InputError(msg.str());
  }
  const auto [first, end] = grid_.kept_cells();
  for (std::size_t c = first; c < end; ++c) n_[interior_offset(c)] = n;
}

void Simulation::set_manning(std::span<const Real> n) {
  check_interior_field(n, "manning");
  const auto [first, end] = grid_.kept_cells();
  for (std::size_t c = 0; c < n.size(); ++c) {
    const std::size_t k = interior_offset(c);
    if (user_inactive_[k]) continue;
    if (!(n[c] >= 0 && std::isfinite(n[c]))) {
      bad_value("manning", c, grid_.nx, n[c], "a finite value >= 0");
    }
    if (c >= first && c < end) n_[k] = n[c];
  }
}

void Simulation::set_depth(std::span<const Real> h) {
  refuse_decomposed_edit("set_depth");
  check_interior_field(h, "depth");
  for (std::size_t c = 0; c < h.size(); ++c) {
    const std::size_t k = interior_offset(c);
    if (user_inactive_[k]) continue;
    if (!(h[c] >= 0 && std::isfinite(h[c]))) {
      bad_value("depth", c, grid_.nx, h[c], "a finite depth >= 0");
    }
  }
  const double before = balance_started_ ? stored_volume() : 0.0;
  const auto [first, end] = grid_.kept_cells();
  for (std::size_t c = first; c < end; ++c) {
    const std::size_t k = interior_offset(c);
    h_[k] = user_inactive_[k] ? Real(0) : h[c];
    if (!(h_[k] > config_.dry_depth)) qx_[k] = qy_[k] = 0;
  }
  if (channels_) channels_->set_levels(h_.data(), nullptr, config_.dry_depth);
  book_edit(before);
  mark_state_changed();
}

void Simulation::book_edit(double volume_before) {
  // Before the first step the initial volume is not recorded yet: the edit sets it.
  if (balance_started_) balance_.edits += stored_volume() - volume_before;
}

void Simulation::set_water_level(std::span<const Real> eta) {
  check_interior_field(eta, "water_level");
  std::vector<Real> depth(eta.size(), 0);
  for (std::size_t c = 0; c < eta.size(); ++c) {
    const std::size_t k = interior_offset(c);
    if (user_inactive_[k]) continue;
    if (!std::isfinite(eta[c])) bad_value("water_level", c, grid_.nx, eta[c], "a finite level");
    depth[c] = std::max(Real(0), eta[c] - z_[k]);
  }
  set_depth(depth);
  if (channels_) {  // in-bank levels too
    const double before = stored_volume();
    std::vector<Real> padded(grid_.padded_size(), Real(0));
    for (std::size_t c = 0; c < eta.size(); ++c) padded[interior_offset(c)] = eta[c];
    channels_->set_levels(h_.data(), padded.data(), config_.dry_depth);
    book_edit(before);
  }
}

void Simulation::set_discharge(std::span<const Real> qx, std::span<const Real> qy) {
  check_interior_field(qx, "discharge_x");
  check_interior_field(qy, "discharge_y");
  for (std::size_t c = 0; c < qx.size(); ++c) {
    if (!std::isfinite(qx[c])) bad_value("discharge_x", c, grid_.nx, qx[c], "a finite value");
    if (!std::isfinite(qy[c])) bad_value("discharge_y", c, grid_.nx, qy[c], "a finite value");
  }
  const auto [first, end] = grid_.kept_cells();
  for (std::size_t c = first; c < end; ++c) {
    const std::size_t k = interior_offset(c);
    const bool wet = !user_inactive_[k] && h_[k] > config_.dry_depth;
    qx_[k] = wet ? qx[c] : Real(0);
    qy_[k] = wet ? qy[c] : Real(0);
  }
  mark_state_changed();
}

void Simulation::set_velocity(std::span<const Real> u, std::span<const Real> v) {
  check_interior_field(u, "velocity_x");
  check_interior_field(v, "velocity_y");
  std::vector<Real> qx(u.size()), qy(v.size());
  for (std::size_t c = 0; c < u.size(); ++c) {
    if (!std::isfinite(u[c])) bad_value("velocity_x", c, grid_.nx, u[c], "a finite value");
    if (!std::isfinite(v[c])) bad_value("velocity_y", c, grid_.nx, v[c], "a finite value");
    const Real h = h_[interior_offset(c)];
    qx[c] = h * u[c];
    qy[c] = h * v[c];
  }
  set_discharge(qx, qy);
}

void Simulation::check_elevation(std::span<const Real> z) const {
  check_interior_field(z, "elevation");
  for (std::size_t c = 0; c < z.size(); ++c) {
    if (user_inactive_[interior_offset(c)]) continue;
    if (!std::isfinite(z[c])) {
      bad_value("elevation", c, grid_.nx, z[c], "a finite bed elevation in an active cell");
    }
  }
}

void Simulation::set_elevation(std::span<const Real> z) {
  check_elevation(z);
  const auto [first, end] = grid_.kept_cells();
  for (std::size_t c = first; c < end; ++c) {
    const std::size_t k = interior_offset(c);
    if (!user_inactive_[k]) z_[k] = z[c];
  }
  // h, qx, qy are untouched: the stored volume (and so the mass balance) does not change.
  rebuild_boundary_cells();  // ghost beds follow the interior bed
  mark_state_changed();
  ++bed_changes_;
}

void Simulation::schedule_elevation(Real t, std::vector<Real> z) {
  if (!std::isfinite(t)) {
    std::ostringstream msg;
    msg << "schedule_elevation: the time must be finite, got " << t;
    throw InputError(msg.str());
  }
  check_elevation(z);
  auto at = std::upper_bound(scheduled_beds_.begin(), scheduled_beds_.end(), t,
                             [](Real a, const auto& e) { return a < e.first; });
  scheduled_beds_.insert(at, {t, std::move(z)});
}

Real Simulation::next_elevation_change() const {
  return scheduled_beds_.empty() ? std::numeric_limits<Real>::infinity()
                                 : scheduled_beds_.front().first;
}

void Simulation::apply_due_elevations() {
  while (!scheduled_beds_.empty() && scheduled_beds_.front().first <= time_) {
    const std::vector<Real> z = std::move(scheduled_beds_.front().second);
    scheduled_beds_.erase(scheduled_beds_.begin());
    set_elevation(z);
  }
}

void Simulation::set_active(std::span<const std::uint8_t> active) {
  if (active.size() != grid_.cell_count()) {
    std::ostringstream msg;
    msg << "active: expected " << grid_.cell_count() << " values, got " << active.size();
    throw InputError(msg.str());
  }
  refuse_decomposed_edit("set_active");
  if (channels_) {  // a channel cell switched off would strand the channel's water and links
    for (const ChannelNetwork::Cell& cell : channels_->cells()) {
      const auto j = static_cast<int>(cell.k / grid_.stride()) - Grid::ghost;
      const auto i = static_cast<int>(cell.k % grid_.stride()) - Grid::ghost;
      if (!active[static_cast<std::size_t>(j) * static_cast<std::size_t>(grid_.nx) +
                  static_cast<std::size_t>(i)]) {
        throw InputError("active: cell (row " + std::to_string(j) + ", column " +
                         std::to_string(i) + ") holds sub-grid channel '" +
                         channels_->names()[cell.channel] +
                         "'; deactivate cells before adding channels");
      }
    }
  }
  const double before = balance_started_ ? stored_volume() : 0.0;
  const auto [first, end] = grid_.kept_cells();
  for (std::size_t c = 0; c < active.size(); ++c) {
    const std::size_t k = interior_offset(c);
    if (!active[c]) {
      user_inactive_[k] = 1;
      if (c >= first && c < end) h_[k] = qx_[k] = qy_[k] = 0;
    }
  }
  rebuild_boundary_cells();
  book_edit(before);
  mark_state_changed();
}

void Simulation::set_rain_rate(std::span<const Real> rate) {
  if (rate.empty()) {
    rain_.clear();
    return;
  }
  check_interior_field(rate, "rain_rate");
  for (std::size_t c = 0; c < rate.size(); ++c) {
    if (!(rate[c] >= 0 && std::isfinite(rate[c]))) {
      bad_value("rain_rate", c, grid_.nx, rate[c], "a finite intensity >= 0 [m/s]");
    }
  }
  // No rain anywhere (a storm's end): no field, so that the steps do not read one of zeros
  // (the results are the same: a zero rate adds nothing).
  if (std::all_of(rate.begin(), rate.end(), [](Real r) { return r == 0; })) {
    rain_.clear();
    return;
  }
  // Kept rows only (Grid::kept_rows); the field is allocated once, untouched elsewhere.
  if (rain_.size() != grid_.padded_size()) reset_field(rain_, grid_.padded_size());
  const auto [first, end] = grid_.kept_cells();
  for (std::size_t c = first; c < end; ++c) rain_[interior_offset(c)] = rate[c];
  const auto nx = static_cast<std::size_t>(grid_.nx);
  rain_rows_.assign(static_cast<std::size_t>(grid_.ny), 0);
  for (std::size_t c = 0; c < rate.size(); ++c) {
    if (rate[c] > 0) rain_rows_[c / nx] = 1;
  }
}

void Simulation::set_uniform_rain(TimeSeries rate) {
  for (const Real v : rate.values()) {
    if (v < 0) {
      std::ostringstream msg;
      msg << rate.name() << ": rainfall intensity must be >= 0, got " << v;
      throw InputError(msg.str());
    }
  }
  uniform_rain_ = std::move(rate);
}

std::size_t Simulation::add_point_source(Real x, Real y, TimeSeries discharge, std::string name) {
  const Real fi = (x - grid_.origin_x) / grid_.dx;
  const Real fj = (grid_.origin_y - y) / grid_.dy;
  if (!(fi >= 0 && fi < grid_.nx && fj >= 0 && fj < grid_.ny)) {
    std::ostringstream msg;
    msg << "point source '" << name << "': (" << x << ", " << y << ") lies outside the grid (x "
        << grid_.origin_x << " to " << grid_.origin_x + grid_.nx * grid_.dx << ", y "
        << grid_.origin_y - grid_.ny * grid_.dy << " to " << grid_.origin_y << ")";
    throw InputError(msg.str());
  }
  PointSource s{std::move(name), static_cast<int>(fi), static_cast<int>(fj), std::move(discharge)};
  if (!is_active(s.i, s.j)) {
    std::ostringstream msg;
    msg << "point source '" << s.name << "': (" << x << ", " << y << ") falls in inactive cell ("
        << s.i << ", " << s.j << ")";
    throw InputError(msg.str());
  }
  sources_.push_back(std::move(s));
  return sources_.size() - 1;
}

Real Simulation::forcing_end() const {
  Real end = uniform_rain_.end();
  for (const BoundaryCondition& bc : boundaries_) {
    if (bc.type == BoundaryType::discharge || bc.type == BoundaryType::water_level) {
      end = std::min(end, bc.series.end());
    }
  }
  for (const PointSource& s : sources_) end = std::min(end, s.discharge.end());
  return end;
}

void Simulation::check_forcing(Real t_end) const {
  uniform_rain_.check_covers(t_end);
  for (const BoundaryCondition& bc : boundaries_) {
    if (bc.type == BoundaryType::discharge || bc.type == BoundaryType::water_level) {
      bc.series.check_covers(t_end);
    }
  }
  for (const PointSource& s : sources_) s.discharge.check_covers(t_end);
}

void Simulation::set_loss_model(std::shared_ptr<LossModel> model) {
  losses_ = std::move(model);
  if (losses_ && !losses_->computes_runs(grid_)) {
    reset_field(loss_, grid_.padded_size());
  } else {
    loss_.clear();
    loss_.shrink_to_fit();
  }
}

void Simulation::mark_state_changed() {
  gathered_steps_ = -1;  // the stored volume kept by gather_to_root
  max_rate_ = -1;
  global_rate_ = -1;
  live_known_ = false;
}

namespace {
/// Per-row numbers added in row order 0..ny-1, as one process adds them: row(j) for the rows
/// [first, end), computed here (in parallel); with `collective`, the other rows' numbers from
/// their owners (Decomposition::sum_rows: every process of it must call this at once).
template <class RowSum>
double sum_over_rows(int ny, int first, int end, Decomposition* collective, int threads,
                     RowSum&& row) {
  std::vector<double> rows(static_cast<std::size_t>(ny), 0.0);
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int j = first; j < end; ++j) rows[static_cast<std::size_t>(j)] = row(j);
  double total = 0;
  if (collective != nullptr) {
    collective->sum_rows(rows, 1, std::span<double>(&total, 1));
  } else {
    for (const double r : rows) total += r;
  }
  return total;
}
}  // namespace

double Simulation::stored_volume() const {
  if (decomposed() && gathered_steps_ == steps_) return gathered_volume_;  // gather_to_root's
  const Grid& g = grid_;
  // Decomposed, once stepped: each process's own rows are current, the others' stale; and
  // where processes keep only some rows (rows_partial), always.
  const bool collective = decomposed() && (!state_whole_everywhere() || rows_partial_);
  const double depth_sum =
      sum_over_rows(g.ny, collective ? row0_ : 0, collective ? row1_ : g.ny,
                    collective ? decomp_.get() : nullptr, step_threads(), [&](int j) {
                      double s = 0;
                      const std::ptrdiff_t base = g.index(0, j);
                      for (int i = 0; i < g.nx; ++i) {
                        const auto k = static_cast<std::size_t>(base + i);
                        if (mask_[k] == cell_active) s += h_[k];
                      }
                      return s;
                    });
  return depth_sum * static_cast<double>(g.dx) * static_cast<double>(g.dy) +
         (channels_ ? channels_->volume() : 0.0);
}

MassBalance Simulation::mass_balance() const {
  MassBalance b = balance_;
  b.volume = stored_volume();
  // Before the first step the balance starts from the state as it is (the first step records
  // it): asked then, the initial volume is the volume, not 0 (a relative error of 1).
  if (!balance_started_) b.initial_volume = b.volume;
  return b;
}

std::size_t Simulation::wet_cells(Real threshold) const {
  if (decomposed() && (!state_whole_everywhere() || rows_partial_)) {  // exact as doubles
    const Grid& g = grid_;
    const double count =
        sum_over_rows(g.ny, row0_, row1_, decomp_.get(), step_threads(), [&](int j) {
          std::size_t n = 0;
          const std::ptrdiff_t base = g.index(0, j);
          for (int i = 0; i < g.nx; ++i) {
            const auto k = static_cast<std::size_t>(base + i);
            if (mask_[k] == cell_active && h_[k] > threshold) ++n;
          }
          return static_cast<double>(n);
        });
    return static_cast<std::size_t>(count);
  }
  std::size_t count = 0;
  const std::size_t n = h_.size();
#pragma omp parallel for num_threads(step_threads()) reduction(+ : count) schedule(static)
  for (std::size_t k = 0; k < n; ++k) {
    if (mask_[k] == cell_active && h_[k] > threshold) ++count;
  }
  return count;
}

namespace {
/// The interior values f(k) of padded fields `reads`. Within on_root on rank 0 (a current row
/// source) the rows are held a stripe at a time; otherwise each process reads what it holds
/// (its kept rows; the others read zero).
template <class F>
std::vector<Real> interior(const Grid& g, std::initializer_list<const void*> reads, F&& f) {
  std::vector<Real> out(g.cell_count());
  const int stripe = current_row_source() != nullptr ? held_stripe_rows : g.ny;
  for (int j0 = 0; j0 < g.ny; j0 += stripe) {
    const int j1 = std::min(g.ny, j0 + stripe);
    std::optional<HeldRows> held;
    if (current_row_source() != nullptr) held.emplace(g, j0, j1, reads);
    for (int j = j0; j < j1; ++j) {
      for (int i = 0; i < g.nx; ++i) {
        out[static_cast<std::size_t>(j) * static_cast<std::size_t>(g.nx) +
            static_cast<std::size_t>(i)] = f(static_cast<std::size_t>(g.index(i, j)));
      }
    }
  }
  return out;
}
/// Row-major interior offset of padded index k.
std::size_t interior_offset_of(const Grid& g, std::ptrdiff_t k) {
  const std::ptrdiff_t s = g.stride();
  return static_cast<std::size_t>((k / s - Grid::ghost) * g.nx + (k % s - Grid::ghost));
}
}  // namespace

std::vector<Real> Simulation::depth() const {
  std::vector<Real> d = interior(grid_, {h_.data()}, [&](std::size_t k) { return h_[k]; });
  for (const ChannelCellOutput& c : channel_outputs()) d[interior_offset_of(grid_, c.k)] = c.depth;
  return d;
}
std::vector<Real> Simulation::water_level() const {
  std::vector<Real> eta = interior(grid_, {h_.data(), z_.data()}, [&](std::size_t k) {
    return user_inactive_[k] ? std::numeric_limits<Real>::quiet_NaN() : h_[k] + z_[k];
  });
  for (const ChannelCellOutput& c : channel_outputs())
    eta[interior_offset_of(grid_, c.k)] = c.level;
  return eta;
}
std::vector<Real> Simulation::velocity_x() const {
  return interior(grid_, {h_.data(), qx_.data()},
                  [&](std::size_t k) { return h_[k] > config_.dry_depth ? qx_[k] / h_[k] : 0; });
}
std::vector<Real> Simulation::velocity_y() const {
  return interior(grid_, {h_.data(), qy_.data()},
                  [&](std::size_t k) { return h_[k] > config_.dry_depth ? qy_[k] / h_[k] : 0; });
}
std::vector<Real> Simulation::elevation() const {
  return interior(grid_, {z_.data()}, [&](std::size_t k) {
    return user_inactive_[k] ? std::numeric_limits<Real>::quiet_NaN() : z_[k];
  });
}

std::size_t Simulation::add_cross_section(std::string name, std::vector<LinePoint> line) {
  return flows_.add_section(grid_, std::move(name), std::move(line));
}

void Simulation::set_time(Real t) {
  if (steps_ != 0) throw ConfigError("set_time: the simulation has already stepped");
  if (!std::isfinite(t)) throw ConfigError("set_time: the time must be finite");
  time_ = t;
  global_rate_ = -1;
}

void Simulation::restore(Real time, long long steps, const MassBalance& balance,
                         std::span<const Real> h, std::span<const Real> qx,
                         std::span<const Real> qy) {
  const std::size_t n = grid_.padded_size();
  if (h.size() != n || qx.size() != n || qy.size() != n) {
    std::ostringstream msg;
    msg << "restore: expected padded fields of " << n << " values, got " << h.size() << ", "
        << qx.size() << ", " << qy.size();
    throw InputError(msg.str());
  }
  for (std::size_t k = 0; k < n; ++k) {
    if (mask_[k] != cell_active) continue;
    if (!(h[k] >= 0 && std::isfinite(h[k]) && std::isfinite(qx[k]) && std::isfinite(qy[k]))) {
      std::ostringstream msg;
      msg << "restore: state at padded index " << k
          << " is not a valid depth/discharge (h = " << h[k] << ")";
      throw InputError(msg.str());
    }
  }
  // A halo exchange the last step posted writes into these fields when it lands: let it land
  // first, or the halo rows would hold the neighbours' state of before the restore.
  complete_halo();
  const auto [first, end] = grid_.kept_offsets();  // written there only (Grid::kept_rows)
  for (std::size_t k = first; k < end; ++k) {
    const bool active = mask_[k] == cell_active;
    h_[k] = active ? h[k] : Real(0);
    qx_[k] = active ? qx[k] : Real(0);
    qy_[k] = active ? qy[k] : Real(0);
  }
  time_ = time;
  steps_ = steps;
  whole_steps_ = steps;  // every process restores the same whole state (its kept rows)
  balance_ = balance;
  balance_started_ = true;
  mark_state_changed();
  if (decomposed()) {
    // The stored volume, collectively (every process restores): rank 0's writers may ask
    // for it alone before the first step (the results header of a resumed run).
    gathered_volume_ = stored_volume();
    gathered_steps_ = steps_;
  }
}

void Simulation::refuse_decomposed_edit(const char* what) const {
  if (balance_started_ && decomposed()) {
    throw ConfigError(std::string(what) +
                      ": state edits after the first step are not supported on more than one "
                      "process");
  }
}

}  // namespace floodtwin::solver
