#include "terrain/gdal_support.hpp"

#include <cpl_error.h>
#include <cpl_string.h>
#include <gdal_alg.h>
#include <gdal_utils.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <memory>
#include <mutex>
#include <sstream>
#include <system_error>

#include "solver/error.hpp"

namespace floodtwin::terrain::detail {

void ensure_gdal() {
  static std::once_flag once;
  std::call_once(once, [] { GDALAllRegister(); });
}

std::string gdal_error_suffix() {
  const char* msg = CPLGetLastErrorMsg();
  if (msg == nullptr || *msg == '\0') return "";
  return std::string(" (GDAL: ") + msg + ")";
}

QuietGdal::QuietGdal() {
  CPLPushErrorHandler(CPLQuietErrorHandler);
  CPLErrorReset();
}
QuietGdal::~QuietGdal() { CPLPopErrorHandler(); }

void check_not_special(const std::string& path, const std::string& what) {
  std::error_code ec;
  const auto st = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(st)) return;  // GDAL names (/vsizip/..., NETCDF:...)
  if (std::filesystem::is_regular_file(st) || std::filesystem::is_directory(st)) return;
  throw IoError(
      what + " '" + path +
      "': " + (std::filesystem::is_fifo(st) ? "is a FIFO (named pipe)" : "is not a regular file") +
      ", expected a raster or vector file");
}

GDALDatasetUniquePtr open_raster(const std::string& path, const std::string& what) {
  check_not_special(path, what);
  ensure_gdal();
  QuietGdal quiet;
  GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
  if (!ds) {
    throw IoError(what + " '" + path + "': cannot open as a GDAL raster" + gdal_error_suffix());
  }
  if (ds->GetRasterCount() < 1) {
    std::string hint;
    CSLConstList sub = ds->GetMetadata("SUBDATASETS");
    for (int k = 0; sub != nullptr && sub[k] != nullptr && k < 8; ++k) {
      const std::string item = sub[k];
      const auto eq = item.find("_NAME=");
      if (eq != std::string::npos) hint += (hint.empty() ? "" : ", ") + item.substr(eq + 6);
    }
    throw InputError(
        what + " '" + path + "': the file has no raster band" +
        (hint.empty() ? std::string() : "; it holds subdatasets, name one instead: " + hint));
  }
  return ds;
}

GDALDatasetUniquePtr open_vector(const std::string& path, const std::string& what) {
  check_not_special(path, what);
  ensure_gdal();
  QuietGdal quiet;
  GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
  if (!ds) {
    throw IoError(what + " '" + path + "': cannot open as an OGR vector" + gdal_error_suffix());
  }
  return ds;
}

std::array<double, 6> geotransform_of(const solver::Grid& grid) {
  return {double(grid.origin_x), double(grid.dx), 0.0, double(grid.origin_y), 0.0,
          -double(grid.dy)};
}

GDALDatasetUniquePtr create_mem(const solver::Grid& grid, const std::string& crs_wkt,
                                GDALDataType type, int bands) {
  ensure_gdal();
  GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("MEM");
  if (mem == nullptr) throw IoError("GDAL: the MEM driver is not available");
  GDALDatasetUniquePtr ds(mem->Create("", grid.nx, grid.ny, bands, type, nullptr));
  if (!ds) throw IoError("GDAL: cannot create an in-memory raster" + gdal_error_suffix());
  auto gt = geotransform_of(grid);
  ds->SetGeoTransform(gt.data());
  if (!crs_wkt.empty()) ds->SetProjection(crs_wkt.c_str());
  return ds;
}

