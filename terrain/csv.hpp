#pragma once
/// @file csv.hpp
/// A small CSV reader for station tables and time series: comma-separated (semicolon or tab
/// when the header has no comma but one of those), first non-blank line is the header, blank lines
/// and lines starting with '#' are skipped, fields may be double-quoted, surrounding blanks are
/// trimmed. Every error names the file and line.
#include <string>
#include <string_view>
#include <vector>

#include "solver/real.hpp"

namespace floodtwin::terrain {

struct CsvRow {
  int line = 0;                    ///< 1-based line number in the file
  std::vector<std::string> cells;  ///< one per header column
};

struct CsvTable {
  std::string path;
  std::string what;  ///< what the file is ("rain series"), for messages
  int header_line = 0;
  std::vector<std::string> header;  ///< column names
  std::vector<CsvRow> rows;

  /// Index of a column by name (case-insensitive), -1 if absent.
  [[nodiscard]] int column(std::string_view name) const;
  /// "WHAT 'PATH' line L, column 'NAME': " for error messages.
  [[nodiscard]] std::string where(int line, int column) const;
};

/// Reads a CSV file. Throws IoError when it cannot be read and InputError (naming file and
/// line) when it is empty or a row's column count differs from the header's.
CsvTable read_csv(const std::string& path, const std::string& what);

/// Parses a whole cell as a finite number; throws InputError with table.where(...) otherwise.
Real parse_number(const CsvTable& table, const CsvRow& row, int column);

/// True for a missing-value cell: empty, "nan", "na", "n/a", "-" (case-insensitive).
bool is_missing(std::string_view cell);

}  // namespace floodtwin::terrain
