#include "terrain/png.hpp"

#include <cpl_vsi.h>

#include <atomic>

#include "solver/error.hpp"
#include "terrain/gdal_support.hpp"

namespace floodtwin::terrain {

std::string base64(const unsigned char* data, std::size_t n) {
  static const char* t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((n + 2) / 3 * 4);
  for (std::size_t i = 0; i < n; i += 3) {
    const unsigned v = (unsigned(data[i]) << 16) | (i + 1 < n ? unsigned(data[i + 1]) << 8 : 0u) |
                       (i + 2 < n ? unsigned(data[i + 2]) : 0u);
    out += t[(v >> 18) & 63];
    out += t[(v >> 12) & 63];
    out += i + 1 < n ? t[(v >> 6) & 63] : '=';
    out += i + 2 < n ? t[v & 63] : '=';
  }
  return out;
}

std::string png_data_uri(const std::vector<std::uint8_t>& pixels, int nx, int ny, int bands,
                         int zlevel) {
  const std::size_t n = static_cast<std::size_t>(nx) * static_cast<std::size_t>(ny);
  if (nx <= 0 || ny <= 0 || bands <= 0 || pixels.size() != n * static_cast<std::size_t>(bands)) {
    throw IoError("PNG: " + std::to_string(pixels.size()) + " pixel values for " +
                  std::to_string(bands) + " bands of " + std::to_string(nx) + " x " +
                  std::to_string(ny));
  }
  detail::ensure_gdal();
  GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("MEM");
  GDALDriver* png = GetGDALDriverManager()->GetDriverByName("PNG");
  if (mem == nullptr || png == nullptr) throw IoError("PNG: GDAL's MEM or PNG driver is missing");
  GDALDatasetUniquePtr ds(mem->Create("", nx, ny, bands, GDT_Byte, nullptr));
  if (!ds) throw IoError("PNG: cannot create an image" + detail::gdal_error_suffix());
  for (int b = 0; b < bands; ++b) {
    auto* data = const_cast<std::uint8_t*>(pixels.data() + n * static_cast<std::size_t>(b));
    if (ds->GetRasterBand(b + 1)->RasterIO(GF_Write, 0, 0, nx, ny, data, nx, ny, GDT_Byte, 0, 0,
                                           nullptr) != CE_None) {
      throw IoError("PNG: cannot fill an image" + detail::gdal_error_suffix());
    }
  }
  static std::atomic<unsigned long> counter{0};
  const std::string vsi = "/vsimem/floodtwin_png_" +
                          std::to_string(reinterpret_cast<std::uintptr_t>(ds.get())) + "_" +
                          std::to_string(counter++) + ".png";
  const std::string z = "ZLEVEL=" + std::to_string(zlevel);
  const char* opts[] = {z.c_str(), nullptr};
  GDALDatasetUniquePtr out(
      png->CreateCopy(vsi.c_str(), ds.get(), FALSE, const_cast<char**>(opts), nullptr, nullptr));
  if (!out) throw IoError("PNG: cannot encode an image" + detail::gdal_error_suffix());
  out.reset();
  vsi_l_offset size = 0;
  GByte* bytes = VSIGetMemFileBuffer(vsi.c_str(), &size, FALSE);
  if (bytes == nullptr) {
    VSIUnlink(vsi.c_str());
    throw IoError("PNG: GDAL wrote no image" + detail::gdal_error_suffix());
  }
  std::string uri = "data:image/png;base64," + base64(bytes, static_cast<std::size_t>(size));
  VSIUnlink(vsi.c_str());
  return uri;
}

}  // namespace floodtwin::terrain
