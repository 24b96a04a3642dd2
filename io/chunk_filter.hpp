#pragma once
/// @file chunk_filter.hpp
/// Private to io/: HDF5's shuffle and deflate filters applied by floodtwin itself. HDF5 runs
/// its filter pipeline on the calling thread only, and on a grid of millions of cells deflate
/// is most of a results write; the results writer instead filters the chunks of a stripe on
/// all threads and stores them with H5Dwrite_chunk. The bytes are those HDF5's own filters
/// produce (tests/io/test_chunk_filter.cpp compares them chunk by chunk), so any HDF5 reader
/// decodes them with the filters the dataset declares.
#include <cstddef>
#include <vector>

namespace floodtwin::io::detail {

/// HDF5's shuffle filter (H5Z_FILTER_SHUFFLE) on `count` elements of `size` bytes: byte b of
/// element e goes to out[b * count + e]. `out` holds count * size bytes and does not overlap
/// `in`.
void shuffle_bytes(const unsigned char* in, std::size_t count, std::size_t size,
                   unsigned char* out);

/// HDF5's deflate filter (H5Z_FILTER_DEFLATE): the zlib stream of `bytes` bytes at `level`
/// (1-9), as zlib's compress2 writes it, into `out` (resized to the stream's length). Throws
/// IoError naming `file` when zlib fails.
void deflate_bytes(const unsigned char* in, std::size_t bytes, int level,
                   std::vector<unsigned char>& out, const char* file);

}  // namespace floodtwin::io::detail
