#include "terrain/channel_burn.hpp"

#include <cpl_error.h>
#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <sstream>

#include "solver/error.hpp"
#include "terrain/csv.hpp"
#include "terrain/gdal_support.hpp"

namespace floodtwin::terrain {

namespace {

/// Window (+- cells) over which L_true / L_path is measured: long enough to average a
/// staircase's steps, short enough to follow bends.
constexpr int kRatioWindow = 3;

std::string number(double v) {
  std::ostringstream o;
  o.precision(4);
  o << v;
  return o.str();
}

}  // namespace

double profile_value(const std::vector<double>& x, const std::vector<double>& y, double s) {
  if (s <= x.front()) return y.front();
  if (s >= x.back()) return y.back();
  const auto it = std::upper_bound(x.begin(), x.end(), s);
  const auto k = static_cast<std::size_t>(it - x.begin());
  const double t = (s - x[k - 1]) / (x[k] - x[k - 1]);
  return y[k - 1] + t * (y[k] - y[k - 1]);
}

std::vector<PathCell> channel_path(const solver::Grid& grid, std::span<const Point2> line) {
  std::vector<PathCell> path;
  std::map<std::pair<int, int>, std::size_t> where;  // cell -> position in path
  auto append = [&](int i, int j, double s) {
    if (!path.empty() && path.back().i == i && path.back().j == j) return;
    const auto it = where.find({i, j});
    if (it != where.end()) {
      // A loop tighter than a cell: cut it back to the cell's first visit.
      const std::size_t keep = it->second + 1;
      for (std::size_t k = keep; k < path.size(); ++k) where.erase({path[k].i, path[k].j});
      path.resize(keep);
      return;
    }
    if (!path.empty()) s = std::max(s, path.back().chainage);
    where[{i, j}] = path.size();
    path.push_back({i, j, s});
  };
  double s0 = 0;
  for (std::size_t k = 0; k + 1 < line.size(); ++k) {
    const Point2 a = line[k], b = line[k + 1];
    const double len = std::hypot(b[0] - a[0], b[1] - a[1]);
    if (!(len > 0)) continue;
    // Continuous cell coordinates: fx along columns, fy along rows (southwards).
    const double ax = (a[0] - grid.origin_x) / grid.dx, ay = (grid.origin_y - a[1]) / grid.dy;
    const double bx = (b[0] - grid.origin_x) / grid.dx, by = (grid.origin_y - b[1]) / grid.dy;
    int i = static_cast<int>(std::floor(ax)), j = static_cast<int>(std::floor(ay));
    const int ie = static_cast<int>(std::floor(bx)), je = static_cast<int>(std::floor(by));
    const double ddx = bx - ax, ddy = by - ay;
    const int step_i = ddx > 0 ? 1 : -1, step_j = ddy > 0 ? 1 : -1;
    constexpr double inf = std::numeric_limits<double>::infinity();
    double t_i = ddx != 0 ? ((step_i > 0 ? i + 1 : i) - ax) / ddx : inf;
    double t_j = ddy != 0 ? ((step_j > 0 ? j + 1 : j) - ay) / ddy : inf;
    const double dt_i = ddx != 0 ? 1 / std::abs(ddx) : inf;
    const double dt_j = ddy != 0 ? 1 / std::abs(ddy) : inf;
    int left_i = std::abs(ie - i), left_j = std::abs(je - j);
    // Chainage of a cell: its centre projected on the segment (clamped).
    auto chain = [&](int ci, int cj) {
      const double cx = grid.origin_x + (ci + 0.5) * grid.dx;
      const double cy = grid.origin_y - (cj + 0.5) * grid.dy;
      const double t = ((cx - a[0]) * (b[0] - a[0]) + (cy - a[1]) * (b[1] - a[1])) / (len * len);
      return s0 + std::clamp(t, 0.0, 1.0) * len;
    };
    append(i, j, chain(i, j));
    while (left_i + left_j > 0) {
      if (left_i > 0 && (left_j == 0 || t_i <= t_j)) {
        i += step_i;
        t_i += dt_i;
        --left_i;
      } else {
        j += step_j;
        t_j += dt_j;
        --left_j;
      }
      append(i, j, chain(i, j));
    }
    s0 += len;
  }
  return path;
}

void check_channel(const ChannelSpec& spec, const solver::Grid& grid) {
  const std::string& w = spec.where;
  if (spec.line.size() < 2) {
    throw InputError(w + ": the centreline needs at least 2 points, got " +
                     std::to_string(spec.line.size()));
  }
  double length = 0;
  for (std::size_t k = 0; k < spec.line.size(); ++k) {
    if (!std::isfinite(spec.line[k][0]) || !std::isfinite(spec.line[k][1])) {
      throw InputError(w + ": point " + std::to_string(k + 1) + " of the centreline is not finite");
    }
    if (k > 0) {
      length +=
          std::hypot(spec.line[k][0] - spec.line[k - 1][0], spec.line[k][1] - spec.line[k - 1][1]);
    }
  }
  if (!(length > 0)) throw InputError(w + ": the centreline has no length");
  const double cell = std::min(grid.dx, grid.dy);
  auto check_width = [&](double width, const std::string& at) {
    if (!(width > 0)) {
      throw InputError(w + ": width" + at + " must be > 0 m, got " + number(width));
    }
    if (width > cell * (1 + 1e-12)) {
      throw InputError(w + ": width" + at + " " + number(width) + " m exceeds the cell size " +
                       number(cell) +
                       " m: a channel wider than a cell is resolved by the DEM itself (give a "
                       "DEM that holds it, or a finer cell_size)");
    }
  };
  if (!(spec.manning > 0 && spec.manning <= 1)) {
    throw InputError(w + ": manning must be in (0, 1], got " + number(spec.manning));
  }
  if (!(spec.design_depth >= 0 && std::isfinite(spec.design_depth))) {
    throw InputError(w + ": design_depth must be >= 0 m, got " + number(spec.design_depth));
  }
  if (spec.chainage.empty()) {
    check_width(spec.width, "");
    if (!(spec.depth > 0 && spec.depth < 1e4)) {
      throw InputError(w + ": depth (bank-full, below the DEM) must be in (0, 1e4) m, got " +
                       number(spec.depth));
    }
    return;
  }
  if (spec.widths.size() != spec.chainage.size() || spec.beds.size() != spec.chainage.size()) {
    throw InputError(w + ": the profile needs a width and a bed level at every chainage");
  }
  for (std::size_t k = 0; k < spec.chainage.size(); ++k) {
    const std::string at = " at chainage " + number(spec.chainage[k]) + " m";
    if (!std::isfinite(spec.chainage[k]) || (k > 0 && !(spec.chainage[k] > spec.chainage[k - 1]))) {
      throw InputError(w + ": profile chainages must be finite and increasing (row " +
                       std::to_string(k + 1) + ")");
    }
    check_width(spec.widths[k], at);
    if (!std::isfinite(spec.beds[k])) throw InputError(w + ": bed level" + at + " is not finite");
  }
}

ChannelReport burn_channel(const solver::Grid& grid, std::span<Real> z, std::span<Real> manning,
                           std::span<std::uint8_t> claimed, const ChannelSpec& spec) {
  check_channel(spec, grid);
  const std::size_t cells = grid.cell_count();
  if (z.size() != cells || manning.size() != cells || claimed.size() != cells) {
    throw std::invalid_argument("burn_channel: field sizes differ from the grid's");
  }
  const std::vector<PathCell> path = channel_path(grid, spec.line);
  const auto n = static_cast<int>(path.size());
  // Path length from the first cell: one cell size per step.
  std::vector<double> along(path.size(), 0.0);
  for (int k = 1; k < n; ++k) {
    const auto ku = static_cast<std::size_t>(k);
    along[ku] = along[ku - 1] + (path[ku].i != path[ku - 1].i ? grid.dx : grid.dy);
  }
  // Length ratio L_true / L_path around each cell, over a window of +-kRatioWindow cells.
  std::vector<double> ratio(path.size(), 1.0);
  for (int k = 0; k < n; ++k) {
    const auto a = static_cast<std::size_t>(std::max(0, k - kRatioWindow));
    const auto b = static_cast<std::size_t>(std::min(n - 1, k + kRatioWindow));
    if (b > a) {
      const double t = path[b].chainage - path[a].chainage;
      if (t > 0) ratio[static_cast<std::size_t>(k)] = t / (along[b] - along[a]);
    }
  }
  // Chainage at which the profile is read: along the path, scaled by the local ratio, so that
  // the bed falls evenly from cell to cell (projected centres of a staircase are unevenly
  // spaced: two steps east and one north project at 0.89 and 0.45 cell sizes).
  std::vector<double> profile_s(path.size(), path.empty() ? 0.0 : path.front().chainage);
  for (std::size_t k = 1; k < path.size(); ++k) {
    profile_s[k] = profile_s[k - 1] + (along[k] - along[k - 1]) * 0.5 * (ratio[k] + ratio[k - 1]);
  }
  ChannelReport r;
  r.name = spec.name;
  r.true_length = path.empty() ? 0 : path.back().chainage - path.front().chainage;
  for (int k = 0; k < n; ++k) {
    const PathCell& p = path[static_cast<std::size_t>(k)];
    if (p.i < 0 || p.j < 0 || p.i >= grid.nx || p.j >= grid.ny) {
      ++r.skipped;
      continue;
    }
    const std::size_t c = static_cast<std::size_t>(p.j) * static_cast<std::size_t>(grid.nx) +
                          static_cast<std::size_t>(p.i);
    if (std::isnan(z[c])) {
      ++r.skipped;
      continue;
    }
    // Cell size across the flow: the face widths of the steps into and out of the cell.
    double across = 0;
    int steps = 0;
    const auto ku = static_cast<std::size_t>(k);
    if (k > 0) {
      across += path[ku - 1].i != p.i ? grid.dy : grid.dx;
      ++steps;
    }
    if (k + 1 < n) {
      across += path[ku + 1].i != p.i ? grid.dy : grid.dx;
      ++steps;
    }
    across = steps > 0 ? across / steps : std::sqrt(grid.dx * grid.dy);
    ChannelCell cell;
    cell.i = p.i;
    cell.j = p.j;
    cell.chainage = p.chainage;
    cell.length_ratio = ratio[static_cast<std::size_t>(k)];
    const double z0 = z[c];
    if (spec.chainage.empty()) {
      cell.width = spec.width;
      cell.bed = z0 - spec.depth;
    } else {
      const double ps = profile_s[static_cast<std::size_t>(k)];
      cell.width = profile_value(spec.chainage, spec.widths, ps);
      cell.bed = profile_value(spec.chainage, spec.beds, ps);
    }
    const double h_ref = spec.design_depth > 0 ? spec.design_depth : std::max(0.0, z0 - cell.bed);
    cell.manning = spec.manning * (across / cell.width) *
                   std::pow((cell.width + 2 * h_ref) / cell.width, 2.0 / 3.0) *
                   std::sqrt(cell.length_ratio);
    const double z1 = std::min(z0, cell.bed);
    z[c] = static_cast<Real>(z1);
    r.lowered_volume += (z0 - z1) * grid.dx * grid.dy;
    if (claimed[c] != 0) {
      manning[c] = std::min(manning[c], static_cast<Real>(cell.manning));
    } else {
      manning[c] = static_cast<Real>(cell.manning);
      claimed[c] = 1;
    }
    r.cells.push_back(cell);
  }
  if (r.cells.empty()) {
    std::ostringstream m;
    m.precision(10);
    m << spec.where << ": the centreline (from (" << spec.line.front()[0] << ", "
      << spec.line.front()[1] << ") to (" << spec.line.back()[0] << ", " << spec.line.back()[1]
      << ")) crosses no active cell of the grid (x " << grid.origin_x << " to "
      << grid.origin_x + grid.nx * grid.dx << ", y " << grid.origin_y - grid.ny * grid.dy << " to "
      << grid.origin_y << "): is its CRS the DEM's?";
    throw InputError(m.str());
  }
  return r;
}

std::string ChannelReport::summary() const {
  std::ostringstream o;
  o.precision(4);
  double n0 = std::numeric_limits<double>::infinity(), n1 = 0, w0 = n0, w1 = 0;
  for (const ChannelCell& c : cells) {
    n0 = std::min(n0, c.manning);
    n1 = std::max(n1, c.manning);
    w0 = std::min(w0, c.width);
    w1 = std::max(w1, c.width);
  }
  o << "channel '" << name << "': " << cells.size() << " cells along " << true_length
    << " m, width " << w0;
  if (w1 > w0) o << " to " << w1;
  o << " m, cell Manning n " << n0;
  if (n1 > n0) o << " to " << n1;
  o << ", " << lowered_volume << " m3 of bed removed";
  if (skipped > 0) o << "; " << skipped << " path cells outside the grid or inactive";
  return o.str();
}

const ChannelCell& ChannelReport::at_chainage(double s) const {
  if (cells.empty()) throw InputError("channel '" + name + "' has no cell");
  const ChannelCell* best = &cells.front();
  for (const ChannelCell& c : cells) {
    if (std::abs(c.chainage - s) < std::abs(best->chainage - s)) best = &c;
  }
  return *best;
}

namespace {

void collect(const OGRGeometry* g, std::vector<std::vector<Point2>>& out) {
  if (g == nullptr) return;
  const auto type = wkbFlatten(g->getGeometryType());
  if (type == wkbLineString || type == wkbCircularString || type == wkbCompoundCurve) {
    std::unique_ptr<OGRGeometry> lin(g->getLinearGeometry());
    const auto* ls = lin->toLineString();
    std::vector<Point2> l;
    for (int k = 0; k < ls->getNumPoints(); ++k) l.push_back({ls->getX(k), ls->getY(k)});
    out.push_back(std::move(l));
  } else if (type == wkbMultiLineString || type == wkbMultiCurve || type == wkbGeometryCollection) {
    for (const OGRGeometry* part : *g->toGeometryCollection()) collect(part, out);
  }
}

}  // namespace

std::vector<std::vector<Point2>> read_centrelines(const std::string& path, const std::string& layer,
                                                  const std::string& grid_crs_wkt) {
  const std::string what = "channel centrelines";
  GDALDatasetUniquePtr ds = detail::open_vector(path, what);
  OGRLayer* l = layer.empty() ? ds->GetLayer(0) : ds->GetLayerByName(layer.c_str());
  if (l == nullptr) {
    throw InputError(what + " '" + path + "': " +
                     (layer.empty() ? "the file has no layer" : "no layer '" + layer + "'"));
  }
  std::unique_ptr<OGRCoordinateTransformation> ct;
  const OGRSpatialReference* src = l->GetSpatialRef();
  if (src != nullptr && !grid_crs_wkt.empty()) {
    OGRSpatialReference dst;
    dst.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    OGRSpatialReference from(*src);
    from.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    if (dst.importFromWkt(grid_crs_wkt.c_str()) == OGRERR_NONE && !from.IsSame(&dst)) {
      const detail::QuietGdal quiet;
      ct.reset(OGRCreateCoordinateTransformation(&from, &dst));
      if (!ct) {
        throw InputError(what + " '" + path + "': cannot transform its CRS to the DEM's" +
                         detail::gdal_error_suffix());
      }
    }
  }
  std::vector<std::vector<Point2>> lines;
  l->ResetReading();
  for (auto& f : *l) {
    OGRGeometry* g = f->GetGeometryRef();
    if (g == nullptr) continue;
    if (ct) {
      const detail::QuietGdal quiet;
      if (g->transform(ct.get()) != OGRERR_NONE) {
        throw InputError(what + " '" + path + "': feature " + std::to_string(f->GetFID()) +
                         " cannot be transformed to the DEM's CRS" + detail::gdal_error_suffix() +
                         ": is the file's CRS right?");
      }
    }
    collect(g, lines);
  }
  if (lines.empty()) {
    throw InputError(what + " '" + path + "': no line features (expected LineString geometries)");
  }
  return lines;
}

void read_channel_profile(const std::string& path, ChannelSpec& spec) {
  const CsvTable t = read_csv(path, "channel profile");
  int col[3] = {t.column("chainage"), t.column("width"), t.column("bed")};
  const char* names[3] = {"chainage", "width", "bed"};
  for (int k = 0; k < 3; ++k) {
    if (col[k] < 0) {
      throw InputError("channel profile '" + path + "': no column '" + names[k] +
                       "' (expected chainage,width,bed)");
    }
  }
  if (t.rows.size() < 1) throw InputError("channel profile '" + path + "': no rows");
  spec.chainage.clear();
  spec.widths.clear();
  spec.beds.clear();
  for (const CsvRow& row : t.rows) {
    const double s = parse_number(t, row, col[0]);
    const double w = parse_number(t, row, col[1]);
    if (!spec.chainage.empty() && !(s > spec.chainage.back())) {
      throw InputError(t.where(row.line, col[0]) + "chainages must increase");
    }
    if (!(w > 0)) throw InputError(t.where(row.line, col[1]) + "a width must be > 0 m");
    spec.chainage.push_back(s);
    spec.widths.push_back(w);
    spec.beds.push_back(parse_number(t, row, col[2]));
  }
}

double normal_depth(double discharge, double width, double manning, double slope) {
  if (!(discharge > 0 && width > 0 && manning > 0 && slope > 0)) {
    throw std::invalid_argument("normal_depth: Q, w, n and S must be > 0");
  }
  auto q_of = [&](double h) {
    const double area = width * h;
    const double radius = area / (width + 2 * h);
    return area * std::pow(radius, 2.0 / 3.0) * std::sqrt(slope) / manning;
  };
  double lo = 0, hi = 1;
  while (q_of(hi) < discharge) hi *= 2;
  for (int it = 0; it < 200 && hi - lo > 1e-12 * hi; ++it) {
    const double mid = 0.5 * (lo + hi);
    (q_of(mid) < discharge ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

}  // namespace floodtwin::terrain
