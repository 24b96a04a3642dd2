// [[channel]] in scenario files end to end (driver::prepare): the bed and Manning n of the
// burnt cells, an inflow into a channel at a chainage, and errors naming file and line.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "driver/forecast.hpp"
#include "scenarios/scenario.hpp"
#include "solver/error.hpp"
#include "terrain/channel_burn.hpp"
#include "terrain/raster.hpp"

namespace fs = std::filesystem;
using namespace floodtwin;
using floodtwin::scenarios::load_scenario;

namespace {

const std::string demo = FLOODTWIN_DEMO_DIR;

class ChannelScenario : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("floodtwin_channel_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string write_file(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return (dir_ / name).string();
  }
  /// The demo terrain at 900 m cells for 20 min, and `body`.
  std::string scenario(const std::string& body) {
    return write_file("s.toml",
                      "[simulation]\nduration = \"20min\"\noutput_interval = \"10min\"\n"
                      "[terrain]\nelevation = \"" +
                          demo +
                          "/srtm_bigtujunga30m_utm11.tif\"\ncell_size = 900\n"
                          "manning = 0.05\n" +
                          body);
  }
  template <class E, class F>
  static std::string error_of(F f) {
    try {
      f();
    } catch (const E& e) {
      return e.what();
    }
    ADD_FAILURE() << "expected an exception";
    return "";
  }
  fs::path dir_;
};

constexpr const char* river =
    "[[channel]]\nname = \"river\"\nvertices = [[380000, 3798000], [405000, 3800000], "
    "[410000, 3795000]]\nwidth = 20\ndepth = 3\nmanning = 0.035\nmodel = \"burn\"\n";

}  // namespace

TEST_F(ChannelScenario, BurnsBedAndManningAndFeedsTheChannel) {
  write_file("q.csv", "time,q\n0,0\n300,40\n900,0\n1200,0\n");
  const auto path = scenario(std::string(river) +
                             "[[point_source]]\nname = \"tributary\"\nchannel = \"river\"\n"
                             "chainage = 12000\nseries = \"q.csv\"\n");
  driver::Forecast f = driver::prepare(load_scenario(path));
  const solver::Simulation& sim = *f.sim;
  const solver::Grid& g = sim.grid();
  // The same burn on the bare DEM, independently.
  terrain::ElevationOptions eo;
  eo.cell_size_x = 900;
  terrain::Raster dem = terrain::load_elevation(demo + "/srtm_bigtujunga30m_utm11.tif", eo);
  const std::vector<Real> bare = dem.values;
  terrain::ChannelSpec spec;
  spec.name = "river";
  spec.line = {{380000, 3798000}, {405000, 3800000}, {410000, 3795000}};
  spec.width = 20;
  spec.depth = 3;
  spec.manning = 0.035;
  std::vector<Real> n(g.cell_count(), Real(0.05));
  std::vector<std::uint8_t> claimed(g.cell_count(), 0);
  const auto r = terrain::burn_channel(g, dem.values, n, claimed, spec);
  ASSERT_GT(r.cells.size(), 30u);
  const std::vector<Real> z = sim.elevation();
  for (const auto& c : r.cells) {
    const auto k = static_cast<std::size_t>(c.j * g.nx + c.i);
    EXPECT_DOUBLE_EQ(z[k], bare[k] - 3);
    // n = n_ch (dx / w) ((w + 2 d) / w)^(2/3) sqrt(L_true / L_path)
    const double expect =
        0.035 * (900.0 / 20) * std::pow(26.0 / 20, 2.0 / 3) * std::sqrt(c.length_ratio);
    EXPECT_NEAR(sim.manning()[g.index(c.i, c.j)], expect, 1e-12);
  }
  // Everything else untouched.
  std::size_t changed = 0;
  for (std::size_t k = 0; k < z.size(); ++k) changed += z[k] != bare[k] ? 1 : 0;
  EXPECT_EQ(changed, r.cells.size());
  // The tributary enters at the channel cell nearest chainage 12 km.
  ASSERT_EQ(sim.point_sources().size(), 1u);
  const auto& src = sim.point_sources().front();
  const auto& at = r.at_chainage(12000);
  EXPECT_EQ(src.i, at.i);
  EXPECT_EQ(src.j, at.j);
  EXPECT_LT(std::abs(at.chainage - 12000), 900);
  bool noted = false;
  for (const auto& note : f.notes) noted = noted || note.find("channel 'river': ") == 0;
  EXPECT_TRUE(noted);
  // Volume in = the hydrograph's integral: 40 m3/s triangle over 900 s = 18000 m3.
  f.sim->advance_to(1200);
  EXPECT_NEAR(f.sim->mass_balance().point_in, 18000.0, 1e-6);
}

