/// @file driver_output.cpp
/// `[output] vtk` of `floodtwin run`: the driver's snapshots and peak maps as a VtkSeries.
#include "viz/driver_output.hpp"

#include <utility>

#include "viz/map_data.hpp"
#include "viz/vtk_series.hpp"

namespace floodtwin::viz {

namespace {

class SeriesOutput final : public driver::VtkOutput {
 public:
  SeriesOutput(const driver::VtkOutputRequest& r, const solver::Simulation& sim)
      : series_(r.dir, basin(r, sim), options(r)) {}
  void write(const solver::Simulation& sim) override { series_.write(snapshot_of(sim)); }
  void write_peaks(const solver::FloodMaps& maps, const solver::Simulation& sim) override {
    series_.write_peaks(peak_maps_of(maps, sim));
  }
  [[nodiscard]] std::size_t steps() const override { return series_.steps(); }

 private:
  static Basin basin(const driver::VtkOutputRequest& r, const solver::Simulation& sim) {
    Basin b = basin_of(sim, r.crs_wkt);
    b.title = r.title;
    b.start_time = r.start_time;
    b.threshold = r.threshold;
    for (const auto& s : r.stations) b.stations.push_back({s.name, s.x, s.y});
    return b;
  }
  static VtkOptions options(const driver::VtkOutputRequest& r) {
    VtkOptions o;
    o.resume_time = r.resume_time;
    return o;
  }
  VtkSeries series_;
};

}  // namespace

std::unique_ptr<driver::VtkOutput> make_driver_output(const driver::VtkOutputRequest& request,
                                                      const solver::Simulation& sim) {
  return std::make_unique<SeriesOutput>(request, sim);
}

}  // namespace floodtwin::viz
