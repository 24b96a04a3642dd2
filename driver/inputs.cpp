#include "driver/inputs.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "io/file_lock.hpp"
#include "io/results_writer.hpp"
#include "solver/error.hpp"

namespace floodtwin::driver {

namespace fs = std::filesystem;

namespace {

/// 64-bit FNV-1a over 8-byte words (the tail zero-padded), then the byte count.
class Hash64 {
 public:
  void add(const char* data, std::size_t n) {
    std::size_t k = 0;
    for (; k + 8 <= n; k += 8) {
      std::uint64_t w = 0;
      std::memcpy(&w, data + k, 8);
      mix(w);
    }
    if (k < n) {
      std::uint64_t w = 0;
      std::memcpy(&w, data + k, n - k);
      mix(w);
    }
    mix(static_cast<std::uint64_t>(n));
  }
  void add(const std::string& text) { add(text.data(), text.size()); }
  [[nodiscard]] std::string hex() const {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h_));
    return buf;
  }

 private:
  void mix(std::uint64_t w) {
    h_ ^= w;
    h_ *= 0x100000001b3ULL;
    h_ ^= h_ >> 29;
  }
  std::uint64_t h_ = 0xcbf29ce484222325ULL;
};

constexpr std::uintmax_t max_hashed_bytes = std::uintmax_t{256} << 20;

void hash_file(Hash64& hash, const std::string& path) {
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (ec || !fs::exists(st)) {
    hash.add(std::string("missing"));
    return;
  }
  if (fs::is_directory(st)) {
    hash.add(std::string("folder"));
    return;
  }
  const std::uintmax_t size = fs::file_size(path, ec);
  if (ec || !fs::is_regular_file(st)) {
    hash.add(std::string("not a regular file"));
    return;
  }
  hash.add("size " + std::to_string(size));
  if (size > max_hashed_bytes) {
    struct stat s {};
    if (::stat(path.c_str(), &s) == 0) {
      hash.add("mtime " + std::to_string(s.st_mtim.tv_sec) + "." +
               std::to_string(s.st_mtim.tv_nsec));
    }
    return;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(path + ": cannot read it to hash the scenario's inputs");
  std::vector<char> buf(std::size_t{1} << 20);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const auto n = static_cast<std::size_t>(in.gcount());
    if (n > 0) hash.add(buf.data(), n);
  }
}

/// Whether `path` lies inside the folder `dir` (both made absolute and normal).
bool inside(const fs::path& path, const fs::path& dir) {
  std::error_code ec;
  const fs::path p = fs::weakly_canonical(fs::absolute(path, ec), ec);
  const fs::path d = fs::weakly_canonical(fs::absolute(dir, ec), ec);
  auto pi = p.begin();
  for (auto di = d.begin(); di != d.end(); ++di, ++pi) {
    if (di->empty()) continue;  // a trailing separator
    if (pi == p.end() || *pi != *di) return false;
  }
  return true;
}

}  // namespace

