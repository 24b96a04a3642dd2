// The vectorised MUSCL row (row_kernels.hpp) against the scalar reconstruction
// (reconstruction.hpp) with each limiter, and the limiters' positivity and flatness.
#include <gtest/gtest.h>

#include <array>
#include <random>
#include <string>
#include <vector>

#include "solver/reconstruction.hpp"
#include "solver/row_kernels.hpp"

using namespace floodtwin::solver;

class LimiterRow : public ::testing::TestWithParam<Limiter> {};

TEST_P(LimiterRow, MatchesScalarReconstruction) {
  const Limiter lim = GetParam();
  constexpr int n = 64;
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> uni(0.0, 1.0);
  std::array<std::vector<Real>, 3> h, u, v, eta;
  std::array<std::vector<std::uint8_t>, 3> mask;
  std::vector<Real> z(n);
  for (int k = 0; k < 3; ++k) {
    h[k].resize(n);
    u[k].resize(n);
    v[k].resize(n);
    eta[k].resize(n);
    mask[k].assign(n, kind_active);
  }
  for (int i = 0; i < n; ++i) {
    for (int k = 0; k < 3; ++k) {
      const Real zk = uni(rng);
      h[k][i] = uni(rng) < 0.2 ? 0.0 : uni(rng);  // some dry cells
      u[k][i] = 2 * uni(rng) - 1;
      v[k][i] = 2 * uni(rng) - 1;
      eta[k][i] = zk + h[k][i];
      if (k == 1) z[i] = zk;
    }
  }
  std::array<std::vector<Real>, 2> fh, fu, fv, fz;
  for (int s = 0; s < 2; ++s) {
    fh[s].resize(n);
    fu[s].resize(n);
    fv[s].resize(n);
    fz[s].resize(n);
  }
  std::vector<Real> source(n);
  const Real g = 9.81;
  const ReconRowIn in{{h[0].data(), h[1].data(), h[2].data()},
                      {u[0].data(), u[1].data(), u[2].data()},
                      {v[0].data(), v[1].data(), v[2].data()},
                      {eta[0].data(), eta[1].data(), eta[2].data()},
                      {mask[0].data(), mask[1].data(), mask[2].data()},
                      z.data()};
  const ReconRowOut out{{fh[0].data(), fh[1].data()}, {fu[0].data(), fu[1].data()},
                        {fv[0].data(), fv[1].data()}, {fz[0].data(), fz[1].data()},
                        source.data()};
  muscl_row(lim, n, in, g, out);
  for (int i = 0; i < n; ++i) {
    const Primitive m{h[0][i], u[0][i], v[0][i], eta[0][i]};
    const Primitive c{h[1][i], u[1][i], v[1][i], eta[1][i]};
    const Primitive p{h[2][i], u[2][i], v[2][i], eta[2][i]};
    const Slopes sl = limited_slopes(m, c, p, lim);
    for (int s = 0; s < 2; ++s) {
      const FaceValues f = face_value(c, sl, s == 0 ? -1 : 1);
      EXPECT_NEAR(fh[s][i], f.h, 1e-14) << i;
      EXPECT_NEAR(fu[s][i], f.u, 1e-14) << i;
      EXPECT_NEAR(fv[s][i], f.v, 1e-14) << i;
      EXPECT_NEAR(fz[s][i], f.z, 1e-14) << i;
      EXPECT_GE(fh[s][i], 0.0);
    }
    // Where no face dries, the two faces average to the cell's depth (conservative).
    if (fh[0][i] > 0 && fh[1][i] > 0) {
      EXPECT_NEAR(0.5 * (fh[0][i] + fh[1][i]), h[1][i], 1e-14);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(AllLimiters, LimiterRow,
                         ::testing::Values(Limiter::van_leer, Limiter::mc, Limiter::minmod),
                         [](const ::testing::TestParamInfo<Limiter>& param) {
                           return std::string(param.param == Limiter::mc       ? "mc"
                                              : param.param == Limiter::minmod ? "minmod"
                                                                               : "van_leer");
                         });

TEST(Limiter, McIsTvdAndKeepsCentredSlopes) {
  EXPECT_DOUBLE_EQ(mc_limiter(1.0, 1.0), 1.0);     // linear data: exact slope
  EXPECT_DOUBLE_EQ(mc_limiter(0.3, 0.5), 0.4);     // smooth data: centred slope
  EXPECT_DOUBLE_EQ(mc_limiter(0.1, 5.0), 0.2);     // twice the smaller one at most
  EXPECT_DOUBLE_EQ(mc_limiter(0.0, 5.0), 0.0);     // extremum: no slope
  EXPECT_DOUBLE_EQ(mc_limiter(-2.0, 3.0), 0.0);
  EXPECT_DOUBLE_EQ(mc_select(-0.3, -0.5), -0.4);  // branch-free twin
  // A depth next to a doubled boundary difference: the slope is clamped to 2 h.
  const Primitive ghost_like{0.0, 0, 0, 0.0}, c{0.1, 0, 0, 0.1}, p{1.0, 0, 0, 1.0};
  const Slopes s = limited_slopes(beyond_face(ghost_like, c), c, p);
  EXPECT_LE(s.h, 0.2 + 1e-15);
  EXPECT_GE(face_value(c, s, -1).h, 0.0);
}

TEST(Limiter, VanLeerIsTvdAndHarmonic) {
  EXPECT_DOUBLE_EQ(van_leer_limiter(1.0, 1.0), 1.0);  // linear data: exact slope
  EXPECT_DOUBLE_EQ(van_leer_limiter(0.3, 0.6), 0.4);  // harmonic mean 2ab/(a+b)
  EXPECT_LT(van_leer_limiter(0.1, 5.0), 0.2);         // below twice the smaller one
  EXPECT_DOUBLE_EQ(van_leer_limiter(0.0, 5.0), 0.0);  // extremum: no slope
  EXPECT_DOUBLE_EQ(van_leer_limiter(-2.0, 3.0), 0.0);
  EXPECT_DOUBLE_EQ(van_leer_limiter(-0.3, -0.6), -0.4);
  EXPECT_DOUBLE_EQ(van_leer_select(-0.3, -0.6), -0.4);  // branch-free twin
  EXPECT_EQ(van_leer_select(2.0, -2.0), 0.0);           // a + b = 0: no division by zero
  EXPECT_EQ(van_leer_select(0.0, 0.0), 0.0);
  // Between minmod and MC: never steeper than MC, never flatter than minmod.
  for (const double a : {0.1, 0.5, 1.0, 3.0}) {
    for (const double b : {0.2, 1.0, 7.0}) {
      EXPECT_LE(van_leer_limiter(a, b), mc_limiter(a, b) + 1e-15);
      EXPECT_GE(van_leer_limiter(a, b), minmod(a, b) - 1e-15);
    }
  }
  EXPECT_EQ(limit(Limiter::minmod, 0.3, 0.5), 0.3);
  EXPECT_EQ(limit(Limiter::mc, 0.3, 0.5), mc_limiter(0.3, 0.5));
}
