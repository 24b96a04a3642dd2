/// @file local_levels.cpp
/// The plan of a local time-stepping cycle (Simulation::plan_local_cycle; the cycle itself in
/// local_steps.cpp, the scheme in docs/solver.md "Local time steps"): each cell's level (the
/// largest l <= L at which its CFL step, and its four neighbours', allow 2^l global steps,
/// smoothed to rise by one level per kSpread cells at most), the cells water may reach within
/// the cycle, and per row and level threshold the runs of columns the cycle's steps visit.
/// Bitwise the same for any number of threads and processes.
#include <omp.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "solver/local_steps.hpp"
#include "solver/workspace.hpp"

namespace floodtwin::solver {

using local_detail::kPow2;
using local_detail::kSpread;
using local_detail::sat_next;

void Simulation::plan_local_cycle(Real t0, Real dt0, int L, Real t_end) {
  const Grid& G = grid_;
  const int nx = G.nx;
  const int ny = G.ny;
  const std::ptrdiff_t stride = G.stride();
  const int steps = 1 << L;
  const int threads = step_threads();
  LocalSteps& S = *local_;

  // ---- levels ---------------------------------------------------------------------------
  std::uint8_t* const level = S.level.data();
  std::uint8_t* const own = S.own.data();
  const Real cfl = config_.cfl;
  // Cells water may reach within the cycle: those within 2^L cells (a step moves water by
  // one cell at most) of a wet cell, a cell with rain, or a boundary that can let water in.
  // The others are dry and still and stay so: the cycle does not visit them.
  std::uint8_t* const reach = S.reach.data();
  constexpr std::uint8_t far = 255;
  const bool rain_everywhere = !uniform_rain_.empty() && uniform_rain_.integral(t0, t_end) > 0;
  const Real* rain_field = rain_.empty() ? nullptr : rain_.data();
  // All cells are live under rain everywhere; otherwise the distance to the seeds.
  const bool all_live = rain_everywhere;
  // A cell's own level: the largest l <= L with rate dt0 2^l <= cfl (a still cell: L).
  const Real rate_scale = dt0 / cfl;
  const Real g = config_.gravity;
  const Real dry = config_.dry_depth;
  const Real inv_dx = Real(1) / G.dx;
  const Real inv_dy = Real(1) / G.dy;
  const std::uint8_t* mask = mask_.data();
  // Decomposed: each process computes the own levels and seeds of its rows (and of the ghost
  // row at its edge of the grid); a cell's level and reach depend on cells within kSpread L
  // and 2^L rows of it only (the transforms below: min over c' of v(c') + |c - c'|, v(c') <=
  // kSpread L everywhere), so each process receives those of the rows within `deep` of its
  // block from their owners (exchange_near) and transforms these rows only: its own rows'
  // and their neighbours' levels come out as one process's.
  const bool split = decomposed();
  const int deep = std::max(steps, kSpread * L) + 3;
  const int t_lo = split ? std::max(-1, row0_ - deep) : -1;  // rows [t_lo, t_hi) transformed
  const int t_hi = split ? std::min(ny + 1, row1_ + deep) : ny + 1;
  const int own_lo = row0_ == 0 ? -1 : row0_;  // rows [own_lo, own_hi) computed here
  const int own_hi = row1_ == ny ? ny + 1 : row1_;
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int j = own_lo; j < own_hi; ++j) {
    const std::ptrdiff_t base = G.index(-1, j);
    const std::uint8_t* __restrict m = mask + base;
    const Real* __restrict hr = h_.data() + base;
    const Real* __restrict qxr = qx_.data() + base;
    const Real* __restrict qyr = qy_.data() + base;
    const Real* __restrict rf = rain_field != nullptr ? rain_field + base : nullptr;
    std::uint8_t* __restrict o = own + base;
    std::uint8_t* __restrict re = reach + base;
#pragma omp simd
    for (int i = 0; i < nx + 2; ++i) {
      const bool cell = m[i] != cell_wall;
      const Real x =
          cell ? wave_rate(hr[i], qxr[i], qyr[i], g, dry, inv_dx, inv_dy) * rate_scale : Real(0);
      int l = 0;
      for (int q = 1; q <= SolverConfig::max_local_levels; ++q) {
        l += (q <= L && x * kPow2[q] <= 1) ? 1 : 0;
      }
      o[i] = static_cast<std::uint8_t>(l);
      const bool wet = hr[i] != 0 || qxr[i] != 0 || qyr[i] != 0;
      re[i] = cell && wet ? std::uint8_t(0) : far;
    }
    if (rf != nullptr) {
#pragma omp simd
      for (int i = 0; i < nx + 2; ++i)
        re[i] = m[i] != cell_wall && rf[i] > 0 ? std::uint8_t(0) : re[i];
    }
    if (split) {  // one byte a cell for the exchange: the own level, top bit set if no seed
#pragma omp simd
      for (int i = 0; i < nx + 2; ++i) o[i] = static_cast<std::uint8_t>(o[i] | (re[i] & 0x80));
    }
  }
  if (split) {
    decomp_->exchange_near(own, G, deep);
#pragma omp parallel for num_threads(threads) schedule(static)
    for (int j = t_lo; j < t_hi; ++j) {
      std::uint8_t* __restrict o = own + G.index(-1, j);
      std::uint8_t* __restrict re = reach + G.index(-1, j);
#pragma omp simd
      for (int i = 0; i < nx + 2; ++i) {
        re[i] = (o[i] & 0x80) != 0 ? far : std::uint8_t(0);
        o[i] = static_cast<std::uint8_t>(o[i] & 0x7f);
      }
    }
  }
  for (const GhostCell& gc : ghost_cells_) {  // inflows and water levels may rise
    if (gc.type == BoundaryType::discharge || gc.type == BoundaryType::water_level) {
      reach[static_cast<std::size_t>(gc.interior)] = 0;
    }
  }
  // A point source may start at any time and fills a cell between dry ones at every step
  // (the positivity bound's hardest case): its cell takes the finest level.
  for (const PointSource& ps : sources_) {
    const auto k = static_cast<std::size_t>(G.index(ps.i, ps.j));
    reach[k] = 0;
    own[k] = 0;
  }
  // Each cell takes the lowest level of itself and its four neighbours (a face's speeds are
  // those of both sides), scaled by kSpread; then the distance transforms
  // min over c' of v(c') + |c - c'| of these and of the reach (rows, then columns).
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int j = t_lo; j < t_hi; ++j) {
    const std::ptrdiff_t base = G.index(-1, j);
    const std::uint8_t* __restrict oc = own + base;
    const std::uint8_t* __restrict on = j > t_lo ? oc - stride : oc;
    const std::uint8_t* __restrict os = j < t_hi - 1 ? oc + stride : oc;
    std::uint8_t* __restrict lv = level + base;
#pragma omp simd
    for (int i = 1; i < nx + 1; ++i) {
      const std::uint8_t l = std::min({oc[i], oc[i - 1], oc[i + 1], on[i], os[i]});
      lv[i] = static_cast<std::uint8_t>(l * kSpread);
    }
    lv[0] = static_cast<std::uint8_t>(std::min({oc[0], oc[1], on[0], os[0]}) * kSpread);
    lv[nx + 1] =
        static_cast<std::uint8_t>(std::min({oc[nx + 1], oc[nx], on[nx + 1], os[nx + 1]}) * kSpread);
    std::uint8_t* __restrict re = reach + base;
    if (all_live) {
      for (int i = 1; i < nx + 2; ++i) lv[i] = sat_next(lv[i], lv[i - 1]);
      for (int i = nx; i >= 0; --i) lv[i] = sat_next(lv[i], lv[i + 1]);
    } else {
      for (int i = 1; i < nx + 2; ++i) {
        lv[i] = sat_next(lv[i], lv[i - 1]);
        re[i] = sat_next(re[i], re[i - 1]);
      }
      for (int i = nx; i >= 0; --i) {
        lv[i] = sat_next(lv[i], lv[i + 1]);
        re[i] = sat_next(re[i], re[i + 1]);
      }
    }
  }
  // Columns are independent in the column passes: each thread takes a block of them.
  const int nfields = all_live ? 1 : 2;
