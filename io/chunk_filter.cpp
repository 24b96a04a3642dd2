#include "io/chunk_filter.hpp"

#include <zlib.h>

#include <string>

#include "solver/error.hpp"

namespace floodtwin::io::detail {

void shuffle_bytes(const unsigned char* in, std::size_t count, std::size_t size,
                   unsigned char* out) {
  for (std::size_t b = 0; b < size; ++b) {
    unsigned char* column = out + b * count;
    const unsigned char* src = in + b;
    for (std::size_t e = 0; e < count; ++e) column[e] = src[e * size];
  }
}

void deflate_bytes(const unsigned char* in, std::size_t bytes, int level,
                   std::vector<unsigned char>& out, const char* file) {
  const auto source = static_cast<uLong>(bytes);
  auto length = compressBound(source);
  out.resize(length);
  const int status = compress2(out.data(), &length, in, source, level);
  if (status != Z_OK) {
    throw IoError(std::string(file) + ": deflating a chunk of " + std::to_string(bytes) +
                  " bytes at level " + std::to_string(level) + " failed (zlib status " +
                  std::to_string(status) + ")");
  }
  out.resize(length);
}

}  // namespace floodtwin::io::detail