std::vector<Real> read_band(GDALDataset& ds, int band, const std::string& what,
                            const std::string& path) {
  if (band < 1 || band > ds.GetRasterCount()) {
    std::ostringstream msg;
    msg << what << " '" << path << "': band " << band << " requested, the file has "
        << ds.GetRasterCount() << " band(s)";
    throw InputError(msg.str());
  }
  GDALRasterBand* b = ds.GetRasterBand(band);
  const int nx = ds.GetRasterXSize();
  const int ny = ds.GetRasterYSize();
  const std::size_t n = static_cast<std::size_t>(nx) * static_cast<std::size_t>(ny);
  std::vector<Real> values(n);
  QuietGdal quiet;
  // In stripes of whole blocks, each stripe's blocks dropped from GDAL's block cache once
  // read: a read of the whole band at once would leave a copy of the band in the cache (up
  // to GDAL_CACHEMAX, 5 % of the memory by default) next to `values`, on every process of a
  // run under mpirun (bench/README.md, "Projection to a cluster").
  int block_x = 0;
  int block_y = 0;
  b->GetBlockSize(&block_x, &block_y);
  const int block_rows = std::max(1, block_y);
  const int stripe = std::min(std::max(1, ny), block_rows * std::max(1, 256 / block_rows));
  const bool has_mask = (b->GetMaskFlags() & GMF_ALL_VALID) == 0;
  std::vector<std::uint8_t> mask(has_mask ? static_cast<std::size_t>(stripe) * nx : 0);
  for (int j0 = 0; j0 < ny; j0 += stripe) {
    const int rows = std::min(stripe, ny - j0);
    Real* out = values.data() + static_cast<std::size_t>(j0) * static_cast<std::size_t>(nx);
    if (b->RasterIO(GF_Read, 0, j0, nx, rows, out, nx, rows, real_gdal_type, 0, 0) != CE_None) {
      throw IoError(what + " '" + path + "': reading band " + std::to_string(band) + " failed" +
                    gdal_error_suffix());
    }
    if (has_mask) {
      if (b->GetMaskBand()->RasterIO(GF_Read, 0, j0, nx, rows, mask.data(), nx, rows, GDT_Byte, 0,
                                     0) != CE_None) {
        throw IoError(what + " '" + path + "': reading the no-data mask failed" +
                      gdal_error_suffix());
      }
      const std::size_t count = static_cast<std::size_t>(rows) * static_cast<std::size_t>(nx);
      for (std::size_t k = 0; k < count; ++k) {
        if (mask[k] == 0) out[k] = std::numeric_limits<Real>::quiet_NaN();
      }
      b->GetMaskBand()->FlushCache();
    }
    b->FlushCache();
  }
  return values;
}

bool matches_grid(GDALDataset& ds, const solver::Grid& grid) {
  if (ds.GetRasterXSize() != grid.nx || ds.GetRasterYSize() != grid.ny) return false;
  std::array<double, 6> gt{};
  if (ds.GetGeoTransform(gt.data()) != CE_None) return false;
  const auto want = geotransform_of(grid);
  const double scale = std::max(std::abs(double(grid.dx)), std::abs(double(grid.dy)));
  for (int k = 0; k < 6; ++k) {
    if (std::abs(gt[k] - want[k]) > 1e-6 * scale) return false;
  }
  return true;
}

namespace {
struct WarpOptionsDeleter {
  void operator()(GDALWarpAppOptions* o) const { GDALWarpAppOptionsFree(o); }
};
struct TranslateOptionsDeleter {
  void operator()(GDALTranslateOptions* o) const { GDALTranslateOptionsFree(o); }
};

/// A virtual (VRT) dataset of one band of `src` (gdalwarp -b needs GDAL >= 3.7).
GDALDatasetUniquePtr select_band(GDALDataset& src, int band, const std::string& what,
                                 const std::string& path) {
  CPLStringList args;
  args.AddString("-of");
  args.AddString("VRT");
  args.AddString("-b");
  args.AddString(std::to_string(band).c_str());
  std::unique_ptr<GDALTranslateOptions, TranslateOptionsDeleter> options(
      GDALTranslateOptionsNew(args.List(), nullptr));
  int usage_error = 0;
  GDALDatasetH out =
      options ? GDALTranslate("", GDALDataset::ToHandle(&src), options.get(), &usage_error)
              : nullptr;
  if (out == nullptr) {
    throw InputError(what + " '" + path + "': cannot select band " + std::to_string(band) +
                     gdal_error_suffix());
  }
  return GDALDatasetUniquePtr(GDALDataset::FromHandle(out));
}

std::string fmt(double v) {
  std::ostringstream s;
  s.precision(17);
  s << v;
  return s.str();
}
}  // namespace

namespace {

/// Runs gdalwarp with `args` on band `band` of `src` into a MEM dataset.
GDALDatasetUniquePtr run_warp(GDALDataset& src, int band, CPLStringList& args,
                              const std::string& resampling, const std::string& what,
                              const std::string& path) {
  if (band < 1 || band > src.GetRasterCount()) {
    std::ostringstream msg;
    msg << what << " '" << path << "': band " << band << " requested, the file has "
        << src.GetRasterCount() << " band(s)";
    throw InputError(msg.str());
  }
  for (const char* a : {"-of", "MEM", "-r", resampling.c_str(), "-ot",
                        GDALGetDataTypeName(real_gdal_type), "-dstnodata", "nan"}) {
    args.AddString(a);
  }
  QuietGdal quiet;
  std::unique_ptr<GDALWarpAppOptions, WarpOptionsDeleter> options(
      GDALWarpAppOptionsNew(args.List(), nullptr));
  if (!options) {
    throw InputError(what + " '" + path + "': invalid warp options (resampling '" + resampling +
                     "'?)" + gdal_error_suffix());
  }
  GDALDatasetUniquePtr single;
  GDALDataset* input = &src;
  if (src.GetRasterCount() > 1) {
    single = select_band(src, band, what, path);
    input = single.get();
  }
  GDALDatasetH src_h = GDALDataset::ToHandle(input);
  int usage_error = 0;
  GDALDatasetH out = GDALWarp("", nullptr, 1, &src_h, options.get(), &usage_error);
  if (out == nullptr) {
    throw InputError(what + " '" + path + "': resampling failed" + gdal_error_suffix());
  }
  return GDALDatasetUniquePtr(GDALDataset::FromHandle(out));
}

}  // namespace

