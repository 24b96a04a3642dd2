// io/chunk_filter: floodtwin's own shuffle and deflate produce, chunk by chunk, the bytes HDF5's
// filter pipeline stores, so the results writer can filter chunks on all threads and store them
// with H5Dwrite_chunk. Compared on a grid with partial edge chunks, with and without shuffle,
// at several levels, against chunks HDF5 filtered itself (read back raw with H5Dread_chunk).
#include <gtest/gtest.h>
#include <hdf5.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "io/chunk_filter.hpp"

namespace {

using floodtwin::io::detail::deflate_bytes;
using floodtwin::io::detail::shuffle_bytes;

constexpr float nan_f = std::numeric_limits<float>::quiet_NaN();

/// Raw (filtered) bytes of every chunk of a [ny][nx] float dataset HDF5 wrote with the filters.
std::vector<std::vector<unsigned char>> hdf5_chunks(const std::vector<float>& values, hsize_t ny,
                                                    hsize_t nx, hsize_t cy, hsize_t cx, int level,
                                                    bool shuffle) {
  const hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
  H5Pset_fapl_core(fapl, 1 << 20, 0);  // in memory, never written to disk
  const hid_t file = H5Fcreate("chunk_filter.h5", H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
  const hsize_t dims[2] = {ny, nx};
  const hsize_t chunk[2] = {cy, cx};
  const hid_t space = H5Screate_simple(2, dims, nullptr);
  const hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
  H5Pset_fill_value(dcpl, H5T_NATIVE_FLOAT, &nan_f);
  H5Pset_chunk(dcpl, 2, chunk);
  if (shuffle) H5Pset_shuffle(dcpl);
  H5Pset_deflate(dcpl, static_cast<unsigned>(level));
  const hid_t d = H5Dcreate2(file, "v", H5T_IEEE_F32LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  EXPECT_GE(H5Dwrite(d, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), 0);
  std::vector<std::vector<unsigned char>> out;
  for (hsize_t j = 0; j < ny; j += cy) {
    for (hsize_t i = 0; i < nx; i += cx) {
      const hsize_t offset[2] = {j, i};
      hsize_t bytes = 0;
      EXPECT_GE(H5Dget_chunk_storage_size(d, offset, &bytes), 0);
      std::vector<unsigned char> raw(bytes);
      std::uint32_t mask = 0;
      EXPECT_GE(H5Dread_chunk(d, H5P_DEFAULT, offset, &mask, raw.data()), 0);
      EXPECT_EQ(mask, 0U) << "every filter applied";
      out.push_back(std::move(raw));
    }
  }
  H5Dclose(d);
  H5Pclose(dcpl);
  H5Sclose(space);
  H5Fclose(file);
  H5Pclose(fapl);
  return out;
}

}  // namespace

TEST(ChunkFilter, ShuffleSpreadsTheBytesOfEachElement) {
  const unsigned char in[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  unsigned char out[12] = {};
  shuffle_bytes(in, 3, 4, out);
  const unsigned char want[] = {1, 5, 9, 2, 6, 10, 3, 7, 11, 4, 8, 12};
  EXPECT_TRUE(std::equal(std::begin(out), std::end(out), std::begin(want)));
}

TEST(ChunkFilter, ChunksEqualThoseHdf5FiltersItself) {
  const hsize_t ny = 37, nx = 29, cy = 16, cx = 12;  // partial chunks on two edges
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> level(100.0F, 110.0F);
  std::vector<float> values(ny * nx);
  for (std::size_t k = 0; k < values.size(); ++k) {
    values[k] = k % 11 == 0 ? nan_f : (k % 5 == 0 ? 0.0F : level(rng));
  }
  for (const bool shuffle : {true, false}) {
    for (const int lvl : {1, 4, 9}) {
      const auto want = hdf5_chunks(values, ny, nx, cy, cx, lvl, shuffle);
      std::size_t n = 0;
      for (hsize_t j0 = 0; j0 < ny; j0 += cy) {
        for (hsize_t i0 = 0; i0 < nx; i0 += cx, ++n) {
          std::vector<float> chunk(cy * cx, nan_f);  // the fill value past the edges
          for (hsize_t j = j0; j < std::min(ny, j0 + cy); ++j) {
            for (hsize_t i = i0; i < std::min(nx, i0 + cx); ++i) {
              chunk[(j - j0) * cx + (i - i0)] = values[j * nx + i];
            }
          }
          std::vector<unsigned char> shuffled(chunk.size() * sizeof(float));
          const auto* bytes = reinterpret_cast<const unsigned char*>(chunk.data());
          if (shuffle) {
            shuffle_bytes(bytes, chunk.size(), sizeof(float), shuffled.data());
            bytes = shuffled.data();
          }
          std::vector<unsigned char> got;
          deflate_bytes(bytes, chunk.size() * sizeof(float), lvl, got, "test");
          ASSERT_LT(n, want.size());
          EXPECT_EQ(got, want[n]) << "chunk at row " << j0 << ", column " << i0 << ", level " << lvl
                                  << (shuffle ? ", shuffled" : "");
        }
      }
      EXPECT_EQ(n, want.size());
    }
  }
}
