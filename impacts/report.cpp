#include "impacts/report.hpp"

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <system_error>

#include "floodtwin/version.hpp"
#include "impacts/gdal_util.hpp"
#include "solver/error.hpp"
#include "terrain/png.hpp"

namespace floodtwin::impacts {

namespace fs = std::filesystem;

namespace {

std::string csv_cell(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary);
  f << text;
  f.close();
  if (!f) throw IoError("cannot write '" + path.string() + "'");
}

std::string csv_line(const std::vector<std::string>& cells) {
  std::string s;
  for (std::size_t k = 0; k < cells.size(); ++k) {
    if (k > 0) s += ',';
    s += csv_cell(cells[k]);
  }
  return s + "\n";
}

std::string num(double v, const char* format = "%.6g") {
  if (std::isnan(v)) return "";
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

/// The shortest text that reads back as the same double.
std::string exact(double v) {
  if (std::isnan(v)) return "";
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, v);
  return {buf, res.ptr};
}

std::string safe_name(const std::string& s) {
  std::string out;
  for (char c : s) {
    const bool ok =
        std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == '.';
    out += ok ? c : '_';
  }
  return out.empty() ? "zone" : out;
}

/// A CAP token (identifier, sender): no spaces, commas or restricted characters (< &).
std::string cap_token(const std::string& s) {
  std::string out;
  for (char c : s) {
    const bool bad = std::isspace(static_cast<unsigned char>(c)) != 0 || c == ',' || c == '<' ||
                     c == '&' || c == '>' || c == '"' || c == '\'';
    out += bad ? '_' : c;
  }
  return out.empty() ? "floodtwin" : out;
}

/// Colour of a zone's level: none green, the top level red, the one below orange, others
/// yellow.
std::array<unsigned char, 3> level_rgb(const ZoneLevel& zl, std::size_t levels) {
  if (zl.rank < 0) return {166, 217, 106};
  const auto from_top = levels - 1 - static_cast<std::size_t>(zl.rank);
  if (from_top == 0) return {215, 25, 28};
  if (from_top == 1) return {253, 174, 97};
  return {255, 255, 153};
}

std::string hex(const std::array<unsigned char, 3>& c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "#%02x%02x%02x", c[0], c[1], c[2]);
  return buf;
}

/// The peak-depth map coloured by zone level, as a PNG data URI.
std::string map_png(const ImpactsResult& r, const ReportInputs& in) {
  const GridGeometry& g = in.grid;
  const std::size_t n = g.cells();
  double top = 0;
  for (double d : in.max_depth) {
    if (d > top) top = d;
  }
  top = std::max(top, 1e-9);
  std::array<std::vector<unsigned char>, 4> band;
  for (auto& b : band) b.assign(n, 0);
  for (std::size_t c = 0; c < n; ++c) {
    const double d = in.max_depth[c];
    std::array<double, 3> rgb{235, 235, 235};
    double alpha = std::isnan(d) ? 0 : 255;
    const std::int32_t z = in.zones.cell_zone[c];
    if (z >= 0) {
      const auto zi = static_cast<std::size_t>(z);
      const auto lc = level_rgb(r.levels[zi], r.level_order[zi].size());
      rgb = {double(lc[0]), double(lc[1]), double(lc[2])};
    }
    if (d > r.flood_threshold) {
      // Blues by depth (square root scale), over the zone colour.
      const double s = std::sqrt(std::min(1.0, d / top));
      const std::array<double, 3> blue{198 - 190 * s, 219 - 171 * s, 239 - 132 * s};
      for (int k = 0; k < 3; ++k) rgb[k] = z >= 0 ? 0.75 * blue[k] + 0.25 * rgb[k] : blue[k];
    }
    for (int k = 0; k < 3; ++k) band[k][c] = static_cast<unsigned char>(std::lround(rgb[k]));
    band[3][c] = static_cast<unsigned char>(alpha);
  }
  // Zone outlines: cells of a zone next to a cell of another (or no) zone, darkened.
  for (int j = 0; j < g.ny; ++j) {
    for (int i = 0; i < g.nx; ++i) {
      const std::size_t c = static_cast<std::size_t>(j) * g.nx + i;
      const std::int32_t z = in.zones.cell_zone[c];
      if (z < 0) continue;
      const bool edge = i == 0 || j == 0 || i == g.nx - 1 || j == g.ny - 1 ||
                        in.zones.cell_zone[c - 1] != z || in.zones.cell_zone[c + 1] != z ||
                        in.zones.cell_zone[c - g.nx] != z || in.zones.cell_zone[c + g.nx] != z;
      if (edge) {
        for (int k = 0; k < 3; ++k) band[k][c] = static_cast<unsigned char>(band[k][c] / 3);
        band[3][c] = 255;
      }
    }
  }
  std::vector<unsigned char> pixels;
  pixels.reserve(4 * n);
  for (const auto& b : band) pixels.insert(pixels.end(), b.begin(), b.end());
  try {
    return terrain::png_data_uri(pixels, g.nx, g.ny, 4);
  } catch (const IoError&) {
    return "";  // the report is still written, without its map (as before)
  }
}

