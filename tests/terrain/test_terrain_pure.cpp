// The GDAL-free part of the terrain module: this executable does not see GDAL's include
// directory, so it compiles only while every public terrain header stays GDAL-free. It tests
// the pure maths: unit conversion, ISO-8601 times, IDW and nearest-station interpolation.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "solver/error.hpp"
#include "terrain/csv.hpp"
#include "terrain/gauges.hpp"
#include "terrain/interpolation.hpp"
#include "terrain/rainfall.hpp"
#include "terrain/raster.hpp"
#include "terrain/roughness.hpp"
#include "terrain/structures.hpp"

namespace floodtwin::terrain {
namespace {

constexpr Real nan = std::numeric_limits<Real>::quiet_NaN();

TEST(RainUnits, ConvertToMetresPerSecond) {
  EXPECT_DOUBLE_EQ(rain_to_m_per_s(36, RainUnits::mm_per_hour, 0), 1e-5);
  EXPECT_DOUBLE_EQ(rain_to_m_per_s(6, RainUnits::mm_per_interval, 600), 1e-5);
  EXPECT_DOUBLE_EQ(rain_to_m_per_s(1e-5, RainUnits::m_per_s, 600), 1e-5);
  EXPECT_EQ(parse_rain_units("mm/h"), RainUnits::mm_per_hour);
  EXPECT_EQ(parse_rain_units("mm"), RainUnits::mm_per_interval);
  EXPECT_THROW(parse_rain_units("inch"), ConfigError);
  EXPECT_EQ(parse_interpolation("idw"), Interpolation::idw);
  EXPECT_EQ(parse_interpolation("thiessen"), Interpolation::thiessen);
  EXPECT_THROW(parse_interpolation("kriging"), ConfigError);
}

TEST(Iso8601, ParsesDatesTimesAndOffsets) {
  EXPECT_EQ(parse_iso8601("1970-01-01"), 0.0);
  EXPECT_EQ(parse_iso8601("1970-01-02T00:00:01Z"), 86401.0);
  EXPECT_EQ(parse_iso8601("2024-01-15T10:00:00Z"), parse_iso8601("2024-01-15 11:30:00+01:30"));
  EXPECT_EQ(parse_iso8601("2024-01-15T10:00:00Z"), parse_iso8601("2024-01-15T05:00-05"));
  EXPECT_EQ(*parse_iso8601("2024-03-01T00:00") - *parse_iso8601("2024-02-28T00:00"), 2 * 86400.0);
  EXPECT_EQ(*parse_iso8601("2000-01-01"), 946684800.0);
  EXPECT_DOUBLE_EQ(*parse_iso8601("2000-01-01T00:00:00.25Z") - *parse_iso8601("2000-01-01"), 0.25);
  EXPECT_FALSE(parse_iso8601("2023-02-29"));
  EXPECT_FALSE(parse_iso8601("2024-13-01"));
  EXPECT_FALSE(parse_iso8601("2024-01-15T10"));
  EXPECT_FALSE(parse_iso8601("15/01/2024"));
  EXPECT_FALSE(parse_iso8601("2024-01-15T10:00:00Zjunk"));
  EXPECT_FALSE(parse_iso8601(""));
}

TEST(Idw, ExactAtStationsWeightedBetween) {
  const std::vector<Real> xs{0, 10, 0}, ys{0, 0, 10}, v{1, 3, 5};
  EXPECT_EQ(idw_at(0, 0, xs, ys, v, 2), 1);
  EXPECT_EQ(idw_at(10, 0, xs, ys, v, 2), 3);
  EXPECT_EQ(idw_at(0, 10, xs, ys, v, 3), 5);
  // Midpoint of the first two stations, third at distance sqrt(125): weights 1/25, 1/25, 1/125.
  const double w = 1.0 / 25, w3 = 1.0 / 125;
  EXPECT_NEAR(idw_at(5, 0, xs, ys, v, 2), (w * 1 + w * 3 + w3 * 5) / (2 * w + w3), 1e-14);
  // Power 1: weights 1/d.
  const double a = 1.0 / 5, c = 1.0 / std::sqrt(125.0);
  EXPECT_NEAR(idw_at(5, 0, xs, ys, v, 1), (a * 1 + a * 3 + c * 5) / (2 * a + c), 1e-14);
  // Missing values are skipped; all missing gives NaN.
  const std::vector<Real> miss{1, nan, 5};
  const double d1 = 1.0 / 25, d3 = 1.0 / 125;
  EXPECT_NEAR(idw_at(5, 0, xs, ys, miss, 2), (d1 * 1 + d3 * 5) / (d1 + d3), 1e-14);
  EXPECT_EQ(idw_at(10, 0, xs, ys, miss, 2), idw_at(10, 0, xs, ys, miss, 2));
  EXPECT_TRUE(std::isnan(idw_at(1, 1, xs, ys, std::vector<Real>{nan, nan, nan}, 2)));
}

TEST(Thiessen, NearestStationSkippingMissing) {
  const std::vector<Real> xs{0, 10, 0}, ys{0, 0, 10}, v{1, 3, 5};
  EXPECT_EQ(nearest_station(1, 1, xs, ys, v), 0);
  EXPECT_EQ(nearest_station(9, 1, xs, ys, v), 1);
  EXPECT_EQ(nearest_station(5, 5, xs, ys, v), 0);  // equidistant from all: lowest index
  EXPECT_EQ(nearest_station(6, 6, xs, ys, v), 1);  // tie between 1 and 2: lowest index
  const std::vector<Real> miss{1, nan, 5};
  EXPECT_EQ(nearest_station(9, 1, xs, ys, miss), 0);
  EXPECT_EQ(nearest_station(9, 1, xs, ys, std::vector<Real>{nan, nan, nan}), -1);
}

TEST(InterpolateField, UniformStationValuesGiveAUniformField) {
  solver::Grid g;
  g.nx = 13;
  g.ny = 7;
  g.dx = 3;
  g.dy = 5;
  const std::vector<Real> xs{1, 30, 17}, ys{-2, -30, -11}, v{2.5, 2.5, 2.5};
  std::vector<Real> out(g.cell_count());
  for (auto m : {Interpolation::idw, Interpolation::thiessen}) {
    interpolate_field(g, xs, ys, v, m, 2, out);
    for (Real r : out) ASSERT_NEAR(r, 2.5, 1e-15);
  }
}

TEST(IntervalBounds, PeriodEndingAndBeginning) {
  EXPECT_EQ(interval_bounds({0, 60, 180}, RainTiming::period_ending, "x"),
            (std::vector<Real>{-60, 0, 60, 180}));
  EXPECT_EQ(interval_bounds({0, 60, 180}, RainTiming::period_beginning, "x"),
            (std::vector<Real>{0, 60, 180, 300}));
  EXPECT_THROW(interval_bounds({0}, RainTiming::period_ending, "x"), InputError);
  EXPECT_THROW(interval_bounds({0, 0}, RainTiming::period_ending, "x"), InputError);
}

}  // namespace
}  // namespace floodtwin::terrain
