/// @file stepper.cpp
/// The time-stepping loops. Each stage sweeps the rows of a thread's band once:
///
///   for row j of the band:
///     primitive variables of row j+2 into a ring of 4 rows (h, u, v, eta)
///     y reconstruction of row j+1, fluxes of the y faces between rows j and j+1
///     x reconstruction and fluxes of the x faces of row j
///     update of the cells of row j from their four faces (+ friction, rain)
///
/// A face shared by two bands is computed by both threads with the same function and the same
/// inputs, so results do not depend on the number of threads (bitwise).
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "solver/error.hpp"
#include "solver/friction.hpp"
#include "solver/reconstruction.hpp"
#include "solver/riemann_hllc.hpp"
#include "solver/simulation.hpp"
#include "solver/workspace.hpp"

namespace floodtwin::solver {

namespace {

/// A cell whose state can be used by a reconstruction stencil.
inline bool has_state(std::uint8_t m) { return m != cell_wall; }
/// A boundary ghost: its state is the boundary state at the face.
inline bool is_boundary_ghost(std::uint8_t m) { return m == cell_ghost || m == cell_discharge; }

/// Negative depths down to this magnitude are round-off and clipped (and booked) [m].
constexpr Real negative_round_off = Real(1e-10);

/// Flux through a face between cells of kinds mL and mR with face values L and R, in the
/// face frame (u normal, v tangential). For a discharge ghost, its face state carries the
/// boundary depth and q_ghost_* its normal unit discharge (positive left to right).
inline FaceFlux face_flux(std::uint8_t mL, std::uint8_t mR, const FaceState& L,
                          const FaceState& R, Real q_ghost_L, Real q_ghost_R, Real g) {
  if (mL == cell_wall || mR == cell_wall) {
    if (mL == cell_wall && mR == cell_wall) return {0, 0, 0, 0};
    return wall_flux(mL == cell_wall ? R.h : L.h, g);
  }
  if (mL == cell_discharge) return discharge_flux(q_ghost_L, q_ghost_L == 0 ? R.h : L.h, g);
  if (mR == cell_discharge) return discharge_flux(q_ghost_R, q_ghost_R == 0 ? L.h : R.h, g);
  return hydrostatic_flux(L, R, g);
}

}  // namespace

template <bool kSecondOrder>
Simulation::StageResult Simulation::stage(const Real* h_in, const Real* qx_in, const Real* qy_in,
                                          Real* h_out, Real* qx_out, Real* qy_out,
                                          const Real* h_base, const Real* qx_base,
                                          const Real* qy_base, Real /*t_stage*/, Real dt,
                                          Real weight, bool final_stage, Real rain_depth) {
  const Grid& G = grid_;
  const int nx = G.nx;
  const int ny = G.ny;
  const std::ptrdiff_t stride = G.stride();
  const Real g = config_.gravity;
  const Real dry = config_.dry_depth;
  const Real dtdx = dt / G.dx;
  const Real dtdy = dt / G.dy;
  const Real inv_dx = Real(1) / G.dx;
  const Real inv_dy = Real(1) / G.dy;
  const std::uint8_t* mask = mask_.data();
  const Real* z = z_.data();
  const Real* nman = n_.data();
  const Real* rain = rain_.empty() ? nullptr : rain_.data();

  const int max_threads = omp_get_max_threads();
  if (static_cast<int>(workspaces_.size()) < max_threads) {
    workspaces_.resize(static_cast<std::size_t>(max_threads));
  }
  for (auto& ws : workspaces_) {
    if (ws.fx.size() != static_cast<std::size_t>(nx + 1)) ws.resize(nx);
  }
  // Per-row partial sums: boundary in, boundary out, rain, correction, first bad cell.
  constexpr int kSums = 4;
  row_sums_.assign(static_cast<std::size_t>(ny) * kSums, 0.0);
  std::vector<std::ptrdiff_t> row_bad(static_cast<std::size_t>(ny), -1);
  std::vector<Real> row_bad_value(static_cast<std::size_t>(ny), 0);

  double max_rate = 0;
  long long bad_cells = 0;

#pragma omp parallel reduction(max : max_rate) reduction(+ : bad_cells)
  {
    const int tid = omp_get_thread_num();
    const int nt = omp_get_num_threads();
    const int j0 = static_cast<int>(static_cast<long long>(ny) * tid / nt);
    const int j1 = static_cast<int>(static_cast<long long>(ny) * (tid + 1) / nt);
    Workspace& W = workspaces_[static_cast<std::size_t>(tid)];

    auto slot = [](int r) { return static_cast<std::size_t>((r + 1) % Workspace::ring); };
    // Primitive variables of row r (r in [-1, ny]) into the ring.
    auto load_row = [&](int r) {
      const std::size_t s = slot(r);
      Real* ph = W.ph[s].data();
      Real* pu = W.pu[s].data();
      Real* pv = W.pv[s].data();
      Real* pe = W.peta[s].data();
      const std::ptrdiff_t base = G.index(-1, r);
      for (int c = 0; c < nx + 2; ++c) {
        const auto k = static_cast<std::size_t>(base + c);
        const Real h = h_in[k];
        const bool moving = has_state(mask[k]) && h > dry;
        ph[c] = h;
        pu[c] = moving ? qx_in[k] / h : Real(0);
        pv[c] = moving ? qy_in[k] / h : Real(0);
        pe[c] = h + z[k];
      }
    };
    auto prim = [&](int r, int i) -> Primitive {
      const std::size_t s = slot(r);
      const auto c = static_cast<std::size_t>(i + 1);
      return {W.ph[s][c], W.pu[s][c], W.pv[s][c], W.peta[s][c]};
    };
    // Face value of cell (i, r) without a slope.
    auto flat_face = [&](int r, int i) -> FaceValues {
      const Primitive p = prim(r, i);
      const Real zc = z[static_cast<std::size_t>(G.index(i, r))];
      if (p.h > 0) return {p.h, p.u, p.v, zc};
      return {0, 0, 0, zc};
    };
    // y reconstruction of row r: north and south face values, bed-slope correction.
    auto y_recon = [&](int r, FaceValues* north, FaceValues* south, Real* scy) {
      for (int i = 0; i < nx; ++i) {
        const std::ptrdiff_t k = G.index(i, r);
        bool sloped = false;
        if constexpr (kSecondOrder) {
          sloped = r >= 0 && r < ny && mask[k] == cell_active && has_state(mask[k - stride]) &&
                   has_state(mask[k + stride]);
        }
        if (sloped) {
          const Primitive c = prim(r, i);
          Primitive m = prim(r - 1, i);
          Primitive p = prim(r + 1, i);
          if (is_boundary_ghost(mask[k - stride])) m = beyond_face(m, c);
          if (is_boundary_ghost(mask[k + stride])) p = beyond_face(p, c);
          const Slopes s = limited_slopes(m, c, p);
          north[i] = face_value(c, s, -1);
          south[i] = face_value(c, s, +1);
          scy[i] = Real(0.5) * g * (north[i].h + south[i].h) * (north[i].z - south[i].z);
        } else {
          north[i] = south[i] = flat_face(r, i);
          scy[i] = 0;
        }
      }
    };
    // Fluxes through the y faces between rows r and r + 1 (normal pointing south).
    auto y_fluxes = [&](int r, const FaceValues* south_of_r, const FaceValues* north_of_r1,
                        FaceFlux* out) {
      for (int i = 0; i < nx; ++i) {
        const auto kL = static_cast<std::size_t>(G.index(i, r));
        const auto kR = kL + static_cast<std::size_t>(stride);
        const FaceValues& a = south_of_r[i];
        const FaceValues& b = north_of_r1[i];
        out[i] = face_flux(mask[kL], mask[kR], FaceState{a.h, -a.v, a.u, a.z},
                           FaceState{b.h, -b.v, b.u, b.z}, -qy_in[kL], -qy_in[kR], g);
      }
    };
    // x reconstruction and fluxes of row r; bed-slope corrections into scx.
    auto x_fluxes = [&](int r, FaceFlux* out, Real* scx) {
      const std::ptrdiff_t base = G.index(0, r);
      FaceValues east_prev = flat_face(r, -1);
      for (int f = 0; f <= nx; ++f) {
        const std::ptrdiff_t k = base + f;
        FaceValues west;
        FaceValues east;
        bool sloped = false;
        if constexpr (kSecondOrder) {
          sloped = f < nx && mask[k] == cell_active && has_state(mask[k - 1]) &&
                   has_state(mask[k + 1]);
        }
        if (sloped) {
          const Primitive c = prim(r, f);
          Primitive m = prim(r, f - 1);
          Primitive p = prim(r, f + 1);
          if (is_boundary_ghost(mask[k - 1])) m = beyond_face(m, c);
          if (is_boundary_ghost(mask[k + 1])) p = beyond_face(p, c);
          const Slopes s = limited_slopes(m, c, p);
          west = face_value(c, s, -1);
          east = face_value(c, s, +1);
          scx[f] = Real(0.5) * g * (west.h + east.h) * (west.z - east.z);
        } else {
          west = east = flat_face(r, f);
          if (f < nx) scx[f] = 0;
        }
        const auto kL = static_cast<std::size_t>(k - 1);
        const auto kR = static_cast<std::size_t>(k);
        out[f] = face_flux(mask[kL], mask[kR],
                           FaceState{east_prev.h, east_prev.u, east_prev.v, east_prev.z},
                           FaceState{west.h, west.u, west.v, west.z}, qx_in[kL], qx_in[kR], g);
        east_prev = east;
      }
    };

    if (j0 < j1) {
      for (int r = std::max(-1, j0 - 2); r <= std::min(ny, j0 + 1); ++r) load_row(r);
      FaceValues* s_prev = W.s_prev.data();
      FaceValues* n_face = W.n_face.data();
      FaceValues* s_face = W.s_face.data();
      Real* scy = W.scy.data();
      Real* scy_next = W.scy_next.data();
      FaceFlux* fy_n = W.fy_n.data();
      FaceFlux* fy_s = W.fy_s.data();
      y_recon(j0 - 1, n_face, s_prev, scy_next);  // only the south faces of row j0-1 are used
      y_recon(j0, n_face, s_face, scy);
      y_fluxes(j0 - 1, s_prev, n_face, fy_n);
      std::swap(s_prev, s_face);  // s_prev: south faces of row j0

      for (int j = j0; j < j1; ++j) {
        if (j + 2 <= ny) load_row(j + 2);
        y_recon(j + 1, n_face, s_face, scy_next);
        y_fluxes(j, s_prev, n_face, fy_s);
        x_fluxes(j, W.fx.data(), W.scx.data());

        const FaceFlux* fx = W.fx.data();
        const Real* scx = W.scx.data();
        const std::ptrdiff_t base = G.index(0, j);
        double rain_row = 0;
        double corr_row = 0;
        std::ptrdiff_t bad_here = -1;
        Real bad_value = 0;
        for (int i = 0; i < nx; ++i) {
          const auto k = static_cast<std::size_t>(base + i);
          if (mask[k] != cell_active) continue;
          const FaceFlux& fw = fx[i];
          const FaceFlux& fe = fx[i + 1];
          const FaceFlux& gn = fy_n[i];
          const FaceFlux& gs = fy_s[i];
          Real h = h_in[k] - dtdx * (fe.mass - fw.mass) - dtdy * (gs.mass - gn.mass);
          Real qx = qx_in[k] - dtdx * (fe.momentum_left - fw.momentum_right) -
                    dtdy * (gs.momentum_t - gn.momentum_t);
          Real qy = qy_in[k] + dtdy * (gs.momentum_left - gn.momentum_right) -
                    dtdx * (fe.momentum_t - fw.momentum_t);
          if constexpr (kSecondOrder) {
            qx += dtdx * scx[i];
            qy -= dtdy * scy[i];
          }
          if (!(h >= 0)) {
            if (h > -negative_round_off) {
              corr_row -= static_cast<double>(h) * static_cast<double>(weight);
            } else {
              ++bad_cells;
              if (bad_here < 0) {
                bad_here = static_cast<std::ptrdiff_t>(k);
                bad_value = h;
              }
            }
            h = 0;
          }
          if (h > dry) {
            const Real f = manning_factor(h, std::sqrt(qx * qx + qy * qy), nman[k], g, dt);
            qx *= f;
            qy *= f;
          } else {
            qx = qy = 0;
          }
          if (h_base != nullptr) {
            h = Real(0.5) * (h_base[k] + h);
            qx = Real(0.5) * (qx_base[k] + qx);
            qy = Real(0.5) * (qy_base[k] + qy);
          }
          if (final_stage) {
            const Real r_cell = rain_depth + (rain != nullptr ? rain[k] * dt : Real(0));
            h += r_cell;
            rain_row += r_cell;
            if (!(h > dry)) qx = qy = 0;
            if (!(std::isfinite(qx) && std::isfinite(qy))) {
              ++bad_cells;
              if (bad_here < 0) {
                bad_here = static_cast<std::ptrdiff_t>(k);
                bad_value = qx;
              }
            }
            max_rate = std::max(max_rate,
                                static_cast<double>(wave_rate(h, qx, qy, g, dry, inv_dx, inv_dy)));
          }
          h_out[k] = h;
          qx_out[k] = qx;
          qy_out[k] = qy;
        }
        // Boundary faces of this row: inflow is positive into the domain.
        double b_in = 0;
        double b_out = 0;
        auto book = [&](Real into_domain, Real length) {
          const double v = static_cast<double>(into_domain) * static_cast<double>(length);
          if (v > 0) {
            b_in += v;
          } else {
            b_out -= v;
          }
        };
        book(fx[0].mass, G.dy);
        book(-fx[nx].mass, G.dy);
        if (j == 0) {
          for (int i = 0; i < nx; ++i) book(fy_n[i].mass, G.dx);
        }
        if (j == ny - 1) {
          for (int i = 0; i < nx; ++i) book(-fy_s[i].mass, G.dx);
        }
        const auto jr = static_cast<std::size_t>(j) * kSums;
        const double wdt = static_cast<double>(weight) * static_cast<double>(dt);
        row_sums_[jr + 0] = b_in * wdt;
        row_sums_[jr + 1] = b_out * wdt;
        row_sums_[jr + 2] = rain_row;
        row_sums_[jr + 3] = corr_row;
        row_bad[static_cast<std::size_t>(j)] = bad_here;
        row_bad_value[static_cast<std::size_t>(j)] = bad_value;

        std::swap(fy_n, fy_s);
        std::swap(s_prev, s_face);
        std::swap(scy, scy_next);
      }
    }
  }

  StageResult result;
  result.max_rate = max_rate;
  result.bad_cells = bad_cells;
  const double area = static_cast<double>(G.dx) * static_cast<double>(G.dy);
  for (int j = 0; j < ny; ++j) {
    const auto jr = static_cast<std::size_t>(j) * kSums;
    result.boundary_in += row_sums_[jr + 0];
    result.boundary_out += row_sums_[jr + 1];
    result.rain += row_sums_[jr + 2] * area;
    result.correction += row_sums_[jr + 3] * area;
    if (result.first_bad < 0 && row_bad[static_cast<std::size_t>(j)] >= 0) {
      result.first_bad = row_bad[static_cast<std::size_t>(j)];
      result.first_bad_value = row_bad_value[static_cast<std::size_t>(j)];
    }
  }
  return result;
}

Real Simulation::compute_max_rate() const {
  const Real g = config_.gravity;
  const Real dry = config_.dry_depth;
  const Real inv_dx = Real(1) / grid_.dx;
  const Real inv_dy = Real(1) / grid_.dy;
  const std::size_t n = h_.size();
  double m = 0;
#pragma omp parallel for reduction(max : m) schedule(static)
  for (std::size_t k = 0; k < n; ++k) {
    if (mask_[k] != cell_active) continue;
    m = std::max(m, static_cast<double>(wave_rate(h_[k], qx_[k], qy_[k], g, dry, inv_dx, inv_dy)));
  }
  return static_cast<Real>(m);
}

Real Simulation::stable_dt() const {
  if (max_rate_ < 0) max_rate_ = compute_max_rate();
  const Real rate = std::max(max_rate_, boundary_rate(time_));
  if (!(rate > 0)) return std::numeric_limits<Real>::infinity();
  return config_.cfl / rate;
}

void Simulation::apply_point_sources(Real t, Real dt) {
  const Real area = grid_.cell_area();
  for (const PointSource& s : sources_) {
    const auto k = static_cast<std::size_t>(grid_.index(s.i, s.j));
    Real volume = s.discharge.integral(t, t + dt);
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
    balance_.point_in += static_cast<double>(volume);
    if (max_rate_ >= 0) {
      max_rate_ = std::max(max_rate_, wave_rate(h_new, qx_[k], qy_[k], config_.gravity,
                                                config_.dry_depth, 1 / grid_.dx, 1 / grid_.dy));
    }
  }
}

void Simulation::apply_losses(Real t, Real dt) {
  if (!losses_) return;
  const Grid& G = grid_;
  losses_->compute(G, mask_.data(), h_.data(), t, dt, loss_.data());
  std::vector<double> rows(static_cast<std::size_t>(G.ny), 0.0);
  long long bad = 0;
#pragma omp parallel for schedule(static) reduction(+ : bad)
  for (int j = 0; j < G.ny; ++j) {
    double s = 0;
    const std::ptrdiff_t base = G.index(0, j);
    for (int i = 0; i < G.nx; ++i) {
      const auto k = static_cast<std::size_t>(base + i);
      if (mask_[k] != cell_active) continue;
      const Real loss = loss_[k];
      if (!(loss >= 0 && loss <= h_[k])) {
        ++bad;
        continue;
      }
      if (loss == 0) continue;
      const Real h_new = h_[k] - loss;
      if (h_new > config_.dry_depth) {
        qx_[k] *= h_new / h_[k];
        qy_[k] *= h_new / h_[k];
      } else {
        qx_[k] = qy_[k] = 0;
      }
      h_[k] = h_new;
      s += loss;
    }
    rows[static_cast<std::size_t>(j)] = s;
  }
  if (bad > 0) {
    std::ostringstream msg;
    msg << "loss model returned " << bad << " loss depths outside [0, h] at t = " << t;
    throw NumericalError(msg.str());
  }
  double total = 0;
  for (const double r : rows) total += r;
  balance_.losses += total * static_cast<double>(G.dx) * static_cast<double>(G.dy);
  max_rate_ = -1;
}

Real Simulation::step(Real dt_limit) {
  if (!balance_started_) {
    balance_ = MassBalance{};
    balance_.initial_volume = stored_volume();
    balance_started_ = true;
  }
  const Real dt = std::min({stable_dt(), config_.max_dt, dt_limit});
  if (!(dt > 0) || !std::isfinite(dt)) {
    std::ostringstream msg;
    msg << "time step at t = " << time_ << " s is " << dt
        << (std::isfinite(dt) ? "" : ": the domain is still; give a maximum time step");
    throw NumericalError(msg.str());
  }
  const Real t = time_;
  const Real rain_depth = uniform_rain_.empty() ? Real(0) : uniform_rain_.integral(t, t + dt);
  StageResult r1;
  StageResult r2;
  if (config_.scheme == Scheme::first_order) {
    fill_ghosts(h_.data(), qx_.data(), qy_.data(), t, t, dt);
    r2 = stage<false>(h_.data(), qx_.data(), qy_.data(), h1_.data(), qx1_.data(), qy1_.data(),
                      nullptr, nullptr, nullptr, t, dt, Real(1), true, rain_depth);
    if (r2.bad_cells == 0) {
      const std::size_t n = h_.size();
#pragma omp parallel for schedule(static)
      for (std::size_t k = 0; k < n; ++k) {
        h_[k] = h1_[k];
        qx_[k] = qx1_[k];
        qy_[k] = qy1_[k];
      }
    }
  } else {
    fill_ghosts(h_.data(), qx_.data(), qy_.data(), t, t, dt);
    r1 = stage<true>(h_.data(), qx_.data(), qy_.data(), h1_.data(), qx1_.data(), qy1_.data(),
                     nullptr, nullptr, nullptr, t, dt, Real(0.5), false, 0);
    fill_ghosts(h1_.data(), qx1_.data(), qy1_.data(), t + dt, t, dt);
    r2 = stage<true>(h1_.data(), qx1_.data(), qy1_.data(), h_.data(), qx_.data(), qy_.data(),
                     h_.data(), qx_.data(), qy_.data(), t + dt, dt, Real(0.5), true, rain_depth);
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
      throw NumericalError(msg.str());
    }
    balance_.boundary_in += r->boundary_in;
    balance_.boundary_out += r->boundary_out;
    balance_.correction += r->correction;
  }
  balance_.rain_in += r2.rain;
  max_rate_ = static_cast<Real>(r2.max_rate);
  apply_point_sources(t, dt);
  apply_losses(t, dt);
  time_ = t + dt;
  last_dt_ = dt;
  ++steps_;
  return dt;
}

void Simulation::advance_to(Real t_end) {
  if (!std::isfinite(t_end)) throw InputError("advance_to: the end time must be finite");
  while (time_ < t_end) {
    const Real remaining = t_end - time_;
    const bool last = std::min(stable_dt(), config_.max_dt) >= remaining;
    step(remaining);
    if (last) time_ = t_end;
  }
}

}  // namespace floodtwin::solver
