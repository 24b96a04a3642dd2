/// @file test_rehearsal.cpp
/// rehearsal::breach_bed (which cells a breach lowers, and to what) and the variants file
/// (scenarios::load_variants): values and errors naming file, line and key.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "io/io_testing.hpp"
#include "rehearsal/rehearsal.hpp"
#include "scenarios/variants.hpp"
#include "solver/error.hpp"

namespace fr = floodtwin::rehearsal;
namespace fs_ = floodtwin::scenarios;
using floodtwin::testing::TempDir;

TEST(Rehearsal, BreachBedLowersCellsNearThePolyline) {
  // 6 x 3 cells of 10 m, north-west corner (0, 30): centres x = 5..55, y = 25, 15, 5.
  const floodtwin::solver::Grid grid{6, 3, 10.0, 10.0, 0.0, 30.0};
  std::vector<fr::Real> z(grid.cell_count(), 4.0);
  z[1] = std::nan("");  // inactive stays inactive
  fs_::BreachChange b;
  b.line = {{{0.0, 15.0}}, {{30.0, 15.0}}};  // along the middle row, to x = 30
  b.width = 9.99;                            // centres within 4.995 m
  b.level = 1.0;
  std::size_t cells = 0;
  auto out = fr::breach_bed(grid, z, b, &cells);
  EXPECT_EQ(cells, 3u);  // middle row, x = 5, 15, 25 (35 is 5 m past the end)
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(out[static_cast<std::size_t>(6 + i)], i < 3 ? 1.0 : 4.0) << "column " << i;
    EXPECT_EQ(out[static_cast<std::size_t>(12 + i)], 4.0);
  }
  EXPECT_TRUE(std::isnan(out[1]));
  // A point with a wider breach, lowered by a depth; min(z, level) never raises the bed.
  b.line = {{{35.0, 15.0}}};
  b.width = 20.001;
  b.level.reset();
  b.depth = 1.5;
  out = fr::breach_bed(grid, z, b, &cells);
  EXPECT_EQ(cells, 5u);  // (35, 15) and its four neighbours 10 m away
  EXPECT_EQ(out[3], 2.5);
  EXPECT_EQ(out[6 + 2], 2.5);
  EXPECT_EQ(out[6 + 3], 2.5);
  EXPECT_EQ(out[6 + 4], 2.5);
  EXPECT_EQ(out[12 + 3], 2.5);
  EXPECT_EQ(out[0], 4.0);
  b.depth.reset();
  b.level = 9.0;
  fr::breach_bed(grid, z, b, &cells);
  EXPECT_EQ(cells, 0u);
}

TEST(Rehearsal, BreachBedLowersCellsInsideThePolygon) {
  // 6 x 3 cells of 10 m, north-west corner (0, 30): centres x = 5..55, y = 25, 15, 5.
  const floodtwin::solver::Grid grid{6, 3, 10.0, 10.0, 0.0, 30.0};
  std::vector<fr::Real> z(grid.cell_count(), 4.0);
  z[6 + 1] = std::nan("");
  fs_::BreachChange b;
  b.polygon = {{{0.0, 10.0}}, {{32.0, 10.0}}, {{32.0, 20.0}}, {{0.0, 20.0}}};  // middle row, x < 32
  b.depth = 0.5;
  std::size_t cells = 0;
  auto out = fr::breach_bed(grid, z, b, &cells);
  EXPECT_EQ(cells, 2u);  // (5, 15) and (25, 15); (15, 15) is inactive; (35, 15) is outside
  EXPECT_TRUE(std::isnan(out[6 + 1]));
  EXPECT_EQ(out[6 + 0], 3.5);
  EXPECT_EQ(out[6 + 2], 3.5);
  EXPECT_EQ(out[6 + 3], 4.0);
  // A closed, concave ring (an L): its notch is outside (even-odd rule).
  b.polygon = {{{0.0, 30.0}}, {{20.0, 30.0}}, {{20.0, 10.0}}, {{60.0, 10.0}},
               {{60.0, 0.0}}, {{0.0, 0.0}},   {{0.0, 30.0}}};
  out = fr::breach_bed(grid, z, b, &cells);
  std::vector<int> lowered;
  for (std::size_t c = 0; c < out.size(); ++c) {
    if (out[c] == 3.5) lowered.push_back(static_cast<int>(c));
  }
  // Row 0: x = 5, 15; row 1: x = 5 (x = 15 inactive); row 2: all six.
  EXPECT_EQ(lowered, (std::vector<int>{0, 1, 6, 12, 13, 14, 15, 16, 17}));
  EXPECT_EQ(cells, 9u);
}

