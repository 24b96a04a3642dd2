// Flux kernels on hand-computed states.
#include <gtest/gtest.h>

#include <limits>

#include "solver/friction.hpp"
#include "solver/reconstruction.hpp"
#include "solver/riemann_hllc.hpp"

using namespace floodtwin::solver;

namespace {
constexpr Real g = 9.81;
}

TEST(Hllc, EqualStatesGiveThePhysicalFlux) {
  const Real h = 1.3, u = 0.7, v = -0.4;
  const FaceFlux f = hllc_flux(h, u, v, h, u, v, g);
  EXPECT_NEAR(f.mass, h * u, 1e-14);
  EXPECT_NEAR(f.momentum_left, h * u * u + 0.5 * g * h * h, 1e-13);
  EXPECT_NEAR(f.momentum_t, h * u * v, 1e-14);
}

TEST(Hllc, SupersonicStatesAreUpwinded) {
  const FaceFlux f = hllc_flux(0.5, 10.0, 1.0, 0.2, 9.0, 2.0, g);  // all waves move right
  EXPECT_DOUBLE_EQ(f.mass, 5.0);
  EXPECT_DOUBLE_EQ(f.momentum_left, 0.5 * 100 + 0.5 * g * 0.25);
  EXPECT_DOUBLE_EQ(f.momentum_t, 5.0);
}

TEST(Hllc, MirrorSymmetry) {
  // Swapping sides and reversing velocities reverses the mass flux and keeps the momentum flux.
  const FaceFlux a = hllc_flux(1.0, 0.3, 0.1, 0.4, -0.2, 0.5, g);
  const FaceFlux b = hllc_flux(0.4, 0.2, 0.5, 1.0, -0.3, 0.1, g);
  EXPECT_NEAR(a.mass, -b.mass, 1e-14);
  EXPECT_NEAR(a.momentum_left, b.momentum_left, 1e-13);
}

TEST(Hllc, DryStatesGiveNoFluxAndDryBedSpeeds) {
  const FaceFlux dry = hllc_flux(0, 0, 0, 0, 0, 0, g);
  EXPECT_EQ(dry.mass, 0);
  EXPECT_EQ(dry.momentum_left, 0);
  // Water at rest next to a dry bed flows into it (Ritter: positive mass flux).
  const FaceFlux f = hllc_flux(1.0, 0, 0, 0, 0, 0, g);
  EXPECT_GT(f.mass, 0);
  // The HLL mass flux with sL = -c, sR = 2c: (sL sR (0 - h)) / (sR - sL) = 2 c h / 3.
  EXPECT_NEAR(f.mass, 2 * std::sqrt(g) / 3, 1e-14);
}

TEST(Hydrostatic, LakeAtRestAcrossABedStep) {
  // Same free surface on both sides of a step: no mass flux, and each side feels its own
  // hydrostatic pressure, which balances the bed-slope force in the cell.
  const FaceState L{1.0, 0, 0, 0.0};
  const FaceState R{0.6, 0, 0, 0.4};
  const FaceFlux f = hydrostatic_flux(L, R, g);
  EXPECT_EQ(f.mass, 0);
  EXPECT_NEAR(f.momentum_left, 0.5 * g * 1.0, 1e-14);
  EXPECT_NEAR(f.momentum_right, 0.5 * g * 0.36, 1e-14);
}

TEST(Hydrostatic, EmergedStepBlocksWater) {
  const FaceState L{0.3, 0, 0, 0.0};
  const FaceState R{0.0, 0, 0, 0.5};  // dry bank higher than the water
  const FaceFlux f = hydrostatic_flux(L, R, g);
  EXPECT_EQ(f.mass, 0);
  EXPECT_NEAR(f.momentum_left, 0.5 * g * 0.09, 1e-15);
  EXPECT_EQ(f.momentum_right, 0);
}

