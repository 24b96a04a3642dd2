/// @file test_impacts_inputs.cpp
/// The GDAL/CSV edge of impacts/: bad zone files, unknown zone ids, non-monotone curves, CRS
/// mismatches and bad buildings are refused naming the file, the line (or feature) and the
/// value; a failed run writes nothing and leaves an earlier impacts folder as it was.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "impacts/inputs.hpp"
#include "impacts/run.hpp"
#include "io/io_testing.hpp"
#include "io/results_writer.hpp"
#include "scenarios/scenario.hpp"
#include "solver/error.hpp"
#include "solver/flood_maps.hpp"

namespace fi = floodtwin::impacts;
namespace fs = std::filesystem;
using floodtwin::testing::TempDir;
using floodtwin::testing::utm11_wkt;

namespace {

/// 20 x 10 cells of 10 m, north-west corner (500000, 4200000), UTM 11N.
const fi::GridGeometry grid{20, 10, 10.0, 10.0, 500000.0, 4200000.0};

std::string write(const fs::path& path, const std::string& text) {
  std::ofstream(path) << text;
  return path.string();
}

const char* utm_crs =
    R"("crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32611"}},)";

std::string square(double x0, double y0, double x1, double y1) {
  return "[[[" + std::to_string(x0) + "," + std::to_string(y0) + "],[" + std::to_string(x1) + "," +
         std::to_string(y0) + "],[" + std::to_string(x1) + "," + std::to_string(y1) + "],[" +
         std::to_string(x0) + "," + std::to_string(y1) + "],[" + std::to_string(x0) + "," +
         std::to_string(y0) + "]]]";
}

std::string feature(const std::string& props, const std::string& type, const std::string& coords) {
  return R"({"type": "Feature", "properties": {)" + props + R"(}, "geometry": {"type": ")" + type +
         R"(", "coordinates": )" + coords + "}}";
}

std::string collection(const std::vector<std::string>& features, bool utm = true) {
  std::string s =
      R"({"type": "FeatureCollection", )" + std::string(utm ? utm_crs : "") + R"( "features": [)";
  for (std::size_t k = 0; k < features.size(); ++k) s += (k ? "," : "") + features[k];
  return s + "]}";
}

/// Two zones: A over columns 0-9, B over columns 10-19.
std::string two_zones(const fs::path& dir) {
  return write(dir / "zones.geojson",
               collection({feature(R"("id": "A", "name": "Alpha")", "Polygon",
                                   square(500000, 4199900, 500100, 4200000)),
                           feature(R"("id": "B", "name": "Beta")", "Polygon",
                                   square(500100, 4199900, 500200, 4200000))}));
}

template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const floodtwin::Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST(ImpactsInputs, ZonesAreRasterisedByCellCentre) {
  TempDir dir("impacts_zones");
  const fi::Zones z = fi::load_zones(two_zones(dir.path), grid, utm11_wkt);
  ASSERT_EQ(z.size(), 2u);
  EXPECT_EQ(z.name[1], "Beta");
  for (int j = 0; j < grid.ny; ++j) {
    for (int i = 0; i < grid.nx; ++i) EXPECT_EQ(z.cell_zone[j * grid.nx + i], i < 10 ? 0 : 1);
  }
}

