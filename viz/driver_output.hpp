#pragma once
/// @file driver_output.hpp
/// The viz implementation of the driver's VTK output (driver/vtk_output.hpp, header only:
/// viz does not link the driver): a viz::VtkSeries fed from the running simulation.
#include <memory>

#include "driver/vtk_output.hpp"

namespace floodtwin::viz {

/// A driver::VtkOutputFactory: register it with driver::set_vtk_output_factory.
std::unique_ptr<driver::VtkOutput> make_driver_output(const driver::VtkOutputRequest& request,
                                                      const solver::Simulation& sim);

}  // namespace floodtwin::viz
