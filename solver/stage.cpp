/// @file stage.cpp
/// One stage of a step (Simulation::stage): the fluxes, the update of each cell from its four
/// faces, friction, rain and, in the last stage, the step's end (losses, wave rate, maps).
/// Each stage sweeps the rows of a thread's band once:
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
#include <array>
#include <cmath>
#include <functional>
#include <limits>

#include "solver/flood_maps.hpp"
#include "solver/friction.hpp"
#include "solver/prefetch.hpp"
#include "solver/reconstruction.hpp"
#include "solver/riemann_hllc.hpp"
#include "solver/row_kernels.hpp"
#include "solver/row_update.hpp"
#include "solver/simulation.hpp"
#include "solver/special_faces.hpp"
#include "solver/wet_runs.hpp"
#include "solver/workspace.hpp"

namespace floodtwin::solver {

namespace {

/// The face value at index a of `from` (depth, velocities, face bed) as that at index b of `to`.
inline void copy_face(const RowFields& from, std::size_t a, RowFields& to, std::size_t b) {
  to.h[b] = from.h[a];
  to.u[b] = from.u[a];
  to.v[b] = from.v[a];
  to.z[b] = from.z[a];
}

}  // namespace

template <bool kSecondOrder>
Simulation::StageResult Simulation::stage(const Real* h_in, const Real* qx_in, const Real* qy_in,
                                          Real* h_out, Real* qx_out, Real* qy_out,
                                          const Real* h_base, const Real* qx_base,
                                          const Real* qy_base, Real /*t_stage*/, Real dt,
                                          Real weight, bool final_stage, Real rain_depth,
                                          std::vector<Span>& live_out,
                                          const std::function<void()>* halo_in) {
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
  // The first-order step updates the state in place: a thread writes a row as soon as it is
  // done, except the two rows at each end of its band, which the neighbouring bands read; those
  // wait in `deferred` until every thread is past its band.
  const bool in_place = h_out == h_in;
  const std::uint8_t* work = work_rows_.data();
  if (zero_row_.size() != static_cast<std::size_t>(nx + 2)) {
    zero_row_.assign(static_cast<std::size_t>(nx + 2), Real(0));
  }
  const Real* zeros = zero_row_.data();

  prepare_workspaces();
  // Per-row partial sums: boundary in, boundary out, rain, correction; then the row's count
  // of bad cells, the first one's index and value (filled after the sweep).
  // Then (finish_in_stage) the depth lost and the count of bad loss depths.
  constexpr int kSums = 9;
  row_sums_.assign(static_cast<std::size_t>(ny) * kSums, 0.0);
  // The rows of this process (all without a decomposition), shared among the threads: in
  // one sweep, or (halo_in) the rows that read no halo row first and the block's edges after.
  struct Sweep {
    int first = 0;
    int last = 0;
  };
  std::array<Sweep, 3> sweeps{Sweep{row0_, row1_}, Sweep{}, Sweep{}};
  bool split = false;
  if (halo_in != nullptr && !in_place) {
    // A row reads the rows within `depth` of it (load_row(j + 2) in second order); the grid's
    // ghost rows next to a block are filled here, not received.
    constexpr int depth = kSecondOrder ? 2 : 1;
    const int a = row0_ > 0 ? row0_ + depth : row0_;
    const int b = row1_ < ny ? row1_ - depth : row1_;
    if (a < b) {
      sweeps = {Sweep{a, b}, Sweep{row0_, a}, Sweep{b, row1_}};
      split = true;
    }
  }
  if (halo_in != nullptr && !split) (*halo_in)();  // too few rows: every row reads the halo

  double max_rate = 0;
  // Columns visited per row: a step with skipping visits the column sets of plan_columns
  // (the cells outside them are dry, still and stay so; the faces between them carry
  // nothing), otherwise whole rows.
  const bool by_cols = column_sets_ && (kSecondOrder || in_place);
  const Span whole_row{0, nx};
  const Span whole_load{-1, nx + 1};
  auto update_cols = [&](int r) {
    return by_cols ? update_cols_.row(r) : std::span<const Span>(&whole_row, 1);
  };
  auto yface_cols = [&](int r) {
    return by_cols ? yface_cols_.row(r) : std::span<const Span>(&whole_row, 1);
  };
  auto load_cols = [&](int r) {
    return by_cols ? load_cols_.row(r) : std::span<const Span>(&whole_load, 1);
  };
  auto yrecon_cols = [&](int r) {
    return by_cols ? yrecon_cols_.row(r) : std::span<const Span>(&whole_row, 1);
  };
  std::vector<Span>* wet_runs = final_stage ? wet_runs_row_.data() : nullptr;
  // The step's last stage may also apply the losses and fold the flood maps of the step's end
  // (finish_in_stage), cell by cell as it writes them: what apply_losses and FloodMaps::update
  // would do after the step, on the same cells with the same values, without a pass of their
  // own over the wet cells (which reads the state back from memory).
  const bool finish = final_stage && finish_in_stage();
  LossModel* const losses = finish ? losses_.get() : nullptr;
  FloodMaps* const maps = finish ? maps_ : nullptr;
  const StepRain step_rain{rain_depth, rain};
  const Real t_start = time_;
  const StepEnd step_end{g, dry, inv_dx, inv_dy, step_end_, dt, maps};  // maps record step_end_
  // The wave rate of the step's end: after the losses when there are any.
  const bool rate_in_update = final_stage && losses == nullptr;
  // Prefetched one row ahead of their use (prefetch.hpp): the fields read per updated cell,
  // and those read per loaded cell.
  PrefetchStreams cell_fields;
  cell_fields.add(nman);
  if (final_stage) cell_fields.add(rain);
  cell_fields.add(h_base);
  cell_fields.add(qx_base);
  cell_fields.add(qy_base);
  if (losses != nullptr) {
    for (auto& [name, field] : losses_->state_fields()) {
      static_cast<void>(name);
      cell_fields.add(field->data());
    }
  }
  if (maps != nullptr) {
    maps->for_each_map([&](const char*, const auto& field) { cell_fields.add(field.data()); });
  }
  PrefetchStreams load_fields;
  for (const Real* f : {h_in, qx_in, qy_in, z}) load_fields.add(f);
  load_fields.add(mask);

  for (std::size_t sweep = 0; sweep < sweeps.size(); ++sweep) {
    if (sweep == 1 && split) (*halo_in)();
    const int rows0 = sweeps[sweep].first;
    const int rows1 = sweeps[sweep].last;
    if (rows0 >= rows1) continue;
#pragma omp parallel num_threads(step_threads()) reduction(max : max_rate)
  {
    const int tid = omp_get_thread_num();
    const int nt = omp_get_num_threads();
    // The threads' bands of rows: equal work (row_work_) with the column sets, else equal
    // rows. Any cut gives the same results (the band edges' rows wait in `deferred`).
    auto cut = [&](int t) {
      if (!by_cols) {
        return rows0 + static_cast<int>(static_cast<long long>(rows1 - rows0) * t / nt);
      }
      const long long a = row_work_[static_cast<std::size_t>(rows0)];
      const long long target = a + (row_work_[static_cast<std::size_t>(rows1)] - a) * t / nt;
      const auto first = row_work_.begin() + rows0;
      return rows0 +
             static_cast<int>(std::lower_bound(first, row_work_.begin() + rows1, target) - first);
    };
    const int jb0 = tid == 0 ? rows0 : cut(tid);
    const int jb1 = tid + 1 == nt ? rows1 : cut(tid + 1);
    Workspace& W = workspaces_[static_cast<std::size_t>(tid)];
    int n_deferred = 0;

    auto slot = [](int r) { return static_cast<std::size_t>((r + 1) % Workspace::ring); };
    // Primitive variables of row r (r in [-1, ny]) into the ring (eta in the z slot).
    auto load_row = [&](int r) {
      RowFields& P = W.prim[slot(r)];
      Real* __restrict ph = P.h.data();
      Real* __restrict pu = P.u.data();
      Real* __restrict pv = P.v.data();
      Real* __restrict pe = P.z.data();
      const std::ptrdiff_t base = G.index(-1, r);
      const Real* __restrict hr = h_in + base;
      const Real* __restrict qxr = qx_in + base;
      const Real* __restrict qyr = qy_in + base;
      const Real* __restrict zr = z + base;
      const std::uint8_t* __restrict mr = mask + base;
      for (const Span& sp : load_cols(r)) {
        primitive_row(hr, qxr, qyr, zr, mr, dry, sp.first + 1, sp.last + 1, ph, pu, pv, pe);
      }
    };
    // Scalar flux for the faces next to walls, inactive cells or discharge ghosts.
    auto fix_face = [&](FluxRow& F, std::size_t f, std::uint8_t mL, std::uint8_t mR,
                        const FaceState& L, const FaceState& R, Real qgL,
                        Real qgR) { set_face(F, f, mL, mR, L, R, qgL, qgR, g); };
    // y reconstruction of row r: face values north (minus) and south (plus) for columns
    // 0..nx-1 (index i + 1), and the bed-slope correction.
    auto y_recon = [&](int r, RowFields& north, RowFields& south, Real* scy) {
      const RowFields& P = W.prim[slot(r)];
      const std::ptrdiff_t base = G.index(0, r);
      if (r < 0 || r >= ny) {  // ghost row: flat
        for (int i = 0; i < nx; ++i) {
          const auto c = static_cast<std::size_t>(i + 1);
          const Real h = P.h[c];
          const bool wet = h > 0;
          north.h[c] = south.h[c] = wet ? h : Real(0);
          north.u[c] = south.u[c] = wet ? P.u[c] : Real(0);
          north.v[c] = south.v[c] = wet ? P.v[c] : Real(0);
          north.z[c] = south.z[c] = z[static_cast<std::size_t>(base + i)];
          scy[c] = 0;
        }
        return;
      }
      const RowFields& M = W.prim[slot(r - 1)];
      const RowFields& Q = W.prim[slot(r + 1)];
      // Along y the "velocity along the sweep" is v; face frames are built in y_fluxes.
      const ReconRowIn in{{M.h.data() + 1, P.h.data() + 1, Q.h.data() + 1},
                          {M.v.data() + 1, P.v.data() + 1, Q.v.data() + 1},
                          {M.u.data() + 1, P.u.data() + 1, Q.u.data() + 1},
                          {M.z.data() + 1, P.z.data() + 1, Q.z.data() + 1},
                          {mask + base - stride, mask + base, mask + base + stride},
                          z + base};
      const ReconRowOut out{{north.h.data() + 1, south.h.data() + 1},
                            {north.v.data() + 1, south.v.data() + 1},
                            {north.u.data() + 1, south.u.data() + 1},
                            {north.z.data() + 1, south.z.data() + 1},
                            scy + 1};
      for (const Span& sp : yrecon_cols(r)) {
        muscl_row(config_.limiter, sp.last - sp.first, in.from(sp.first), g, out.from(sp.first));
      }
    };
    // Fluxes through the y faces between rows r and r + 1 (normal pointing south).
    // zs, zn: beds of the two face sides, indexed by column (nullptr: the rows' own z slot).
    auto y_fluxes = [&](int r, RowFields& south_of_r, RowFields& north_of_r1, FluxRow& F,
                        const Real* zs, const Real* zn) {
      if constexpr (kSecondOrder) {  // open ghosts: the interior's face value (open_y_)
        if (r == -1 || r == ny - 1) {
          RowFields& ghost = r == -1 ? south_of_r : north_of_r1;
          const RowFields& inside = r == -1 ? north_of_r1 : south_of_r;
          for (const int i : open_y_[r == -1 ? 0 : 1]) {
            const auto c = static_cast<std::size_t>(i + 1);
            copy_face(inside, c, ghost, c);
          }
        }
      }
      if (zs == nullptr) zs = south_of_r.z.data() + 1;
      if (zn == nullptr) zn = north_of_r1.z.data() + 1;
      const std::span<const Span> cols = yface_cols(r);
      for (const Span& sp : cols) {
        const int a = sp.first;
        const FaceRowIn L{south_of_r.h.data() + 1 + a, south_of_r.v.data() + 1 + a,
                          south_of_r.u.data() + 1 + a, zs + a};
        const FaceRowIn R{north_of_r1.h.data() + 1 + a, north_of_r1.v.data() + 1 + a,
                          north_of_r1.u.data() + 1 + a, zn + a};
        hydrostatic_hllc_row(sp.last - a, L, R, Real(-1), g, F.out(static_cast<std::size_t>(a)));
      }
      if (r == -1 || r == ny - 1) {  // open sides: out, never in (mass > 0 is southward)
        const bool north = r == -1;
        for (const int i : open_y_[north ? 0 : 1]) {
          if (by_cols && !in_cols(cols, i, 0)) continue;
          const auto c = static_cast<std::size_t>(i + 1);
          outflow_only(F, static_cast<std::size_t>(i), north ? Real(1) : Real(-1),
                       north ? north_of_r1.h[c] : south_of_r.h[c], g);
        }
      }
      const std::ptrdiff_t base = G.index(0, r);
      for (const int i : special_y_[static_cast<std::size_t>(r + 1)]) {
        if (by_cols && !in_cols(cols, i, 0)) continue;
        const auto kL = static_cast<std::size_t>(base + i);
        const auto kR = kL + static_cast<std::size_t>(stride);
        const auto c = static_cast<std::size_t>(i + 1);
        fix_face(F, static_cast<std::size_t>(i), mask[kL], mask[kR],
                 FaceState{south_of_r.h[c], -south_of_r.v[c], south_of_r.u[c], zs[i]},
                 FaceState{north_of_r1.h[c], -north_of_r1.v[c], north_of_r1.u[c], zn[i]},
                 -qy_in[kL], -qy_in[kR]);
      }
    };
    // Fluxes of the x faces of row r (face f between cells f-1 and f).
    auto x_fluxes = [&](int r) {
      const std::ptrdiff_t base = G.index(-1, r);
      const auto rr = static_cast<std::size_t>(r);  // open_x_[2 rr]: west, [2 rr + 1]: east
      const RowFields* east;                        // plus faces of cells -1..nx
      const RowFields* west;                        // minus faces
      const Real* ze;
      const Real* zw;
      if constexpr (kSecondOrder) {
        const RowFields& P = W.prim[slot(r)];
        const ReconRowIn in{{P.h.data(), P.h.data() + 1, P.h.data() + 2},
                            {P.u.data(), P.u.data() + 1, P.u.data() + 2},
                            {P.v.data(), P.v.data() + 1, P.v.data() + 2},
                            {P.z.data(), P.z.data() + 1, P.z.data() + 2},
                            {mask + base, mask + base + 1, mask + base + 2},
                            z + base + 1};
        const ReconRowOut out{{W.x_minus.h.data() + 1, W.x_plus.h.data() + 1},
                              {W.x_minus.u.data() + 1, W.x_plus.u.data() + 1},
                              {W.x_minus.v.data() + 1, W.x_plus.v.data() + 1},
                              {W.x_minus.z.data() + 1, W.x_plus.z.data() + 1},
                              W.scx.data() + 1};
        // The cells next to the faces of the updated cells: one column around each span.
        int done = 0;  // cells below are reconstructed (spans are increasing and disjoint)
        for (const Span& sp : update_cols(r)) {
          const int a = std::max({sp.first - 1, done, 0});
          const int b = std::min(sp.last + 1, nx);
          if (a < b) muscl_row(config_.limiter, b - a, in.from(a), g, out.from(a));
          done = std::max(done, b);
        }
        for (const int c : {0, nx + 1}) {  // ghost columns: flat
          const auto cc = static_cast<std::size_t>(c);
          const Real h = P.h[cc];
          const bool wet = h > 0;
          W.x_minus.h[cc] = W.x_plus.h[cc] = wet ? h : Real(0);
          W.x_minus.u[cc] = W.x_plus.u[cc] = wet ? P.u[cc] : Real(0);
          W.x_minus.v[cc] = W.x_plus.v[cc] = wet ? P.v[cc] : Real(0);
          W.x_minus.z[cc] = W.x_plus.z[cc] = z[static_cast<std::size_t>(base + c)];
        }
        // Open ghosts: the interior cell's face value on both sides of the face (open_x_).
        if (open_x_[2 * rr] != 0) copy_face(W.x_minus, 1, W.x_plus, 0);
        if (open_x_[2 * rr + 1] != 0) {
          copy_face(W.x_plus, static_cast<std::size_t>(nx), W.x_minus,
                    static_cast<std::size_t>(nx + 1));
        }
        east = &W.x_plus;
        west = &W.x_minus;
        ze = W.x_plus.z.data();
        zw = W.x_minus.z.data();
      } else {
        east = west = &W.prim[slot(r)];
        ze = zw = z + base;
      }
      // Faces first..last of each span of cells [first, last).
      const std::span<const Span> cols = update_cols(r);
      for (const Span& sp : cols) {
        const int a = sp.first;
        const FaceRowIn L{east->h.data() + a, east->u.data() + a, east->v.data() + a, ze + a};
        const FaceRowIn R{west->h.data() + 1 + a, west->u.data() + 1 + a, west->v.data() + 1 + a,
                          zw + 1 + a};
        hydrostatic_hllc_row(sp.last - a + 1, L, R, Real(1), g,
                             W.fx.out(static_cast<std::size_t>(a)));
      }
      // Open sides: out, never in (mass > 0 is eastward).
      if (open_x_[2 * rr] != 0 && (!by_cols || in_cols(cols, 0, 1))) {
        outflow_only(W.fx, 0, Real(1), west->h[1], g);
      }
      if (open_x_[2 * rr + 1] != 0 && (!by_cols || in_cols(cols, nx, 1))) {
        outflow_only(W.fx, static_cast<std::size_t>(nx), Real(-1),
                     east->h[static_cast<std::size_t>(nx)], g);
      }
      for (const int f : special_x_[static_cast<std::size_t>(r)]) {
        if (by_cols && !in_cols(cols, f, 1)) continue;
        const auto kL = static_cast<std::size_t>(base + f);
        const auto kR = kL + 1;
        const auto cL = static_cast<std::size_t>(f);
        const auto cR = cL + 1;
        fix_face(W.fx, cL, mask[kL], mask[kR],
                 FaceState{east->h[cL], east->u[cL], east->v[cL], ze[cL]},
                 FaceState{west->h[cR], west->u[cR], west->v[cR], zw[cR]}, qx_in[kL], qx_in[kR]);
      }
    };

    // Rows [s, e) visited one after the other: the same pipeline as from a band start, so the
    // faces it computes are those of the full sweep (bitwise).
    for (int s = jb0; s < jb1;) {
      if (work[s] == 0) {
        // Not visited: dry, still and out of reach of water this step. Its output is zero
        // (in place and for the second stage it is already), its faces carry nothing.
        const auto js = static_cast<std::size_t>(s);
        if (!in_place && live_out[js].first < live_out[js].last) {
          const std::ptrdiff_t base = G.index(0, s);
          std::fill(h_out + base, h_out + base + nx, Real(0));
          std::fill(qx_out + base, qx_out + base + nx, Real(0));
          std::fill(qy_out + base, qy_out + base + nx, Real(0));
        }
        live_out[js] = Span{0, 0};
        if (wet_runs != nullptr) wet_runs[js].clear();
        flows_.record_row(G, s, zeros, zeros, zeros);
        ++s;
        continue;
      }
      int e = s;
      while (e < jb1 && work[e] != 0) ++e;
      {  // rows [j0, j1) = [s, e), inline (a lambda here stopped the loops vectorising)
        const int j0 = s;
        const int j1 = e;
        for (int r = std::max(-1, j0 - (kSecondOrder ? 2 : 1)); r <= std::min(ny, j0 + 1); ++r) {
          load_row(r);
        }
        RowFields* s_prev = &W.y_prev;  // south faces of the row above the current one
        RowFields* n_face = &W.y_minus;
        RowFields* s_face = &W.y_plus;
        Real* scy = W.scy.data();
        Real* scy_next = W.scy_next.data();
        FluxRow* fy_n = &W.fy_n;
        FluxRow* fy_s = &W.fy_s;
        if constexpr (kSecondOrder) {
          y_recon(j0 - 1, *n_face, *s_prev, W.scy_dummy.data());
          y_recon(j0, *n_face, *s_face, scy);
          y_fluxes(j0 - 1, *s_prev, *n_face, *fy_n, nullptr, nullptr);
          std::swap(s_prev, s_face);  // s_prev: south faces of row j0
        } else {
          y_fluxes(j0 - 1, W.prim[slot(j0 - 1)], W.prim[slot(j0)], *fy_n, z + G.index(0, j0 - 1),
                   z + G.index(0, j0));
        }

        for (int j = j0; j < j1; ++j) {
          if (by_cols && j + 1 < j1) {  // the next row's cells, and the row it loads (j + 3)
            const std::ptrdiff_t b = G.index(0, j + 1);
            for (const Span& sp : update_cols(j + 1)) cell_fields.cells(b + sp.first, b + sp.last);
            if (j + 3 <= ny) {
              const std::ptrdiff_t b3 = G.index(0, j + 3);
              for (const Span& sp : load_cols(j + 3)) {
                load_fields.cells(b3 + sp.first, b3 + sp.last);
              }
            }
          }
          if (j + 2 <= ny) load_row(j + 2);
          if constexpr (kSecondOrder) {
            y_recon(j + 1, *n_face, *s_face, scy_next);
            y_fluxes(j, *s_prev, *n_face, *fy_s, nullptr, nullptr);
          } else {
            y_fluxes(j, W.prim[slot(j)], W.prim[slot(j + 1)], *fy_s, z + G.index(0, j),
                     z + G.index(0, j + 1));
          }
          x_fluxes(j);

          const std::ptrdiff_t base = G.index(0, j);
          const std::uint8_t* __restrict mrow = mask + base;
          // Stage results go to a row buffer first: with Runge-Kutta averaging, h_out is h_base.
          Real* __restrict hnew = W.cell.h.data();
          Real* __restrict qxnew = W.cell.u.data();
          Real* __restrict qynew = W.cell.v.data();
          const bool defer = in_place && (j < jb0 + 2 || j >= jb1 - 2);
          RowFields* dst = defer ? &W.deferred[static_cast<std::size_t>(n_deferred)] : nullptr;
          if (defer) W.deferred_row[static_cast<std::size_t>(n_deferred++)] = j;
          Real* __restrict hout = defer ? dst->h.data() : h_out + base;
          Real* __restrict qxout = defer ? dst->u.data() : qx_out + base;
          Real* __restrict qyout = defer ? dst->v.data() : qy_out + base;
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
          const Real* __restrict scxr = W.scx.data() + 1;
          const Real* __restrict scyr = scy + 1;
          long long bad = 0;
          long long round_offs = 0;
          Real* __restrict corr = W.corr.data();
          const std::span<const Span> cols = update_cols(j);
          ColumnSum rain_row;
          double rate_row = 0;
          EndSums end_sums;  // the losses' and rate's of finish_cells
          if (by_cols && !in_place && h_base == nullptr) {
            // A first stage's buffers: the cells the last step left wet (live_out, not yet
            // updated for this row) are cleared, so that the row is zero outside its cells.
            const Span old_live = live_out[static_cast<std::size_t>(j)];
            if (old_live.first < old_live.last) {
              std::fill(hout + old_live.first, hout + old_live.last, Real(0));
              std::fill(qxout + old_live.first, qxout + old_live.last, Real(0));
              std::fill(qyout + old_live.first, qyout + old_live.last, Real(0));
            }
          }
          for (const Span& sp : cols) {
            const int i0 = sp.first;
            const int i1 = sp.last;
            // 1. Flux divergence, bed-slope correction and positivity (vectorised). The inputs are
            // restrict-qualified in this block only: the in-place step writes them below.
            {
              const Real* __restrict hin = h_in + base;
              const Real* __restrict qxin = qx_in + base;
              const Real* __restrict qyin = qy_in + base;
#pragma omp simd reduction(+ : bad, round_offs)
              for (int i = i0; i < i1; ++i) {
                const bool active = mrow[i] == cell_active;
                Real h = hin[i] - dtdx * (fxm[i + 1] - fxm[i]) - dtdy * (fsm[i] - fnm[i]);
                Real qx = qxin[i] - dtdx * (fxl[i + 1] - fxr[i]) - dtdy * (fst[i] - fnt[i]);
                Real qy = qyin[i] + dtdy * (fsl[i] - fnr[i]) - dtdx * (fxt[i + 1] - fxt[i]);
                if constexpr (kSecondOrder) {
                  qx += dtdx * scxr[i];
                  qy -= dtdy * scyr[i];
                }
                const bool round_off = h < 0 && h > -negative_round_off;
                bad += (active && !(h >= 0) && !round_off) ? 1 : 0;
                round_offs += (active && round_off) ? 1 : 0;
                corr[i] = (active && round_off) ? -h : Real(0);
                h = h > 0 ? h : Real(0);
                hnew[i] = active ? h : Real(0);
                qxnew[i] = active ? qx : Real(0);
                qynew[i] = active ? qy : Real(0);
              }
            }
            // 2. Implicit Manning friction (vectorised).
            friction_row(hnew, qxnew, qynew, nman + base, g, dry, dt, i0, i1);
            // 3. Runge-Kutta average, rain, dry cut-off and wave speeds (vectorised); the rain
            // added summed by ColumnSum (the same sum whatever the spans and vector lanes).
            const Real* __restrict rrow = rain != nullptr ? rain + base : zeros + 1;
            const bool average = h_base != nullptr;
            end_row_updates[(average ? 4U : 0U) | (final_stage ? 2U : 0U) |
                            (rate_in_update ? 1U : 0U)](
                mrow, hnew, qxnew, qynew, average ? h_base + base : nullptr,
                average ? qx_base + base : nullptr, average ? qy_base + base : nullptr, rrow,
                rain_depth, dt, g, dry, inv_dx, inv_dy, i0, i1, hout, qxout, qyout, bad, rate_row);
            if (final_stage && (rain_depth != 0 || rain != nullptr)) {
              rain_row.add(i0, i1, [&](int i) {
                return cell_rain(mrow[i] == cell_active, rain_depth, rrow[i], dt);
              });
            }
            // 4. Losses, wave rate and flood maps of the step's end (finish_in_stage): as
            // apply_losses and FloodMaps::update do them (a cell with h = 0 changes no map).
            if (losses != nullptr || maps != nullptr) {
              Real* __restrict lrow = W.loss.data();
              if (losses != nullptr) {
                losses->compute_run(G, mrow, hout, t_start, dt, step_rain, j, i0, i1, lrow);
              }
              finish_cells(mrow, hout, qxout, qyout, losses != nullptr ? lrow : nullptr, z + base,
                           base, i0, i1, step_end, end_sums);
            }
          }  // spans of the row
          max_rate = std::max({max_rate, rate_row, end_sums.rate});
          // Round-off corrections summed in column order (the same sum whatever the spans).
          double corr_row = 0;
          if (round_offs > 0) {
            for (const Span& sp : cols) {
              for (int i = sp.first; i < sp.last; ++i) corr_row += static_cast<double>(corr[i]);
            }
          }
          corr_row *= static_cast<double>(weight);
          {  // wet columns and runs of the new row (a wet cell has h > 0, a dry one h = q = 0)
            Span live{0, 0};
            std::vector<Span>* runs =
                wet_runs != nullptr ? wet_runs + static_cast<std::size_t>(j) : nullptr;
            if (runs != nullptr) runs->clear();
            for (const Span& sp : cols) {
              int first = sp.first;
              int last = sp.last;
              while (first < last && !(hout[first] > 0)) ++first;
              while (last > first && !(hout[last - 1] > 0)) --last;
              if (first == last) continue;
              live = live.first < live.last ? Span{live.first, last} : Span{first, last};
              if (runs != nullptr)
                add_wet_runs(*runs, first, last, [&](int i) { return hout[i] > 0; });
            }
            live_out[static_cast<std::size_t>(j)] = live;
          }

          // Boundary faces of this row: inflow is positive into the domain.
          double b_in = 0;
          double b_out = 0;
          if (by_cols) {  // faces not computed carry nothing: zero where they are read below
            clear_uncomputed(W.fx.mass, fy_n->mass, fy_s->mass, cols, yface_cols(j - 1),
                             yface_cols(j), j, ny, nx, flows_.has_faces_in_row(j));
          }
          boundary_row_flows(G, j, W.fx.mass.data(), fy_n->mass.data(), fy_s->mass.data(), b_in,
                             b_out);
          const auto jr = static_cast<std::size_t>(j) * kSums;
          const double wdt = static_cast<double>(weight) * static_cast<double>(dt);
          row_sums_[jr + 0] = b_in * wdt;
          row_sums_[jr + 1] = b_out * wdt;
          row_sums_[jr + 2] = rain_row.total();
          row_sums_[jr + 3] = corr_row;
          row_sums_[jr + 4] = static_cast<double>(bad);
          row_sums_[jr + 7] = end_sums.lost.total();
          row_sums_[jr + 8] = static_cast<double>(end_sums.bad);
          flows_.record_row(G, j, W.fx.mass.data(), fy_n->mass.data(), fy_s->mass.data());

          std::swap(fy_n, fy_s);
          std::swap(s_prev, s_face);
          std::swap(scy, scy_next);
        }
      }
      s = e;
    }
    if (in_place) {
#pragma omp barrier
      for (int d = 0; d < n_deferred; ++d) {
        const RowFields& R = W.deferred[static_cast<std::size_t>(d)];
        const int row = W.deferred_row[static_cast<std::size_t>(d)];
        const std::ptrdiff_t base = G.index(0, row);
        for (const Span& sp : update_cols(row)) {  // the cells the row's update wrote
          std::copy(R.h.begin() + sp.first, R.h.begin() + sp.last, h_out + base + sp.first);
          std::copy(R.u.begin() + sp.first, R.u.begin() + sp.last, qx_out + base + sp.first);
          std::copy(R.v.begin() + sp.first, R.v.begin() + sp.last, qy_out + base + sp.first);
        }
      }
    }
  }
  }  // sweeps

  for (int j = row0_; j < row1_; ++j) {
    const auto jr = static_cast<std::size_t>(j) * kSums;
    if (!(row_sums_[jr + 4] > 0)) continue;
    // Locate the first non-finite cell of the row (a large negative depth was clipped to 0
    // and is reported by its row).
    row_sums_[jr + 5] = static_cast<double>(G.index(0, j));
    row_sums_[jr + 6] = std::numeric_limits<double>::quiet_NaN();
    for (int i = 0; i < nx; ++i) {
      const auto k = static_cast<std::size_t>(G.index(i, j));
      if (mask[k] == cell_active &&
          !(std::isfinite(h_out[k]) && std::isfinite(qx_out[k]) && std::isfinite(qy_out[k]))) {
        row_sums_[jr + 5] = static_cast<double>(k);
        row_sums_[jr + 6] = static_cast<double>(h_out[k]);
        break;
      }
    }
  }
  if (decomposed()) {  // every process adds up every row's sums, in row order as one would
    decomp_->allgather_rows(row_sums_.data(), kSums);
  }

  StageResult result;
  result.max_rate = max_rate;
  const double area = static_cast<double>(G.dx) * static_cast<double>(G.dy);
  for (int j = 0; j < ny; ++j) {
    const auto jr = static_cast<std::size_t>(j) * kSums;
    result.boundary_in += row_sums_[jr + 0];
    result.boundary_out += row_sums_[jr + 1];
    result.rain += row_sums_[jr + 2] * area;
    result.correction += row_sums_[jr + 3] * area;
    result.bad_cells += static_cast<long long>(row_sums_[jr + 4]);
    result.losses += row_sums_[jr + 7];
    result.bad_losses += static_cast<long long>(row_sums_[jr + 8]);
    if (result.first_bad < 0 && row_sums_[jr + 4] > 0) {
      result.first_bad = static_cast<std::ptrdiff_t>(row_sums_[jr + 5]);
      result.first_bad_value = static_cast<Real>(row_sums_[jr + 6]);
    }
  }
  return result;
}

template Simulation::StageResult Simulation::stage<false>(const Real*, const Real*, const Real*,
                                                          Real*, Real*, Real*, const Real*,
                                                          const Real*, const Real*, Real, Real,
                                                          Real, bool, Real, std::vector<Span>&,
                                                          const std::function<void()>*);
template Simulation::StageResult Simulation::stage<true>(const Real*, const Real*, const Real*,
                                                         Real*, Real*, Real*, const Real*,
                                                         const Real*, const Real*, Real, Real, Real,
                                                         bool, Real, std::vector<Span>&,
                                                         const std::function<void()>*);

}  // namespace floodtwin::solver
