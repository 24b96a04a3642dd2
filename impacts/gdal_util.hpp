#pragma once
/// @file gdal_util.hpp
/// Private GDAL/OGR helpers of the impacts module (only its .cpp files include this header):
/// driver registration, GDAL's last error, and a vector layer read in the grid's CRS.
#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <memory>
#include <string>

namespace floodtwin::impacts {

/// Registers the GDAL/OGR drivers once (thread-safe).
void ensure_gdal_registered();
/// " (GDAL: message)" for GDAL's last error, "" when none.
std::string gdal_last_error();

/// The first layer of a vector file, with the transformation of its geometries to the grid's
/// CRS. A layer without a CRS is taken in the grid's; a layer in a geographic CRS for a grid
/// without one is refused (degrees cannot be placed on a metric grid), naming the file.
class VectorLayer {
 public:
  VectorLayer(const std::string& path, const std::string& what, const std::string& grid_crs_wkt);
  ~VectorLayer();
  VectorLayer(const VectorLayer&) = delete;
  VectorLayer& operator=(const VectorLayer&) = delete;

  [[nodiscard]] OGRLayer& layer() { return *layer_; }
  /// Transforms a geometry in place to the grid's CRS; throws InputError naming `where`.
  void transform(OGRGeometry& geometry, const std::string& where) const;

 private:
  GDALDatasetUniquePtr ds_;
  OGRLayer* layer_ = nullptr;
  std::unique_ptr<OGRCoordinateTransformation> ct_;
};

}  // namespace floodtwin::impacts
