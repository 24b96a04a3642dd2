/// @file decomposed.cpp
/// The parts of Simulation that run it over several processes (docs/mpi.md): choosing the
/// row blocks (block_rows, set_decomposition) and the rows each process keeps (keep_block),
/// the halo exchange, the gather of the state to rank 0, and the rows rank 0's writers read
/// (on_root, row_source.hpp).
#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

#include "solver/error.hpp"
#include "solver/field_memory.hpp"
#include "solver/flood_maps.hpp"
#include "solver/row_source.hpp"
#include "solver/simulation.hpp"

namespace floodtwin::solver {

namespace {

/// Row blocks of about equal work for `processes`: each row weighs one plus its active cells
/// (`active(i, j)`); a block has at least the scheme's halo depth of rows.
template <class Active>
std::vector<int> split_active_rows(const Grid& grid, int processes, Scheme scheme,
                                   Active&& active) {
  std::vector<double> weights(static_cast<std::size_t>(grid.ny), 1.0);
  for (int j = 0; j < grid.ny; ++j) {
    for (int i = 0; i < grid.nx; ++i) {
      if (active(i, j)) weights[static_cast<std::size_t>(j)] += 1;
    }
  }
  return split_rows(weights, processes, scheme == Scheme::first_order ? 1 : 2);
}

}  // namespace

void Simulation::set_decomposition(std::shared_ptr<Decomposition> d) {
  if (channels_ && d && d->size() > 1) {
    throw InputError("channel '" + channels_->names().front() +
                     "': sub-grid channels do not run under domain decomposition (" +
                     std::to_string(d->size()) +
                     " processes): a channel's links join cells of different process blocks; "
                     "run with one process or burn the channels (model = \"burn\")");
  }
  complete_halo();
  decomp_ = std::move(d);
  whole_steps_ = steps_;  // every process has built the same whole state
  gathered_steps_ = -1;
  row0_ = 0;
  row1_ = grid_.ny;
  rows_partial_ = false;
  if (!decomp_) return;
  if (decomp_->begins().size() != static_cast<std::size_t>(decomp_->size()) + 1 ||
      decomp_->begins().back() != grid_.ny) {
    // Blocks of about equal work; a block has at least the halo's rows.
    decomp_->set_rows(split_active_rows(grid_, decomp_->size(), config_.scheme,
                                        [&](int i, int j) { return is_active(i, j); }));
  }  // else: the blocks chosen before the fields were filled (block_rows)
  row0_ = decomp_->first_row();
  row1_ = decomp_->end_row();
  if (!grid_.keeps_all()) {
    // Kept rows (Grid::kept_rows): the block and its margin, else the rows near it read zeros.
    const auto [k0, k1] = grid_.kept_rows();
    if (k0 > std::max(-1, row0_ - block_margin) ||
        k1 < std::min(grid_.ny + 1, row1_ + block_margin)) {
      std::ostringstream msg;
      msg << "set_decomposition: this process computes rows " << row0_ << " to " << row1_ - 1
          << " but keeps rows " << k0 << " to " << k1 - 1
          << " only (the grid's kept rows must hold the block and " << block_margin
          << " rows around it: block_rows)";
      throw ConfigError(msg.str());
    }
  }
  mark_state_changed();
  if (decomposed()) {
    rows_partial_ = decomp_->any(!grid_.keeps_all());  // the same on every process
    // The stored volume of the state now, collectively: a process keeping only its rows
    // cannot add up the whole state alone, and the results writer's header and the first
    // step's initial volume ask for it (kept until a step or an edit, as gather_to_root's).
    whole_steps_ = -1;
    gathered_volume_ = stored_volume();
    gathered_steps_ = steps_;
    whole_steps_ = steps_;
  }
}

std::vector<int> block_rows(const Grid& grid, std::span<const Real> elevation, int processes,
                            Scheme scheme) {
  const auto nx = static_cast<std::size_t>(grid.nx);
  return split_active_rows(grid, processes, scheme, [&](int i, int j) {
    return !std::isnan(elevation[static_cast<std::size_t>(j) * nx + static_cast<std::size_t>(i)]);
  });
}

void keep_block(Grid& grid, const Decomposition& d) {
  if (d.size() < 2) return;
  // Rank 0 too: its writers read the other processes' rows a stripe at a time (on_root).
  keep_fields_sparse();
  grid.keep_first = d.first_row() - block_margin;
  grid.keep_end = d.end_row() + block_margin;
}

void Simulation::exchange_halo(Real* h, Real* qx, Real* qy, bool wait) {
  if (!decomposed()) return;
  complete_halo();
  const int halo = config_.scheme == Scheme::first_order ? 1 : 2;
  Real* const fields[] = {h, qx, qy};
  decomp_->start_exchange(fields, grid_, halo);
  halo_pending_ = true;
  if (wait) complete_halo();
}

void Simulation::complete_halo() {
  if (!halo_pending_) return;
  halo_pending_ = false;
  decomp_->finish_exchange();
}

namespace {

/// Rank 0's rows of the other processes while it writes (on_root): fetched from their owners
/// when a writer holds them (HeldRows), and given back to the system when it lets them go,
/// but for the rows rank 0 keeps (its block and margin, Grid::kept_rows).
class RootRows final : public RowSource {
 public:
  RootRows(Decomposition& d, const Grid& grid, std::vector<ServedField> fields)
      : d_(d), grid_(grid), fields_(std::move(fields)) {}
  void load(int j0, int j1, std::span<const void* const> fields) override {
    std::uint64_t which = 0;
    for (const void* f : fields) {
      for (std::size_t k = 0; k < fields_.size(); ++k) {
        if (fields_[k].data == f) which |= std::uint64_t{1} << k;
      }
    }
    d_.fetch_rows(std::max(-1, j0) + Grid::ghost, std::min(grid_.ny + 1, j1) + Grid::ghost, which);
  }
  void drop(int j0, int j1) override {
    const auto [k0, k1] = grid_.kept_rows();
    const std::size_t row = static_cast<std::size_t>(grid_.stride());
    auto release = [&](int a, int b) {  // padded rows [a, b) of the grid, clamped
      a = std::max(a, -1);
      b = std::min(b, grid_.ny + 1);
      if (b <= a) return;
      for (const ServedField& f : fields_) {
        const std::size_t bytes = row * f.value_bytes;
        release_pages(f.data, grid_.padded_size() * f.value_bytes,
                      static_cast<std::size_t>(a + Grid::ghost) * bytes,
                      static_cast<std::size_t>(b + Grid::ghost) * bytes);
      }
    };
    release(j0, std::min(j1, k0));  // the rows north of those kept
    release(std::max(j0, k1), j1);  // and south of them
  }
  const std::vector<ServedField>& fields() const { return fields_; }

