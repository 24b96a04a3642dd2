#pragma once
/// @file report.hpp
/// The impacts folder: zones.csv, levels.csv, actions.csv, zones.gpkg, alerts/*.xml (CAP 1.2)
/// and report.html, written as `<out>.partial` and renamed to `<out>` once complete (an earlier
/// folder is only replaced by a complete one).
#include <filesystem>
#include <string>
#include <vector>

#include "impacts/inputs.hpp"
#include "impacts/run.hpp"

namespace floodtwin::impacts {

/// What the files need beyond the result table.
struct ReportInputs {
  GridGeometry grid;
  std::string crs_wkt;
  const Zones& zones;
  const std::vector<double>& max_depth;
  std::string sender;    ///< CAP <sender>
  std::string scenario;  ///< the scenario file, for the report
};

/// Writes every file of the folder (see the file comment); fills result.out and result.alerts.
void write_impacts_folder(const std::filesystem::path& out, ImpactsResult& result,
                          const ReportInputs& in);

/// One CAP 1.2 alert message for zone `zone` (its level reached), as XML text.
/// @param polygons  the zone's outer rings in WGS 84 (x lon, y lat); may be empty
std::string cap_alert(const ImpactsResult& result, std::size_t zone,
                      const std::vector<Ring>& polygons, const std::string& sender,
                      const std::string& sent);

/// Escapes &, <, >, " and ' for XML and HTML text.
std::string xml_escape(const std::string& text);

}  // namespace floodtwin::impacts
