#pragma once
/// @file vtk_output.hpp
/// `[output] vtk`: the driver writes its VTK series through this interface, so that the
/// driver itself does not link VTK (loading VTK's libraries costs about a second). The viz
/// module implements it (viz/driver_output.hpp); a program registers that implementation once:
/// the command line at start-up (cli/lib_vtk_output.cpp), the Python module on the first run
/// that asks for VTK output (it imports floodtwin._viz then; bindings/viz_module.cpp).
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "solver/flood_maps.hpp"
#include "solver/simulation.hpp"

namespace floodtwin::driver {

/// What the driver knows about the VTK series it asks for.
struct VtkOutputRequest {
  struct Station {
    std::string name;
    double x = 0;  ///< [m, CRS units]
    double y = 0;  ///< [m, CRS units]
  };
  std::string dir;                    ///< the folder ([output] vtk)
  std::string crs_wkt;                ///< CRS of the grid ("" : a local grid)
  std::string title;                  ///< the scenario file's name
  std::string start_time;             ///< ISO 8601 time of t = 0
  double threshold = 0.1;             ///< flood threshold [m]
  std::vector<Station> stations;      ///< the gauges
  std::optional<double> resume_time;  ///< a resumed run: the series goes on from this time [s]
};

/// A VTK series being written (viz::VtkSeries behind it).
class VtkOutput {
 public:
  virtual ~VtkOutput() = default;
  /// The state of `sim` now, as the next DataSet of the series.
  virtual void write(const solver::Simulation& sim) = 0;
  /// The peak maps (max.vts).
  virtual void write_peaks(const solver::FloodMaps& maps, const solver::Simulation& sim) = 0;
  /// DataSets listed in flood.pvd so far.
  [[nodiscard]] virtual std::size_t steps() const = 0;
};

/// Makes the series (creates the folder, writes terrain and gauges); throws as viz::VtkSeries.
using VtkOutputFactory = std::unique_ptr<VtkOutput> (*)(const VtkOutputRequest& request,
                                                        const solver::Simulation& sim);

/// Registers the implementation (nullptr: none). Thread-safe.
void set_vtk_output_factory(VtkOutputFactory factory);
/// The registered implementation, or nullptr: `[output] vtk` is then a ConfigError.
[[nodiscard]] VtkOutputFactory vtk_output_factory();

}  // namespace floodtwin::driver
