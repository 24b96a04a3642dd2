#pragma once
/// @file fuzz_support.hpp
/// What the fuzz targets share: a scratch file in a folder of its own (the readers under test
/// take paths), made once per process and removed at exit.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace floodtwin::fuzz {

class ScratchFile {
 public:
  /// A file `name` in a fresh folder under the temporary directory.
  explicit ScratchFile(const std::string& name) {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "floodtwin_fuzz_XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error("fuzz: cannot create a folder from " + pattern);
    }
    dir_ = pattern;
    path_ = (dir_ / name).string();
  }
  ~ScratchFile() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  ScratchFile(const ScratchFile&) = delete;
  ScratchFile& operator=(const ScratchFile&) = delete;

  /// Replaces the file's content with `bytes`.
  void write(std::string_view bytes) const {
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) throw std::runtime_error("fuzz: cannot write " + path_);
  }
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  std::filesystem::path dir_;
  std::string path_;
};

}  // namespace floodtwin::fuzz