 private:
  Decomposition& d_;
  const Grid& grid_;
  std::vector<ServedField> fields_;
};

}  // namespace

void Simulation::on_root(const FloodMaps* maps, const std::function<void()>& write) {
  if (!decomposed()) {
    write();
    return;
  }
  complete_halo();
  // The whole state's volume for rank 0's writers (mass_balance() alone), as gather_to_root.
  gathered_steps_ = -1;
  gathered_volume_ = stored_volume();  // collective: every process is here
  gathered_steps_ = steps_;
  // The same fields in the same order on every process (they are built alike).
  std::vector<ServedField> fields;
  auto serve = [&](auto& field) {
    using T = typename std::decay_t<decltype(field)>::value_type;
    if (field.size() == grid_.padded_size()) {
      fields.push_back({const_cast<T*>(field.data()), sizeof(T)});
    }
  };
  for (Field<Real>* f : {&h_, &qx_, &qy_, &z_, &n_}) serve(*f);
  if (losses_) {
    for (auto& field : losses_->state_fields()) serve(*field.second);
  }
  if (maps != nullptr) maps->for_each_map([&](const char*, const auto& field) { serve(field); });
  if (fields.size() > 64) throw std::logic_error("on_root: more than 64 fields to serve");
  RootRows rows(*decomp_, grid_, std::move(fields));
  const bool root = decomp_->rank() == 0;
  struct Current {  // the row source while `write` runs on rank 0, and only then
    explicit Current(RowSource* s) { set_current_row_source(s); }
    ~Current() { set_current_row_source(nullptr); }
    Current(const Current&) = delete;
    Current& operator=(const Current&) = delete;
  } current(root ? &rows : nullptr);
  decomp_->serve_root(rows.fields(), grid_, write);
}

void Simulation::gather_to_root() {
  if (!decomposed()) return;
  complete_halo();  // rank 0 receives into rows the exchange may still be writing
  for (Field<Real>* f : {&h_, &qx_, &qy_}) decomp_->gather_to_root(f->data(), grid_);
  if (losses_) {
    for (auto& field : losses_->state_fields()) {
      if (field.second->size() == grid_.padded_size()) {
        decomp_->gather_to_root(field.second->data(), grid_);
      }
    }
  }
  // Kept until the next step, for rank 0's writers calling mass_balance() alone.
  gathered_steps_ = -1;
  gathered_volume_ = stored_volume();  // collective: every process is here
  gathered_steps_ = steps_;
}

}  // namespace floodtwin::solver
