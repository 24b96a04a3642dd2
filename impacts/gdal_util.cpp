#include "impacts/gdal_util.hpp"

#include <cpl_error.h>

#include <mutex>

#include "solver/error.hpp"

namespace floodtwin::impacts {

void ensure_gdal_registered() {
  static std::once_flag once;
  std::call_once(once, [] { GDALAllRegister(); });
}

std::string gdal_last_error() {
  const char* msg = CPLGetLastErrorMsg();
  if (msg == nullptr || *msg == '\0') return "";
  return std::string(" (GDAL: ") + msg + ")";
}

VectorLayer::VectorLayer(const std::string& path, const std::string& what,
                         const std::string& grid_crs_wkt) {
  ensure_gdal_registered();
  CPLPushErrorHandler(CPLQuietErrorHandler);
  CPLErrorReset();
  ds_.reset(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
  const std::string err = gdal_last_error();
  CPLPopErrorHandler();
  if (!ds_) throw IoError(what + " '" + path + "': cannot open as an OGR vector" + err);
  if (ds_->GetLayerCount() < 1) throw InputError(what + " '" + path + "': the file has no layer");
  layer_ = ds_->GetLayer(0);
  const OGRSpatialReference* src = layer_->GetSpatialRef();
  if (src == nullptr) return;  // taken in the grid's CRS
  if (grid_crs_wkt.empty()) {
    if (src->IsGeographic()) {
      throw InputError(what + " '" + path +
                       "': CRS mismatch: the file is in a geographic CRS (degrees) but the "
                       "results grid has no CRS; give the file in the grid's coordinates");
    }
    return;
  }
  OGRSpatialReference dst;
  dst.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  if (dst.importFromWkt(grid_crs_wkt.c_str()) != OGRERR_NONE) {
    throw InputError(what + " '" + path + "': the results' CRS cannot be read" + gdal_last_error());
  }
  OGRSpatialReference from(*src);
  from.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  if (from.IsSame(&dst)) return;
  CPLPushErrorHandler(CPLQuietErrorHandler);
  ct_.reset(OGRCreateCoordinateTransformation(&from, &dst));
  const std::string cterr = gdal_last_error();
  CPLPopErrorHandler();
  if (!ct_) {
    const char* name = from.GetName();
    throw InputError(what + " '" + path + "': CRS mismatch: cannot transform from '" +
                     (name != nullptr ? name : "?") + "' to the grid's CRS" + cterr);
  }
}

VectorLayer::~VectorLayer() = default;

void VectorLayer::transform(OGRGeometry& geometry, const std::string& where) const {
  if (!ct_) return;
  CPLPushErrorHandler(CPLQuietErrorHandler);
  CPLErrorReset();
  const OGRErr err = geometry.transform(ct_.get());
  const std::string msg = gdal_last_error();
  CPLPopErrorHandler();
  if (err != OGRERR_NONE) {
    throw InputError(where + ": cannot transform the geometry to the grid's CRS" + msg +
                     ": is the file's CRS right?");
  }
}

}  // namespace floodtwin::impacts
