/// @file decomposed.cpp
/// The parts of Simulation that run it over several processes (docs/mpi.md): choosing the
/// row blocks (block_rows, set_decomposition) and the rows each process keeps (keep_block),
/// the halo exchange, and the gather of the state to rank 0 for the writers.
#include <algorithm>
#include <cmath>
#include <sstream>

#include "solver/error.hpp"
#include "solver/field_memory.hpp"
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
  if (d.rank() == 0) return;  // rank 0 gathers and writes the whole fields: it keeps every row
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