GDALDatasetUniquePtr warp_to_grid(GDALDataset& src, int band, const solver::Grid& grid,
                                  const std::string& crs_wkt, const std::string& resampling,
                                  const std::string& what, const std::string& path) {
  const double xmin = grid.origin_x;
  const double ymax = grid.origin_y;
  const double xmax = xmin + double(grid.nx) * double(grid.dx);
  const double ymin = ymax - double(grid.ny) * double(grid.dy);
  CPLStringList args;
  args.AddString("-te");
  for (double v : {xmin, ymin, xmax, ymax}) args.AddString(fmt(v).c_str());
  args.AddString("-ts");
  args.AddString(std::to_string(grid.nx).c_str());
  args.AddString(std::to_string(grid.ny).c_str());
  const bool src_has_crs = src.GetSpatialRef() != nullptr && !src.GetSpatialRef()->IsEmpty();
  if (!crs_wkt.empty() && src_has_crs) {
    args.AddString("-t_srs");
    args.AddString(crs_wkt.c_str());
  }
  return run_warp(src, band, args, resampling, what, path);
}

GDALDatasetUniquePtr warp_to_crs(GDALDataset& src, int band, const std::string& target_crs,
                                 double cell_x, double cell_y, const std::string& resampling,
                                 const std::string& what, const std::string& path) {
  CPLStringList args;
  args.AddString("-t_srs");
  args.AddString(target_crs.c_str());
  if (cell_x > 0) {
    args.AddString("-tr");
    args.AddString(fmt(cell_x).c_str());
    args.AddString(fmt(cell_y > 0 ? cell_y : cell_x).c_str());
  }
  return run_warp(src, band, args, resampling, what, path);
}

std::vector<double> rasterize(const std::string& path, const std::string& layer,
                              const solver::Grid& grid, const std::string& crs_wkt,
                              bool all_touched, const std::string& attribute,
                              const std::string& what) {
  GDALDatasetUniquePtr vec = open_vector(path, what);
  OGRLayer* lyr = layer.empty() ? (vec->GetLayerCount() > 0 ? vec->GetLayer(0) : nullptr)
                                : vec->GetLayerByName(layer.c_str());
  if (lyr == nullptr) {
    throw InputError(
        what + " '" + path + "': " +
        (layer.empty() ? std::string("the file has no layer") : "no layer named '" + layer + "'"));
  }
  if (!attribute.empty() && lyr->GetLayerDefn()->GetFieldIndex(attribute.c_str()) < 0) {
    throw InputError(what + " '" + path + "': layer '" + lyr->GetName() + "' has no attribute '" +
                     attribute + "'");
  }
  GDALDatasetUniquePtr mem = create_mem(grid, crs_wkt, GDT_Float64);
  const double init = attribute.empty() ? 0.0 : std::numeric_limits<double>::quiet_NaN();
  mem->GetRasterBand(1)->Fill(init);
  CPLStringList opts;
  if (all_touched) opts.SetNameValue("ALL_TOUCHED", "TRUE");
  if (!attribute.empty()) opts.SetNameValue("ATTRIBUTE", attribute.c_str());
  int band = 1;
  double burn = 1.0;
  OGRLayerH lyr_h = OGRLayer::ToHandle(lyr);
  QuietGdal quiet;
  if (GDALRasterizeLayers(GDALDataset::ToHandle(mem.get()), 1, &band, 1, &lyr_h, nullptr, nullptr,
                          &burn, opts.List(), nullptr, nullptr) != CE_None) {
    throw InputError(what + " '" + path + "': rasterizing layer '" + lyr->GetName() + "' failed" +
                     gdal_error_suffix());
  }
  std::vector<double> out(grid.cell_count());
  if (mem->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, grid.nx, grid.ny, out.data(), grid.nx, grid.ny,
                                      GDT_Float64, 0, 0) != CE_None) {
    throw IoError(what + " '" + path + "': reading the rasterized layer failed" +
                  gdal_error_suffix());
  }
  return out;
}

}  // namespace floodtwin::terrain::detail
