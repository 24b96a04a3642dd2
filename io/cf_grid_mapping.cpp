/// @file cf_grid_mapping.cpp
/// CRS WKT (1 or 2) read as text into CF grid-mapping attributes; see cf_grid_mapping.hpp.
#include "io/cf_grid_mapping.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <initializer_list>
#include <map>
#include <string_view>

#include "io/cf_grid_mapping_write.hpp"

namespace floodtwin::io {

namespace {

/// One WKT node: KEYWORD[items...], items in order as quoted texts, numbers or child nodes.
struct Node {
  std::string key;  ///< upper case
  std::vector<std::string> texts;
  std::vector<double> numbers;
  std::vector<Node> children;
};

/// A recursive-descent reader of the WKT grammar (keyword, then [ or ( and items).
class Reader {
 public:
  explicit Reader(std::string_view text) : s_(text) {}
  bool parse(Node& out) {
    if (!node(out, 0)) return false;
    skip();
    return pos_ == s_.size();
  }

 private:
  void skip() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_])) != 0) ++pos_;
  }
  std::string word() {
    const std::size_t start = pos_;
    while (pos_ < s_.size() &&
           (std::isalnum(static_cast<unsigned char>(s_[pos_])) != 0 || s_[pos_] == '_')) {
      ++pos_;
    }
    std::string w(s_.substr(start, pos_ - start));
    for (char& c : w) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return w;
  }
  bool node(Node& out, int depth) {
    if (depth > 64) return false;
    skip();
    out.key = word();
    skip();
    if (out.key.empty() || pos_ >= s_.size() || (s_[pos_] != '[' && s_[pos_] != '(')) {
      return false;
    }
    const char close = s_[pos_] == '[' ? ']' : ')';
    ++pos_;
    for (;;) {
      skip();
      if (pos_ >= s_.size()) return false;
      const char c = s_[pos_];
      if (c == '"') {
        std::string text;
        ++pos_;
        for (;;) {
          if (pos_ >= s_.size()) return false;
          if (s_[pos_] == '"') {
            if (pos_ + 1 < s_.size() && s_[pos_ + 1] == '"') {
              text += '"';
              pos_ += 2;
              continue;
            }
            ++pos_;
            break;
          }
          text += s_[pos_++];
        }
        out.texts.push_back(std::move(text));
      } else if (c == '-' || c == '+' || c == '.' || std::isdigit(static_cast<unsigned char>(c))) {
        const std::string rest(s_.substr(pos_, std::min<std::size_t>(64, s_.size() - pos_)));
        char* end = nullptr;
        const double v = std::strtod(rest.c_str(), &end);
        if (end == rest.c_str()) return false;
        pos_ += static_cast<std::size_t>(end - rest.c_str());
        out.numbers.push_back(v);
      } else {
        const std::size_t at = pos_;
        const std::string w = word();
        if (w.empty()) return false;
        skip();
        if (pos_ < s_.size() && (s_[pos_] == '[' || s_[pos_] == '(')) {
          pos_ = at;
          Node child;
          if (!node(child, depth + 1)) return false;
          out.children.push_back(std::move(child));
        }  // else a bare enumeration word (AXIS["x", EAST]): not needed here
      }
      skip();
      if (pos_ >= s_.size()) return false;
      if (s_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (s_[pos_] == close) {
        ++pos_;
        return true;
      }
      return false;
    }
  }

  std::string_view s_;
  std::size_t pos_ = 0;
};

const Node* child(const Node& n, std::initializer_list<std::string_view> keys) {
  for (const Node& c : n.children) {
    for (const auto k : keys) {
      if (c.key == k) return &c;
    }
  }
  return nullptr;
}

/// The first node named one of `keys` below `n` (depth first).
const Node* find(const Node& n, std::initializer_list<std::string_view> keys) {
  if (const Node* c = child(n, keys)) return c;
  for (const Node& c : n.children) {
    if (const Node* f = find(c, keys)) return f;
  }
  return nullptr;
}

/// Lower case, letters and digits only: "Transverse Mercator" and "Transverse_Mercator" agree.
std::string squash(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c)) != 0) {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  return out;
}

