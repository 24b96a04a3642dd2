/// @file vtk_output.cpp
/// The registered VTK writer of the driver (vtk_output.hpp).
#include "driver/vtk_output.hpp"

#include <atomic>

namespace floodtwin::driver {

namespace {
std::atomic<VtkOutputFactory> registered{nullptr};  // constant-initialised: no order issue
}  // namespace

void set_vtk_output_factory(VtkOutputFactory factory) { registered.store(factory); }

VtkOutputFactory vtk_output_factory() { return registered.load(); }

}  // namespace floodtwin::driver