TEST(ImpactsInputs, BadZoneFilesNameFileFeatureAndValue) {
  TempDir dir("impacts_badzones");
  const auto no_id = write(
      dir.path / "noid.geojson",
      collection({feature(R"("name": "x")", "Polygon", square(500000, 4199900, 500100, 4200000))}));
  std::string e = error_of([&] { fi::load_zones(no_id, grid, utm11_wkt); });
  EXPECT_NE(e.find(no_id), std::string::npos) << e;
  EXPECT_NE(e.find("no attribute 'id'"), std::string::npos) << e;
  EXPECT_NE(e.find("name"), std::string::npos) << e;

  const auto line = write(dir.path / "line.geojson",
                          collection({feature(R"("id": "L")", "LineString",
                                              "[[500000, 4199950], [500100, 4199950]]")}));
  e = error_of([&] { fi::load_zones(line, grid, utm11_wkt); });
  EXPECT_NE(e.find(line + "' feature 0 (id 'L')"), std::string::npos) << e;
  EXPECT_NE(e.find("expected a polygon"), std::string::npos) << e;
  EXPECT_NE(e.find("Line String"), std::string::npos) << e;

  const auto dup = write(
      dir.path / "dup.geojson",
      collection({feature(R"("id": "A")", "Polygon", square(500000, 4199900, 500050, 4200000)),
                  feature(R"("id": "A")", "Polygon", square(500100, 4199900, 500150, 4200000))}));
  e = error_of([&] { fi::load_zones(dup, grid, utm11_wkt); });
  EXPECT_NE(e.find("feature 1: duplicate zone id 'A'"), std::string::npos) << e;

  const auto overlap = write(
      dir.path / "overlap.geojson",
      collection({feature(R"("id": "A")", "Polygon", square(500000, 4199900, 500100, 4200000)),
                  feature(R"("id": "B")", "Polygon", square(500050, 4199900, 500150, 4200000))}));
  e = error_of([&] { fi::load_zones(overlap, grid, utm11_wkt); });
  EXPECT_NE(e.find("(id 'B'): overlaps zone 'A'"), std::string::npos) << e;

  const auto missing = (dir.path / "missing.gpkg").string();
  e = error_of([&] { fi::load_zones(missing, grid, utm11_wkt); });
  EXPECT_NE(e.find(missing + "': cannot open"), std::string::npos) << e;
}

TEST(ImpactsInputs, CrsMismatchesAreRefused) {
  TempDir dir("impacts_crs");
  // UTM coordinates in a GeoJSON without a crs member are read as WGS 84: the zone lands far
  // from the grid, which is refused with both extents.
  const auto no_crs = write(
      dir.path / "nocrs.geojson",
      collection({feature(R"("id": "A")", "Polygon", square(500000, 4199900, 500100, 4200000))},
                 false));
  std::string e = error_of([&] { fi::load_zones(no_crs, grid, utm11_wkt); });
  EXPECT_NE(e.find(no_crs), std::string::npos) << e;
  EXPECT_NE(e.find("CRS"), std::string::npos) << e;
  // Degrees for a grid without a CRS.
  const auto lonlat = write(
      dir.path / "lonlat.geojson",
      collection({feature(R"("id": "A")", "Polygon", square(-117.1, 37.9, -117.0, 38.0))}, false));
  e = error_of([&] { fi::load_zones(lonlat, grid, ""); });
  EXPECT_NE(e.find(lonlat + "': CRS mismatch"), std::string::npos) << e;
  // Lon/lat zones over the grid are reprojected (the grid's corner is at about -117 E, 37.9 N).
  const auto ok =
      write(dir.path / "ok.geojson",
            collection({feature(R"("id": "A")", "Polygon", square(-117.01, 37.90, -116.99, 37.95))},
                       false));
  const fi::Zones z = fi::load_zones(ok, grid, utm11_wkt);
  EXPECT_EQ(z.size(), 1u);
}