#pragma omp parallel num_threads(threads)
  {
    const int tid = omp_get_thread_num();
    const int nt = omp_get_num_threads();
    const int c0 = static_cast<int>(static_cast<long long>(nx + 2) * tid / nt);
    const int c1 = static_cast<int>(static_cast<long long>(nx + 2) * (tid + 1) / nt);
    for (int f = 0; f < nfields; ++f) {
      std::uint8_t* const field = f == 0 ? level : reach;
      for (int j = t_lo + 1; j < t_hi; ++j) {
        std::uint8_t* __restrict row = field + G.index(-1, j);
        const std::uint8_t* __restrict above = row - stride;
#pragma omp simd
        for (int i = c0; i < c1; ++i) row[i] = sat_next(row[i], above[i]);
      }
      for (int j = t_hi - 2; j >= t_lo; --j) {
        std::uint8_t* __restrict row = field + G.index(-1, j);
        const std::uint8_t* __restrict below = row + stride;
#pragma omp simd
        for (int i = c0; i < c1; ++i) row[i] = sat_next(row[i], below[i]);
      }
    }
  }
  const int live_reach = steps;  // cells within this many of water are visited
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int j = t_lo; j < t_hi; ++j) {
    std::uint8_t* __restrict row = level + G.index(-1, j);
#pragma omp simd
    for (int i = 0; i < nx + 2; ++i) row[i] = static_cast<std::uint8_t>(row[i] / kSpread);
  }

  // ---- column lists per level threshold ------------------------------------------------
  const auto rows = static_cast<std::size_t>(ny) + 2;  // rows -1..ny
  const auto lists = static_cast<std::size_t>(L) + 1;  // thresholds 0..L (L: every live cell)
  for (auto* set : {&S.cells, &S.yfaces, &S.load}) {
    if (set->size() < lists) set->resize(lists);
    for (std::size_t m = 0; m < lists; ++m) (*set)[m].resize(rows);
  }
  // Appends [a, b) (clamped to [lo, hi)) to spans in increasing order of a, merged with the
  // last one when they overlap or touch.
  auto push = [](std::vector<Span>& out, int a, int b, int lo, int hi) {
    a = std::max(a, lo);
    b = std::min(b, hi);
    if (a >= b) return;
    if (!out.empty() && out.back().last >= a) {
      out.back().last = std::max(out.back().last, b);
    } else {
      out.push_back(Span{a, b});
    }
  };
