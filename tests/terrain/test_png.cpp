// The PNG data URIs embedded in the impacts report and the web viewer: base64 against RFC 4648's
// test vectors, and an encoded image decoded back by GDAL pixel for pixel.
#include <cpl_vsi.h>
#include <gdal_priv.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "solver/error.hpp"
#include "terrain/png.hpp"

namespace floodtwin::terrain {
namespace {

std::string b64(const std::string& s) {
  return base64(reinterpret_cast<const unsigned char*>(s.data()), s.size());
}

TEST(PngUri, Base64MatchesRfc4648Vectors) {
  EXPECT_EQ(b64(""), "");
  EXPECT_EQ(b64("f"), "Zg==");
  EXPECT_EQ(b64("fo"), "Zm8=");
  EXPECT_EQ(b64("foo"), "Zm9v");
  EXPECT_EQ(b64("foob"), "Zm9vYg==");
  EXPECT_EQ(b64("fooba"), "Zm9vYmE=");
  EXPECT_EQ(b64("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64(reinterpret_cast<const unsigned char*>("\x00\xff\x10\x83"), 4), "AP8Qgw==");
}

std::vector<unsigned char> decode64(const std::string& s) {
  const std::string t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::vector<unsigned char> out;
  unsigned acc = 0;
  int bits = 0;
  for (const char c : s) {
    if (c == '=') break;
    acc = (acc << 6) | static_cast<unsigned>(t.find(c));
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<unsigned char>((acc >> bits) & 0xff));
    }
  }
  return out;
}

TEST(PngUri, EncodedImageDecodesToThePixels) {
  const int nx = 7, ny = 5, bands = 3;
  std::vector<std::uint8_t> px(static_cast<std::size_t>(nx * ny * bands));
  for (std::size_t k = 0; k < px.size(); ++k)
    px[k] = static_cast<std::uint8_t>((k * 37 + 11) % 256);
  const std::string uri = png_data_uri(px, nx, ny, bands, 9);
  const std::string prefix = "data:image/png;base64,";
  ASSERT_EQ(uri.rfind(prefix, 0), 0u);
  std::vector<unsigned char> bytes = decode64(uri.substr(prefix.size()));
  ASSERT_GT(bytes.size(), 8u);
  EXPECT_EQ(bytes[1], 'P');
  const std::string vsi = "/vsimem/test_png_decode.png";
  VSILFILE* f = VSIFileFromMemBuffer(vsi.c_str(), bytes.data(), bytes.size(), FALSE);
  ASSERT_NE(f, nullptr);
  VSIFCloseL(f);
  {
    GDALDatasetUniquePtr ds(GDALDataset::Open(vsi.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
    ASSERT_TRUE(ds);
    ASSERT_EQ(ds->GetRasterXSize(), nx);
    ASSERT_EQ(ds->GetRasterYSize(), ny);
    ASSERT_EQ(ds->GetRasterCount(), bands);
    std::vector<std::uint8_t> back(px.size());
    for (int b = 0; b < bands; ++b) {
      ASSERT_EQ(ds->GetRasterBand(b + 1)->RasterIO(
                    GF_Read, 0, 0, nx, ny, back.data() + static_cast<std::size_t>(b) * nx * ny, nx,
                    ny, GDT_Byte, 0, 0, nullptr),
                CE_None);
    }
    EXPECT_EQ(back, px);
  }
  VSIUnlink(vsi.c_str());
}

TEST(PngUri, PixelCountMismatchIsRefused) {
  std::vector<std::uint8_t> px(10);
  EXPECT_THROW(png_data_uri(px, 3, 3, 1), IoError);
  EXPECT_THROW(png_data_uri(px, 0, 10, 1), IoError);
}

}  // namespace
}  // namespace floodtwin::terrain
