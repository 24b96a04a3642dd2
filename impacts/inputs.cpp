#include "impacts/inputs.hpp"

#include <cpl_error.h>
#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>

#include "impacts/gdal_util.hpp"
#include "scenarios/scenario.hpp"
#include "solver/error.hpp"
#include "terrain/csv.hpp"
#include "terrain/raster.hpp"

namespace floodtwin::impacts {

namespace {

std::string fmt(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

/// Rings of polygonal geometries (polygons, multi-polygons, curves made linear).
bool collect_polygons(const OGRGeometry* g, std::vector<Polygon>& out) {
  if (g == nullptr) return false;
  const auto type = wkbFlatten(g->getGeometryType());
  if (type == wkbPolygon || type == wkbCurvePolygon || type == wkbTriangle) {
    std::unique_ptr<OGRGeometry> lin(g->getLinearGeometry());
    const auto* poly = lin->toPolygon();
    Polygon p;
    for (const OGRLinearRing* ring : *poly) {
      Ring r;
      r.reserve(static_cast<std::size_t>(ring->getNumPoints()));
      for (int k = 0; k < ring->getNumPoints(); ++k) r.push_back({ring->getX(k), ring->getY(k)});
      p.push_back(std::move(r));
    }
    out.push_back(std::move(p));
    return true;
  }
  if (type == wkbMultiPolygon || type == wkbMultiSurface || type == wkbGeometryCollection) {
    const auto* coll = g->toGeometryCollection();
    bool ok = coll->getNumGeometries() > 0;
    for (const OGRGeometry* part : *coll) ok = collect_polygons(part, out) && ok;
    return ok;
  }
  return false;
}

void collect_lines(const OGRGeometry* g, std::vector<Line>& out) {
  if (g == nullptr) return;
  const auto type = wkbFlatten(g->getGeometryType());
  if (type == wkbLineString || type == wkbCircularString || type == wkbCompoundCurve) {
    std::unique_ptr<OGRGeometry> lin(g->getLinearGeometry());
    const auto* ls = lin->toLineString();
    Line l;
    for (int k = 0; k < ls->getNumPoints(); ++k) l.push_back({ls->getX(k), ls->getY(k)});
    out.push_back(std::move(l));
  } else if (type == wkbMultiLineString || type == wkbMultiCurve || type == wkbGeometryCollection) {
    for (const OGRGeometry* part : *g->toGeometryCollection()) collect_lines(part, out);
  }
}

/// A feature's text attribute, "" when null.
std::string text_field(OGRFeature& f, int field) {
  if (field < 0 || !f.IsFieldSetAndNotNull(field)) return "";
  return f.GetFieldAsString(field);
}

std::string field_list(OGRLayer& layer) {
  std::string s;
  OGRFeatureDefn* defn = layer.GetLayerDefn();
  for (int k = 0; k < defn->GetFieldCount(); ++k) {
    s += (s.empty() ? "" : ", ") + std::string(defn->GetFieldDefn(k)->GetNameRef());
  }
  return s.empty() ? "none" : s;
}

void check_inside(const GridGeometry& grid, const OGREnvelope& e, const std::string& where) {
  const double x0 = grid.origin_x, x1 = grid.origin_x + grid.nx * grid.dx;
  const double y1 = grid.origin_y, y0 = grid.origin_y - grid.ny * grid.dy;
  if (e.MaxX < x0 || e.MinX > x1 || e.MaxY < y0 || e.MinY > y1) {
    std::ostringstream msg;
    msg.precision(10);
    msg << where << ": lies outside the grid (its extent x " << e.MinX << " to " << e.MaxX << ", y "
        << e.MinY << " to " << e.MaxY << "; the grid's x " << x0 << " to " << x1 << ", y " << y0
        << " to " << y1
        << "): is the file's CRS right? (files without a CRS are taken in the grid's)";
    throw InputError(msg.str());
  }
}

}  // namespace

long Zones::index(const std::string& zone_id) const {
  const auto it = std::find(id.begin(), id.end(), zone_id);
  return it == id.end() ? -1 : static_cast<long>(it - id.begin());
}

Zones load_zones(const std::string& path, const GridGeometry& grid, const std::string& crs_wkt) {
  const std::string what = "zones";
  VectorLayer v(path, what, crs_wkt);
  OGRLayer& layer = v.layer();
  const int id_field = layer.GetLayerDefn()->GetFieldIndex("id");
  const int name_field = layer.GetLayerDefn()->GetFieldIndex("name");
  if (id_field < 0) {
    throw InputError(what + " '" + path +
                     "': no attribute 'id' (the zone id); the fields are: " + field_list(layer));
  }
  Zones z;
  z.path = path;
  z.cell_zone.assign(grid.cells(), -1);
  for (auto& f : layer) {
    const std::string where = what + " '" + path + "' feature " + std::to_string(f->GetFID());
    const std::string id = text_field(*f, id_field);
    if (id.empty()) throw InputError(where + ": empty attribute 'id'");
    if (z.index(id) >= 0) throw InputError(where + ": duplicate zone id '" + id + "'");
    std::unique_ptr<OGRGeometry> g(f->StealGeometry());
    std::vector<Polygon> polygons;
    if (!g || !collect_polygons(g.get(), polygons)) {
      throw InputError(where + " (id '" + id + "'): expected a polygon or multi-polygon, got " +
                       (g ? std::string(OGRGeometryTypeToName(g->getGeometryType())) : "none"));
    }
    v.transform(*g, where);
    polygons.clear();
    collect_polygons(g.get(), polygons);
    OGREnvelope e;
    g->getEnvelope(&e);
    check_inside(grid, e, where + " (id '" + id + "')");
    const auto zi = static_cast<std::int32_t>(z.id.size());
    for (const std::uint32_t c : rasterize_polygons(grid, polygons)) {
      std::int32_t& cz = z.cell_zone[c];
      if (cz >= 0 && cz != zi) {
        std::ostringstream msg;
        msg.precision(10);
        msg << where << " (id '" << id << "'): overlaps zone '"
            << z.id[static_cast<std::size_t>(cz)] << "' (the cell centred at x "
            << grid.origin_x + (c % grid.nx + 0.5) * grid.dx << ", y "
            << grid.origin_y - (c / grid.nx + 0.5) * grid.dy
            << " is in both); zones must not share cells";
        throw InputError(msg.str());
      }
      cz = zi;
    }
    z.id.push_back(id);
    const std::string name = text_field(*f, name_field);
    z.name.push_back(name.empty() ? id : name);
    z.feature.push_back(f->GetFID());
    z.polygons.push_back(std::move(polygons));
  }
  if (z.id.empty()) throw InputError(what + " '" + path + "': no features");
  return z;
}

std::vector<LevelRule> load_levels(const std::string& path, const Zones& zones,
                                   const std::vector<std::string>& gauges) {
  const terrain::CsvTable t = terrain::read_csv(path, "levels");
  auto col = [&](const char* name, bool required) {
    const int c = t.column(name);
    if (c < 0 && required) {
      throw InputError("levels '" + path + "' line " + std::to_string(t.header_line) +
                       ": missing the column '" + name +
                       "' (expected zone,level,indicator,value[,gauge][,duration])");
    }
    return c;
  };
  const int zc = col("zone", true), lc = col("level", true), ic = col("indicator", true),
            vc = col("value", true), gc = col("gauge", false), dc = col("duration", false),
            sc = col("share", false);
  std::vector<LevelRule> rules;
  for (const terrain::CsvRow& row : t.rows) {
    LevelRule r;
    r.line = row.line;
    const auto cell = [&](int c) {
      return c < 0 ? std::string() : row.cells[static_cast<std::size_t>(c)];
    };
    const long z = zones.index(cell(zc));
    if (z < 0) {
      throw InputError(t.where(row.line, zc) + "unknown zone id '" + cell(zc) +
                       "' (not in the zones file " + zones.path + ")");
    }
    r.zone = static_cast<std::size_t>(z);
    r.level = cell(lc);
    if (r.level.empty()) throw InputError(t.where(row.line, lc) + "empty level name");
    const std::string ind = cell(ic);
    if (ind == "gauge_depth") {
      r.indicator = Indicator::gauge_depth;
    } else if (ind == "gauge_level") {
      r.indicator = Indicator::gauge_level;
    } else if (ind == "max_depth") {
      r.indicator = Indicator::max_depth;
    } else if (ind == "flooded_area") {
      r.indicator = Indicator::flooded_area;
    } else if (ind == "rain") {
      r.indicator = Indicator::rain;
    } else if (ind == "depth_share") {
      r.indicator = Indicator::depth_share;
    } else {
      throw InputError(t.where(row.line, ic) + "unknown indicator '" + ind +
                       "' (expected gauge_depth, gauge_level, max_depth, flooded_area, rain or "
                       "depth_share)");
    }
    r.value = terrain::parse_number(t, row, vc);
    if (r.value < 0 && r.indicator != Indicator::gauge_level) {  // a level may lie below 0 m
      throw InputError(t.where(row.line, vc) + "a threshold must be >= 0, got " + fmt(r.value));
    }
    r.gauge = cell(gc);
    if (r.indicator == Indicator::gauge_depth || r.indicator == Indicator::gauge_level) {
      if (r.gauge.empty()) {
        throw InputError(t.where(row.line, gc) + to_string(r.indicator) + " needs a gauge");
      }
      if (std::find(gauges.begin(), gauges.end(), r.gauge) == gauges.end()) {
        std::string known;
        for (const auto& g : gauges) known += (known.empty() ? "" : ", ") + g;
        throw InputError(t.where(row.line, gc) + "unknown gauge '" + r.gauge +
                         "' (the results have: " + (known.empty() ? "none" : known) + ")");
      }
    }
    if (r.indicator == Indicator::depth_share) {
      if (sc < 0 || cell(sc).empty()) {
        throw InputError(t.where(row.line, sc < 0 ? ic : sc) +
                         "depth_share needs a share (a column 'share', 0-1: the part of the "
                         "zone's cells deeper than the value)");
      }
      r.share = terrain::parse_number(t, row, sc);
      if (!(r.share > 0 && r.share <= 1)) {
        throw InputError(t.where(row.line, sc) + "share must be in (0, 1], got " + fmt(r.share));
      }
    }
    if (r.indicator == Indicator::rain) {
      if (cell(dc).empty()) {
        throw InputError(t.where(row.line, dc) + "rain needs a duration (e.g. 1h, 3h, 6h, 24h)");
      }
      try {
        r.duration = scenarios::parse_duration(cell(dc), t.where(row.line, dc) + "duration");
      } catch (const ConfigError& e) {
        throw InputError(e.what());
      }
      if (!(r.duration > 0)) throw InputError(t.where(row.line, dc) + "duration must be > 0");
    }
    rules.push_back(r);
  }
  return rules;
}

std::vector<PlanRow> load_plan(const std::string& path, const Zones& zones,
                               const std::vector<LevelRule>& levels) {
  const terrain::CsvTable t = terrain::read_csv(path, "plan");
  std::vector<int> c;
  for (const char* name : {"zone", "level", "action", "responsible", "lead_time"}) {
    c.push_back(t.column(name));
    if (c.back() < 0) {
      throw InputError("plan '" + path + "' line " + std::to_string(t.header_line) +
                       ": missing the column '" + name +
                       "' (expected zone,level,action,responsible,lead_time)");
    }
  }
  std::vector<PlanRow> out;
  for (const terrain::CsvRow& row : t.rows) {
    auto cell = [&](int k) {
      return row.cells[static_cast<std::size_t>(c[static_cast<std::size_t>(k)])];
    };
    PlanRow p;
    p.line = row.line;
    const long z = zones.index(cell(0));
    if (z < 0) {
      throw InputError(t.where(row.line, c[0]) + "unknown zone id '" + cell(0) +
                       "' (not in the zones file " + zones.path + ")");
    }
    p.zone = static_cast<std::size_t>(z);
    p.level = cell(1);
    const bool known = std::any_of(levels.begin(), levels.end(), [&](const LevelRule& r) {
      return r.zone == p.zone && r.level == p.level;
    });
    if (!known) {
      throw InputError(t.where(row.line, c[1]) + "zone '" + cell(0) + "' has no level '" + p.level +
                       "' in the levels table");
    }
    p.action = cell(2);
    if (p.action.empty()) throw InputError(t.where(row.line, c[2]) + "empty action");
    p.responsible = cell(3);
    try {
      p.lead_time = scenarios::parse_duration(cell(4), t.where(row.line, c[4]) + "lead_time");
    } catch (const ConfigError& e) {
      throw InputError(e.what());
    }
    out.push_back(p);
  }
  return out;
}

std::vector<DamageCurve> load_damage_curves(const std::string& path) {
  const terrain::CsvTable t = terrain::read_csv(path, "damage curves");
  const int oc = t.column("occupancy"), dc = t.column("depth"), fc = t.column("fraction");
  if (oc < 0 || dc < 0 || fc < 0) {
    throw InputError("damage curves '" + path + "' line " + std::to_string(t.header_line) +
                     ": expected the columns occupancy,depth,fraction");
  }
  std::vector<DamageCurve> curves;
  for (const terrain::CsvRow& row : t.rows) {
    const std::string occ = row.cells[static_cast<std::size_t>(oc)];
    if (occ.empty()) throw InputError(t.where(row.line, oc) + "empty occupancy");
    const double d = terrain::parse_number(t, row, dc);
    const double f = terrain::parse_number(t, row, fc);
    if (!(f >= 0 && f <= 1)) {
      throw InputError(t.where(row.line, fc) + "a damage fraction must lie in [0, 1], got " +
                       fmt(f));
    }
    auto it = std::find_if(curves.begin(), curves.end(),
                           [&](const DamageCurve& c) { return c.occupancy == occ; });
    if (it == curves.end()) {
      curves.push_back({occ, {}, {}});
      it = curves.end() - 1;
    }
    if (!it->depth.empty() && !(d > it->depth.back())) {
      throw InputError(t.where(row.line, dc) + "curve '" + occ + "' is not monotone: depth " +
                       fmt(d) + " does not increase (previous " + fmt(it->depth.back()) + ")");
    }
    if (!it->fraction.empty() && f < it->fraction.back()) {
      throw InputError(t.where(row.line, fc) + "curve '" + occ + "' is not monotone: fraction " +
                       fmt(f) + " at depth " + fmt(d) + " is below the previous " +
                       fmt(it->fraction.back()));
    }
    it->depth.push_back(d);
    it->fraction.push_back(f);
  }
  if (curves.empty()) throw InputError("damage curves '" + path + "': no rows");
  return curves;
}

Buildings load_buildings(const std::string& path, const GridGeometry& grid,
                         const std::string& crs_wkt, const std::vector<DamageCurve>& curves) {
  const std::string what = "buildings";
  VectorLayer v(path, what, crs_wkt);
  OGRLayer& layer = v.layer();
  OGRFeatureDefn* defn = layer.GetLayerDefn();
  const int oc = defn->GetFieldIndex("occupancy"), vc = defn->GetFieldIndex("value"),
            fc = defn->GetFieldIndex("floor_height");
  if (oc < 0 || vc < 0) {
    throw InputError(what + " '" + path + "': needs the attributes 'occupancy' and 'value' " +
                     "(and optionally 'floor_height'); the fields are: " + field_list(layer));
  }
  Buildings b;
  std::vector<Polygon> polygons;
  for (auto& f : layer) {
    const std::string where = what + " '" + path + "' feature " + std::to_string(f->GetFID());
    const std::string occ = text_field(*f, oc);
    const auto it = std::find_if(curves.begin(), curves.end(),
                                 [&](const DamageCurve& c) { return c.occupancy == occ; });
    if (it == curves.end()) {
      std::string known;
      for (const auto& c : curves) known += (known.empty() ? "" : ", ") + c.occupancy;
      throw InputError(where + ": occupancy '" + occ + "' has no damage curve (known: " + known +
                       ")");
    }
    if (!f->IsFieldSetAndNotNull(vc)) throw InputError(where + ": no 'value'");
    const double value = f->GetFieldAsDouble(vc);
    if (!(std::isfinite(value) && value >= 0)) {
      throw InputError(where + ": 'value' must be a number >= 0, got '" + text_field(*f, vc) + "'");
    }
    const double floor = (fc >= 0 && f->IsFieldSetAndNotNull(fc)) ? f->GetFieldAsDouble(fc) : 0.0;
    if (!std::isfinite(floor)) throw InputError(where + ": 'floor_height' is not a number");
    std::unique_ptr<OGRGeometry> g(f->StealGeometry());
    if (!g) throw InputError(where + ": no geometry");
    v.transform(*g, where);
    const auto type = wkbFlatten(g->getGeometryType());
    std::int64_t anchor = -1;
    const auto first = b.cells.size();
    if (type == wkbPoint) {
      const auto* p = g->toPoint();
      anchor = cell_of(grid, {p->getX(), p->getY()});
    } else {
      polygons.clear();
      if (!collect_polygons(g.get(), polygons)) {
        throw InputError(where + ": expected a point or a footprint polygon, got " +
                         std::string(OGRGeometryTypeToName(g->getGeometryType())));
      }
      std::unique_ptr<OGRGeometry> inside(
          OGRGeometry::FromHandle(OGR_G_PointOnSurface(OGRGeometry::ToHandle(g.get()))));
      if (inside && wkbFlatten(inside->getGeometryType()) == wkbPoint && !inside->IsEmpty()) {
        anchor = cell_of(grid, {inside->toPoint()->getX(), inside->toPoint()->getY()});
      }
      for (const std::uint32_t c : rasterize_polygons(grid, polygons)) b.cells.push_back(c);
      if (anchor < 0 && b.cells.size() > first) anchor = b.cells[first];
    }
    if (anchor < 0) continue;  // outside the grid: no impact here
    if (b.cells.size() == first) b.cells.push_back(static_cast<std::uint32_t>(anchor));
    b.offsets.push_back(static_cast<std::uint32_t>(b.cells.size()));
    b.anchor.push_back(static_cast<std::uint32_t>(anchor));
    b.curve.push_back(static_cast<std::int32_t>(it - curves.begin()));
    b.value.push_back(value);
    b.floor_height.push_back(floor);
  }
  return b;
}

RoadPieces load_roads(const std::string& path, const GridGeometry& grid,
                      const std::string& crs_wkt) {
  VectorLayer v(path, "roads", crs_wkt);
  std::vector<Line> lines;
  for (auto& f : v.layer()) {
    const std::string where = "roads '" + path + "' feature " + std::to_string(f->GetFID());
    std::unique_ptr<OGRGeometry> g(f->StealGeometry());
    if (!g) continue;
    v.transform(*g, where);
    const auto before = lines.size();
    collect_lines(g.get(), lines);
    if (lines.size() == before) {
      throw InputError(where + ": expected a line, got " +
                       std::string(OGRGeometryTypeToName(g->getGeometryType())));
    }
  }
  return road_pieces(grid, lines);
}

namespace {
/// A raster of amounts per cell (people, asset value) on the grid, resampled with `sum`;
/// negative values are refused naming the cell.
std::vector<double> load_amounts(const std::string& path, const GridGeometry& grid,
                                 const std::string& crs_wkt, const std::string& what) {
  solver::Grid g;
  g.nx = grid.nx;
  g.ny = grid.ny;
  g.dx = static_cast<solver::Real>(grid.dx);
  g.dy = static_cast<solver::Real>(grid.dy);
  g.origin_x = static_cast<solver::Real>(grid.origin_x);
  g.origin_y = static_cast<solver::Real>(grid.origin_y);
  terrain::ReadOptions ro;
  ro.resampling = "sum";
  ro.what = what + " raster";
  const auto values = terrain::read_raster_on_grid(path, g, crs_wkt, ro);
  std::vector<double> out(values.size());
  for (std::size_t k = 0; k < values.size(); ++k) {
    const double p = static_cast<double>(values[k]);
    if (p < 0) {
      std::ostringstream msg;
      msg << what << " raster '" << path << "': negative " << what << " " << p << " in cell ("
          << k % static_cast<std::size_t>(grid.nx) << ", " << k / static_cast<std::size_t>(grid.nx)
          << ")";
      throw InputError(msg.str());
    }
    out[k] = std::isfinite(p) ? p : 0.0;
  }
  return out;
}
}  // namespace

std::vector<double> load_population(const std::string& path, const GridGeometry& grid,
                                    const std::string& crs_wkt) {
  return load_amounts(path, grid, crs_wkt, "population");
}

std::vector<double> load_assets(const std::string& path, const GridGeometry& grid,
                                const std::string& crs_wkt) {
  return load_amounts(path, grid, crs_wkt, "assets");
}

std::vector<std::vector<Ring>> zones_wgs84(const Zones& zones, const std::string& crs_wkt) {
  std::vector<std::vector<Ring>> out;
  if (crs_wkt.empty()) return out;
  ensure_gdal_registered();
  OGRSpatialReference src, dst;
  src.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  dst.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  if (src.importFromWkt(crs_wkt.c_str()) != OGRERR_NONE ||
      dst.importFromEPSG(4326) != OGRERR_NONE) {
    return out;
  }
  std::unique_ptr<OGRCoordinateTransformation> ct(OGRCreateCoordinateTransformation(&src, &dst));
  if (!ct) return out;
  for (const auto& polygons : zones.polygons) {
    std::vector<Ring> rings;
    for (const Polygon& p : polygons) {
      if (p.empty()) continue;
      Ring r = p.front();
      for (Point& q : r) {
        if (!ct->Transform(1, &q.x, &q.y)) {
          throw InputError("zones '" + zones.path + "': cannot reproject a vertex to WGS 84" +
                           gdal_last_error());
        }
      }
      rings.push_back(std::move(r));
    }
    out.push_back(std::move(rings));
  }
  return out;
}

}  // namespace floodtwin::impacts
