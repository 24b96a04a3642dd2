#include "scenarios/input_checks.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <system_error>

#include "solver/error.hpp"

namespace floodtwin::scenarios {

namespace {

std::string hex_byte(unsigned char c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "\\x%02X", static_cast<unsigned>(c));
  return buf;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

/// Reads exactly `digits` decimal digits at `pos`.
bool read_fixed(std::string_view s, std::size_t& pos, std::size_t digits, int& out) {
  if (pos + digits > s.size()) return false;
  int v = 0;
  for (std::size_t k = 0; k < digits; ++k) {
    if (!is_digit(s[pos + k])) return false;
    v = v * 10 + (s[pos + k] - '0');
  }
  pos += digits;
  out = v;
  return true;
}

}  // namespace

void check_toml_text(std::string_view text, const std::string& file) {
  enum class State { normal, comment, basic, literal, ml_basic, ml_literal };
  State state = State::normal;
  std::size_t line = 1, line_start = 0;
  bool blank_so_far = true;  // only blanks since the start of the line
  int depth = 0;             // open [ and { of values and headers
  auto fail = [&](std::size_t at, const std::string& what) {
    throw ConfigError(file + ":" + std::to_string(line) + ":" +
                      std::to_string(at - line_start + 1) + ": " + what);
  };
  auto newline = [&](std::size_t at) {
    ++line;
    line_start = at + 1;
    blank_so_far = true;
  };
  // Closing delimiter of a multi-line string: three quotes and at most two more (content).
  auto close_ml = [&](std::size_t& k, char q) {
    std::size_t extra = 0;
    while (extra < 2 && k + 3 + extra < text.size() && text[k + 3 + extra] == q) ++extra;
    k += 2 + extra;
  };
  for (std::size_t k = 0; k < text.size(); ++k) {
    const char c = text[k];
    const auto u = static_cast<unsigned char>(c);
    if (u == 0) fail(k, "NUL byte in the file (is it a TOML text file?)");
    switch (state) {
      case State::comment:
        if (c == '\n') {
          newline(k);
          state = State::normal;
        }
        break;
      case State::basic:
        if (c == '\\' && k + 1 < text.size() && text[k + 1] != '\n') {
          ++k;
        } else if (c == '"') {
          state = State::normal;
        } else if (c == '\n') {  // unterminated: toml++ reports it
          newline(k);
          state = State::normal;
        }
        break;
      case State::literal:
        if (c == '\'') {
          state = State::normal;
        } else if (c == '\n') {
          newline(k);
          state = State::normal;
        }
        break;
      case State::ml_basic:
        if (c == '\\' && k + 1 < text.size()) {
          if (text[k + 1] == '\n') newline(k + 1);
          ++k;
        } else if (c == '\n') {
          newline(k);
        } else if (text.substr(k, 3) == "\"\"\"") {
          close_ml(k, '"');
          state = State::normal;
        }
        break;
      case State::ml_literal:
        if (c == '\n') {
          newline(k);
        } else if (text.substr(k, 3) == "'''") {
          close_ml(k, '\'');
          state = State::normal;
        }
        break;
      case State::normal:
        if (u >= 0x80) {
          fail(k, "character " + hex_byte(u) +
                      " outside a string or comment; keys, numbers and the rest of the file "
                      "must be ASCII (quote a key that needs other characters: \"k\" = ...)");
        }
        if (c == '\n') {
          newline(k);
          break;
        }
        if (c == ' ' || c == '\t' || c == '\r') break;
        if (c == '#') {
          state = State::comment;
        } else if (text.substr(k, 3) == "\"\"\"") {
          state = State::ml_basic;
          k += 2;
        } else if (c == '"') {
          state = State::basic;
        } else if (text.substr(k, 3) == "'''") {
          state = State::ml_literal;
          k += 2;
        } else if (c == '\'') {
          state = State::literal;
        } else if (c == '[' || c == '{') {
          if (blank_so_far && depth == 0 && text.substr(k, 3) == "[[[") {
            fail(k, "a table header opens with three brackets; expected [table] or [[array]]");
          }
          ++depth;
        } else if ((c == ']' || c == '}') && depth > 0) {
          --depth;
        }
        blank_so_far = false;
        break;
    }
  }
}

std::optional<double> parse_decimal(std::string_view s) {
  std::size_t p = 0;
  if (p < s.size() && (s[p] == '+' || s[p] == '-')) ++p;
  const std::size_t mantissa = p;
  std::size_t digits = 0;
  while (p < s.size() && is_digit(s[p])) ++p, ++digits;
  if (p < s.size() && s[p] == '.') {
    ++p;
    while (p < s.size() && is_digit(s[p])) ++p, ++digits;
  }
  if (digits == 0) return std::nullopt;
  if (p < s.size() && (s[p] == 'e' || s[p] == 'E')) {
    ++p;
    if (p < s.size() && (s[p] == '+' || s[p] == '-')) ++p;
    std::size_t exp_digits = 0;
    while (p < s.size() && is_digit(s[p])) ++p, ++exp_digits;
    if (exp_digits == 0) return std::nullopt;
  }
  if (p != s.size()) return std::nullopt;
  double v = 0;
  const bool negative = mantissa > 0 && s[0] == '-';
  const char* first = s.data() + mantissa;
  const auto r = std::from_chars(first, s.data() + s.size(), v, std::chars_format::general);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size() || !std::isfinite(v)) {
    return std::nullopt;
  }
  return negative ? -v : v;
}