// The default model: a sub-grid channel; the DEM stays, the tributary enters the channel,
// the run notes say so, and the balance closes with the channel's volume.
TEST_F(ChannelScenario, SubgridChannelByDefault) {
  write_file("q.csv", "time,q\n0,0\n300,40\n900,0\n1200,0\n");
  const auto path = scenario(
      "[[channel]]\nname = \"river\"\nvertices = [[380000, 3798000], [405000, 3800000], "
      "[410000, 3795000]]\nwidth = 20\ndepth = 3\nmanning = 0.035\n"
      "[[point_source]]\nname = \"tributary\"\nchannel = \"river\"\n"
      "chainage = 12000\nseries = \"q.csv\"\n");
  driver::Forecast f = driver::prepare(load_scenario(path));
  const solver::Simulation& sim = *f.sim;
  ASSERT_NE(sim.channels(), nullptr);
  EXPECT_GT(sim.channels()->cells().size(), 30u);
  terrain::ElevationOptions eo;
  eo.cell_size_x = 900;
  const terrain::Raster dem =
      terrain::load_elevation(demo + "/srtm_bigtujunga30m_utm11.tif", eo);
  const std::vector<Real> z = sim.elevation();
  for (std::size_t k = 0; k < z.size(); ++k) {
    if (!std::isnan(z[k])) {
      EXPECT_EQ(z[k], dem.values[k]);
    }
  }
  const auto& src = sim.point_sources().front();
  EXPECT_GE(sim.channels()->find(sim.grid().index(src.i, src.j)), 0);
  bool noted = false;
  for (const auto& note : f.notes) noted = noted || note.find("channel 'river' (sub-grid): ") == 0;
  EXPECT_TRUE(noted);
  f.sim->advance_to(1200);
  const solver::MassBalance mb = f.sim->mass_balance();
  EXPECT_NEAR(mb.point_in, 18000.0, 1e-6);
  EXPECT_LT(mb.relative_error(), 1e-12);
  const std::string dd = error_of<ConfigError>([&] {
    load_scenario(scenario("[[channel]]\nvertices = [[380000, 3798000], [405000, 3800000]]\n"
                           "width = 10\ndepth = 2\ndesign_depth = 1\n"));
  });
  EXPECT_NE(dd.find("s.toml:12: [channel] design_depth: applies with model = \"burn\""),
            std::string::npos)
      << dd;
  const std::string bad = error_of<ConfigError>([&] {
    load_scenario(scenario("[[channel]]\nvertices = [[380000, 3798000], [405000, 3800000]]\n"
                           "width = 10\ndepth = 2\nmodel = \"carve\"\n"));
  });
  EXPECT_NE(bad.find("s.toml:12: [channel] model:"), std::string::npos) << bad;
}

TEST_F(ChannelScenario, CentrelineFromAnOgrFileEqualsInlineVertices) {
  write_file("river.geojson",
             "{\"type\": \"FeatureCollection\", \"crs\": {\"type\": \"name\", \"properties\": "
             "{\"name\": \"EPSG:32611\"}}, \"features\": [{\"type\": \"Feature\", "
             "\"properties\": {}, \"geometry\": {\"type\": \"LineString\", \"coordinates\": "
             "[[380000, 3798000], [405000, 3800000], [410000, 3795000]]}}]}\n");
  const auto a = scenario(river);
  driver::Forecast fa = driver::prepare(load_scenario(a));
  const auto b = scenario(
      "[[channel]]\nname = \"river\"\nline = \"river.geojson\"\nwidth = 20\ndepth = 3\n"
      "manning = 0.035\nmodel = \"burn\"\n");
  driver::Forecast fb = driver::prepare(load_scenario(b));
  const auto za = fa.sim->elevation(), zb = fb.sim->elevation();
  ASSERT_EQ(za.size(), zb.size());
  for (std::size_t k = 0; k < za.size(); ++k) {
    if (!std::isnan(za[k])) {
      EXPECT_EQ(za[k], zb[k]) << k;
    }
  }
  const solver::Grid& g = fa.sim->grid();
  for (int j = 0; j < g.ny; ++j) {
    for (int i = 0; i < g.nx; ++i) {
      EXPECT_EQ(fa.sim->manning()[g.index(i, j)], fb.sim->manning()[g.index(i, j)]);
    }
  }
  const std::string missing = error_of<ConfigError>([&] {
    load_scenario(scenario("[[channel]]\nline = \"nope.gpkg\"\nwidth = 20\ndepth = 3\n"));
  });
  EXPECT_NE(missing.find("s.toml:9: [channel] line:"), std::string::npos) << missing;
}

