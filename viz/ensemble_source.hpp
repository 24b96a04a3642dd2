#pragma once
/// @file ensemble_source.hpp
/// Reading the products of an ensemble file (`floodtwin ensemble`, `<stem>_ensemble.h5`, or a
/// forecast cycle's `ensemble.h5`; layout in docs/ensemble.md) for the probability maps of
/// `floodtwin render` and the web viewer: exceedance probabilities and max-depth quantiles one
/// map at a time, the gauges' ensemble series, the grid and its CRS. Read through netCDF.
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "viz/map_data.hpp"

namespace floodtwin::viz {

/// True when `path` is a netCDF/HDF5 file holding `exceedance_probability` (an ensemble file);
/// false for anything else (a results file, a missing or unreadable file).
bool is_ensemble_file(const std::filesystem::path& path);

/// The results file whose terrain a probability map is drawn over, found beside an ensemble
/// file: `<stem>.h5` (or `.nc`) for `<stem>_ensemble.h5`, `forecast.h5` (or `.nc`) for a
/// cycle's `ensemble.h5`; empty when there is none.
std::filesystem::path results_beside(const std::filesystem::path& ensemble);

class EnsembleSource {
 public:
  /// Opens the file (IoError naming it when it is no ensemble file).
  explicit EnsembleSource(const std::filesystem::path& path);

  [[nodiscard]] const std::filesystem::path& path() const { return path_; }
  std::size_t members = 0;
  std::vector<double> thresholds;  ///< [m]
  std::vector<double> quantiles;   ///< in (0, 1)
  std::vector<double> x, y;        ///< cell centres [m]; y[0] the northern row
  std::string crs_wkt;
  std::string title;
  double flood_threshold = 0.1;  ///< [m]
  std::vector<Station> stations;
  std::vector<double> gauge_time;  ///< [s]

  [[nodiscard]] int nx() const { return static_cast<int>(x.size()); }
  [[nodiscard]] int ny() const { return static_cast<int>(y.size()); }
  /// exceedance_probability of threshold k, ny * nx values, NaN in inactive cells.
  [[nodiscard]] std::vector<double> exceedance(std::size_t k) const;
  /// max_depth_quantile of quantile k [m], ny * nx values.
  [[nodiscard]] std::vector<double> max_depth_quantile(std::size_t k) const;
  /// gauge_depth (realization, gauge_time, station) [m], row-major; empty without gauges.
  [[nodiscard]] std::vector<double> gauge_depth() const;
  /// The index of `threshold` in `thresholds` (within 1e-9 m); InputError naming the
  /// thresholds there are otherwise.
  [[nodiscard]] std::size_t threshold_index(double threshold) const;

  /// A basin for maps without a results file: the ensemble's grid and CRS, a flat terrain
  /// (elevation 0) where the cells are active (exceedance not NaN), its gauges.
  [[nodiscard]] Basin flat_basin() const;
  /// Throws InputError naming both files when `basin`'s grid is not the ensemble's (same nx,
  /// ny and cell centres within 1e-6 of a cell).
  void check_grid(const Basin& basin, const std::filesystem::path& results) const;

 private:
  [[nodiscard]] std::vector<double> slab(const std::string& variable, std::size_t k,
                                         std::size_t count) const;
  std::filesystem::path path_;
};

/// Quantile `q` of `values` (finite ones, sorted here) with numpy's default ("linear")
/// definition; NaN when there is none.
double numpy_quantile(std::vector<double> values, double q);

}  // namespace floodtwin::viz