std::optional<long long> parse_integer(std::string_view s, long long lo, long long hi) {
  std::size_t p = 0;
  if (p < s.size() && s[p] == '+') ++p;
  if (p >= s.size() || !(is_digit(s[p]) || (s[p] == '-' && p == 0))) return std::nullopt;
  long long v = 0;
  const auto r = std::from_chars(s.data() + p, s.data() + s.size(), v, 10);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size() || v < lo || v > hi) {
    return std::nullopt;
  }
  return v;
}

bool is_iso8601(std::string_view s) {
  std::size_t p = 0;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!read_fixed(s, p, 4, year) || p >= s.size() || s[p++] != '-' || !read_fixed(s, p, 2, month) ||
      p >= s.size() || s[p++] != '-' || !read_fixed(s, p, 2, day)) {
    return false;
  }
  static constexpr int month_days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1 || day > month_days[month - 1]) return false;
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (month == 2 && day == 29 && !leap) return false;
  if (p == s.size()) return true;
  if (s[p] != 'T' && s[p] != 't' && s[p] != ' ') return false;
  ++p;
  if (!read_fixed(s, p, 2, hour) || p >= s.size() || s[p++] != ':' ||
      !read_fixed(s, p, 2, minute)) {
    return false;
  }
  if (p < s.size() && s[p] == ':') {
    ++p;
    if (!read_fixed(s, p, 2, second)) return false;
    if (p < s.size() && (s[p] == '.' || s[p] == ',')) {
      ++p;
      const std::size_t start = p;
      while (p < s.size() && is_digit(s[p])) ++p;
      if (p == start) return false;
    }
  }
  if (hour > 24 || minute > 59 || second > 60) return false;
  if (p == s.size()) return true;
  if ((s[p] == 'Z' || s[p] == 'z') && p + 1 == s.size()) return true;
  if (s[p] != '+' && s[p] != '-') return false;
  ++p;
  int oh = 0, om = 0;
  if (!read_fixed(s, p, 2, oh)) return false;
  if (p < s.size() && s[p] == ':') ++p;
  if (p < s.size() && !read_fixed(s, p, 2, om)) return false;
  return p == s.size() && oh <= 14 && om <= 59;
}

std::string control_character(std::string_view name) {
  for (const char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return hex_byte(u);
  }
  return "";
}

std::string input_path_problem(const std::string& path, bool allow_directory) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (ec || !fs::exists(st)) return "file not found: " + path;
  if (fs::is_regular_file(st)) return "";
  if (fs::is_directory(st)) {
    return allow_directory ? "" : path + " is a directory, expected a file";
  }
  if (fs::is_fifo(st)) return path + " is a FIFO (named pipe), expected a regular file";
  if (fs::is_socket(st)) return path + " is a socket, expected a regular file";
  if (fs::is_block_file(st) || fs::is_character_file(st)) {
    return path + " is a device, expected a regular file";
  }
  return path + " is not a regular file";
}

}  // namespace floodtwin::scenarios