TEST(ImpactsInputs, LevelsNameLineAndValue) {
  TempDir dir("impacts_levels");
  const fi::Zones z = fi::load_zones(two_zones(dir.path), grid, utm11_wkt);
  const std::vector<std::string> gauges{"bridge"};
  const auto ok = write(dir.path / "ok.csv",
                        "zone,level,indicator,value,gauge,duration\n"
                        "A,prepare,rain,20,,3h\nA,evacuate,gauge_depth,0.8,bridge,\n"
                        "B,alert,flooded_area,500,,\nB,alarm,max_depth,1,,\n");
  const auto rules = fi::load_levels(ok, z, gauges);
  ASSERT_EQ(rules.size(), 4u);
  EXPECT_EQ(rules[0].duration, 10800.0);
  EXPECT_EQ(rules[1].gauge, "bridge");
  EXPECT_EQ(rules[3].zone, 1u);
  EXPECT_EQ(rules[3].line, 5);

  const auto unknown =
      write(dir.path / "unknown.csv",
            "zone,level,indicator,value\nA,prepare,max_depth,0.5\nZ9,prepare,max_depth,0.5\n");
  std::string e = error_of([&] { fi::load_levels(unknown, z, gauges); });
  EXPECT_NE(e.find(unknown), std::string::npos) << e;
  EXPECT_NE(e.find("line 3"), std::string::npos) << e;
  EXPECT_NE(e.find("unknown zone id 'Z9'"), std::string::npos) << e;

  const auto bad_ind = write(dir.path / "ind.csv", "zone,level,indicator,value\nA,x,depth,1\n");
  e = error_of([&] { fi::load_levels(bad_ind, z, gauges); });
  EXPECT_NE(e.find("line 2"), std::string::npos) << e;
  EXPECT_NE(e.find("unknown indicator 'depth'"), std::string::npos) << e;

  const auto bad_gauge =
      write(dir.path / "gauge.csv", "zone,level,indicator,value,gauge\nA,x,gauge_depth,1,mill\n");
  e = error_of([&] { fi::load_levels(bad_gauge, z, gauges); });
  EXPECT_NE(e.find("unknown gauge 'mill' (the results have: bridge)"), std::string::npos) << e;

  const auto no_window = write(dir.path / "rain.csv", "zone,level,indicator,value\nA,x,rain,20\n");
  e = error_of([&] { fi::load_levels(no_window, z, gauges); });
  EXPECT_NE(e.find("rain needs a duration"), std::string::npos) << e;

  const auto bad_value =
      write(dir.path / "value.csv", "zone,level,indicator,value\nA,x,max_depth,deep\n");
  e = error_of([&] { fi::load_levels(bad_value, z, gauges); });
  EXPECT_NE(e.find("line 2"), std::string::npos) << e;
  EXPECT_NE(e.find("deep"), std::string::npos) << e;

  // depth_share: a share column in (0, 1], required for that indicator.
  const auto shares = write(dir.path / "shares.csv",
                            "zone,level,indicator,value,share\nA,x,depth_share,0.3,0.25\n"
                            "A,y,max_depth,1,\n");
  const auto share_rules = fi::load_levels(shares, z, gauges);
  ASSERT_EQ(share_rules.size(), 2u);
  EXPECT_EQ(share_rules[0].indicator, fi::Indicator::depth_share);
  EXPECT_EQ(share_rules[0].value, 0.3);
  EXPECT_EQ(share_rules[0].share, 0.25);
  const auto no_share =
      write(dir.path / "noshare.csv", "zone,level,indicator,value\nA,x,depth_share,0.3\n");
  e = error_of([&] { fi::load_levels(no_share, z, gauges); });
  EXPECT_NE(e.find("line 2"), std::string::npos) << e;
  EXPECT_NE(e.find("depth_share needs a share"), std::string::npos) << e;
  const auto big_share = write(dir.path / "bigshare.csv",
                               "zone,level,indicator,value,share\nA,x,depth_share,0.3,1.5\n");
  e = error_of([&] { fi::load_levels(big_share, z, gauges); });
  EXPECT_NE(e.find(big_share), std::string::npos) << e;
  EXPECT_NE(e.find("share must be in (0, 1], got 1.5"), std::string::npos) << e;

  const auto plan = write(dir.path / "plan.csv",
                          "zone,level,action,responsible,lead_time\nA,prepare,warn,mayor,1h\n"
                          "B,prepare,warn,mayor,1h\n");
  e = error_of([&] { fi::load_plan(plan, z, rules); });
  EXPECT_NE(e.find("line 3"), std::string::npos) << e;
  EXPECT_NE(e.find("zone 'B' has no level 'prepare'"), std::string::npos) << e;
}