TEST_F(ChannelScenario, BreachingIsNotedAndFillTakesTheRest) {
  const auto path = scenario("condition = \"fill+breach\"\nbreach_max_depth = 3\n");
  const driver::Forecast f = driver::prepare(load_scenario(path));
  std::string breach, fill;
  for (const auto& n : f.notes) {
    if (n.rfind("terrain conditioning (breach): ", 0) == 0) breach = n;
    if (n.rfind("terrain conditioning (fill): ", 0) == 0) fill = n;
  }
  EXPECT_NE(breach.find("depressions breached"), std::string::npos) << breach;
  EXPECT_FALSE(fill.empty());
}

TEST_F(ChannelScenario, ProfileFileAndPerVertexProfile) {
  write_file("p.csv", "chainage,width,bed\n0,15,900\n40000,25,500\n");
  const auto a = scenario(
      "[[channel]]\nname = \"a\"\nvertices = [[380000, 3798000], [405000, 3800000]]\n"
      "profile = \"p.csv\"\nmodel = \"burn\"\n");
  driver::Forecast fa = driver::prepare(load_scenario(a));
  const auto b = scenario(
      "[[channel]]\nname = \"a\"\nvertices = [[380000, 3798000, 15, 900], "
      "[419872.611141445, 3801189.8088913155, 25, 500]]\nmodel = \"burn\"\n");
  driver::Forecast fb = driver::prepare(load_scenario(b));
  // Same centreline direction and profile per chainage (the second's vertex 2 lies on the
  // first's line extended to 40 km): the same beds and n wherever the first burns.
  const auto za = fa.sim->elevation(), zb = fb.sim->elevation();
  std::size_t compared = 0;
  for (std::size_t k = 0; k < za.size(); ++k) {
    if (std::isnan(za[k])) continue;
    const int i = static_cast<int>(k) % fa.sim->grid().nx;
    // Away from the first line's end, which its length-ratio window reaches.
    if (fa.sim->grid().x_center(i) > 400000) continue;
    EXPECT_NEAR(za[k], zb[k], 1e-6);
    compared += 1;
  }
  EXPECT_GT(compared, 100u);
}

TEST_F(ChannelScenario, BadInputNamesFileAndLine) {
  const std::string zero = error_of<ConfigError>([&] {
    load_scenario(
        scenario("[[channel]]\nvertices = [[380000, 3798000], [405000, 3800000]]\n"
                 "width = 0\ndepth = 2\n"));
  });
  EXPECT_NE(zero.find("s.toml:10: [channel] width: expected a width > 0 m"), std::string::npos)
      << zero;
  const std::string key = error_of<ConfigError>([&] {
    load_scenario(
        scenario("[[channel]]\nvertices = [[380000, 3798000], [405000, 3800000]]\n"
                 "width = 10\ndepth = 2\nmanning_n = 0.03\n"));
  });
  EXPECT_NE(key.find("s.toml:12: unknown key 'manning_n' in [channel]; did you mean 'manning'?"),
            std::string::npos)
      << key;
  const std::string outside = error_of<InputError>([&] {
    driver::prepare(load_scenario(
        scenario("[[channel]]\nname = \"far\"\nvertices = [[0, 0], [1000, 1000]]\nwidth = 10\n"
                 "depth = 2\n")));
  });
  EXPECT_NE(outside.find("s.toml:8: [[channel]] 'far': the centreline"), std::string::npos)
      << outside;
  EXPECT_NE(outside.find("crosses no active cell"), std::string::npos) << outside;
  const std::string wide = error_of<InputError>([&] {
    driver::prepare(
        load_scenario(scenario("[[channel]]\nvertices = [[380000, 3798000], [405000, 3800000]]\n"
                               "width = 1000\ndepth = 2\n")));
  });
  EXPECT_NE(wide.find("s.toml:8: [[channel]] 'channel 1': width 1000 m exceeds the cell size"),
            std::string::npos)
      << wide;
  const std::string breach = error_of<ConfigError>(
      [&] { load_scenario(scenario("condition = \"fill\"\nbreach_max_depth = 2\n")); });
  EXPECT_NE(breach.find("s.toml:9: [terrain] breach_max_depth: applies with condition = "
                        "\"breach\" or \"fill+breach\""),
            std::string::npos)
      << breach;
  const std::string unknown = error_of<ConfigError>([&] {
    load_scenario(
        scenario(std::string(river) + "[[point_source]]\nchannel = \"rivr\"\nvalue = 1\n"));
  });
  EXPECT_NE(unknown.find("[point_source] channel: no [[channel]] named 'rivr'; channels: river"),
            std::string::npos)
      << unknown;
}