void write_gpkg(const fs::path& path, const ImpactsResult& r, const ReportInputs& in) {
  ensure_gdal_registered();
  GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GPKG");
  if (drv == nullptr) throw IoError("GDAL: the GPKG driver is not available");
  CPLPushErrorHandler(CPLQuietErrorHandler);
  GDALDatasetUniquePtr ds(drv->Create(path.string().c_str(), 0, 0, 0, GDT_Unknown, nullptr));
  CPLPopErrorHandler();
  if (!ds) throw IoError("cannot create '" + path.string() + "'" + gdal_last_error());
  OGRSpatialReference srs;
  srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  const bool has_srs = !in.crs_wkt.empty() && srs.importFromWkt(in.crs_wkt.c_str()) == OGRERR_NONE;
  OGRLayer* layer = ds->CreateLayer("zones", has_srs ? &srs : nullptr, wkbMultiPolygon, nullptr);
  if (layer == nullptr) throw IoError("cannot create the layer of '" + path.string() + "'");
  const auto& cols = zone_columns(r.has_assets);
  std::vector<OGRFieldType> types;
  for (const auto& c : cols) {
    OGRFieldType t = OFTReal;
    if (c == "zone" || c == "name" || c == "level" || c == "level_time" || c == "levels_reached") {
      t = OFTString;
    } else if (c == "buildings_flooded" || c == "buildings" || c == "cells") {
      t = OFTInteger64;
    }
    types.push_back(t);
    OGRFieldDefn f(c.c_str(), t);
    if (layer->CreateField(&f) != OGRERR_NONE) {
      throw IoError("cannot create the field '" + c + "' in '" + path.string() + "'");
    }
  }
  if (layer->StartTransaction() != OGRERR_NONE) {
    throw IoError("cannot write '" + path.string() + "'" + gdal_last_error());
  }
  for (std::size_t z = 0; z < r.zone_id.size(); ++z) {
    OGRFeatureUniquePtr f(OGRFeature::CreateFeature(layer->GetLayerDefn()));
    const auto row = zone_row(r, z);
    for (std::size_t k = 0; k < cols.size(); ++k) {
      if (row[k].empty()) continue;
      if (types[k] == OFTString) {
        f->SetField(static_cast<int>(k), row[k].c_str());
      } else if (types[k] == OFTInteger64) {
        f->SetField(static_cast<int>(k), static_cast<GIntBig>(std::stoll(row[k])));
      } else {
        f->SetField(static_cast<int>(k), std::stod(row[k]));
      }
    }
    OGRMultiPolygon mp;
    for (const Polygon& p : in.zones.polygons[z]) {
      OGRPolygon poly;
      for (const Ring& ring : p) {
        OGRLinearRing lr;
        for (const Point& q : ring) lr.addPoint(q.x, q.y);
        lr.closeRings();
        poly.addRing(&lr);
      }
      mp.addGeometry(&poly);
    }
    f->SetGeometry(&mp);
    if (layer->CreateFeature(f.get()) != OGRERR_NONE) {
      throw IoError("cannot write a feature to '" + path.string() + "'" + gdal_last_error());
    }
  }
  if (layer->CommitTransaction() != OGRERR_NONE) {
    throw IoError("cannot write '" + path.string() + "'" + gdal_last_error());
  }
}