TEST(ImpactsInputs, NonMonotoneCurvesAreRefused) {
  TempDir dir("impacts_curves");
  const auto ok = write(dir.path / "ok.csv",
                        "# mine\noccupancy,depth,fraction\nhouse,0,0\nhouse,1,0.5\nshed,0,0.1\n"
                        "house,2,0.5\n");
  const auto curves = fi::load_damage_curves(ok);
  ASSERT_EQ(curves.size(), 2u);
  EXPECT_EQ(curves[0].depth.size(), 3u);
  const auto depth = write(dir.path / "depth.csv",
                           "occupancy,depth,fraction\nhouse,0,0\nhouse,1,0.5\nhouse,0.8,0.6\n");
  std::string e = error_of([&] { fi::load_damage_curves(depth); });
  EXPECT_NE(e.find(depth), std::string::npos) << e;
  EXPECT_NE(e.find("line 4"), std::string::npos) << e;
  EXPECT_NE(e.find("not monotone: depth 0.8"), std::string::npos) << e;
  const auto frac = write(dir.path / "frac.csv",
                          "occupancy,depth,fraction\nhouse,0,0\nhouse,1,0.5\nhouse,2,0.4\n");
  e = error_of([&] { fi::load_damage_curves(frac); });
  EXPECT_NE(e.find("line 4"), std::string::npos) << e;
  EXPECT_NE(e.find("not monotone: fraction 0.4 at depth 2"), std::string::npos) << e;
  const auto range = write(dir.path / "range.csv", "occupancy,depth,fraction\nhouse,0,1.5\n");
  e = error_of([&] { fi::load_damage_curves(range); });
  EXPECT_NE(e.find("line 2"), std::string::npos) << e;
  EXPECT_NE(e.find("1.5"), std::string::npos) << e;
}

TEST(ImpactsInputs, BuildingsPointsAndFootprints) {
  TempDir dir("impacts_buildings");
  const auto path = write(
      dir.path / "b.geojson",
      collection(
          {feature(R"("occupancy": "residential", "value": 100, "floor_height": 0.3)", "Point",
                   "[500015, 4199985]"),
           feature(R"("occupancy": "commercial", "value": 200)", "Polygon",
                   square(500001, 4199961, 500029, 4199979)),
           feature(R"("occupancy": "residential", "value": 5)", "Point", "[600000, 4199985]")}));
  const auto b = fi::load_buildings(path, grid, utm11_wkt, fi::default_damage_curves());
  ASSERT_EQ(b.size(), 2u);      // the third lies outside the grid
  EXPECT_EQ(b.anchor[0], 21u);  // cell (1, 1)
  EXPECT_EQ(b.floor_height[0], 0.3);
  // The footprint holds the centres of the cells of columns 0-2 in rows 2 and 3.
  std::vector<std::uint32_t> cells(b.cells.begin() + b.offsets[1], b.cells.begin() + b.offsets[2]);
  EXPECT_EQ(cells, (std::vector<std::uint32_t>{40, 41, 42, 60, 61, 62}));
  EXPECT_EQ(b.curve[1], 1);

  const auto bad = write(
      dir.path / "bad.geojson",
      collection({feature(R"("occupancy": "castle", "value": 1)", "Point", "[500015, 4199985]")}));
  const std::string e =
      error_of([&] { fi::load_buildings(bad, grid, utm11_wkt, fi::default_damage_curves()); });
  EXPECT_NE(e.find(bad + "' feature 0: occupancy 'castle' has no damage curve"), std::string::npos)
      << e;
}

