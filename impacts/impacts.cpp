#include "impacts/impacts.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <utility>

namespace floodtwin::impacts {

namespace {

/// The first index i whose centre origin + (i + 0.5) d is >= x.
std::int64_t first_centre_at_or_after(double x, double origin, double d) {
  return static_cast<std::int64_t>(std::ceil((x - origin) / d - 0.5));
}

}  // namespace

std::vector<std::uint32_t> rasterize_polygons(const GridGeometry& grid,
                                              std::span<const Polygon> polygons) {
  std::vector<std::uint32_t> out;
  std::vector<double> xs;
  for (const Polygon& polygon : polygons) {
    double ymin = INFINITY, ymax = -INFINITY;
    for (const Ring& ring : polygon) {
      for (const Point& p : ring) {
        ymin = std::min(ymin, p.y);
        ymax = std::max(ymax, p.y);
      }
    }
    if (!(ymax >= ymin)) continue;
    // Rows whose centre y = origin_y - (j + 0.5) dy lies in [ymin, ymax].
    const auto j0 = std::max<std::int64_t>(
        0, static_cast<std::int64_t>(std::ceil((grid.origin_y - ymax) / grid.dy - 0.5)));
    const auto j1 = std::min<std::int64_t>(
        grid.ny - 1, static_cast<std::int64_t>(std::floor((grid.origin_y - ymin) / grid.dy - 0.5)));
    for (std::int64_t j = j0; j <= j1; ++j) {
      const double yc = grid.origin_y - (static_cast<double>(j) + 0.5) * grid.dy;
      xs.clear();
      for (const Ring& ring : polygon) {
        const std::size_t n = ring.size();
        for (std::size_t k = 0; k < n; ++k) {
          const Point& a = ring[k];
          const Point& b = ring[(k + 1) % n];
          if ((a.y > yc) != (b.y > yc)) xs.push_back(a.x + (yc - a.y) * (b.x - a.x) / (b.y - a.y));
        }
      }
      std::sort(xs.begin(), xs.end());
      for (std::size_t k = 0; k + 1 < xs.size(); k += 2) {
        const auto i0 =
            std::max<std::int64_t>(0, first_centre_at_or_after(xs[k], grid.origin_x, grid.dx));
        const auto i1 = std::min<std::int64_t>(
            grid.nx, first_centre_at_or_after(xs[k + 1], grid.origin_x, grid.dx));
        for (std::int64_t i = i0; i < i1; ++i) {
          out.push_back(static_cast<std::uint32_t>(j * grid.nx + i));
        }
      }
    }
  }
  return out;
}

std::int64_t cell_of(const GridGeometry& grid, Point p) {
  const double fi = std::floor((p.x - grid.origin_x) / grid.dx);
  const double fj = std::floor((grid.origin_y - p.y) / grid.dy);
  if (!(fi >= 0 && fi < grid.nx && fj >= 0 && fj < grid.ny)) return -1;
  return static_cast<std::int64_t>(fj) * grid.nx + static_cast<std::int64_t>(fi);
}

RoadPieces road_pieces(const GridGeometry& grid, std::span<const Line> lines) {
  std::vector<std::pair<std::uint32_t, double>> pieces;
  std::vector<double> ts;
  for (const Line& line : lines) {
    for (std::size_t s = 0; s + 1 < line.size(); ++s) {
      const Point p = line[s], q = line[s + 1];
      const double ddx = q.x - p.x, ddy = q.y - p.y;
      const double len = std::hypot(ddx, ddy);
      if (!(len > 0)) continue;
      ts.assign({0.0, 1.0});
      // Crossings of the vertical cell edges x = origin_x + k dx ...
      if (ddx != 0) {
        const double a = (std::min(p.x, q.x) - grid.origin_x) / grid.dx;
        const double b = (std::max(p.x, q.x) - grid.origin_x) / grid.dx;
        for (double k = std::ceil(a); k <= b; k += 1) {
          ts.push_back((grid.origin_x + k * grid.dx - p.x) / ddx);
        }
      }
      // ... and of the horizontal ones y = origin_y - k dy.
      if (ddy != 0) {
        const double a = (grid.origin_y - std::max(p.y, q.y)) / grid.dy;
        const double b = (grid.origin_y - std::min(p.y, q.y)) / grid.dy;
        for (double k = std::ceil(a); k <= b; k += 1) {
          ts.push_back((grid.origin_y - k * grid.dy - p.y) / ddy);
        }
      }
      std::sort(ts.begin(), ts.end());
      for (std::size_t k = 0; k + 1 < ts.size(); ++k) {
        const double t0 = std::clamp(ts[k], 0.0, 1.0), t1 = std::clamp(ts[k + 1], 0.0, 1.0);
        if (!(t1 > t0)) continue;
        const double tm = 0.5 * (t0 + t1);
        const std::int64_t c = cell_of(grid, {p.x + tm * ddx, p.y + tm * ddy});
        if (c >= 0) pieces.emplace_back(static_cast<std::uint32_t>(c), (t1 - t0) * len);
      }
    }
  }
  std::stable_sort(pieces.begin(), pieces.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  RoadPieces out;
  for (const auto& [c, l] : pieces) {
    if (!out.cell.empty() && out.cell.back() == c) {
      out.length.back() += l;
    } else {
      out.cell.push_back(c);
      out.length.push_back(l);
    }
  }
  return out;
}

double curve_fraction(const DamageCurve& curve, double depth) {
  const auto& d = curve.depth;
  const auto& f = curve.fraction;
  if (d.empty() || !(depth >= d.front())) return 0;
  if (depth >= d.back()) return f.back();
  const auto it = std::upper_bound(d.begin(), d.end(), depth);
  const auto k = static_cast<std::size_t>(it - d.begin());  // d[k-1] <= depth < d[k]
  const double w = (depth - d[k - 1]) / (d[k] - d[k - 1]);
  return f[k - 1] + w * (f[k] - f[k - 1]);
}

const std::vector<DamageCurve>& default_damage_curves() {
  // Huizinga, J., de Moel, H., Szewczyk, W. (2017). Global flood depth-damage functions:
  // methodology and the database with guidelines. JRC Technical Report EUR 28552 EN,
  // doi:10.2760/16510 (JRC105688). Normalised damage functions for Europe, buildings with
  // their content: residential, commercial, industrial (the report's tables of average
  // damage per water depth 0, 0.5, 1, 1.5, 2, 3, 4, 5, 6 m). The same numbers as
  // impacts/damage_curves_jrc_europe.csv (a test keeps the two equal).
  static const std::vector<double> depth{0, 0.5, 1, 1.5, 2, 3, 4, 5, 6};
  static const std::vector<DamageCurve> curves{
      {"residential", depth, {0, 0.25, 0.40, 0.50, 0.60, 0.75, 0.85, 0.95, 1.00}},
      {"commercial", depth, {0, 0.15, 0.30, 0.45, 0.55, 0.75, 0.90, 1.00, 1.00}},
      {"industrial", depth, {0, 0.15, 0.27, 0.40, 0.52, 0.70, 0.85, 1.00, 1.00}},
  };
  return curves;
}

int hazard_class(double rating) {
  if (!(rating >= 0.75)) return 0;
  if (rating < 1.25) return 1;
  if (rating < 2.0) return 2;
  return 3;
}

std::vector<ZoneImpact> zone_impacts(const ExposureInputs& in) {
  const std::size_t n = in.grid.cells();
  const double area = in.grid.cell_area();
  std::vector<ZoneImpact> out(in.zone_count + 1);
  const bool has_pop = !in.population.empty();
  const bool has_hazard = !in.max_hazard.empty();
  const bool has_assets = !in.assets.empty();
  for (std::size_t c = 0; c < n; ++c) {
    const std::int32_t z = in.zone[c];
    if (z < 0) continue;
    ZoneImpact& r = out[static_cast<std::size_t>(z)];
    const double d = in.max_depth[c];
    ++r.cells;
    if (d > in.flood_threshold) r.flooded_area += area;
    if (d > r.max_depth) r.max_depth = d;
    if (has_assets) {
      const double v = std::isfinite(in.assets[c]) ? in.assets[c] : 0.0;
      r.assets += v;
      if (in.assets_curve != nullptr) {
        if (std::isfinite(d)) r.assets_damaged += v * curve_fraction(*in.assets_curve, d);
      } else if (d > in.people_depth) {
        r.assets_damaged += v;
      }
    }
    if (!has_pop) continue;
    const double pop = std::isfinite(in.population[c]) ? in.population[c] : 0.0;
    r.population += pop;
    if (d > in.people_depth) {
      r.people_affected += pop;
      if (has_hazard)
        r.people_by_hazard[static_cast<std::size_t>(hazard_class(in.max_hazard[c]))] += pop;
    }
  }
  if (in.buildings != nullptr) {
    const Buildings& b = *in.buildings;
    for (std::size_t k = 0; k < b.size(); ++k) {
      const std::int32_t z = in.zone[b.anchor[k]];
      if (z < 0) continue;
      double depth = nan;
      for (std::uint32_t e = b.offsets[k]; e < b.offsets[k + 1]; ++e) {
        const double d = in.max_depth[b.cells[e]];
        if (d > depth || (std::isnan(depth) && !std::isnan(d))) depth = d;
      }
      ZoneImpact& r = out[static_cast<std::size_t>(z)];
      ++r.buildings;
      if (std::isnan(depth)) continue;
      if (depth > b.floor_height[k]) ++r.buildings_flooded;
      const DamageCurve& curve = in.curves[static_cast<std::size_t>(b.curve[k])];
      r.damage += b.value[k] * curve_fraction(curve, depth - b.floor_height[k]);
    }
  }
  if (in.roads != nullptr) {
    for (std::size_t k = 0; k < in.roads->cell.size(); ++k) {
      const std::uint32_t c = in.roads->cell[k];
      const std::int32_t z = in.zone[c];
      if (z < 0) continue;
      ZoneImpact& r = out[static_cast<std::size_t>(z)];
      r.roads_m += in.roads->length[k];
      if (in.max_depth[c] > in.road_depth) r.roads_cut_m += in.roads->length[k];
    }
  }
  ZoneImpact& total = out.back();
  for (std::size_t z = 0; z < in.zone_count; ++z) {
    const ZoneImpact& r = out[z];
    total.cells += r.cells;
    total.flooded_area += r.flooded_area;
    total.max_depth = std::max(total.max_depth, r.max_depth);
    total.population += r.population;
    total.people_affected += r.people_affected;
    for (std::size_t h = 0; h < 4; ++h) total.people_by_hazard[h] += r.people_by_hazard[h];
    total.buildings += r.buildings;
    total.buildings_flooded += r.buildings_flooded;
    total.damage += r.damage;
    total.roads_m += r.roads_m;
    total.roads_cut_m += r.roads_cut_m;
    total.assets += r.assets;
    total.assets_damaged += r.assets_damaged;
  }
  return out;
}

ZoneSnapshotStats zone_snapshot_stats(std::span<const double> depth,
                                      std::span<const std::int32_t> zone, std::size_t zone_count,
                                      double threshold, double cell_area) {
  ZoneSnapshotStats s;
  s.max_depth.assign(zone_count, 0.0);
  s.flooded_area.assign(zone_count, 0.0);
  for (std::size_t c = 0; c < depth.size(); ++c) {
    const std::int32_t z = zone[c];
    if (z < 0) continue;
    const double d = depth[c];
    const auto zi = static_cast<std::size_t>(z);
    if (d > s.max_depth[zi]) s.max_depth[zi] = d;
    if (d > threshold) s.flooded_area[zi] += cell_area;
  }
  return s;
}

std::vector<double> zone_depth_share(std::span<const double> depth,
                                     std::span<const std::int32_t> zone, std::size_t zone_count,
                                     double depth_threshold) {
  std::vector<std::size_t> above(zone_count, 0), cells(zone_count, 0);
  for (std::size_t c = 0; c < depth.size(); ++c) {
    const std::int32_t z = zone[c];
    if (z < 0) continue;
    const auto zi = static_cast<std::size_t>(z);
    ++cells[zi];
    if (depth[c] > depth_threshold) ++above[zi];  // NaN (inactive) is not above
  }
  std::vector<double> share(zone_count, 0.0);
  for (std::size_t z = 0; z < zone_count; ++z) {
    if (cells[z] > 0) share[z] = static_cast<double>(above[z]) / static_cast<double>(cells[z]);
  }
  return share;
}

std::vector<double> zone_means(std::span<const double> field, std::span<const std::int32_t> zone,
                               std::size_t zone_count) {
  std::vector<double> sum(zone_count, 0.0);
  std::vector<std::size_t> count(zone_count, 0);
  for (std::size_t c = 0; c < field.size(); ++c) {
    const std::int32_t z = zone[c];
    if (z < 0 || std::isnan(field[c])) continue;
    sum[static_cast<std::size_t>(z)] += field[c];
    ++count[static_cast<std::size_t>(z)];
  }
  for (std::size_t z = 0; z < zone_count; ++z) {
    sum[z] = count[z] > 0 ? sum[z] / static_cast<double>(count[z]) : nan;
  }
  return sum;
}

std::vector<double> past_rain_mm(std::span<const double> bounds, std::span<const double> rates,
                                 std::span<const double> times, double window) {
  std::vector<double> out(times.size(), 0.0);
  for (std::size_t i = 0; i < times.size(); ++i) {
    const double b = times[i], a = b - window;
    double sum = 0;
    for (std::size_t k = 0; k < rates.size() && k + 1 < bounds.size(); ++k) {
      const double overlap = std::min(bounds[k + 1], b) - std::max(bounds[k], a);
      if (overlap > 0 && std::isfinite(rates[k])) sum += rates[k] * overlap;
    }
    out[i] = 1000.0 * sum;
  }
  return out;
}

LevelOutcome evaluate_threshold(std::span<const double> t, std::span<const double> v, double value,
                                double map_peak, double map_peak_time) {
  LevelOutcome o;
  for (std::size_t k = 0; k < v.size(); ++k) {
    if (std::isnan(v[k])) continue;
    if (std::isnan(o.peak) || v[k] > o.peak) {
      o.peak = v[k];
      o.peak_time = t[k];
    }
    if (v[k] >= value) {
      if (!o.reached) o.first_time = t[k];
      o.reached = true;
      if (k + 1 < v.size()) o.duration += t[k + 1] - t[k];
    }
  }
  if (std::isfinite(map_peak) && (std::isnan(o.peak) || map_peak > o.peak)) {
    o.peak = map_peak;
    o.peak_time = map_peak_time;
    if (!o.reached && map_peak >= value) {
      o.reached = true;
      o.first_time = map_peak_time;
    }
  }
  return o;
}

std::string iso_time(double epoch_seconds, const std::string& utc_suffix) {
  if (!std::isfinite(epoch_seconds)) return "";
  const auto total = static_cast<long long>(std::llround(epoch_seconds));
  long long days = total / 86400;
  long long rem = total % 86400;
  if (rem < 0) {
    rem += 86400;
    days -= 1;
  }
  // Civil date from days since 1970-01-01 (H. Hinnant's days_from_civil inverse).
  const long long z = days + 719468;
  const long long era = (z >= 0 ? z : z - 146096) / 146097;
  const long long doe = z - era * 146097;
  const long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const long long mp = (5 * doy + 2) / 153;
  const long long d = doy - (153 * mp + 2) / 5 + 1;
  const long long m = mp < 10 ? mp + 3 : mp - 9;
  const long long y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld", y, m, d, rem / 3600,
                (rem / 60) % 60, rem % 60);
  return std::string(buf) + utc_suffix;
}

}  // namespace floodtwin::impacts
