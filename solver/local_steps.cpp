/// @file local_steps.cpp
/// Local time stepping (SolverConfig::local_levels, docs/solver.md "Local time steps"): a
/// cycle of 2^L global steps of dt0 in which a cell of level l is updated every 2^l steps with
/// dt0 2^l, and a face is integrated at the lower level of its two cells (Osher and Sanders
/// 1983; Sanders 2008; Dazzi et al. 2018).
///
/// Each step k of the cycle has two passes over the rows:
///  1. the faces whose level m satisfies k mod 2^m = 0 (those starting an interval at k) are
///     computed from the current state, scaled by 2^m, and every cell adds the flux differences
///     of its faces (times dt0 / dx) to its accumulator;
///  2. the cells whose interval ends with step k ((k + 1) mod 2^l = 0) take the accumulated
///     change, friction, rain, losses and point sources over their own interval, and clear
///     the accumulator (the flood maps are folded once the cycle is accepted, local_step).
/// A face's flux over the interval of either cell is added to both with opposite signs, so
/// mass is conserved to round-off; a lake at rest stays at rest (each cell's faces together
/// span its interval, their hydrostatic forces balance as in a global step). Levels come from
/// each cell's CFL step (the largest wave rate of it and its four neighbours, boundary ghosts
/// included) and are smoothed to rise by one level per kSpread cells at most (the plan of a
/// cycle, levels and visited columns: local_levels.cpp). A cycle whose
/// rates outgrow its steps is undone (local_step retries it with fewer levels). The order of
/// every sum
/// depends on the cells only: results are bitwise identical for any number of threads.
#include "solver/local_steps.hpp"

#include <omp.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <sstream>

#include "solver/error.hpp"
#include "solver/flood_maps.hpp"
#include "solver/friction.hpp"
#include "solver/row_kernels.hpp"
#include "solver/row_update.hpp"
#include "solver/simulation.hpp"
#include "solver/special_faces.hpp"
#include "solver/wet_runs.hpp"
#include "solver/workspace.hpp"

