/// @file row_source.cpp
/// HeldRows and the current row source (row_source.hpp).
#include "solver/row_source.hpp"

#include <stdexcept>
#include <string>

namespace floodtwin::solver {

namespace {
RowSource* g_current = nullptr;  // set and read on the process's main thread only
}  // namespace

RowSource* current_row_source() { return g_current; }
void set_current_row_source(RowSource* source) { g_current = source; }

HeldRows::HeldRows(const Grid& grid, int j0, int j1, std::initializer_list<const void*> fields)
    : source_(current_row_source()), j0_(j0), j1_(j1) {
  if (source_ == nullptr) {
    const auto [k0, k1] = grid.kept_rows();
    if (j0 < k0 || j1 > k1) {
      throw std::logic_error("rows " + std::to_string(j0) + " to " + std::to_string(j1 - 1) +
                             " read outside Simulation::on_root by a process keeping rows " +
                             std::to_string(k0) + " to " + std::to_string(k1 - 1));
    }
    return;
  }
  source_->load(j0, j1, std::span<const void* const>(fields.begin(), fields.size()));
}

HeldRows::~HeldRows() {
  if (source_ != nullptr) source_->drop(j0_, j1_);
}

}  // namespace floodtwin::solver
