#pragma once
/// Helpers of the terrain tests: a temporary directory and small text files.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

namespace floodtwin::terrain::testing {

/// A fresh directory under the system temp dir, removed with its content on destruction.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            ("floodtwin-terrain-" + std::to_string(rd()) + "-" + std::to_string(counter++));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] std::string file(const std::string& name) const { return (path_ / name).string(); }
  /// Writes `text` to a file in the directory and returns its path.
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream out(file(name));
    out << text;
    return file(name);
  }

 private:
  std::filesystem::path path_;
};

inline const char* demo_dem() { return FLOODTWIN_DEMO_DEM; }

}  // namespace floodtwin::terrain::testing