TEST(ImpactsInputs, FailedRunWritesNothingAndKeepsTheEarlierFolder) {
  TempDir dir("impacts_atomic");
  // A complete results file of the lake at rest (12 x 8 cells of 10 x 5 m at (500000, 4200000)).
  const fs::path results = dir.path / "lake.h5";
  {
    auto sim = floodtwin::testing::lake_at_rest();
    floodtwin::solver::FloodMaps maps(sim->grid(), 0.1);
    floodtwin::io::ResultsOptions ro;
    ro.crs_wkt = utm11_wkt;
    ro.start_time = "2024-01-01T00:00:00Z";
    floodtwin::io::ResultsWriter w(results, *sim, ro);
    maps.update(*sim, 0);
    w.write_snapshot(*sim, &maps);
    sim->advance_to(60);
    maps.update(*sim, 60);
    w.write_snapshot(*sim, &maps);
    w.finalize(&maps, 0.0);
  }
  floodtwin::scenarios::Scenario s;
  s.file = (dir.path / "s.toml").string();
  floodtwin::scenarios::ImpactsSpec spec;
  spec.zones = write(dir.path / "zones.geojson",
                     collection({feature(R"("id": "W", "name": "West")", "Polygon",
                                         square(500000, 4199960, 500060, 4200000))}));
  spec.levels = write(dir.path / "levels.csv", "zone,level,indicator,value\nW,wet,max_depth,0.5\n");
  spec.sender = "ops@basin.example, desk";
  s.impacts = spec;
  const fs::path out = dir.path / "lake_impacts";
  const auto r = fi::run_impacts(results, s);
  EXPECT_EQ(r.out, out.string());
  ASSERT_TRUE(fs::exists(out / "zones.csv"));
  EXPECT_EQ(r.levels[0].level, "wet");  // still water of about 0.3..1 m
  ASSERT_TRUE(fs::exists(out / "alerts" / "W.xml"));
  std::stringstream cap;
  cap << std::ifstream(out / "alerts" / "W.xml").rdbuf();
  EXPECT_NE(cap.str().find("<sender>ops@basin.example__desk</sender>"), std::string::npos)
      << cap.str();
  EXPECT_TRUE(fs::exists(out / "report.html"));
  EXPECT_TRUE(fs::exists(out / "zones.gpkg"));
  EXPECT_FALSE(fs::exists(dir.path / "lake_impacts.partial"));
  const auto before = fs::last_write_time(out / "zones.csv");

  // Unknown zone in the levels: nothing is written, the earlier folder stays.
  s.impacts->levels =
      write(dir.path / "bad.csv", "zone,level,indicator,value\nX,wet,max_depth,0.5\n");
  const std::string e = error_of([&] { fi::run_impacts(results, s); });
  EXPECT_NE(e.find("unknown zone id 'X'"), std::string::npos) << e;
  EXPECT_EQ(fs::last_write_time(out / "zones.csv"), before);
  EXPECT_FALSE(fs::exists(dir.path / "lake_impacts.partial"));
  // And into a new folder: none appears.
  fi::ImpactsOptions o;
  o.out = dir.path / "other";
  EXPECT_THROW(fi::run_impacts(results, s, o), floodtwin::InputError);
  EXPECT_FALSE(fs::exists(o.out));
}

TEST(ImpactsInputs, ScenarioImpactsTable) {
  TempDir dir("impacts_toml");
  write(dir.path / "dem.tif", "x");
  write(dir.path / "z.geojson", "{}");
  const std::string head =
      "[simulation]\nduration = \"1h\"\n[terrain]\nelevation = \"dem.tif\"\n"
      "[output]\nflood_threshold = 0.25\n";
  const auto ok = write(dir.path / "ok.toml", head + "[impacts]\nzones = \"z.geojson\"\n");
  const auto s = floodtwin::scenarios::load_scenario(ok);
  ASSERT_TRUE(s.impacts.has_value());
  EXPECT_EQ(s.impacts->zones, (dir.path / "z.geojson").string());
  EXPECT_EQ(s.impacts->people_depth, 0.25);  // [output] flood_threshold
  EXPECT_EQ(s.impacts->road_depth, 0.3);
  EXPECT_FALSE(floodtwin::scenarios::load_scenario(write(dir.path / "none.toml", head)).impacts);

  const auto typo =
      write(dir.path / "typo.toml", head + "[impacts]\nzones = \"z.geojson\"\npeople_dept = 0.2\n");
  std::string e = error_of([&] { floodtwin::scenarios::load_scenario(typo); });
  EXPECT_NE(e.find(typo + ":9: unknown key 'people_dept' in [impacts]"), std::string::npos) << e;
  EXPECT_NE(e.find("did you mean 'people_depth'"), std::string::npos) << e;

  const auto missing = write(dir.path / "missing.toml",
                             head + "[impacts]\nzones = \"z.geojson\"\nlevels = \"l.csv\"\n");
  e = error_of([&] { floodtwin::scenarios::load_scenario(missing); });
  EXPECT_NE(e.find(missing + ":9: [impacts] levels: file not found"), std::string::npos) << e;
  const auto no_zones = write(dir.path / "nozones.toml", head + "[impacts]\nroad_depth = 0.5\n");
  e = error_of([&] { floodtwin::scenarios::load_scenario(no_zones); });
  EXPECT_NE(e.find("[impacts] is missing 'zones'"), std::string::npos) << e;
}