/// Projection parameters by a short canonical name (WKT1 and WKT2 spellings).
std::map<std::string, double> parameters(const Node& holder) {
  static const std::map<std::string, std::string> alias = {
      {"latitudeoforigin", "lat0"},
      {"latitudeofnaturalorigin", "lat0"},
      {"latitudeofcenter", "lat0"},
      {"latitudeofcentre", "lat0"},
      {"latitudeoffalseorigin", "lat0"},
      {"latitudeofprojectioncentre", "lat0"},
      {"centralmeridian", "lon0"},
      {"longitudeofnaturalorigin", "lon0"},
      {"longitudeofcenter", "lon0"},
      {"longitudeofcentre", "lon0"},
      {"longitudeoffalseorigin", "lon0"},
      {"longitudeoforigin", "lon0"},
      {"longitudeofprojectioncentre", "lon0"},
      {"scalefactor", "k"},
      {"scalefactoratnaturalorigin", "k"},
      {"falseeasting", "fe"},
      {"eastingatfalseorigin", "fe"},
      {"falsenorthing", "fn"},
      {"northingatfalseorigin", "fn"},
      {"standardparallel1", "sp1"},
      {"latitudeof1ststandardparallel", "sp1"},
      {"latitudeofstandardparallel", "sp1"},
      {"standardparallel2", "sp2"},
      {"latitudeof2ndstandardparallel", "sp2"},
  };
  std::map<std::string, double> out;
  for (const Node& c : holder.children) {
    if (c.key != "PARAMETER" || c.texts.empty() || c.numbers.empty()) continue;
    const auto it = alias.find(squash(c.texts[0]));
    if (it != alias.end()) out[it->second] = c.numbers[0];
  }
  return out;
}

std::optional<int> epsg_of(const Node& n) {
  // WKT1 AUTHORITY["EPSG","32633"]; WKT2 ID["EPSG",32633]: the last one of the node.
  for (auto it = n.children.rbegin(); it != n.children.rend(); ++it) {
    if (it->key != "AUTHORITY" && it->key != "ID") continue;
    if (it->texts.empty() || squash(it->texts[0]) != "epsg") return std::nullopt;
    if (!it->numbers.empty()) return static_cast<int>(it->numbers[0]);
    if (it->texts.size() > 1) {
      char* end = nullptr;
      const long v = std::strtol(it->texts[1].c_str(), &end, 10);
      if (end != it->texts[1].c_str() && *end == '\0') return static_cast<int>(v);
    }
    return std::nullopt;
  }
  return std::nullopt;
}

using Attributes = std::vector<std::pair<std::string, CfValue>>;

void add(Attributes& a, const std::string& key, double v) {
  a.emplace_back(key, std::vector<double>{v});
}

/// grid_mapping_name and its parameters for a projection method; "" when CF has no name.
std::string projection(const std::string& method, std::map<std::string, double> p, Attributes& a) {
  const std::string m = squash(method);
  auto get = [&](const char* k, double fallback = 0) {
    const auto it = p.find(k);
    return it == p.end() ? fallback : it->second;
  };
  auto false_origin = [&] {
    add(a, "false_easting", get("fe"));
    add(a, "false_northing", get("fn"));
  };
  if (m == "transversemercator" || m == "gaussschreibertransversemercator") {
    a.emplace_back("grid_mapping_name", std::string("transverse_mercator"));
    add(a, "scale_factor_at_central_meridian", get("k", 1));
    add(a, "longitude_of_central_meridian", get("lon0"));
    add(a, "latitude_of_projection_origin", get("lat0"));
    false_origin();
    return "transverse_mercator";
  }
  if (m == "lambertconformalconic2sp" || m == "lambertconicconformal2sp" ||
      m == "lambertconformalconic1sp" || m == "lambertconicconformal1sp") {
    const bool two = m.ends_with("2sp");
    if (!two && get("k", 1) != 1) return "";  // CF's LCC has no scale factor
    a.emplace_back("grid_mapping_name", std::string("lambert_conformal_conic"));
    if (two) {
      a.emplace_back("standard_parallel", std::vector<double>{get("sp1"), get("sp2")});
    } else {
      add(a, "standard_parallel", get("lat0"));
    }
    add(a, "longitude_of_central_meridian", get("lon0"));
    add(a, "latitude_of_projection_origin", get("lat0"));
    false_origin();
    return "lambert_conformal_conic";
  }
  if (m == "albersconicequalarea" || m == "albersequalarea") {
    a.emplace_back("grid_mapping_name", std::string("albers_conical_equal_area"));
    a.emplace_back("standard_parallel", std::vector<double>{get("sp1"), get("sp2")});
    add(a, "longitude_of_central_meridian", get("lon0"));
    add(a, "latitude_of_projection_origin", get("lat0"));
    false_origin();
    return "albers_conical_equal_area";
  }
  if (m == "lambertazimuthalequalarea") {
    a.emplace_back("grid_mapping_name", std::string("lambert_azimuthal_equal_area"));
    add(a, "longitude_of_projection_origin", get("lon0"));
    add(a, "latitude_of_projection_origin", get("lat0"));
    false_origin();
    return "lambert_azimuthal_equal_area";
  }
  if (m == "polarstereographic" || m == "polarstereographicvarianta" ||
      m == "polarstereographicvariantb") {
    // Variant A: origin at a pole with a scale factor; variant B: a standard parallel.
    const double lat = p.count("sp1") != 0 ? get("sp1") : get("lat0");
    a.emplace_back("grid_mapping_name", std::string("polar_stereographic"));
    add(a, "straight_vertical_longitude_from_pole", get("lon0"));
    add(a, "latitude_of_projection_origin", lat < 0 ? -90.0 : 90.0);
    if (std::abs(lat) == 90) {
      add(a, "scale_factor_at_projection_origin", get("k", 1));
    } else {
      add(a, "standard_parallel", lat);
    }
    false_origin();
    return "polar_stereographic";
  }
  if (m == "obliquestereographic" || m == "stereographic") {
    a.emplace_back("grid_mapping_name", std::string("stereographic"));
    add(a, "longitude_of_projection_origin", get("lon0"));
    add(a, "latitude_of_projection_origin", get("lat0"));
    add(a, "scale_factor_at_projection_origin", get("k", 1));
    false_origin();
    return "stereographic";
  }
  if (m == "mercator1sp" || m == "mercatorvarianta" || m == "mercator2sp" ||
      m == "mercatorvariantb") {
    a.emplace_back("grid_mapping_name", std::string("mercator"));
    add(a, "longitude_of_projection_origin", get("lon0"));
    if (m == "mercator2sp" || m == "mercatorvariantb") {
      add(a, "standard_parallel", get("sp1"));
    } else {
      add(a, "scale_factor_at_projection_origin", get("k", 1));
    }
    false_origin();
    return "mercator";
  }
  return "";
}

}  // namespace

