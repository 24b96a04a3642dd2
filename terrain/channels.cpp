#include "terrain/channels.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "solver/error.hpp"

namespace floodtwin::terrain {

double polygon_area(std::span<const Point2> polygon) {
  double twice = 0;
  const std::size_t n = polygon.size();
  for (std::size_t k = 0; k < n; ++k) {
    const Point2& a = polygon[k];
    const Point2& b = polygon[(k + 1) % n];
    twice += a[0] * b[1] - b[0] * a[1];
  }
  return std::abs(0.5 * twice);
}

std::vector<Point2> circle_polygon(Point2 center, double radius, int segments) {
  std::vector<Point2> p;
  p.reserve(static_cast<std::size_t>(segments));
  for (int k = 0; k < segments; ++k) {
    const double a = 2 * M_PI * k / segments;
    p.push_back({center[0] + radius * std::cos(a), center[1] + radius * std::sin(a)});
  }
  return p;
}

namespace {

/// Sutherland-Hodgman: the part of `poly` on the side of the line x_axis = value where
/// sign * (coordinate - value) >= 0. Exact in area for any simple polygon against a half-plane
/// (the clipped ring may touch itself along the line, which adds no area).
std::vector<Point2> clip(const std::vector<Point2>& poly, int axis, double value, double sign) {
  std::vector<Point2> out;
  const std::size_t n = poly.size();
  for (std::size_t k = 0; k < n; ++k) {
    const Point2& a = poly[k];
    const Point2& b = poly[(k + 1) % n];
    const double da = sign * (a[static_cast<std::size_t>(axis)] - value);
    const double db = sign * (b[static_cast<std::size_t>(axis)] - value);
    if (da >= 0) out.push_back(a);
    if ((da >= 0) != (db >= 0)) {
      const double t = da / (da - db);
      out.push_back({a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])});
    }
  }
  return out;
}

}  // namespace

std::vector<CellShare> area_shares(const solver::Grid& grid, std::span<const Real> z,
                                   std::span<const Point2> polygon, const std::string& what) {
  if (polygon.size() < 3 || !(polygon_area(polygon) > 0)) {
    throw InputError(what + ": expected a polygon of at least 3 points enclosing an area");
  }
  double x0 = polygon[0][0], x1 = x0, y0 = polygon[0][1], y1 = y0;
  for (const Point2& p : polygon) {
    if (!std::isfinite(p[0]) || !std::isfinite(p[1])) {
      throw InputError(what + ": polygon coordinates must be finite");
    }
    x0 = std::min(x0, p[0]);
    x1 = std::max(x1, p[0]);
    y0 = std::min(y0, p[1]);
    y1 = std::max(y1, p[1]);
  }
  const int i0 = std::max(0, static_cast<int>(std::floor((x0 - grid.origin_x) / grid.dx)));
  const int i1 = std::min(grid.nx - 1, static_cast<int>(std::floor((x1 - grid.origin_x) / grid.dx)));
  const int j0 = std::max(0, static_cast<int>(std::floor((grid.origin_y - y1) / grid.dy)));
  const int j1 = std::min(grid.ny - 1, static_cast<int>(std::floor((grid.origin_y - y0) / grid.dy)));
  const std::vector<Point2> ring(polygon.begin(), polygon.end());
  std::vector<CellShare> shares;
  double total = 0;
  for (int j = j0; j <= j1; ++j) {
    for (int i = i0; i <= i1; ++i) {
      const std::size_t c = static_cast<std::size_t>(j) * static_cast<std::size_t>(grid.nx) +
                            static_cast<std::size_t>(i);
      if (!z.empty() && std::isnan(z[c])) continue;
      const double west = grid.origin_x + i * grid.dx, east = west + grid.dx;
      const double north = grid.origin_y - j * grid.dy, south = north - grid.dy;
      std::vector<Point2> p = clip(ring, 0, west, 1);
      p = clip(p, 0, east, -1);
      p = clip(p, 1, south, 1);
      p = clip(p, 1, north, -1);
      if (p.size() < 3) continue;
      const double a = polygon_area(p);
      if (!(a > 0)) continue;
      shares.push_back({i, j, 0, a});
      total += a;
    }
  }
  if (shares.empty()) {
    std::ostringstream m;
    m << what << ": the shape (x " << x0 << " to " << x1 << ", y " << y0 << " to " << y1
      << ") covers no active cell of the grid";
    throw InputError(m.str());
  }
  for (CellShare& s : shares) s.fraction = s.covered / total;
  return shares;
}

std::vector<CellShare> add_area_source(solver::Simulation& sim, std::span<const Real> z,
                                       std::span<const Point2> polygon,
                                       const solver::TimeSeries& discharge,
                                       const std::string& name) {
  const solver::Grid& g = sim.grid();
  std::vector<CellShare> shares = area_shares(g, z, polygon, "inflow '" + name + "'");
  for (const CellShare& s : shares) {
    std::vector<Real> values = discharge.values();
    for (Real& v : values) v *= static_cast<Real>(s.fraction);
    sim.add_point_source(static_cast<Real>(g.x_center(s.i)), static_cast<Real>(g.y_center(s.j)),
                         solver::TimeSeries(discharge.times(), std::move(values), discharge.name(),
                                            discharge.after_end()),
                         name);
  }
  return shares;
}

}  // namespace floodtwin::terrain
