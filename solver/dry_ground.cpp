/// @file dry_ground.cpp
/// Which cells a step visits (docs/solver.md, "Dry ground"): the wet runs of each row kept
/// exact (refresh_live, mark_wet), the rows a step works on (plan_rows) and the columns of
/// each row it updates, the y faces it computes, the primitive values it loads and (second
/// order) the cells it reconstructs along y (plan_columns). The cells outside are dry, still and
/// stay so for the step.
#include <omp.h>

#include <algorithm>
#include <iterator>
#include <span>
#include <vector>

#include "solver/simulation.hpp"
#include "solver/wet_runs.hpp"

namespace floodtwin::solver {

namespace {

/// Fills the compressed rows -1..ny of `set` (Simulation::RowSpans): row(r, out, scratch)
/// appends row r's spans to `out`, for r in [r0, r1) (the other rows have none). Rows in equal
/// bands, one per thread, each into its own buffer of `bands`; then the bands' spans are
/// copied in row order. `counts`: scratch.
template <class Scratch, class Set, class SpanT, class RowFn>
void build_row_spans(Set& set, int ny, int r0, int r1, std::vector<std::vector<SpanT>>& bands,
                     std::vector<std::size_t>& counts, int threads, RowFn row) {
  set.start.assign(static_cast<std::size_t>(ny) + 3, 0);
  counts.assign(static_cast<std::size_t>(ny) + 2, 0);  // rows -1..ny
#pragma omp parallel num_threads(threads)
  {
    const int tid = omp_get_thread_num();
    const int nt = omp_get_num_threads();
#pragma omp single
    bands.resize(static_cast<std::size_t>(nt));
    const int a = r0 + static_cast<int>(static_cast<long long>(r1 - r0) * tid / nt);
    const int b = r0 + static_cast<int>(static_cast<long long>(r1 - r0) * (tid + 1) / nt);
    std::vector<SpanT>& mine = bands[static_cast<std::size_t>(tid)];
    mine.clear();
    Scratch scratch;
    for (int r = a; r < b; ++r) {
      const std::size_t before = mine.size();
      row(r, mine, scratch);
      counts[static_cast<std::size_t>(r + 1)] = mine.size() - before;
    }
#pragma omp barrier
#pragma omp single
    {
      for (int r = -1; r <= ny; ++r) {
        const auto k = static_cast<std::size_t>(r + 1);
        set.start[k + 1] = set.start[k] + counts[k];
      }
      set.spans.resize(set.start.back());
    }
    std::copy(mine.begin(), mine.end(),
              set.spans.begin() +
                  static_cast<std::ptrdiff_t>(set.start[static_cast<std::size_t>(a + 1)]));
  }
}

}  // namespace

void Simulation::refresh_live() {
  const Grid& G = grid_;
  const auto ny = static_cast<std::size_t>(G.ny);
  if (live_known_ && live_.size() == ny) return;
  live_.assign(ny, Span{});
  wet_runs_row_.resize(ny);
#pragma omp parallel for num_threads(step_threads()) schedule(static)
  for (int j = 0; j < G.ny; ++j) {
    const std::ptrdiff_t base = G.index(0, j);
    auto wet = [&](int i) {
      const auto k = static_cast<std::size_t>(base + i);
      return h_[k] != 0 || qx_[k] != 0 || qy_[k] != 0;
    };
    int first = 0;
    int last = G.nx;
    while (first < G.nx && !wet(first)) ++first;
    while (last > first && !wet(last - 1)) --last;
    live_[static_cast<std::size_t>(j)] = Span{first, last};
    std::vector<Span>& runs = wet_runs_row_[static_cast<std::size_t>(j)];
    runs.clear();
    add_wet_runs(runs, first, last, wet);
  }
  // Decomposed: other processes' rows are stale here and never visited (FloodMaps too).
  for (int j = 0; j < G.ny; ++j) {
    if (j >= row0_ && j < row1_) continue;
    live_[static_cast<std::size_t>(j)] = Span{};
    wet_runs_row_[static_cast<std::size_t>(j)].clear();
  }
  // The stage buffers: unknown contents, cleared where a stage does not visit.
  live1_.assign(ny, Span{0, G.nx});
  live_known_ = true;
}

void Simulation::mark_wet(int i, int j) {
  if (!live_known_) return;
  Span& live = live_[static_cast<std::size_t>(j)];
  live = live.first < live.last ? Span{std::min(live.first, i), std::max(live.last, i + 1)}
                                : Span{i, i + 1};
  // Into the row's runs, kept increasing and disjoint (a cell in no run joins, or starts, one).
  std::vector<Span>& runs = wet_runs_row_[static_cast<std::size_t>(j)];
  auto it = std::lower_bound(runs.begin(), runs.end(), i,
                             [](const Span& r, int c) { return r.last < c; });
  if (it == runs.end() || it->first > i + 1) {
    runs.insert(it, Span{i, i + 1});
    return;
  }
  // it->last >= i and it->first <= i + 1: i is in the run or touches it.
  it->first = std::min(it->first, i);
  it->last = std::max(it->last, i + 1);
  const auto next = it + 1;
  if (next != runs.end() && next->first <= it->last) {
    it->last = std::max(it->last, next->last);
    runs.erase(next);
  }
}

void Simulation::plan_rows(Real rain_depth) {
  const int ny = grid_.ny;
  const auto n = static_cast<std::size_t>(ny);
  work_rows_.assign(n, 1);
  column_sets_ = false;
  if (!skip_dry_ || rain_depth != 0) return;
  // Rows with water, rain, or a boundary that can bring water in. Rain, boundaries and other
  // processes' rows seed their whole row (full_rows_), water only its wet runs.
  std::vector<int> seed(n + 1, 0);  // prefix counts of seed rows
  std::vector<std::uint8_t> is_seed(n, 0);
  full_rows_.assign(n, 0);
  for (std::size_t j = 0; j < n; ++j) {
    full_rows_[j] = !rain_.empty() && rain_rows_[j] != 0;
    // Decomposed: other processes' rows may hold water (unknown here): visiting a dry row
    // more changes nothing (bitwise), missing a wet one would.
    const auto row = static_cast<int>(j);
    if (row < row0_ || row >= row1_) full_rows_[j] = 1;
  }
  const std::ptrdiff_t stride = grid_.stride();
  for (const GhostCell& gc : ghost_cells_) {
    if (gc.type != BoundaryType::water_level && gc.type != BoundaryType::discharge) continue;
    const std::ptrdiff_t r = gc.interior / stride - Grid::ghost;
    if (r >= 0 && r < ny) full_rows_[static_cast<std::size_t>(r)] = 1;
  }
  for (std::size_t j = 0; j < n; ++j) {
    is_seed[j] = full_rows_[j] != 0 || live_[j].first < live_[j].last;
  }
  for (std::size_t j = 0; j < n; ++j) seed[j + 1] = seed[j] + is_seed[j];
  // A cell's new state depends on cells at most 1 (first order) or 2 (each second-order
  // stage) cells away: rows further from every seed row stay dry and still.
  const int reach = config_.scheme == Scheme::first_order ? 1 : 4;
  for (int j = 0; j < ny; ++j) {
    const int a = std::max(0, j - reach);
    const int b = std::min(ny, j + reach + 1);
    work_rows_[static_cast<std::size_t>(j)] =
        seed[static_cast<std::size_t>(b)] > seed[static_cast<std::size_t>(a)] ? 1 : 0;
  }
  plan_columns();
}

namespace {
/// Spans of a row closer than this many columns are visited as one: the dry, still cells
/// between them are updated to what they are (h = q = 0; bitwise the same results) for less
/// than a span's loops cost to start and end (their peeled and remainder iterations, a Riemann
/// row call, the losses' batches). Measured on the recession of the 30 m demo: bench/README.md.
constexpr int kSpanGap = 16;
}  // namespace

void Simulation::plan_columns() {
  const int nx = grid_.nx;
  const int ny = grid_.ny;
  // Appends [a, b) clamped to [lo, hi) to the spans of the row being built in `out` (from
  // row_begin; spans come in increasing order of a), merging it with the last one when they
  // overlap or touch.
  auto push = [](std::vector<Span>& out, std::size_t row_begin, int a, int b, int lo, int hi) {
    a = std::max(a, lo);
    b = std::min(b, hi);
    if (a >= b) return;
    if (out.size() > row_begin && out.back().last + kSpanGap >= a) {
      out.back().last = std::max(out.back().last, b);
    } else {
      out.push_back(Span{a, b});
    }
  };
  // The spans of several rows merged in increasing order of first (a thread's own buffers).
  struct Merge {
    std::vector<Span> parts, merged;
    void add(std::span<const Span> more) {
      merged.clear();
      std::merge(parts.begin(), parts.end(), more.begin(), more.end(), std::back_inserter(merged),
                 [](const Span& a, const Span& b) { return a.first < b.first; });
      parts.swap(merged);
    }
  };
  // How far water reaches in a step: a first-order update reads the cells next to it (5-point
  // stencil); a second-order stage reads 2 cells along each axis (the reconstruction's
  // neighbours), and its two stages 4: the square of +-`reach` cells holds that plus shape.
  // Both stages of a second-order step update the same cells (those within 4 of water), so
  // that the first stage's buffers are zero wherever the second reads outside them.
  const bool second = config_.scheme == Scheme::second_order;
  const int reach = second ? 4 : 1;
  // Cells updated in row j: a cell whose stencil is dry and still stays so. The wet runs of
  // rows j-reach..j+reach, each widened by `reach` columns; whole rows near a full seed.
  build_row_spans<Merge>(update_cols_, ny, 0, ny, band_spans_, span_counts_, step_threads(),
                         [&](int j, std::vector<Span>& out, Merge& m) {
                           if (work_rows_[static_cast<std::size_t>(j)] == 0) return;
                           const std::size_t row_begin = out.size();
                           bool full = false;
                           m.parts.clear();
                           for (int r = std::max(0, j - reach); r <= std::min(ny - 1, j + reach);
                                ++r) {
                             full = full || full_rows_[static_cast<std::size_t>(r)] != 0;
                             m.add(wet_runs_row_[static_cast<std::size_t>(r)]);
                           }
                           if (full) {
                             push(out, row_begin, 0, nx, 0, nx);
                           } else {
                             for (const Span& sp : m.parts)
                               push(out, row_begin, sp.first - reach, sp.last + reach, 0, nx);
                           }
                         });
  // Work per row: its cells, and a cost per span and per visited row (a span's loops start
  // and end, a row's fluxes are booked) in cell-updates.
  row_work_.assign(static_cast<std::size_t>(ny) + 1, 0);
  for (int j = 0; j < ny; ++j) {
    long long w = 1;
    if (work_rows_[static_cast<std::size_t>(j)] != 0) {
      w += 8;
      for (const Span& sp : update_cols_.row(j)) w += sp.last - sp.first + 8;
    }
    row_work_[static_cast<std::size_t>(j) + 1] = row_work_[static_cast<std::size_t>(j)] + w;
  }
  // Unions of the update sets of neighbouring rows r + dr0 .. r + dr1, widened by `widen`
  // columns and clamped to [lo, hi).
  auto unions = [&](int dr0, int dr1, int widen, int lo, int hi) {
    return [&, dr0, dr1, widen, lo, hi](int r, std::vector<Span>& out, Merge& m) {
      m.parts.clear();
      for (int q = std::max(-1, r + dr0); q <= std::min(ny, r + dr1); ++q) {
        m.add(update_cols_.row(q));
      }
      const std::size_t row_begin = out.size();
      for (const Span& sp : m.parts)
        push(out, row_begin, sp.first - widen, sp.last + widen, lo, hi);
    };
  };
  // y faces between rows r and r + 1 (r = -1..ny-1): used by both rows' updates.
  build_row_spans<Merge>(yface_cols_, ny, -1, ny, band_spans_, span_counts_, step_threads(),
                         unions(0, 1, 0, 0, nx));
  if (second) {
    // The y reconstruction of row r gives the faces north and south of its cells: read by the
    // updates of rows r-1..r+1.
    build_row_spans<Merge>(yrecon_cols_, ny, -1, ny + 1, band_spans_, span_counts_, step_threads(),
                           unions(-1, 1, 0, 0, nx));
    // Primitive values of row r (columns -1..nx): read by the y reconstructions of rows
    // r-1..r+1 (so for the updates of rows r-2..r+2) and by the x reconstructions of its own
    // cells one column around its updates (two columns to each side).
    build_row_spans<Merge>(load_cols_, ny, -1, ny + 1, band_spans_, span_counts_, step_threads(),
                           unions(-2, 2, 2, -1, nx + 1));
  } else {
    // Primitive values of row r (columns -1..nx): read by the y faces above and below it and
    // by the x faces of its own cells (one column to each side).
    build_row_spans<Merge>(load_cols_, ny, -1, ny + 1, band_spans_, span_counts_, step_threads(),
                           unions(-1, 1, 1, -1, nx + 1));
  }
  column_sets_ = true;
}

}  // namespace floodtwin::solver
