/// @file stripe_writer.cpp
#include "io/stripe_writer.hpp"

#include <algorithm>
#include <exception>
#include <limits>
#include <utility>

#include "io/chunk_filter.hpp"
#include "io/hdf5_util.hpp"
#include "solver/row_source.hpp"

namespace floodtwin::io::detail {

namespace {
constexpr float float_nan = std::numeric_limits<float>::quiet_NaN();
}  // namespace

StripeWriter::StripeWriter(const solver::Grid& grid, StripeLayout layout, std::string file)
    : grid_(grid), layout_(layout), file_(std::move(file)) {}

void StripeWriter::write(hid_t d, const char* var, std::optional<hsize_t> index,
                         std::initializer_list<const void*> reads, const Row& row) {
  const std::string what = std::string("writing ") + var;
  std::vector<hsize_t> dims = dataset_shape(d, file_, var);
  if (index) {
    dims[0] = *index + 1;
    check(H5Dset_extent(d, dims.data()), file_, what);
  }
  const int cy = std::clamp(layout_.chunk_y > 0 ? layout_.chunk_y : 256, 1, grid_.ny);
  const int cx = std::clamp(layout_.chunk_x > 0 ? layout_.chunk_x : 256, 1, grid_.nx);
  const auto nx = static_cast<std::size_t>(grid_.nx);
  stripe_.resize(static_cast<std::size_t>(cy) * nx);
  const Id space = space_id(H5Dget_space(d), file_, what);
  for (int j0 = 0; j0 < grid_.ny; j0 += cy) {
    const int rows = std::min(cy, grid_.ny - j0);
    const solver::HeldRows held(grid_, j0, j0 + rows, reads);
    if (layout_.deflate_level > 0) {
      write_filtered(d, index, j0, rows, cy, cx, row, what);
      continue;
    }
    for (int j = j0; j < j0 + rows; ++j) {
      row(j, stripe_.data() + static_cast<std::size_t>(j - j0) * nx);
    }
    std::vector<hsize_t> start(dims.size(), 0);
    std::vector<hsize_t> count = dims;
    if (index) {
      start[0] = *index;
      count[0] = 1;
    }
    start[dims.size() - 2] = static_cast<hsize_t>(j0);
    count[dims.size() - 2] = static_cast<hsize_t>(rows);
    check(H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(),
                              nullptr),
          file_, what);
    // The memory space has the selection's shape: HDF5 then copies whole rows (a flat one
    // makes it map element by element).
    const Id mem = space_id(H5Screate_simple(static_cast<int>(count.size()), count.data(), nullptr),
                            file_, what);
    check(H5Dwrite(d, H5T_NATIVE_FLOAT, mem.get(), space.get(), H5P_DEFAULT, stripe_.data()), file_,
          what);
  }
}

void StripeWriter::write_filtered(hid_t d, std::optional<hsize_t> index, int j0, int rows, int cy,
                                  int cx, const Row& row, const std::string& what) {
  const auto nx = static_cast<std::size_t>(grid_.nx);
  const int chunks = (grid_.nx + cx - 1) / cx;
  packed_.resize(static_cast<std::size_t>(chunks));
  const std::size_t chunk_values = static_cast<std::size_t>(cy) * static_cast<std::size_t>(cx);
  std::exception_ptr failure;
#pragma omp parallel
  {
    std::vector<float> chunk(chunk_values);
    std::vector<unsigned char> shuffled(layout_.shuffle ? chunk_values * sizeof(float) : 0);
#pragma omp for schedule(static)
    for (int j = j0; j < j0 + rows; ++j) {
      row(j, stripe_.data() + static_cast<std::size_t>(j - j0) * nx);
    }
#pragma omp for schedule(dynamic, 1)
    for (int c = 0; c < chunks; ++c) {
      const int i0 = c * cx;
      const auto width = static_cast<std::size_t>(std::min(cx, grid_.nx - i0));
      std::fill(chunk.begin(), chunk.end(), float_nan);
      for (int r = 0; r < rows; ++r) {
        std::copy_n(
            stripe_.data() + static_cast<std::size_t>(r) * nx + static_cast<std::size_t>(i0), width,
            chunk.data() + static_cast<std::size_t>(r) * static_cast<std::size_t>(cx));
      }
      const auto* bytes = reinterpret_cast<const unsigned char*>(chunk.data());
      if (layout_.shuffle) {
        shuffle_bytes(bytes, chunk_values, sizeof(float), shuffled.data());
        bytes = shuffled.data();
      }
      try {
        deflate_bytes(bytes, chunk_values * sizeof(float), layout_.deflate_level,
                      packed_[static_cast<std::size_t>(c)], file_.c_str());
      } catch (...) {
#pragma omp critical(floodtwin_results_chunk_failure)
        if (!failure) failure = std::current_exception();
      }
    }
  }
  if (failure) std::rethrow_exception(failure);
  std::vector<hsize_t> offset;
  if (index) offset.push_back(*index);
  offset.push_back(static_cast<hsize_t>(j0));
  offset.push_back(0);
  for (int c = 0; c < chunks; ++c) {
    offset.back() = static_cast<hsize_t>(c) * static_cast<hsize_t>(cx);
    const std::vector<unsigned char>& p = packed_[static_cast<std::size_t>(c)];
    check(H5Dwrite_chunk(d, H5P_DEFAULT, 0, offset.data(), p.size(), p.data()), file_, what);
  }
}

}  // namespace floodtwin::io::detail
