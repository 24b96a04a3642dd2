#include <gtest/gtest.h>

#include <cmath>

#include "solver/error.hpp"
#include "solver/time_series.hpp"

using namespace floodtwin;
using namespace floodtwin::solver;

TEST(TimeSeries, InterpolatesLinearlyAndHoldsEnds) {
  const TimeSeries s({0, 10, 20}, {0, 5, 1}, "test");
  EXPECT_DOUBLE_EQ(s(-5), 0);
  EXPECT_DOUBLE_EQ(s(5), 2.5);
  EXPECT_DOUBLE_EQ(s(15), 3);
  EXPECT_DOUBLE_EQ(s(100), 1);
}

TEST(TimeSeries, IntegralIsExact) {
  const TimeSeries s({0, 10, 20}, {0, 5, 1}, "test");
  EXPECT_DOUBLE_EQ(s.integral(0, 20), 25 + 30);
  EXPECT_DOUBLE_EQ(s.integral(5, 15), 0.5 * (2.5 + 5) * 5 + 0.5 * (5 + 3) * 5);
  EXPECT_DOUBLE_EQ(s.integral(-10, 0), 0);
  EXPECT_DOUBLE_EQ(s.integral(20, 30), 10);
}

TEST(TimeSeries, RejectsBadSeriesWithClearMessages) {
  try {
    TimeSeries({0, 10, 10}, {1, 2, 3}, "boundary west discharge");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("boundary west discharge"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("must increase"), std::string::npos);
  }
  EXPECT_THROW(TimeSeries({0, 1}, {1}, "x"), InputError);
  EXPECT_THROW(TimeSeries({0, std::nan("")}, {1, 2}, "x"), InputError);
  EXPECT_THROW(TimeSeries(std::vector<Real>{}, std::vector<Real>{}, "x"), InputError);
}
