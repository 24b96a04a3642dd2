// The ensemble's pure parts: seeded draws (their distribution, by a Kolmogorov-Smirnov test
// with a fixed seed; their independence of the member count), numpy's linear quantile, the
// products from members given by hand, and the [ensemble] table's errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <string>
#include <vector>

#include "ensemble/ensemble.hpp"
#include "ensemble/sampling.hpp"
#include "ensemble/spec.hpp"
#include "solver/error.hpp"

namespace ens = floodtwin::ensemble;

namespace {

double normal_cdf(double z) { return 0.5 * std::erfc(-z / std::numbers::sqrt2); }

/// The Kolmogorov-Smirnov statistic of `x` against `cdf`.
template <class Cdf>
double ks_statistic(std::vector<double> x, Cdf cdf) {
  std::sort(x.begin(), x.end());
  const double n = static_cast<double>(x.size());
  double d = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double f = cdf(x[i]);
    d = std::max({d, static_cast<double>(i + 1) / n - f, f - static_cast<double>(i) / n});
  }
  return d;
}

std::vector<double> draws(const ens::Distribution& d, const std::string& key, int n,
                          std::uint64_t seed = 42) {
  std::vector<double> out;
  for (int k = 0; k < n; ++k) out.push_back(ens::draw(d, seed, static_cast<std::uint64_t>(k), key));
  return out;
}

// Critical value of the one-sample KS statistic at alpha = 0.01 for large n: 1.628 / sqrt(n).
double ks_critical(int n) { return 1.628 / std::sqrt(static_cast<double>(n)); }

ens::EnsembleSpec spec_of(const std::string& table) {
  floodtwin::scenarios::Scenario s;
  s.file = "/tmp/scenario.toml";
  s.dir = "/tmp";
  s.text = "[simulation]\nduration = 60\n\n" + table;  // [ensemble] starts on line 4
  s.rain_uniform = "/tmp/rain.csv";
  s.infiltration_model = "green-ampt";
  return ens::load_ensemble_spec(s);
}

