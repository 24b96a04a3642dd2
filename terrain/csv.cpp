#include "terrain/csv.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>
#include <unordered_map>

#include "solver/error.hpp"

namespace floodtwin::terrain {

namespace {

std::string trim(std::string_view s) {
  std::size_t a = 0, b = s.size();
  while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
  return std::string(s.substr(a, b - a));
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

/// Splits one line at commas outside double quotes ("" inside quotes is a quote).
std::vector<std::string> split(std::string_view line, char delimiter, const std::string& path,
                               int line_no, const std::string& what) {
  std::vector<std::string> cells;
  std::string cell;
  bool quoted = false, was_quoted = false;
  for (std::size_t k = 0; k < line.size(); ++k) {
    const char c = line[k];
    if (quoted) {
      if (c == '"') {
        if (k + 1 < line.size() && line[k + 1] == '"') {
          cell += '"';
          ++k;
        } else {
          quoted = false;
        }
      } else {
        cell += c;
      }
    } else if (c == '"' && trim(cell).empty()) {
      quoted = was_quoted = true;
      cell.clear();
    } else if (c == delimiter) {
      cells.push_back(was_quoted ? cell : trim(cell));
      cell.clear();
      was_quoted = false;
    } else {
      cell += c;
    }
  }
  if (quoted) {
    throw InputError(what + " '" + path + "' line " + std::to_string(line_no) +
                     ": unterminated double quote");
  }
  cells.push_back(was_quoted ? cell : trim(cell));
  return cells;
}

}  // namespace

int CsvTable::column(std::string_view name) const {
  const std::string want = lower(name);
  for (std::size_t c = 0; c < header.size(); ++c) {
    if (lower(header[c]) == want) return static_cast<int>(c);
  }
  return -1;
}

std::string CsvTable::where(int line, int column) const {
  std::ostringstream s;
  s << what << " '" << path << "' line " << line;
  if (column >= 0 && std::size_t(column) < header.size()) {
    s << ", column '" << header[std::size_t(column)] << "'";
  }
  s << ": ";
  return s.str();
}

CsvTable read_csv(const std::string& path, const std::string& what) {
  // A FIFO or device would block the open or the read for ever; a folder reads as empty.
  std::error_code ec;
  const auto st = std::filesystem::status(path, ec);
  if (!ec && std::filesystem::exists(st) && !std::filesystem::is_regular_file(st)) {
    throw IoError(what + " '" + path + "': " +
                  (std::filesystem::is_directory(st) ? "is a directory" : "is not a regular file") +
                  ", expected a CSV file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(what + " '" + path + "': cannot open the file");
  CsvTable table;
  table.path = path;
  table.what = what;
  std::string line;
  int line_no = 0;
  char delimiter = ',';
  while (std::getline(in, line)) {
    ++line_no;
    if (line_no == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);  // UTF-8 BOM
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const std::string t = trim(line);
    if (t.empty() || t[0] == '#') continue;
    if (table.header.empty() && line.find(',') == std::string::npos) {
      // A header without commas but with semicolons or tabs sets that delimiter.
      if (line.find(';') != std::string::npos) {
        delimiter = ';';
      } else if (line.find('\t') != std::string::npos) {
        delimiter = '\t';
      }
    }
    auto cells = split(line, delimiter, path, line_no, what);
    if (table.header.empty()) {
      table.header = std::move(cells);
      table.header_line = line_no;
      std::unordered_map<std::string, std::size_t> seen;  // linear in the number of columns
      for (std::size_t c = 0; c < table.header.size(); ++c) {
        if (table.header[c].empty()) {
          throw InputError(what + " '" + path + "' line " + std::to_string(line_no) +
                           ": header column " + std::to_string(c + 1) + " has no name");
        }
        if (!seen.emplace(lower(table.header[c]), c).second) {
          throw InputError(what + " '" + path + "' line " + std::to_string(line_no) + ": column '" +
                           table.header[c] + "' appears twice");
        }
      }
      continue;
    }
    if (cells.size() != table.header.size()) {
      std::ostringstream msg;
      msg << what << " '" << path << "' line " << line_no << ": expected " << table.header.size()
          << " columns (as the header on line " << table.header_line << "), found " << cells.size();
      throw InputError(msg.str());
    }
    table.rows.push_back(CsvRow{line_no, std::move(cells)});
  }
  if (table.header.empty()) throw InputError(what + " '" + path + "': the file is empty");
  if (table.rows.empty()) {
    throw InputError(what + " '" + path + "': no data rows after the header on line " +
                     std::to_string(table.header_line));
  }
  return table;
}

Real parse_number(const CsvTable& table, const CsvRow& row, int column) {
  const std::string& cell = row.cells[std::size_t(column)];
  // Decimal only: from_chars reads no hexadecimal ("0x10"), no blanks and no locale.
  const char* begin = cell.data();
  const char* const end = cell.data() + cell.size();
  if (end - begin > 1 && begin[0] == '+' && begin[1] != '-') ++begin;
  double v = 0;
  const auto r = std::from_chars(begin, end, v, std::chars_format::general);
  if (cell.empty() || r.ec != std::errc() || r.ptr != end || !std::isfinite(v)) {
    throw InputError(table.where(row.line, column) + "expected a finite decimal number, found '" +
                     cell + "'");
  }
  return Real(v);
}

bool is_missing(std::string_view cell) {
  const std::string s = lower(trim(cell));
  return s.empty() || s == "nan" || s == "na" || s == "n/a" || s == "-";
}

}  // namespace floodtwin::terrain