TEST(Rehearsal, VariantsFileValuesAndErrors) {
  TempDir dir("rehearsal");
  auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir.path / name) << text;
    return (dir.path / name).string();
  };
  const auto ok = write("v.toml",
                        "[[variant]]\nname = \"a\"\nrain_factor = 1.5\n\n"
                        "[[variant]]\nname = \"b\"\n"
                        "inflow = { side = \"north\", series = [[0, 0], [600, 5]] }\n"
                        "breach = { line = [[1, 2], [3, 4]], width = 20, depth = 1, "
                        "time = \"10min\" }\n");
  const auto v = fs_::load_variants(ok);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].rain_factor, 1.5);
  EXPECT_EQ(v[1].line, 5);
  ASSERT_TRUE(v[1].inflow && v[1].inflow->side);
  EXPECT_EQ(v[1].inflow->series.size(), 2u);
  ASSERT_TRUE(v[1].breach);
  EXPECT_EQ(v[1].breach->time, 600.0);
  EXPECT_EQ(v[1].breach->line.size(), 2u);
  auto error_of = [](const std::string& path) {
    try {
      fs_::load_variants(path);
    } catch (const floodtwin::ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  std::string e = error_of(write("u.toml", "[[variant]]\nname = \"a\"\nrain = 2\n"));
  EXPECT_NE(e.find("u.toml:3"), std::string::npos) << e;
  EXPECT_NE(e.find("unknown key 'rain'"), std::string::npos) << e;
  e = error_of(write("d.toml", "[[variant]]\nname = \"a\"\n[[variant]]\nname = \"a\"\n"));
  EXPECT_NE(e.find("d.toml:3"), std::string::npos) << e;
  EXPECT_NE(e.find("used twice"), std::string::npos) << e;
  e = error_of(write("b.toml",
                     "[[variant]]\nname = \"a\"\n"
                     "breach = { x = 1, y = 2, width = 5, level = 1, depth = 1, time = 0 }\n"));
  EXPECT_NE(e.find("b.toml:1"), std::string::npos) << e;
  EXPECT_NE(e.find("either level or depth"), std::string::npos) << e;
  e = error_of(write("n.toml", "[[variant]]\nname = \"a b\"\n"));
  EXPECT_NE(e.find("use letters, digits"), std::string::npos) << e;
  e = error_of(write("w.toml",
                     "[[variant]]\nname = \"a\"\nbreach = { x = 1, y = 2, width = -5, depth = 1, "
                     "time = 0 }\n"));
  EXPECT_NE(e.find("width must be > 0 m, got -5"), std::string::npos) << e;
  // Polygon breaches: parsed, and refused with a width, with too few vertices, or with x/y.
  const auto poly = fs_::load_variants(
      write("p.toml",
            "[[variant]]\nname = \"gap\"\n"
            "breach = { polygon = [[0, 0], [10, 0], [10, 5], [0, 0]], depth = 1, time = \"1h\" "
            "}\n"));
  ASSERT_EQ(poly.size(), 1u);
  ASSERT_TRUE(poly[0].breach);
  EXPECT_EQ(poly[0].breach->polygon.size(), 4u);
  EXPECT_TRUE(poly[0].breach->line.empty());
  EXPECT_EQ(poly[0].breach->time, 3600.0);
  e = error_of(write("pw.toml",
                     "[[variant]]\nname = \"a\"\nbreach = { polygon = [[0, 0], [1, 0], [1, 1]], "
                     "width = 3, depth = 1, time = 0 }\n"));
  EXPECT_NE(e.find("pw.toml:3"), std::string::npos) << e;
  EXPECT_NE(e.find("no width"), std::string::npos) << e;
  e = error_of(write("p2.toml",
                     "[[variant]]\nname = \"a\"\nbreach = { polygon = [[0, 0], [1, 0], [0, 0]], "
                     "depth = 1, time = 0 }\n"));
  EXPECT_NE(e.find("at least 3 distinct vertices"), std::string::npos) << e;
  e = error_of(write("p3.toml",
                     "[[variant]]\nname = \"a\"\nbreach = { polygon = [[0, 0], [1, 0], [1, 1]], "
                     "x = 1, y = 1, depth = 1, time = 0 }\n"));
  EXPECT_NE(e.find("one of them"), std::string::npos) << e;
}
