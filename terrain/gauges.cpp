#include "terrain/gauges.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>
#include <sstream>

#include "solver/error.hpp"
#include "terrain/csv.hpp"

namespace floodtwin::terrain {

namespace {

int first_column(const CsvTable& t, std::initializer_list<const char*> names) {
  for (const char* n : names) {
    const int c = t.column(n);
    if (c >= 0) return c;
  }
  return -1;
}

/// Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (H. Hinnant's algorithm).
long long days_from_civil(long long y, unsigned m, unsigned d) {
  y -= m <= 2;
  const long long era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long long>(doe) - 719468;
}

bool read_int(std::string_view s, std::size_t& pos, std::size_t digits, int& out) {
  if (pos + digits > s.size()) return false;
  int v = 0;
  for (std::size_t k = 0; k < digits; ++k) {
    const char c = s[pos + k];
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    v = v * 10 + (c - '0');
  }
  pos += digits;
  out = v;
  return true;
}

}  // namespace

std::optional<double> parse_iso8601(std::string_view s) {
  std::size_t p = 0;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  double fraction = 0;
  if (!read_int(s, p, 4, year) || p >= s.size() || s[p++] != '-' || !read_int(s, p, 2, month) ||
      p >= s.size() || s[p++] != '-' || !read_int(s, p, 2, day)) {
    return std::nullopt;
  }
  static constexpr int month_days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1 || day > month_days[month - 1]) return std::nullopt;
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (month == 2 && day == 29 && !leap) return std::nullopt;
  int offset_minutes = 0;
  if (p < s.size()) {
    if (s[p] != 'T' && s[p] != 't' && s[p] != ' ') return std::nullopt;
    ++p;
    if (!read_int(s, p, 2, hour) || p >= s.size() || s[p++] != ':' || !read_int(s, p, 2, minute)) {
      return std::nullopt;
    }
    if (p < s.size() && s[p] == ':') {
      ++p;
      if (!read_int(s, p, 2, second)) return std::nullopt;
      if (p < s.size() && (s[p] == '.' || s[p] == ',')) {
        ++p;
        double scale = 0.1;
        const std::size_t start = p;
        while (p < s.size() && std::isdigit(static_cast<unsigned char>(s[p]))) {
          fraction += scale * (s[p] - '0');
          scale *= 0.1;
          ++p;
        }
        if (p == start) return std::nullopt;
      }
    }
    if (hour > 24 || minute > 59 || second > 60) return std::nullopt;
    if (p < s.size()) {
      if ((s[p] == 'Z' || s[p] == 'z') && p + 1 == s.size()) {
        ++p;
      } else if (s[p] == '+' || s[p] == '-') {
        const int sign = s[p] == '-' ? -1 : 1;
        ++p;
        int oh = 0, om = 0;
        if (!read_int(s, p, 2, oh)) return std::nullopt;
        if (p < s.size() && s[p] == ':') ++p;
        if (p < s.size() && !read_int(s, p, 2, om)) return std::nullopt;
        offset_minutes = sign * (oh * 60 + om);
      } else {
        return std::nullopt;
      }
    }
    if (p != s.size()) return std::nullopt;
  }
  const long long days = days_from_civil(year, unsigned(month), unsigned(day));
  return double(days) * 86400.0 + hour * 3600.0 + minute * 60.0 + second + fraction -
         offset_minutes * 60.0;
}

