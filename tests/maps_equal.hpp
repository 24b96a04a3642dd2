#pragma once
/// @file maps_equal.hpp
/// Bitwise comparison of two FloodMaps, map by map (tests).
#include <gtest/gtest.h>

#include <cstddef>
#include <cstring>
#include <string>
#include <vector>

#include "solver/flood_maps.hpp"

namespace floodtwin::testing {

/// Success when every map of `a` has the bits of the same map of `b`; else the names of the
/// maps that differ.
inline ::testing::AssertionResult same_maps(const solver::FloodMaps& a,
                                            const solver::FloodMaps& b) {
  struct Bytes {
    const char* name;
    const void* data;
    std::size_t size;
  };
  std::vector<Bytes> left, right;
  a.for_each_map([&](const char* name, const auto& f) {
    left.push_back({name, f.data(), f.size() * sizeof(f[0])});
  });
  b.for_each_map([&](const char* name, const auto& f) {
    right.push_back({name, f.data(), f.size() * sizeof(f[0])});
  });
  std::string differ;
  for (std::size_t m = 0; m < left.size(); ++m) {
    if (left[m].size != right[m].size ||
        std::memcmp(left[m].data, right[m].data, left[m].size) != 0) {
      differ += std::string(differ.empty() ? "" : ", ") + left[m].name;
    }
  }
  if (differ.empty()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "flood maps differ: " << differ;
}

}  // namespace floodtwin::testing
