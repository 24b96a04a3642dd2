// Row blocks of the MPI decomposition (solver/decomposition.hpp): split_rows and owner.
#include <gtest/gtest.h>

#include <vector>

#include "solver/decomposition.hpp"
#include "solver/error.hpp"

namespace {

using floodtwin::solver::Decomposition;
using floodtwin::solver::split_rows;

TEST(SplitRows, EqualWeightsGiveEqualBlocks) {
  const std::vector<double> w(12, 1.0);
  EXPECT_EQ(split_rows(w, 3, 2), (std::vector<int>{0, 4, 8, 12}));
  EXPECT_EQ(split_rows(w, 1, 2), (std::vector<int>{0, 12}));
  EXPECT_EQ(split_rows(w, 4, 1), (std::vector<int>{0, 3, 6, 9, 12}));
}

TEST(SplitRows, WeightsMoveTheCuts) {
  // Rows 0-3 carry 10 cells each, rows 4-11 one: half the work is in rows 0-1.
  std::vector<double> w(12, 1.0);
  for (int j = 0; j < 4; ++j) w[static_cast<std::size_t>(j)] = 10;
  const std::vector<int> b = split_rows(w, 2, 1);
  ASSERT_EQ(b.size(), 3U);
  EXPECT_EQ(b[1], 2);
}

TEST(SplitRows, EveryBlockKeepsTheHalo) {
  // All the weight in one row: the other blocks still get min_rows rows each.
  std::vector<double> w(10, 0.0);
  w[0] = 100;
  const std::vector<int> b = split_rows(w, 4, 2);
  ASSERT_EQ(b.size(), 5U);
  EXPECT_EQ(b.front(), 0);
  EXPECT_EQ(b.back(), 10);
  for (std::size_t p = 0; p + 1 < b.size(); ++p) EXPECT_GE(b[p + 1] - b[p], 2) << p;
}

TEST(SplitRows, TooFewRowsIsAnInputError) {
  const std::vector<double> w(7, 1.0);
  try {
    (void)split_rows(w, 4, 2);
    FAIL() << "7 rows split over 4 processes of 2 rows";
  } catch (const floodtwin::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("7 rows cannot be split over 4 processes"),
              std::string::npos)
        << e.what();
  }
}

TEST(Decomposition, OwnerOfEachRow) {
  struct Four : Decomposition {
    [[nodiscard]] int size() const override { return 4; }
  } d;
  d.set_rows({0, 3, 5, 9, 12});
  const std::vector<int> expected{0, 0, 0, 1, 1, 2, 2, 2, 2, 3, 3, 3};
  for (int j = 0; j < 12; ++j) EXPECT_EQ(d.owner(j), expected[static_cast<std::size_t>(j)]) << j;
  Decomposition serial;  // one process: owns everything
  serial.set_rows({0, 12});
  EXPECT_EQ(serial.owner(0), 0);
  EXPECT_EQ(serial.owner(11), 0);
  EXPECT_EQ(serial.first_row(), 0);
  EXPECT_EQ(serial.end_row(), 12);
}

}  // namespace