namespace {

void add_path(std::vector<std::string>& out, const std::string& p) {
  if (!p.empty() && std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
}

/// The inputs the simulated state depends on (all but the [impacts] files).
std::vector<std::string> state_inputs(const scenarios::Scenario& s) {
  std::vector<std::string> out;
  auto add = [&](const std::string& p) { add_path(out, p); };
  add(s.file);
  add(s.elevation);
  add(s.basin);
  add(s.manning.path);
  add(s.landcover);
  add(s.initial_depth.path);
  if (s.initial_water_level) add(s.initial_water_level->path);
  add(s.initial_state);
  add(s.buildings);
  add(s.levees);
  add(s.rain_stations);
  add(s.rain_series);
  add(s.rain_uniform);
  add(s.rain_grids);
  add(s.ks.path);
  add(s.psi.path);
  add(s.dtheta.path);
  add(s.curve_number.path);
  for (const auto& b : s.boundaries) add(b.series.path);
  for (const auto& p : s.point_sources) add(p.series.path);
  return out;
}

}  // namespace

std::vector<std::string> input_paths(const scenarios::Scenario& s) {
  std::vector<std::string> out = state_inputs(s);
  if (s.impacts) {
    for (const std::string* p :
         {&s.impacts->zones, &s.impacts->levels, &s.impacts->population, &s.impacts->buildings,
          &s.impacts->damage_curves, &s.impacts->roads, &s.impacts->plan, &s.impacts->assets}) {
      add_path(out, *p);
    }
  }
  return out;
}

std::string inputs_hash(const scenarios::Scenario& s) {
  Hash64 hash;
  hash.add(std::string("floodtwin-inputs-1"));
  hash.add(s.text);
  for (const std::string& p : state_inputs(s)) {
    if (p == s.file) continue;  // its text is hashed above
    hash_file(hash, p);
  }
  return hash.hex();
}

void refuse_outputs_over_inputs(const scenarios::Scenario& s, const std::string& results,
                                const std::string& vtk_dir, const std::string& what) {
  const std::vector<std::string> in = input_paths(s);
  const std::vector<fs::path> inputs(in.begin(), in.end());
  io::refuse_output_over_inputs(results, inputs, what + " results");
  io::refuse_output_over_inputs(io::partial_path(results), inputs, what + " results (.partial)");
  io::refuse_output_over_inputs(io::lock_path(results), inputs, what + " results (.lock)");
  if (!vtk_dir.empty()) io::refuse_output_over_inputs(vtk_dir, inputs, what + " [output] vtk");
}

std::vector<std::string> output_notes(const scenarios::Scenario& s, const std::string& results,
                                      const std::string& vtk_dir) {
  std::vector<std::string> notes;
  const fs::path dir = s.dir.empty() ? fs::path(s.file).parent_path() : fs::path(s.dir);
  if (!inside(results, dir)) {
    notes.push_back("results outside the scenario's folder " + dir.string() + ": " + results);
  }
  if (!vtk_dir.empty() && !inside(vtk_dir, dir)) {
    notes.push_back("VTK series outside the scenario's folder " + dir.string() + ": " + vtk_dir);
  }
  return notes;
}

void check_output_folder(const std::string& output, const std::string& key) {
  std::error_code ec;
  fs::path folder = fs::absolute(fs::path(output), ec).parent_path();
  fs::path existing = folder;
  while (!existing.empty() && !fs::exists(existing, ec)) existing = existing.parent_path();
  if (existing.empty()) existing = "/";
  if (!fs::is_directory(existing, ec)) {
    throw ConfigError(key + " = '" + output + "': the folder " + folder.string() +
                      " cannot be created: " + existing.string() + " is not a folder");
  }
  if (::access(existing.c_str(), W_OK | X_OK) != 0) {
    throw ConfigError(
        key + " = '" + output + "': the folder " + existing.string() +
        (existing == folder ? std::string() : " (where " + folder.string() + " would be created)") +
        " is not writable");
  }
}

std::map<std::string, std::string> checkpoint_dependencies(const scenarios::Scenario& s,
                                                           const std::string& run_id,
                                                           const std::string& inputs_hash) {
  char duration[40];
  std::snprintf(duration, sizeof duration, "%.17g", s.duration);
  return {{run_id_key, run_id}, {inputs_hash_key, inputs_hash}, {duration_key, duration}};
}

std::string check_checkpoint(const std::string& file, double time, const std::string& scheme,
                             const std::map<std::string, std::string>& metadata,
                             const scenarios::Scenario& s, const std::string& inputs_hash,
                             double end) {
  auto value = [&](const char* key) -> std::string {
    const auto it = metadata.find(key);
    if (it == metadata.end() || it->second.empty()) {
      throw InputError(file + ": checkpoint has no metadata/" + key +
                       " (written by an older floodtwin?): cannot tell whether it belongs to " +
                       s.file + "; start the run again without --resume");
    }
    return it->second;
  };
  const std::string hash = value(inputs_hash_key);
  if (hash != inputs_hash) {
    throw InputError(file + ": checkpoint of other scenario inputs (metadata/inputs_hash " + hash +
                     ", expected " + inputs_hash + " for " + s.file +
                     " and the files it names as they are now): it belongs to another scenario, "
                     "or an input changed since it was written");
  }
  const std::string expected_scheme = solver::to_string(s.scheme);
  if (scheme != expected_scheme) {
    throw InputError(file + ": checkpoint of a run with scheme '" + scheme + "', expected '" +
                     expected_scheme + "' (" + s.file + ")");
  }
  char expected_duration[40];
  std::snprintf(expected_duration, sizeof expected_duration, "%.17g", s.duration);
  const std::string duration = value(duration_key);
  if (duration != expected_duration) {
    throw InputError(file + ": checkpoint of a run with duration " + duration + " s, expected " +
                     expected_duration + " s (" + s.file + ")");
  }
  if (!(time >= 0 && time < end)) {
    std::ostringstream msg;
    msg.precision(17);
    msg << file << ": checkpoint at t = " << time << " s, expected a time in [0, " << end << ") s"
        << (time >= end ? ": nothing is left to run from it" : "");
    throw InputError(msg.str());
  }
  return value(run_id_key);
}

}  // namespace floodtwin::driver