std::vector<Station> read_stations(const std::string& path) {
  const CsvTable t = read_csv(path, "station table");
  const int cid = first_column(t, {"id", "name", "station"});
  const int cx = first_column(t, {"x", "lon", "longitude", "easting"});
  const int cy = first_column(t, {"y", "lat", "latitude", "northing"});
  const char* missing = cid < 0 ? "id" : cx < 0 ? "x" : cy < 0 ? "y" : nullptr;
  if (missing != nullptr) {
    throw InputError("station table '" + path + "' line " + std::to_string(t.header_line) +
                     ": expected columns id, x, y; column '" + missing + "' is missing");
  }
  std::vector<Station> out;
  std::map<std::string, int> seen;
  for (const CsvRow& row : t.rows) {
    Station s;
    s.id = row.cells[std::size_t(cid)];
    s.line = row.line;
    if (s.id.empty()) throw InputError(t.where(row.line, cid) + "empty station id");
    if (const auto it = seen.find(s.id); it != seen.end()) {
      throw InputError(t.where(row.line, cid) + "station '" + s.id + "' already defined on line " +
                       std::to_string(it->second));
    }
    seen[s.id] = row.line;
    s.x = parse_number(t, row, cx);
    s.y = parse_number(t, row, cy);
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<std::string> check_stations(const solver::Grid& grid,
                                        const std::vector<Station>& stations,
                                        const std::vector<std::string>& used,
                                        const std::string& time_column, const std::string& path,
                                        const std::string& series_path) {
  std::map<std::string, const Station*> by_id;
  for (const Station& s : stations) by_id[s.id] = &s;
  if (const auto it = by_id.find(time_column); it != by_id.end()) {
    throw InputError("rain series '" + series_path + "': the first column '" + time_column +
                     "' is a station (line " + std::to_string(it->second->line) + " of '" + path +
                     "'), not the time; the first column must hold the times (seconds or "
                     "ISO-8601), e.g. time," +
                     time_column + ",...");
  }
  const double x0 = grid.origin_x, x1 = grid.origin_x + double(grid.nx) * double(grid.dx);
  const double y1 = grid.origin_y, y0 = grid.origin_y - double(grid.ny) * double(grid.dy);
  const double extent = std::max(x1 - x0, y1 - y0);
  std::vector<std::string> warnings;
  for (const std::string& id : used) {
    const auto it = by_id.find(id);
    if (it == by_id.end()) continue;  // from_gauges names unknown columns
    const Station& s = *it->second;
    const double dx = std::max({x0 - double(s.x), double(s.x) - x1, 0.0});
    const double dy = std::max({y0 - double(s.y), double(s.y) - y1, 0.0});
    const double d = std::hypot(dx, dy);
    std::ostringstream where;
    where << "station table '" << path << "' line " << s.line << ": station '" << s.id << "' at ("
          << s.x << ", " << s.y << ") lies " << d << " m from the grid (x " << x0 << " to " << x1
          << ", y " << y0 << " to " << y1 << ")";
    if (!(d <= 10 * extent)) {
      throw InputError(where.str() +
                       "; are its coordinates in another CRS? Give [rainfall] station_crs "
                       "(e.g. \"EPSG:4326\" for lon/lat) or fix the coordinates");
    }
    if (d > extent) warnings.push_back(where.str() + ", farther than the grid is wide");
  }
  return warnings;
}

SeriesTable read_series(const std::string& path, const SeriesOptions& options) {
  const CsvTable t = read_csv(path, options.what);
  if (t.header.size() < 2) {
    throw InputError(options.what + " '" + path + "' line " + std::to_string(t.header_line) +
                     ": expected a time column and at least one value column");
  }
  SeriesTable out;
  out.path = path;
  out.time_column = t.header.front();
  out.columns.assign(t.header.begin() + 1, t.header.end());
  const std::string& first_time = t.rows.front().cells[0];
  char* end = nullptr;
  std::strtod(first_time.c_str(), &end);
  out.timestamps = first_time.empty() || end != first_time.c_str() + first_time.size();
  double origin = 0;
  if (out.timestamps) {
    if (!options.origin.empty()) {
      const auto o = parse_iso8601(options.origin);
      if (!o) {
        throw ConfigError(options.what + " '" + path + "': time origin '" + options.origin +
                          "' is not an ISO-8601 date-time");
      }
      origin = *o;
    } else {
      const auto o = parse_iso8601(first_time);
      if (!o) {
        throw InputError(t.where(t.rows.front().line, 0) +
                         "expected seconds or an ISO-8601 date-time (2024-01-31T06:00:00Z), "
                         "found '" +
                         first_time + "'");
      }
      origin = *o;
    }
  }
  for (const CsvRow& row : t.rows) {
    Real time = 0;
    if (out.timestamps) {
      const auto v = parse_iso8601(row.cells[0]);
      if (!v) {
        throw InputError(t.where(row.line, 0) +
                         "expected an ISO-8601 date-time like the first row, found '" +
                         row.cells[0] + "'");
      }
      time = Real(*v - origin);
    } else {
      time = parse_number(t, row, 0);
    }
    if (!out.times.empty() && !(time > out.times.back())) {
      std::ostringstream msg;
      msg << t.where(row.line, 0) << "times must increase strictly, found " << row.cells[0]
          << " after " << t.rows[out.times.size() - 1].cells[0] << " (line " << out.lines.back()
          << ")";
      throw InputError(msg.str());
    }
    std::vector<Real> values(out.columns.size());
    for (std::size_t c = 0; c < values.size(); ++c) {
      const int col = static_cast<int>(c + 1);
      if (is_missing(row.cells[c + 1])) {
        if (!options.allow_missing) {
          throw InputError(t.where(row.line, col) + "missing value");
        }
        values[c] = std::numeric_limits<Real>::quiet_NaN();
        continue;
      }
      values[c] = parse_number(t, row, col);
      if (!(std::abs(values[c]) <= options.max_magnitude)) {
        std::ostringstream msg;
        msg << t.where(row.line, col) << "value " << row.cells[c + 1]
            << " is out of range; expected a magnitude of at most " << options.max_magnitude;
        throw InputError(msg.str());
      }
      if (!options.allow_negative && values[c] < 0) {
        throw InputError(t.where(row.line, col) + "expected a value >= 0, found '" +
                         row.cells[c + 1] + "'");
      }
    }
    out.times.push_back(time);
    out.lines.push_back(row.line);
    out.values.push_back(std::move(values));
  }
  return out;
}

}  // namespace floodtwin::terrain
