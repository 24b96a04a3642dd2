/// @file lib_vtk_output.cpp
/// `[output] vtk` of `floodtwin run`: registers the viz module's VTK writer with the driver
/// (driver/vtk_output.hpp), which links no VTK itself.
#if FLOODTWIN_HAS_VIZ
#include "driver/vtk_output.hpp"
#include "viz/driver_output.hpp"

namespace {

[[maybe_unused]] const bool vtk_output_registered = [] {
  floodtwin::driver::set_vtk_output_factory(&floodtwin::viz::make_driver_output);
  return true;
}();

}  // namespace
#endif
