/// @file fuzz_csv.cpp
/// Fuzz target for the CSV readers: the bytes as a rain series (terrain::read_series, with
/// seconds or timestamps relative to a start time), as a two-column forcing series (no
/// missing values, negative values allowed) and as a station table (terrain::read_stations).
/// A floodtwin::Error is a correct answer to a bad table; anything else is a bug.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_support.hpp"
#include "solver/error.hpp"
#include "terrain/gauges.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const floodtwin::fuzz::ScratchFile file("table.csv");
  file.write(std::string_view(reinterpret_cast<const char*>(data), size));
  using floodtwin::terrain::SeriesOptions;
  SeriesOptions rain;
  SeriesOptions forcing;
  forcing.what = "boundary series";
  forcing.origin = "2024-01-01T00:00:00Z";
  forcing.allow_missing = false;
  forcing.allow_negative = true;
  for (const SeriesOptions& options : {rain, forcing}) {
    try {
      (void)floodtwin::terrain::read_series(file.path(), options);
    } catch (const floodtwin::Error&) {
    }
  }
  try {
    (void)floodtwin::terrain::read_stations(file.path());
  } catch (const floodtwin::Error&) {
  }
  return 0;
}