std::string error_of(const std::string& table) {
  try {
    spec_of(table);
  } catch (const floodtwin::ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST(EnsembleSampling, LognormalFollowsItsDistribution) {
  const ens::Distribution d{ens::Distribution::Kind::lognormal, 1.0, 0.3};
  const auto x = draws(d, "rain_factor", 2000);
  const double ks = ks_statistic(x, [](double v) { return normal_cdf(std::log(v / 1.0) / 0.3); });
  EXPECT_LT(ks, ks_critical(2000));
  // A wrong distribution is detected: the same draws against a sigma of 0.4.
  EXPECT_GT(ks_statistic(x, [](double v) { return normal_cdf(std::log(v) / 0.4); }),
            ks_critical(2000));
}

TEST(EnsembleSampling, NormalAndUniformFollowTheirDistributions) {
  const ens::Distribution n{ens::Distribution::Kind::normal, 300.0, 900.0};
  const auto x = draws(n, "rain_shift", 2000, 7);
  EXPECT_LT(ks_statistic(x, [](double v) { return normal_cdf((v - 300.0) / 900.0); }),
            ks_critical(2000));
  const ens::Distribution u{ens::Distribution::Kind::uniform, 0.8, 1.2};
  const auto y = draws(u, "manning_factor", 2000, 11);
  EXPECT_LT(ks_statistic(y, [](double v) { return std::clamp((v - 0.8) / 0.4, 0.0, 1.0); }),
            ks_critical(2000));
  for (const double v : y) {
    EXPECT_GE(v, 0.8);
    EXPECT_LE(v, 1.2);
  }
  EXPECT_GT(ks_statistic(y, [](double v) { return std::clamp((v - 0.7) / 0.5, 0.0, 1.0); }),
            ks_critical(2000));
}

TEST(EnsembleSampling, DrawsDependOnSeedMemberAndParameterOnly) {
  const ens::Distribution d{ens::Distribution::Kind::uniform, 0.0, 1.0};
  // SplitMix64 reference: the first output of a generator seeded with 0 (Vigna's splitmix64.c).
  EXPECT_EQ(ens::mix64(0x9E3779B97F4A7C15ULL), 0xE220A8397B1DCDAFULL);
  const double a = ens::draw(d, 42, 3, "rain_factor");
  EXPECT_EQ(a, ens::draw(d, 42, 3, "rain_factor"));
  EXPECT_NE(a, ens::draw(d, 43, 3, "rain_factor"));
  EXPECT_NE(a, ens::draw(d, 42, 4, "rain_factor"));
  EXPECT_NE(a, ens::draw(d, 42, 3, "manning_factor"));
  // Member 3 of a 4-member and of a 20-member ensemble: the same perturbations.
  const ens::EnsembleSpec s4 = spec_of(
      "[ensemble]\nmembers = 4\nseed = 42\n"
      "rain_factor = { distribution = \"lognormal\", median = 1.0, sigma = 0.3 }\n"
      "manning_factor = { distribution = \"uniform\", min = 0.8, max = 1.2 }\n");
  ens::EnsembleSpec s20 = s4;
  s20.members = 20;
  const ens::Member m4 = ens::draw_member(s4, 3), m20 = ens::draw_member(s20, 3);
  EXPECT_EQ(m4.rain_factor, m20.rain_factor);
  EXPECT_EQ(m4.manning_factor, m20.manning_factor);
  EXPECT_EQ(m4.rain_factor, 1.0 * std::exp(0.3 * ens::Stream(42, 3, "rain_factor").normal()));
}

TEST(EnsembleProducts, LinearQuantileIsNumpys) {
  // numpy.quantile([1, 2, 4, 8], [0, 0.1, 0.5, 0.9, 1]) = [1, 1.3, 3, 6.8, 8]
  const std::vector<double> v{1, 2, 4, 8};
  EXPECT_EQ(ens::linear_quantile(v, 0.0), 1.0);
  EXPECT_EQ(ens::linear_quantile(v, 0.5), 3.0);
  EXPECT_EQ(ens::linear_quantile(v, 1.0), 8.0);
  EXPECT_EQ(ens::linear_quantile(v, 0.1), 1.0 + (2.0 - 1.0) * (3 * 0.1));  // gamma < 0.5
  const double vi = 3 * 0.9, g = vi - std::floor(vi);
  EXPECT_EQ(ens::linear_quantile(v, 0.9), 8.0 - (8.0 - 4.0) * (1 - g));  // gamma >= 0.5
  EXPECT_EQ(ens::linear_quantile({5.0}, 0.3), 5.0);
}

TEST(EnsembleProducts, ByHand) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  std::vector<ens::MemberResult> m(4);
  const float depth[4] = {0.05f, 0.2f, 0.4f, 1.5f};
  const float arrival[4] = {nan, 600, 300, 120};
  for (int k = 0; k < 4; ++k) {
    m[static_cast<std::size_t>(k)].index = k;
    m[static_cast<std::size_t>(k)].max_depth = {depth[k], nan};
    m[static_cast<std::size_t>(k)].arrival_time = {arrival[k], nan};
    m[static_cast<std::size_t>(k)].gauge_time = {0, 60};
    m[static_cast<std::size_t>(k)].gauge_depth = {0, 0.1 * k};
    m[static_cast<std::size_t>(k)].gauge_water_level = {1, 1 + 0.1 * k};
  }
  const ens::Products p = ens::compute_products(m, {0.1, 0.3, 1.0}, {0.5, 0.9});
  EXPECT_EQ(p.exceedance[0], 0.75);
  EXPECT_EQ(p.exceedance[2], 0.5);
  EXPECT_EQ(p.exceedance[4], 0.25);
  EXPECT_TRUE(std::isnan(p.exceedance[1]));  // inactive cell
  EXPECT_EQ(p.max_depth_quantile[0], ens::linear_quantile({0.05f, 0.2f, 0.4f, 1.5f}, 0.5));
  // arrival: 120, 300, 600, +inf; the median 450; the 0.9 quantile involves +inf: NaN.
  EXPECT_EQ(p.arrival_time_quantile[0], 450.0);
  EXPECT_TRUE(std::isnan(p.arrival_time_quantile[2]));
  EXPECT_EQ(p.gauge_depth.size(), 8u);
  EXPECT_EQ(p.gauge_depth[7], 0.1 * 3);
  m[2].gauge_time = {0, 30};
  EXPECT_THROW(ens::compute_products(m, {0.1}, {0.5}), floodtwin::InputError);
}

TEST(EnsembleSpec, Contract) {
  const ens::EnsembleSpec s = spec_of(
      "[ensemble]\nmembers = 20\nseed = 42\n"
      "rain_factor = { distribution = \"lognormal\", median = 1.0, sigma = 0.3 }\n"
      "manning_factor = { distribution = \"uniform\", min = 0.8, max = 1.2 }\n"
      "ks_factor = 2\n"
      "thresholds = [0.1, 0.3, 1.0]\nquantiles = [0.1, 0.5, 0.9]\n");
  EXPECT_EQ(s.members, 20);
  EXPECT_EQ(s.seed, 42u);
  ASSERT_EQ(s.perturbations.size(), 3u);
  EXPECT_EQ(s.find("ks_factor")->distribution.a, 2.0);
  EXPECT_EQ(s.thresholds, (std::vector<double>{0.1, 0.3, 1.0}));
}

TEST(EnsembleSpec, BadSettingsNameFileLineAndKey) {
  EXPECT_NE(error_of("[ensemble]\nmembers = 0\n")
                .find("/tmp/scenario.toml:5: [ensemble] members: "
                      "expected 1 to 100000 members, got 0"),
            std::string::npos);
  EXPECT_NE(error_of("[ensemble]\nmembers = 3\nrain_factor = { distribution = \"lognormal\", "
                     "median = 1.0, sigma = -0.3 }\n")
                .find("/tmp/scenario.toml:6: [ensemble] rain_factor: sigma must be >= 0"),
            std::string::npos);
  EXPECT_NE(error_of("[ensemble]\nmembers = 3\nmanning_factor = { distribution = \"uniform\", "
                     "min = 1.2, max = 0.8 }\n")
                .find(":6: [ensemble] manning_factor: min (1.2) must not exceed max (0.8)"),
            std::string::npos);
  EXPECT_NE(error_of("[ensemble]\nmembers = 3\nrain_factor = { distribution = \"gamma\" }\n")
                .find(":6: [ensemble] rain_factor: unknown distribution \"gamma\""),
            std::string::npos);
  EXPECT_NE(error_of("[ensemble]\nmembers = 3\nrain_factor = { distribution = \"normal\", "
                     "mean = 1, sigma = 0.1 }\n")
                .find("unknown parameter 'sigma' of a normal distribution; expected mean, sd"),
            std::string::npos);
  EXPECT_NE(error_of("[ensemble]\nmembers = 3\nrain_facter = 1.2\n")
                .find("did you mean "
                      "'rain_factor'"),
            std::string::npos);
  EXPECT_NE(error_of("[ensemble]\nseed = 3\n").find("[ensemble] is missing 'members'"),
            std::string::npos);
  EXPECT_NE(error_of("[ensemble]\nmembers = 3\ncurve_number_factor = 1.1\n")
                .find("curve_number_factor: needs [infiltration] model = \"scs-cn\""),
            std::string::npos);
  EXPECT_NE(error_of("[ensemble]\nmembers = 3\nquantiles = [0.5, 0.1]\n").find("must increase"),
            std::string::npos);
  // A normal factor whose draw is negative is refused for that member, naming it.
  const ens::EnsembleSpec s = spec_of(
      "[ensemble]\nmembers = 50\nrain_factor = { distribution = \"normal\", mean = 0.1, sd = "
      "1.0 }\n");
  bool refused = false;
  for (int k = 0; k < 50 && !refused; ++k) {
    try {
      ens::draw_member(s, k);
    } catch (const floodtwin::ConfigError& e) {
      refused =
          std::string(e.what()).find(":6: [ensemble] rain_factor: member ") != std::string::npos;
    }
  }
  EXPECT_TRUE(refused);
}

// The per-zone summary lines of `floodtwin ensemble` and of a cycle's ensemble: probability,
// members reaching the level and the median (numpy linear) of their first-crossing times, by
// hand; a level the zone does not have gets no line.
TEST(EnsembleProducts, ZoneSummaryLines) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  ens::Products p;
  p.zone_id = {"A", "B"};
  p.zone_name = {"Alpha", "B"};
  p.levels = {"watch", "warning"};
  // [zone][level]; B has no warning level.
  p.zone_level_probability = {0.75, 0.0, 0.25, nan};
  // [member][zone][level], 4 members.
  p.zone_first_crossing_time = {600,  nan, 1800, nan,   // member 0
                                900,  nan, nan,  nan,   // member 1
                                nan,  nan, nan,  nan,   // member 2
                                4200, nan, nan,  nan};  // member 3
  const auto lines = ens::zone_summary_lines(p);
  ASSERT_EQ(lines.size(), 3u);
  // Median of {600, 900, 4200}: 900 s; of {1800}: 1800 s.
  EXPECT_EQ(lines[0],
            "zone A (Alpha) watch: probability 0.75 (3 of 4 members), median first crossing "
            "15m00s after the start");
  EXPECT_EQ(lines[1], "zone A (Alpha) warning: probability 0 (0 of 4 members), not reached");
  EXPECT_EQ(lines[2],
            "zone B watch: probability 0.25 (1 of 4 members), median first crossing 30m00s "
            "after the start");
  // Relative to T0 (a cycle, T0 = 1200 s); an even count interpolates (numpy linear): the
  // median of {1800, 2100} is 1950 s, 750 s after T0.
  p.zone_first_crossing_time[(1 * 2 + 1) * 2 + 0] = 2100;  // member 1, zone B, watch
  p.zone_level_probability[2] = 0.5;
  const auto cycle = ens::zone_summary_lines(p, 1200, "T0");
  ASSERT_EQ(cycle.size(), 3u);
  EXPECT_EQ(cycle[2],
            "zone B watch: probability 0.5 (2 of 4 members), median first crossing 12m30s "
            "after T0");
  EXPECT_TRUE(ens::zone_summary_lines(ens::Products{}).empty());
}