#pragma omp parallel num_threads(threads)
  {
    std::vector<Span> merged;
#pragma omp for schedule(static)
    for (int r = -1; r <= ny; ++r) {
      const auto rr = static_cast<std::size_t>(r + 1);
      const std::uint8_t* lrow = level + G.index(0, r);
      const std::uint8_t* rrow = reach + G.index(0, r);
      for (int m = 0; m <= L; ++m) {
        std::vector<Span>& out = S.cells[static_cast<std::size_t>(m)][rr];
        out.clear();
        // Decomposed: the rows within two of this process's block (the faces and the
        // primitive values its rows read).
        if (r < 0 || r >= ny || r < row0_ - 2 || r >= row1_ + 2) continue;
        auto in = [&](int i) { return lrow[i] <= m && (all_live || rrow[i] <= live_reach); };
        for (int i = 0; i < nx;) {
          if (!in(i)) {
            ++i;
            continue;
          }
          const int a = i;
          while (i < nx && in(i)) ++i;
          out.push_back(Span{a, i});
        }
      }
    }
#pragma omp for schedule(static)
    for (int r = -1; r <= ny; ++r) {
      const auto rr = static_cast<std::size_t>(r + 1);
      for (std::size_t m = 0; m <= static_cast<std::size_t>(L); ++m) {
        const LocalSteps::RowLists& cells = S.cells[m];
        auto unite = [&](int r0, int r1, int widen, int lo, int hi, std::vector<Span>& out) {
          merged.clear();
          for (int q = std::max(-1, r0); q <= std::min(ny, r1); ++q) {
            const std::vector<Span>& c = cells[static_cast<std::size_t>(q + 1)];
            const std::size_t mid = merged.size();
            merged.insert(merged.end(), c.begin(), c.end());
            std::inplace_merge(merged.begin(), merged.begin() + static_cast<std::ptrdiff_t>(mid),
                               merged.end(),
                               [](const Span& x, const Span& y) { return x.first < y.first; });
          }
          out.clear();
          for (const Span& sp : merged) push(out, sp.first - widen, sp.last + widen, lo, hi);
        };
        if (r < row0_ - 1 || r > row1_) {  // decomposed: rows no face of this block reads
          S.yfaces[m][rr].clear();
          S.load[m][rr].clear();
          continue;
        }
        unite(r, r + 1, 0, 0, nx, S.yfaces[m][rr]);
        unite(r - 1, r + 1, 1, -1, nx + 1, S.load[m][rr]);
      }
    }
  }

  // The work of each row per level threshold (its cells of levels <= m, plus a row's fixed
  // cost), summed over rows 0..r-1: the steps' first pass splits the rows into bands of equal
  // work (most of it lies in the few rows of the fast cells).
  constexpr long long kRowCost = 8;
  if (S.work.size() < lists) S.work.resize(lists);
  for (std::size_t m = 0; m < lists; ++m) {
    std::vector<long long>& w = S.work[m];
    w.assign(static_cast<std::size_t>(ny) + 1, 0);
    for (int r = 0; r < ny; ++r) {
      long long cells_r = kRowCost;
      for (const Span& sp : S.cells[m][static_cast<std::size_t>(r + 1)])
        cells_r += sp.last - sp.first;
      w[static_cast<std::size_t>(r) + 1] = w[static_cast<std::size_t>(r)] + cells_r;
    }
  }
}

}  // namespace floodtwin::solver