std::string html_report(const ImpactsResult& r, const ReportInputs& in) {
  std::ostringstream h;
  const std::string title = "Flood impacts: " + fs::path(r.results).filename().string();
  h << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>"
    << xml_escape(title) << "</title>\n<style>\n"
    << "@page { size: A4; margin: 12mm; }\n"
    << "body { font-family: 'DejaVu Sans', Arial, sans-serif; font-size: 9pt; color: #222; "
       "max-width: 190mm; margin: auto; }\n"
    << "h1 { font-size: 14pt; margin: 0 0 2mm 0; } h2 { font-size: 11pt; margin: 4mm 0 1mm 0; }\n"
    << "table { border-collapse: collapse; width: 100%; } th, td { border: 1px solid #bbb; "
       "padding: 1px 4px; text-align: right; } th { background: #eee; } "
       "td.t { text-align: left; }\n"
    << ".map { width: 100%; image-rendering: pixelated; border: 1px solid #888; }\n"
    << ".sw { display: inline-block; width: 10px; height: 10px; border: 1px solid #666; "
       "margin: 0 3px 0 8px; }\n.meta { color: #555; }\n"
    << "@media print { h2 { page-break-after: avoid; } table { page-break-inside: auto; } }\n"
    << "</style></head><body>\n";
  h << "<h1>" << xml_escape(title) << "</h1>\n<p class=\"meta\">Forecast time "
    << xml_escape(r.iso(r.forecast_time)) << " &middot; scenario " << xml_escape(in.scenario)
    << " &middot; floodtwin " << floodtwin::version << "</p>\n";
  h << "<p><b>" << xml_escape(r.headline()) << "</b></p>\n";
  const std::string png = map_png(r, in);
  if (!png.empty()) {
    h << "<h2>Peak depth and zone levels</h2>\n<img class=\"map\" alt=\"peak depth map\" src=\""
      << png << "\">\n<div>";
    h << "<span class=\"sw\" style=\"background:#a6d96a\"></span>no level"
      << "<span class=\"sw\" style=\"background:#ffff99\"></span>lower level"
      << "<span class=\"sw\" style=\"background:#fdae61\"></span>second-highest level"
      << "<span class=\"sw\" style=\"background:#d7191c\"></span>highest level"
      << "<span class=\"sw\" style=\"background:#08306b\"></span>peak depth (blues, deeper darker, "
      << "&gt; " << num(r.flood_threshold) << " m)</div>\n";
  }
  h << "<h2>Zones</h2>\n<table><tr><th>zone</th><th>name</th><th>level</th><th>first reached</th>"
       "<th>lead</th><th>max depth [m]</th><th>flooded [km&sup2;]</th><th>people affected</th>"
       "<th>buildings flooded</th><th>damage</th><th>roads cut [m]</th></tr>\n";
  for (std::size_t z = 0; z <= r.zone_id.size(); ++z) {
    const bool total = z == r.zone_id.size();
    const ZoneImpact& i = r.impacts[z];
    std::string colour = "#fff";
    if (!total) colour = hex(level_rgb(r.levels[z], r.level_order[z].size()));
    h << "<tr" << (total ? " style=\"font-weight:bold\"" : "") << "><td class=\"t\">"
      << xml_escape(total ? "TOTAL" : r.zone_id[z]) << "</td><td class=\"t\">"
      << xml_escape(total ? "" : r.zone_name[z])
      << "</td><td class=\"t\" style=\"background:" << colour << "\">"
      << xml_escape(total ? "" : r.levels[z].level) << "</td><td class=\"t\">"
      << xml_escape(total ? "" : r.iso(r.levels[z].first_time)) << "</td><td>"
      << (total || r.levels[z].rank < 0
              ? ""
              : num((r.levels[z].first_time - r.forecast_time) / 3600, "%.1f h"))
      << "</td><td>" << num(i.max_depth, "%.2f") << "</td><td>" << num(i.flooded_area / 1e6, "%.3f")
      << "</td><td>" << num(i.people_affected, "%.0f") << "</td><td>" << i.buildings_flooded
      << "</td><td>" << num(i.damage, "%.0f") << "</td><td>" << num(i.roads_cut_m, "%.0f")
      << "</td></tr>\n";
  }
  h << "</table>\n";
  if (!r.rules.empty()) {
    h << "<h2>Warning levels</h2>\n<table><tr><th>zone</th><th>level</th><th>indicator</th>"
         "<th>threshold</th><th>reached</th><th>first</th><th>peak</th><th>peak time</th>"
         "<th>above [h]</th></tr>\n";
    for (std::size_t k = 0; k < r.rules.size(); ++k) {
      const LevelRule& l = r.rules[k];
      const LevelOutcome& o = r.outcomes[k];
      std::string ind = to_string(l.indicator);
      if (l.indicator == Indicator::gauge_depth || l.indicator == Indicator::gauge_level) {
        ind += " (" + l.gauge + ")";
      }
      if (l.indicator == Indicator::rain) ind += " (" + num(l.duration / 3600) + " h)";
      if (l.indicator == Indicator::depth_share) ind += " (" + num(100 * l.share) + "% of cells)";
      h << "<tr><td class=\"t\">" << xml_escape(r.zone_id[l.zone]) << "</td><td class=\"t\">"
        << xml_escape(l.level) << "</td><td class=\"t\">" << xml_escape(ind) << "</td><td>"
        << num(l.value) << "</td><td class=\"t\">" << (o.reached ? "yes" : "no")
        << "</td><td class=\"t\">" << xml_escape(r.iso(o.first_time)) << "</td><td>"
        << num(o.peak, "%.4g") << "</td><td class=\"t\">" << xml_escape(r.iso(o.peak_time))
        << "</td><td>" << num(o.duration / 3600, "%.2f") << "</td></tr>\n";
    }
    h << "</table>\n";
  }
  h << "<h2>Actions due</h2>\n";
  if (r.actions.empty()) {
    h << "<p>None.</p>\n";
  } else {
    h << "<table><tr><th>due</th><th>zone</th><th>level</th><th>action</th><th>responsible</th>"
         "<th>status</th></tr>\n";
    for (const ActionDue& a : r.actions) {
      const PlanRow& p = r.plan[a.plan_row];
      h << "<tr><td class=\"t\">" << xml_escape(r.iso(a.due)) << "</td><td class=\"t\">"
        << xml_escape(r.zone_id[p.zone]) << "</td><td class=\"t\">" << xml_escape(p.level)
        << "</td><td class=\"t\">" << xml_escape(p.action) << "</td><td class=\"t\">"
        << xml_escape(p.responsible) << "</td><td class=\"t\">"
        << (a.due < r.forecast_time ? "overdue" : "due") << "</td></tr>\n";
    }
    h << "</table>\n";
  }
  h << "</body></html>\n";
  return h.str();
}

}  // namespace

