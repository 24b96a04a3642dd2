#pragma once
/// @file png.hpp
/// PNG images embedded in HTML: 8-bit band-sequential pixels encoded with GDAL's PNG driver
/// (in memory) and returned as a `data:image/png;base64,...` URI. Used by the impacts report
/// and the offline web viewer, which both ship their maps inside one file.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace floodtwin::terrain {

/// Standard base64 (RFC 4648, with '=' padding) of `n` bytes.
std::string base64(const unsigned char* data, std::size_t n);

/// A PNG of `bands` 8-bit bands of nx * ny pixels each, band after band (row 0 at the top),
/// as a data: URI. `zlevel` is the deflate level (1-9). Throws IoError when GDAL cannot
/// encode the image, or when `pixels` does not hold bands * nx * ny values.
std::string png_data_uri(const std::vector<std::uint8_t>& pixels, int nx, int ny, int bands,
                         int zlevel = 6);

}  // namespace floodtwin::terrain