CfGridMapping cf_grid_mapping(const std::string& wkt) {
  CfGridMapping out;
  Node root;
  if (!Reader(wkt).parse(root)) return out;
  const bool projected = root.key == "PROJCS" || root.key == "PROJCRS";
  const bool geographic = root.key == "GEOGCS" || root.key == "GEOGCRS" || root.key == "GEODCRS" ||
                          root.key == "GEOGRAPHICCRS";
  if (!projected && !geographic) return out;
  if (!root.texts.empty()) out.name = root.texts[0];
  out.epsg = epsg_of(root);
  const Node* geog = projected ? child(root, {"GEOGCS", "BASEGEOGCRS", "BASEGEODCRS"}) : &root;
  Attributes& a = out.attributes;
  if (projected) {
    const Node* conversion = child(root, {"CONVERSION"});
    const Node* method = conversion != nullptr ? child(*conversion, {"METHOD", "PROJECTION"})
                                               : child(root, {"PROJECTION"});
    if (method != nullptr && !method->texts.empty()) {
      out.grid_mapping_name =
          projection(method->texts[0], parameters(conversion ? *conversion : root), a);
    }
  } else {
    a.emplace_back("grid_mapping_name", std::string("latitude_longitude"));
    out.grid_mapping_name = "latitude_longitude";
  }
  const Node* ellipsoid = geog != nullptr ? find(*geog, {"SPHEROID", "ELLIPSOID"}) : nullptr;
  if (ellipsoid != nullptr && ellipsoid->numbers.size() >= 2) {
    add(a, "semi_major_axis", ellipsoid->numbers[0]);
    add(a, "inverse_flattening", ellipsoid->numbers[1]);
  }
  const Node* primem = geog != nullptr ? find(*geog, {"PRIMEM", "PRIMEMERIDIAN"}) : nullptr;
  add(a, "longitude_of_prime_meridian",
      primem != nullptr && !primem->numbers.empty() ? primem->numbers[0] : 0.0);
  if (projected && !out.name.empty()) a.emplace_back("projected_crs_name", out.name);
  if (geog != nullptr && !geog->texts.empty()) {
    a.emplace_back("geographic_crs_name", geog->texts[0]);
  }
  const Node* datum = geog != nullptr ? find(*geog, {"DATUM", "ENSEMBLE"}) : nullptr;
  if (datum != nullptr && !datum->texts.empty()) {
    a.emplace_back("horizontal_datum_name", datum->texts[0]);
  }
  if (ellipsoid != nullptr && !ellipsoid->texts.empty()) {
    a.emplace_back("reference_ellipsoid_name", ellipsoid->texts[0]);
  }
  if (primem != nullptr && !primem->texts.empty()) {
    a.emplace_back("prime_meridian_name", primem->texts[0]);
  }
  return out;
}

namespace detail {

void write_cf_grid_mapping(hid_t crs, const std::string& wkt, const std::string& file) {
  for (const auto& [key, value] : cf_grid_mapping(wkt).attributes) {
    if (const auto* text = std::get_if<std::string>(&value)) {
      write_attribute(crs, key, *text, file);
      continue;
    }
    const auto& numbers = std::get<std::vector<double>>(value);
    if (numbers.size() == 1) {
      write_attribute(crs, key, numbers[0], file);
      continue;
    }
    const std::string what = "writing attribute " + key;
    const hsize_t n = numbers.size();
    const Id space = space_id(H5Screate_simple(1, &n, nullptr), file, what);
    const Id attr =
        attr_id(H5Acreate2(crs, key.c_str(), H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT),
                file, what);
    check(H5Awrite(attr.get(), H5T_NATIVE_DOUBLE, numbers.data()), file, what);
  }
}

}  // namespace detail

}  // namespace floodtwin::io