std::string xml_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string cap_alert(const ImpactsResult& r, std::size_t z, const std::vector<Ring>& polygons,
                      const std::string& sender, const std::string& sent) {
  const ZoneLevel& zl = r.levels[z];
  const std::size_t n = r.level_order[z].size();
  const auto from_top = n - 1 - static_cast<std::size_t>(zl.rank);
  const char* severity = from_top == 0 ? "Extreme" : from_top == 1 ? "Severe" : "Moderate";
  const double lead = zl.first_time - r.forecast_time;
  const char* urgency = lead <= 0 ? "Immediate" : lead <= 3600 ? "Expected" : "Future";
  // Met when the highest level reached was triggered by rain alone, else Env.
  bool rain_only = true;
  for (std::size_t k = 0; k < r.rules.size(); ++k) {
    if (r.rules[k].zone == z && r.rules[k].level == zl.level && r.outcomes[k].reached &&
        r.rules[k].indicator != Indicator::rain) {
      rain_only = false;
    }
  }
  const ZoneImpact& i = r.impacts[z];
  std::ostringstream desc;
  desc << "Forecast from " << r.iso(r.forecast_time) << ": " << r.zone_name[z] << " reaches level '"
       << zl.level << "' at " << r.iso(zl.first_time) << ". Peak depth " << num(i.max_depth, "%.2f")
       << " m, flooded area " << num(i.flooded_area / 1e6, "%.3f") << " km2, people affected "
       << num(i.people_affected, "%.0f") << ", buildings flooded " << i.buildings_flooded
       << ", roads cut " << num(i.roads_cut_m, "%.0f") << " m.";
  std::string instruction;
  for (const ActionDue& a : r.actions) {
    const PlanRow& p = r.plan[a.plan_row];
    if (p.zone != z) continue;
    if (!instruction.empty()) instruction += '\n';
    instruction += r.iso(a.due);
    instruction += ": ";
    instruction += p.action;
    if (!p.responsible.empty()) instruction += " (" + p.responsible + ")";
  }
  std::string stamp = r.iso(r.forecast_time);
  stamp.erase(
      std::remove_if(stamp.begin(), stamp.end(), [](char c) { return c == '-' || c == ':'; }),
      stamp.end());
  std::ostringstream x;
  x << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    << "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\">\n"
    << "  <identifier>"
    << xml_escape(safe_name("floodtwin." + fs::path(r.results).stem().string() + "." +
                            r.zone_id[z] + "." + stamp))
    << "</identifier>\n"
    << "  <sender>" << xml_escape(cap_token(sender)) << "</sender>\n"
    << "  <sent>" << sent << "</sent>\n"
    << "  <status>Actual</status>\n  <msgType>Alert</msgType>\n  <scope>Public</scope>\n"
    << "  <info>\n    <language>en</language>\n"
    << "    <category>" << (rain_only ? "Met" : "Env") << "</category>\n"
    << "    <event>Flood warning: " << xml_escape(zl.level) << "</event>\n"
    << "    <urgency>" << urgency << "</urgency>\n"
    << "    <severity>" << severity << "</severity>\n"
    << "    <certainty>Likely</certainty>\n"
    << "    <onset>" << iso_time(r.start_epoch + zl.first_time, "-00:00") << "</onset>\n"
    << "    <senderName>floodtwin</senderName>\n"
    << "    <headline>"
    << xml_escape("Flood " + zl.level + ": " + r.zone_name[z] + " from " + r.iso(zl.first_time))
    << "</headline>\n"
    << "    <description>" << xml_escape(desc.str()) << "</description>\n";
  if (!instruction.empty())
    x << "    <instruction>" << xml_escape(instruction) << "</instruction>\n";
  x << "    <parameter>\n      <valueName>zone</valueName>\n      <value>"
    << xml_escape(r.zone_id[z]) << "</value>\n    </parameter>\n"
    << "    <parameter>\n      <valueName>level</valueName>\n      <value>" << xml_escape(zl.level)
    << "</value>\n    </parameter>\n"
    << "    <area>\n      <areaDesc>" << xml_escape(r.zone_name[z]) << "</areaDesc>\n";
  for (const Ring& ring : polygons) {
    if (ring.size() < 3) continue;
    std::string pts;
    char buf[64];
    for (const Point& p : ring) {
      std::snprintf(buf, sizeof buf, "%.6f,%.6f", p.y, p.x);
      if (!pts.empty()) pts += ' ';
      pts += buf;
    }
    if (ring.front().x != ring.back().x || ring.front().y != ring.back().y) {
      std::snprintf(buf, sizeof buf, " %.6f,%.6f", ring.front().y, ring.front().x);
      pts += buf;
    }
    x << "      <polygon>" << pts << "</polygon>\n";
  }
  x << "    </area>\n  </info>\n</alert>\n";
  return x.str();
}

