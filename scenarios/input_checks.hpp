#pragma once
/// @file input_checks.hpp
/// Checks shared by the TOML loaders (scenario files and any other TOML the scenarios module
/// reads) and the command line: a guard run on a TOML text before toml++ sees it, strict
/// decimal numbers, ISO-8601 date-times, names and input paths. Each throws ConfigError (or
/// returns a message) naming the file, line/column or key and what was expected.
#include <optional>
#include <string>
#include <string_view>

namespace floodtwin::scenarios {

/// Refuses text that toml++ 3.3 mishandles, before it is parsed: any byte outside ASCII
/// that is not inside a string or a comment (toml++ reaches undefined behaviour on some of
/// them in key or whitespace positions, e.g. "t" followed by U+0194), NUL bytes, and table
/// headers opening with three brackets ("[[[a]]b]", an assertion in toml++). Throws
/// ConfigError "FILE:LINE:COLUMN: ..." (1-based; the column counts bytes).
void check_toml_text(std::string_view text, const std::string& file);

/// A whole text as a finite decimal number: an optional sign, digits with an optional
/// fraction and exponent. Hexadecimal ("0x10"), "inf", "nan", blanks and trailing characters
/// are refused (nothing is returned).
std::optional<double> parse_decimal(std::string_view text);

/// A whole text as a decimal integer (optional sign, digits; no fraction, exponent, blank or
/// trailing character) within [lo, hi]; nothing otherwise.
std::optional<long long> parse_integer(std::string_view text, long long lo, long long hi);

/// True when `text` is an ISO-8601 date-time of the form YYYY-MM-DD, optionally followed by
/// T or a blank and hh:mm[:ss[.fff]], optionally followed by Z or +hh[:mm] / -hh[:mm], with a
/// valid calendar date (the grammar terrain::parse_iso8601 reads).
bool is_iso8601(std::string_view text);

/// The first control character (below 0x20, or 0x7f) of `name` as "\xNN", or "" when none.
std::string control_character(std::string_view name);

/// Why `path` cannot be an input file, or "" when it can: it does not exist, it is a FIFO,
/// socket or device (reading one could block forever), or a directory (unless
/// `allow_directory`: some GDAL formats are folders).
std::string input_path_problem(const std::string& path, bool allow_directory);

}  // namespace floodtwin::scenarios