namespace floodtwin::solver {

using local_detail::kPow2;

namespace {

/// A cycle is rejected when a cell ends one of its steps within the cycle with a rate that,
/// times its step, exceeds cfl by this factor: room for rates to grow within a cycle (4/3: a
/// Courant number of 1 at the default cfl of 3/4).
constexpr Real kRejectGrowth = Real(4) / Real(3);

/// Scales the fluxes of faces [a, b) of a flux row by 2^m for a face of level m <= top and by
/// 0 for a face of a higher level; the face f lies between cells with levels la[f], lb[f].
inline void scale_faces(int a, int b, const std::uint8_t* __restrict la,
                        const std::uint8_t* __restrict lb, int top, const FluxRowOut& F) {
  Real* __restrict fm = F.mass;
  Real* __restrict fl = F.momentum_left;
  Real* __restrict fr = F.momentum_right;
  Real* __restrict ft = F.momentum_t;
#pragma omp simd
  for (int f = a; f < b; ++f) {
    const int m = std::min(la[f], lb[f]);
    const Real s = m <= top ? kPow2[m & 7] : Real(0);
    fm[f] *= s;
    fl[f] *= s;
    fr[f] *= s;
    ft[f] *= s;
  }
}

}  // namespace

bool Simulation::local_cycle(Real t0, Real dt0, int levels, Real t_end) {
  const Grid& G = grid_;
  const int nx = G.nx;
  const int ny = G.ny;
  const std::ptrdiff_t stride = G.stride();
  const Real g = config_.gravity;
  const Real dry = config_.dry_depth;
  const Real inv_dx = Real(1) / G.dx;
  const Real inv_dy = Real(1) / G.dy;
  const Real dtdx = dt0 / G.dx;
  const Real dtdy = dt0 / G.dy;
  const int L = levels;
  const int steps = 1 << L;
  const int threads = step_threads();
  if (!local_) local_ = std::make_unique<LocalSteps>();
  LocalSteps& S = *local_;
  const std::size_t n = G.padded_size();
  if (S.level.size() != n) {
    // Zeros, made resident only where a cycle writes (field_memory.hpp): under a
    // decomposition, the rows near this process's block.
    reset_field(S.level, n);
    reset_field(S.own, n);
    reset_field(S.reach, n);
    reset_field(S.acc_h, n);
    reset_field(S.acc_qx, n);
    reset_field(S.acc_qy, n);
    reset_field(S.snap_h, n);
    reset_field(S.snap_qx, n);
    reset_field(S.snap_qy, n);
  }
  // The loss model's state fields, snapshot alongside the state.
  std::vector<Field<Real>*> loss_state;
  if (losses_) {
    for (auto& [name, field] : losses_->state_fields()) {
      static_cast<void>(name);
      loss_state.push_back(field);
    }
  }
  S.snap_loss.resize(loss_state.size());
  for (std::size_t f = 0; f < loss_state.size(); ++f) {
    if (S.snap_loss[f].size() != loss_state[f]->size())
      reset_field(S.snap_loss[f], loss_state[f]->size());
  }
  prepare_workspaces();
  fill_ghosts(h_.data(), qx_.data(), qy_.data(), t0, t0, dt0);

  // The levels of the cells and the columns each step visits (local_levels.cpp).
  plan_local_cycle(t0, dt0, L, t_end);
  std::uint8_t* const level = S.level.data();
  const std::uint8_t* mask = mask_.data();
  const Real cfl = config_.cfl;
  const bool split = decomposed();

  // ---- the steps of the cycle ----------------------------------------------------------
  const Real* z = z_.data();
  const Real* nman = n_.data();
  const Real* rain = rain_.empty() ? nullptr : rain_.data();
  if (zero_row_.size() != static_cast<std::size_t>(nx + 2)) {
    zero_row_.assign(static_cast<std::size_t>(nx + 2), Real(0));
  }
  const Real* zeros = zero_row_.data();
  LossModel* const losses = losses_.get();
  Real* h = h_.data();
  Real* qx = qx_.data();
  Real* qy = qy_.data();
  Real* ah = S.acc_h.data();
  Real* aqx = S.acc_qx.data();
  Real* aqy = S.acc_qy.data();
  // Per-row sums over the cycle: boundary in, out, rain, round-off correction, bad cells,
  // depth lost, bad loss depths.
  constexpr int kSums = 7;
  row_sums_.assign(static_cast<std::size_t>(ny) * kSums, 0.0);
  // The wet runs of each row (for_each_wet_run), rebuilt by the cycle's last step.
  live_.resize(static_cast<std::size_t>(ny));
  wet_runs_row_.resize(static_cast<std::size_t>(ny));
  double max_rate = 0;
  std::vector<double> source_volume(sources_.size(), 0.0);  // per point source [m3]

  for (int k = 0; k < steps; ++k) {
    const Real tk = t0 + Real(k) * dt0;
    const bool last = k + 1 == steps;
    const Real end_k = last ? t_end : t0 + Real(k + 1) * dt0;
    // Faces of levels <= mf start an interval now; cells of levels <= mu end one.
    const int mf = k == 0 ? L : std::min(std::countr_zero(static_cast<unsigned>(k)), L);
    const int mu = last ? L : std::min(std::countr_zero(static_cast<unsigned>(k + 1)), L);
    if (k > 0) fill_ghosts(h, qx, qy, tk, tk, dt0);
    // Uniform rain over the interval of a cell of level l ending now.
    Real rain_depth[8] = {};
    for (int l = 0; l <= mu; ++l) {
      const Real ta = t0 + Real(k + 1 - (1 << l)) * dt0;
      rain_depth[l] = uniform_rain_.empty() ? Real(0) : uniform_rain_.integral(ta, end_k);
    }
    // Cells taking flux (levels <= mf + 1), and the y faces they read: the flux rows are
    // cleared there first. The faces computed: those of the cells of levels <= mf, whose
    // primitive values are loaded. Cells ending a step: levels <= mu.
    const auto mfl = static_cast<std::size_t>(mf);
    const auto mal = static_cast<std::size_t>(std::min(mf + 1, L));
    auto list = [&](const std::vector<LocalSteps::RowLists>& set, std::size_t m, int r) {
      return std::span<const Span>(set[m][static_cast<std::size_t>(r + 1)]);
    };
    auto acc_cols = [&](int r) { return list(S.cells, mal, r); };
    auto yacc_cols = [&](int r) { return list(S.yfaces, mal, r); };
    auto face_cols = [&](int r) { return list(S.cells, mfl, r); };
    auto yface_cols = [&](int r) { return list(S.yfaces, mfl, r); };
    auto load_cols = [&](int r) { return list(S.load, mfl, r); };
    auto upd_cols = [&](int r) { return list(S.cells, static_cast<std::size_t>(mu), r); };
    const bool rate_in_update = losses == nullptr;
    double courant = 0;  // the largest rate x own step of the cells updated

#pragma omp parallel num_threads(threads) reduction(max : max_rate, courant)
    {
      const int tid = omp_get_thread_num();
      const int nt = omp_get_num_threads();
      // This thread's band of rows: an equal share of the work of the cells taking flux
      // (the bands change no result: every face and cell is computed the same in any band).
      const std::vector<long long>& work = S.work[mal];
      auto band_edge = [&](int t) {
        if (t == 0) return row0_;
        if (t == nt) return row1_;
        const long long w0 = work[static_cast<std::size_t>(row0_)];
        const long long target = w0 + (work[static_cast<std::size_t>(row1_)] - w0) * t / nt;
        const auto it = std::lower_bound(work.begin() + row0_, work.begin() + row1_, target);
        return static_cast<int>(it - work.begin());
      };
      const int jb0 = band_edge(tid);
      const int jb1 = band_edge(tid + 1);
      Workspace& W = workspaces_[static_cast<std::size_t>(tid)];
      auto slot = [](int r) { return static_cast<std::size_t>((r + 1) % Workspace::ring); };
      auto load_row = [&](int r) {
        RowFields& P = W.prim[slot(r)];
        const std::ptrdiff_t base = G.index(-1, r);
        for (const Span& sp : load_cols(r)) {
          primitive_row(h + base, qx + base, qy + base, z + base, mask + base, dry, sp.first + 1,
                        sp.last + 1, P.h.data(), P.u.data(), P.v.data(), P.z.data());
        }
      };
      auto fix_face = [&](FluxRow& F, std::size_t f, std::uint8_t mL, std::uint8_t mR,
                          const FaceState& A, const FaceState& B, Real qgL,
                          Real qgR) { set_face(F, f, mL, mR, A, B, qgL, qgR, g); };
      // The y faces between rows r and r + 1 (normal pointing south), scaled by their level.
      auto y_fluxes = [&](int r, FluxRow& F) {
        const RowFields& Sr = W.prim[slot(r)];
        const RowFields& Nr = W.prim[slot(r + 1)];
        const Real* zs = z + G.index(0, r);
        const Real* zn = z + G.index(0, r + 1);
        {  // faces not computed carry nothing
          for (const Span& sp : yacc_cols(r)) {
            for (Real* f : {F.mass.data(), F.momentum_left.data(), F.momentum_right.data(),
                            F.momentum_t.data()}) {
              std::fill(f + sp.first, f + sp.last, Real(0));
            }
          }
        }
        const std::span<const Span> cols = yface_cols(r);
        for (const Span& sp : cols) {
          const int a = sp.first;
          const FaceRowIn A{Sr.h.data() + 1 + a, Sr.v.data() + 1 + a, Sr.u.data() + 1 + a, zs + a};
          const FaceRowIn B{Nr.h.data() + 1 + a, Nr.v.data() + 1 + a, Nr.u.data() + 1 + a, zn + a};
          hydrostatic_hllc_row(sp.last - a, A, B, Real(-1), g, F.out(static_cast<std::size_t>(a)));
        }
        if (r == -1 || r == ny - 1) {
          const bool north = r == -1;
          for (const int i : open_y_[north ? 0 : 1]) {
            if (!in_cols(cols, i, 0)) continue;
            const auto c = static_cast<std::size_t>(i + 1);
            outflow_only(F, static_cast<std::size_t>(i), north ? Real(1) : Real(-1),
                         north ? Nr.h[c] : Sr.h[c], g);
          }
        }
        const std::ptrdiff_t base = G.index(0, r);
        for (const int i : special_y_[static_cast<std::size_t>(r + 1)]) {
          if (!in_cols(cols, i, 0)) continue;
          const auto kL = static_cast<std::size_t>(base + i);
          const auto kR = kL + static_cast<std::size_t>(stride);
          const auto c = static_cast<std::size_t>(i + 1);
          fix_face(F, static_cast<std::size_t>(i), mask[kL], mask[kR],
                   FaceState{Sr.h[c], -Sr.v[c], Sr.u[c], zs[i]},
                   FaceState{Nr.h[c], -Nr.v[c], Nr.u[c], zn[i]}, -qy[kL], -qy[kR]);
        }
        for (const Span& sp : cols) {
          scale_faces(sp.first, sp.last, level + base, level + base + stride, mf, F.out());
        }
      };
      // The x faces of row r (face f between cells f - 1 and f), scaled by their level.
      auto x_fluxes = [&](int r) {
        const std::ptrdiff_t base = G.index(-1, r);
        const auto rr = static_cast<std::size_t>(r);
        const RowFields& P = W.prim[slot(r)];
        const Real* zr = z + base;
        {  // faces not computed carry nothing
          for (const Span& sp : acc_cols(r)) {
            for (Real* f : {W.fx.mass.data(), W.fx.momentum_left.data(), W.fx.momentum_right.data(),
                            W.fx.momentum_t.data()}) {
              std::fill(f + sp.first, f + sp.last + 1, Real(0));
            }
          }
        }
        const std::span<const Span> cols = face_cols(r);
        for (const Span& sp : cols) {
          const int a = sp.first;
          const FaceRowIn A{P.h.data() + a, P.u.data() + a, P.v.data() + a, zr + a};
          const FaceRowIn B{P.h.data() + 1 + a, P.u.data() + 1 + a, P.v.data() + 1 + a, zr + 1 + a};
          hydrostatic_hllc_row(sp.last - a + 1, A, B, Real(1), g,
                               W.fx.out(static_cast<std::size_t>(a)));
        }
        if (open_x_[2 * rr] != 0 && in_cols(cols, 0, 1)) {
          outflow_only(W.fx, 0, Real(1), P.h[1], g);
        }
        if (open_x_[2 * rr + 1] != 0 && in_cols(cols, nx, 1)) {
          outflow_only(W.fx, static_cast<std::size_t>(nx), Real(-1),
                       P.h[static_cast<std::size_t>(nx)], g);
        }
        for (const int f : special_x_[rr]) {
          if (!in_cols(cols, f, 1)) continue;
          const auto kL = static_cast<std::size_t>(base + f);
          const auto cL = static_cast<std::size_t>(f);
          fix_face(W.fx, cL, mask[kL], mask[kL + 1], FaceState{P.h[cL], P.u[cL], P.v[cL], zr[cL]},
                   FaceState{P.h[cL + 1], P.u[cL + 1], P.v[cL + 1], zr[cL + 1]}, qx[kL],
                   qx[kL + 1]);
        }
        for (const Span& sp : cols) {
          scale_faces(sp.first, sp.last + 1, level + base, level + base + 1, mf, W.fx.out());
        }
      };

      // 1. Faces starting an interval, added to the accumulators of the cells of the band.
      for (int r = std::max(-1, jb0 - 1); r <= std::min(ny, jb0 + 1); ++r) load_row(r);
      FluxRow* fy_n = &W.fy_n;
      FluxRow* fy_s = &W.fy_s;
      y_fluxes(jb0 - 1, *fy_n);
      for (int j = jb0; j < jb1; ++j) {
        if (j + 2 <= ny) load_row(j + 2);
        y_fluxes(j, *fy_s);
        x_fluxes(j);
        const std::ptrdiff_t base = G.index(0, j);
        const std::uint8_t* __restrict mrow = mask + base;
        const std::span<const Span> cols = acc_cols(j);
        {
          const Real* __restrict fxm = W.fx.mass.data();
          const Real* __restrict fxl = W.fx.momentum_left.data();
          const Real* __restrict fxr = W.fx.momentum_right.data();
          const Real* __restrict fxt = W.fx.momentum_t.data();
          const Real* __restrict fnm = fy_n->mass.data();
          const Real* __restrict fnr = fy_n->momentum_right.data();
          const Real* __restrict fnt = fy_n->momentum_t.data();
          const Real* __restrict fsm = fy_s->mass.data();
          const Real* __restrict fsl = fy_s->momentum_left.data();
          const Real* __restrict fst = fy_s->momentum_t.data();
          Real* __restrict bh = ah + base;
          Real* __restrict bqx = aqx + base;
          Real* __restrict bqy = aqy + base;
          for (const Span& sp : cols) {
#pragma omp simd
            for (int i = sp.first; i < sp.last; ++i) {
              const bool active = mrow[i] == cell_active;
              const Real dh = -dtdx * (fxm[i + 1] - fxm[i]) - dtdy * (fsm[i] - fnm[i]);
              const Real dqx = -dtdx * (fxl[i + 1] - fxr[i]) - dtdy * (fst[i] - fnt[i]);
              const Real dqy = dtdy * (fsl[i] - fnr[i]) - dtdx * (fxt[i + 1] - fxt[i]);
              bh[i] = active ? bh[i] + dh : bh[i];
              bqx[i] = active ? bqx[i] + dqx : bqx[i];
              bqy[i] = active ? bqy[i] + dqy : bqy[i];
            }
          }
        }
        // Boundary faces of the row (inflow positive) and the faces sections record: the flux
        // rows hold this step's fluxes (or 0) in the faces of the cells taking flux only.
        double b_in = 0;
        double b_out = 0;
        clear_uncomputed(W.fx.mass, fy_n->mass, fy_s->mass, cols, yacc_cols(j - 1), yacc_cols(j), j,
                         ny, nx, flows_.has_faces_in_row(j));
        boundary_row_flows(G, j, W.fx.mass.data(), fy_n->mass.data(), fy_s->mass.data(), b_in,
                           b_out);
        const auto jr = static_cast<std::size_t>(j) * kSums;
        row_sums_[jr + 0] += b_in * static_cast<double>(dt0);
        row_sums_[jr + 1] += b_out * static_cast<double>(dt0);
        flows_.record_row(G, j, W.fx.mass.data(), fy_n->mass.data(), fy_s->mass.data());
        std::swap(fy_n, fy_s);
      }
#pragma omp barrier
      // 2. Cells ending an interval: the accumulated change, friction, rain, losses, maps.
#pragma omp for schedule(dynamic, 8)
      for (int j = row0_; j < row1_; ++j) {
        const std::ptrdiff_t base = G.index(0, j);
        const std::uint8_t* __restrict mrow = mask + base;
        const std::uint8_t* lrow = level + base;
        Real* __restrict hnew = W.cell.h.data();
        Real* __restrict qxnew = W.cell.u.data();
        Real* __restrict qynew = W.cell.v.data();
        Real* __restrict corr = W.corr.data();
        Real* __restrict hout = h + base;
        Real* __restrict qxout = qx + base;
        Real* __restrict qyout = qy + base;
        Real* __restrict bh = ah + base;
        Real* __restrict bqx = aqx + base;
        Real* __restrict bqy = aqy + base;
        const Real* __restrict rrow = rain != nullptr ? rain + base : zeros + 1;
        long long bad = 0;
        double rate_row = 0;
        ColumnSum rain_row;
        ColumnSum corr_row;
        EndSums end_sums;
        for (const Span& sp : upd_cols(j)) {
          for (int s = sp.first; s < sp.last;) {
            const int l = lrow[s];
            int e = s + 1;
            while (e < sp.last && lrow[e] == l) ++e;
            const Real dt_l = dt0 * kPow2[l];
            const Real t_a = t0 + Real(k + 1 - (1 << l)) * dt0;
            if (k + 1 == (1 << l)) {  // the cells' first update in the cycle: keep their state
              const auto a = static_cast<std::ptrdiff_t>(base + s);
              const auto b = static_cast<std::ptrdiff_t>(base + e);
              std::copy(h + a, h + b, S.snap_h.begin() + a);
              std::copy(qx + a, qx + b, S.snap_qx.begin() + a);
              std::copy(qy + a, qy + b, S.snap_qy.begin() + a);
              for (std::size_t f = 0; f < loss_state.size(); ++f) {
                std::copy(loss_state[f]->begin() + a, loss_state[f]->begin() + b,
                          S.snap_loss[f].begin() + a);
              }
            }
            long long round_offs = 0;
            double run_rate = 0;
#pragma omp simd reduction(+ : bad, round_offs)
            for (int i = s; i < e; ++i) {
              const bool active = mrow[i] == cell_active;
              Real hc = hout[i] + bh[i];
              const Real qxc = qxout[i] + bqx[i];
              const Real qyc = qyout[i] + bqy[i];
              const bool round_off = hc < 0 && hc > -negative_round_off;
              bad += (active && !(hc >= 0) && !round_off) ? 1 : 0;
              round_offs += (active && round_off) ? 1 : 0;
              corr[i] = (active && round_off) ? -hc : Real(0);
              hc = hc > 0 ? hc : Real(0);
              hnew[i] = active ? hc : Real(0);
              qxnew[i] = active ? qxc : Real(0);
              qynew[i] = active ? qyc : Real(0);
              bh[i] = 0;
              bqx[i] = 0;
              bqy[i] = 0;
            }
            if (round_offs > 0) corr_row.add(s, e, [&](int i) { return corr[i]; });
            friction_row(hnew, qxnew, qynew, nman + base, g, dry, dt_l, s, e);
            end_row_updates[2U | (rate_in_update ? 1U : 0U)](
                mrow, hnew, qxnew, qynew, nullptr, nullptr, nullptr, rrow, rain_depth[l], dt_l, g,
                dry, inv_dx, inv_dy, s, e, hout, qxout, qyout, bad, run_rate);
            if (rain_depth[l] != 0 || rain != nullptr) {
              rain_row.add(s, e, [&](int i) {
                return cell_rain(mrow[i] == cell_active, rain_depth[l], rrow[i], dt_l);
              });
            }
            if (losses != nullptr) {
              Real* __restrict lrow_loss = W.loss.data();
              const StepRain step_rain{rain_depth[l], rain};
              losses->compute_run(G, mrow, hout, t_a, dt_l, step_rain, j, s, e, lrow_loss);
              // The flood maps are folded once the cycle is accepted (local_step).
              const StepEnd step_end{g, dry, inv_dx, inv_dy, end_k, dt_l, nullptr};
              const double before = end_sums.rate;
              end_sums.rate = 0;
              finish_cells(mrow, hout, qxout, qyout, lrow_loss, z + base, base, s, e, step_end,
                           end_sums);
              run_rate = end_sums.rate;
              end_sums.rate = std::max(before, run_rate);
            }
            rate_row = std::max(rate_row, run_rate);
            // The state a cell ends a step with is read by its faces over its next step (of
            // the same length): within the cycle that step must be stable too.
            if (!last) courant = std::max(courant, run_rate * static_cast<double>(dt_l));
            s = e;
          }
        }
        if (last) {
          max_rate = std::max({max_rate, rate_row, end_sums.rate});
          // Wet runs and columns of the row (outside the cells visited every cell is dry).
          Span live{0, 0};
          std::vector<Span>& runs = wet_runs_row_[static_cast<std::size_t>(j)];
          runs.clear();
          for (const Span& sp : upd_cols(j)) {
            int first = sp.first;
            int end = sp.last;
            while (first < end && !(hout[first] > 0)) ++first;
            while (end > first && !(hout[end - 1] > 0)) --end;
            if (first == end) continue;
            live = live.first < live.last ? Span{live.first, end} : Span{first, end};
            add_wet_runs(runs, first, end, [&](int i) { return hout[i] > 0; });
          }
          live_[static_cast<std::size_t>(j)] = live;
        }
        const auto jr = static_cast<std::size_t>(j) * kSums;
        row_sums_[jr + 2] += rain_row.total();
        row_sums_[jr + 3] += corr_row.total();
        row_sums_[jr + 4] += static_cast<double>(bad);
        row_sums_[jr + 5] += end_sums.lost.total();
        row_sums_[jr + 6] += static_cast<double>(end_sums.bad);
      }
    }
    if (split) flows_.merge_stage(grid_, *decomp_);
    flows_.end_stage(static_cast<double>(dt0));
    // Point sources whose cell ended a step: the volume over that step, after its update (as
    // a global step adds them after the fluxes), its rate checked as the cells'.
    for (std::size_t p = 0; p < sources_.size(); ++p) {
      const PointSource& ps = sources_[p];
      if (ps.j < row0_ || ps.j >= row1_) continue;  // decomposed: the owner of the cell adds it
      const auto c = static_cast<std::size_t>(G.index(ps.i, ps.j));
      const int l = level[c];
      if (l > mu) continue;
      const Real t_a = t0 + Real(k + 1 - (1 << l)) * dt0;
      source_volume[p] += static_cast<double>(add_to_cell(c, ps.discharge.integral(t_a, end_k)));
      const double rate = wave_rate(h[c], qx[c], qy[c], g, dry, inv_dx, inv_dy);
      if (last) {
        max_rate = std::max(max_rate, rate);
      } else {
        courant = std::max(courant, rate * static_cast<double>(dt0 * kPow2[l]));
      }
    }
    long long bad = 0;
    long long bad_losses = 0;
    for (int j = row0_; j < row1_; ++j) {
      bad += static_cast<long long>(row_sums_[static_cast<std::size_t>(j) * kSums + 4]);
      bad_losses += static_cast<long long>(row_sums_[static_cast<std::size_t>(j) * kSums + 6]);
    }
    if (split) {  // the decision of every process: one reduction a step
      double flags[3] = {static_cast<double>(bad), courant, static_cast<double>(bad_losses)};
      decomp_->max_each(flags);
      bad = static_cast<long long>(flags[0]);
      courant = flags[1];
      if (flags[2] > 0) {  // the count over all rows, for the message
        decomp_->allgather_rows(row_sums_.data(), kSums);
        bad_losses = 0;
        for (int j = 0; j < ny; ++j)
          bad_losses += static_cast<long long>(row_sums_[static_cast<std::size_t>(j) * kSums + 6]);
      }
    }
    if (bad > 0 || courant > static_cast<double>(kRejectGrowth * cfl)) {
      // A cell lost more water than it held, or moved faster than its step allows (its
      // rates grew within the cycle): the cycle is undone, the caller retries with fewer
      // levels. The cells updated so far get their state back; the others are unchanged.
      const int done = k + 1;
#pragma omp parallel for num_threads(threads) schedule(static)
      for (int j = row0_; j < row1_; ++j) {
        const std::ptrdiff_t base = G.index(0, j);
        for (std::ptrdiff_t c = base; c < base + nx; ++c) {
          const auto u = static_cast<std::size_t>(c);
          if ((1 << level[u]) <= done) {
            h[u] = S.snap_h[u];
            qx[u] = S.snap_qx[u];
            qy[u] = S.snap_qy[u];
            for (std::size_t f = 0; f < loss_state.size(); ++f) {
              (*loss_state[f])[u] = S.snap_loss[f][u];
            }
          }
          ah[u] = 0;
          aqx[u] = 0;
          aqy[u] = 0;
        }
      }
      flows_.discard_step();
      live_known_ = false;
      exchange_halo(h, qx, qy);  // decomposed: the halo rows as they were
      return false;
    }
    if (bad_losses > 0) {
      flows_.discard_step();
      live_known_ = false;
      check_losses(bad_losses, tk);
    }
    if (!last) exchange_halo(h, qx, qy);  // decomposed: the next step's faces read the halo
  }

  if (split) {
    decomp_->allgather_rows(row_sums_.data(), kSums);
    std::vector<int> source_rows(sources_.size());
    for (std::size_t p = 0; p < sources_.size(); ++p) source_rows[p] = sources_[p].j;
    if (!sources_.empty()) decomp_->merge_tagged(source_volume, source_rows);
  }
  const double area = static_cast<double>(G.dx) * static_cast<double>(G.dy);
  for (int j = 0; j < ny; ++j) {
    const auto jr = static_cast<std::size_t>(j) * kSums;
    balance_.boundary_in += row_sums_[jr + 0];
    balance_.boundary_out += row_sums_[jr + 1];
    balance_.rain_in += row_sums_[jr + 2] * area;
    balance_.correction += row_sums_[jr + 3] * area;
    balance_.losses += row_sums_[jr + 5] * area;
  }
  for (const double v : source_volume) balance_.point_in += v;
  max_rate_ = static_cast<Real>(max_rate);
  live_known_ = true;
  column_sets_ = false;
  for (const PointSource& ps : sources_) {
    if (ps.j < row0_ || ps.j >= row1_) continue;
    if (h_[static_cast<std::size_t>(G.index(ps.i, ps.j))] > 0) mark_wet(ps.i, ps.j);
  }
  return true;
}

}  // namespace floodtwin::solver