TEST(Walls, WallAndDischargeFluxes) {
  const FaceFlux w = wall_flux(2.0, g);
  EXPECT_EQ(w.mass, 0);
  EXPECT_DOUBLE_EQ(w.momentum_left, 0.5 * g * 4);
  // Inflow onto a dry bed enters at critical depth.
  const Real q = 2.0;
  const FaceFlux d = discharge_flux(q, 0.0, g);
  const Real hc = std::cbrt(q * q / g);
  EXPECT_DOUBLE_EQ(d.mass, q);
  EXPECT_NEAR(d.momentum_left, q * q / hc + 0.5 * g * hc * hc, 1e-12);
}

TEST(Reconstruction, MinmodAndFaceValues) {
  EXPECT_EQ(minmod(1.0, -2.0), 0.0);
  EXPECT_EQ(minmod(1.0, 2.0), 1.0);
  EXPECT_EQ(minmod(-3.0, -2.0), -2.0);
  const Primitive m{1.0, 0.0, 0.0, 2.0}, c{1.2, 0.1, 0.0, 2.1}, p{1.5, 0.3, 0.0, 2.3};
  // MC: h slope min(0.4, 0.6, 0.25), eta slope min(0.2, 0.4, 0.15).
  EXPECT_EQ(mc_limiter(1.0, -2.0), 0.0);
  EXPECT_NEAR(mc_limiter(1.0, 2.0), 1.5, 1e-15);
  EXPECT_NEAR(mc_limiter(-0.1, -3.0), -0.2, 1e-15);
  const Slopes s = limited_slopes(m, c, p, Limiter::mc);
  const FaceValues e = face_value(c, s, +1);
  EXPECT_NEAR(e.h, 1.325, 1e-15);
  EXPECT_NEAR(e.z, 2.1 + 0.075 - 1.325, 1e-15);
  // van Leer (the default): h slope 2 (0.2)(0.3) / 0.5 = 0.24, eta slope 2 (0.1)(0.2) / 0.3.
  const FaceValues f = face_value(c, limited_slopes(m, c, p), +1);
  EXPECT_NEAR(f.h, 1.32, 1e-15);
  EXPECT_NEAR(f.z, 2.1 + 0.04 / 0.6 - 1.32, 1e-15);
  // A lake at rest (constant eta) reconstructs a flat surface.
  const Primitive a{1.0, 0, 0, 3.0}, b{0.5, 0, 0, 3.0}, d{0.8, 0, 0, 3.0};
  EXPECT_EQ(limited_slopes(a, b, d).eta, 0.0);
}

TEST(Friction, ImplicitManningSolvesBackwardEuler) {
  const Real h = 0.5, q = 1.0, n = 0.03, dt = 10.0;
  const Real f = manning_factor(h, q, n, g, dt);
  const Real qn = f * q;
  // Backward Euler: qn + dt g n^2 qn^2 / h^(7/3) = q.
  EXPECT_NEAR(qn + dt * g * n * n * qn * qn / std::pow(h, 7.0 / 3.0), q, 1e-12);
  EXPECT_GT(f, 0);
  EXPECT_LT(f, 1);
  EXPECT_EQ(manning_factor(h, q, 0.0, g, dt), 1.0);
  // Thin sheet, huge step: the flow slows but never reverses.
  const Real thin = manning_factor(1e-5, 1e-4, 0.1, g, 1e3);
  EXPECT_GT(thin, 0);
  EXPECT_LT(thin, 1e-3);
}

TEST(Friction, FastInverseCubeRootIsAccurate) {
  double worst = 0;
  for (double x = 1e-9; x < 1e6; x *= 1.001) {
    const double exact = 1 / std::cbrt(x);
    worst = std::max(worst, std::abs(inv_cbrt_positive(x) - exact) / exact);
  }
  EXPECT_LT(worst, 5 * std::numeric_limits<double>::epsilon());
  // The friction term's h^(-7/3) from it (y^7): within 16 ulp of the exact power.
  worst = 0;
  for (double x = 1e-9; x < 1e6; x *= 1.001) {
    const double y = inv_cbrt_positive(x);
    const double y2 = y * y;
    const long double exact = std::pow(static_cast<long double>(x), -7.0L / 3.0L);
    worst = std::max(worst, static_cast<double>(std::abs((y2 * y2) * (y2 * y) / exact - 1)));
  }
  EXPECT_LT(worst, 16 * std::numeric_limits<double>::epsilon());
}