void write_impacts_folder(const fs::path& out, ImpactsResult& r, const ReportInputs& in) {
  fs::path stage = out;
  stage += ".partial";
  std::error_code ec;
  fs::remove_all(stage, ec);
  fs::create_directories(stage / "alerts", ec);
  if (ec) throw IoError("cannot create '" + stage.string() + "': " + ec.message());

  // zones.csv (the contract's columns first), one row per zone; totals.csv, the same columns
  // for all zones together (zone "TOTAL").
  {
    std::string text = csv_line(zone_columns(r.has_assets));
    for (std::size_t z = 0; z < r.zone_id.size(); ++z) text += csv_line(zone_row(r, z));
    write_text(stage / "zones.csv", text);
    write_text(stage / "totals.csv",
               csv_line(zone_columns(r.has_assets)) + csv_line(zone_row(r, r.zone_id.size())));
  }
  // levels.csv: one row per rule of the levels table.
  {
    // A `share` column (depth_share rules: the share of cells; peak is a share too) only when
    // such a rule exists: other tables keep their columns.
    const bool shares = std::any_of(r.rules.begin(), r.rules.end(), [](const LevelRule& l) {
      return l.indicator == Indicator::depth_share;
    });
    std::vector<std::string> header{"zone",        "level",      "indicator", "threshold",
                                    "gauge",       "duration_s", "reached",   "first_time",
                                    "lead_time_s", "peak",       "peak_time", "duration_above_s",
                                    "line"};
    if (shares) header.emplace_back("share");
    std::string text = csv_line(header);
    for (std::size_t k = 0; k < r.rules.size(); ++k) {
      const LevelRule& l = r.rules[k];
      const LevelOutcome& o = r.outcomes[k];
      std::vector<std::string> row{r.zone_id[l.zone],
                                   l.level,
                                   to_string(l.indicator),
                                   exact(l.value),
                                   l.gauge,
                                   l.indicator == Indicator::rain ? exact(l.duration) : "",
                                   o.reached ? "true" : "false",
                                   r.iso(o.first_time),
                                   o.reached ? exact(o.first_time - r.forecast_time) : "",
                                   exact(o.peak),
                                   r.iso(o.peak_time),
                                   exact(o.duration),
                                   std::to_string(l.line)};
      if (shares) row.push_back(l.indicator == Indicator::depth_share ? exact(l.share) : "");
      text += csv_line(row);
    }
    write_text(stage / "levels.csv", text);
  }
  // actions.csv: the plan actions due, earliest first.
  {
    std::string text = csv_line({"zone", "name", "level", "action", "responsible", "lead_time_s",
                                 "level_time", "due", "due_in_s", "status"});
    for (const ActionDue& a : r.actions) {
      const PlanRow& p = r.plan[a.plan_row];
      text +=
          csv_line({r.zone_id[p.zone], r.zone_name[p.zone], p.level, p.action, p.responsible,
                    exact(p.lead_time), r.iso(a.level_time), r.iso(a.due),
                    exact(a.due - r.forecast_time), a.due < r.forecast_time ? "overdue" : "due"});
    }
    write_text(stage / "actions.csv", text);
  }
  write_gpkg(stage / "zones.gpkg", r, in);
  // CAP alerts, one per zone whose level is reached.
  r.alerts.clear();
  {
    const auto wgs84 = zones_wgs84(in.zones, in.crs_wkt);
    const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    const std::string sent =
        iso_time(static_cast<double>(now.time_since_epoch().count()), "-00:00");
    for (std::size_t z = 0; z < r.zone_id.size(); ++z) {
      if (r.levels[z].rank < 0) continue;
      const std::string name = safe_name(r.zone_id[z]) + ".xml";
      write_text(stage / "alerts" / name,
                 cap_alert(r, z, wgs84.empty() ? std::vector<Ring>{} : wgs84[z], in.sender, sent));
      r.alerts.push_back(name);
    }
  }
  write_text(stage / "report.html", html_report(r, in));

  // Swap the complete folder in.
  fs::path old = out;
  old += ".old";
  fs::remove_all(old, ec);
  if (fs::exists(out)) {
    fs::rename(out, old, ec);
    if (ec) throw IoError("cannot move '" + out.string() + "' aside: " + ec.message());
  }
  fs::rename(stage, out, ec);
  if (ec)
    throw IoError("cannot rename '" + stage.string() + "' to '" + out.string() +
                  "': " + ec.message());
  fs::remove_all(old, ec);
  r.out = out.string();
}

}  // namespace floodtwin::impacts
