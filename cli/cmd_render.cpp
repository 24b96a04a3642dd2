/// @file cmd_render.cpp
/// `floodtwin render RESULTS --out map.png [--time max|END|T] [--field F] [--animate]`: a flood
/// map as a PNG (viz/render_map.hpp), or one frame per output time (and an animated GIF when
/// ImageMagick's `convert` or `ffmpeg` is installed).
#if FLOODTWIN_HAS_VIZ  // the command exists when the viz module is built
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>

#include "cli/command.hpp"
#include "solver/error.hpp"
#include "viz/render_map.hpp"
#include "viz/results_source.hpp"

namespace {

namespace fs = std::filesystem;
namespace viz = floodtwin::viz;
using floodtwin::ConfigError;

double number(const std::string& option, const std::string& value) {
  std::size_t used = 0;
  double v = 0;
  try {
    v = std::stod(value, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != value.size() || !std::isfinite(v)) {
    throw ConfigError("render: " + option + " expects a number, got '" + value + "'");
  }
  return v;
}

bool on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return false;
  std::string dirs(path);
  std::size_t start = 0;
  while (start <= dirs.size()) {
    const std::size_t end = std::min(dirs.find(':', start), dirs.size());
    const fs::path candidate = fs::path(dirs.substr(start, end - start)) / program;
    std::error_code ec;
    if (!candidate.parent_path().empty() && fs::is_regular_file(candidate, ec)) return true;
    start = end + 1;
  }
  return false;
}

std::string shell_quoted(const fs::path& p) {
  std::string s = "'";
  for (char c : p.string()) s += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return s + "'";
}

int run(const std::vector<std::string>& args) {
  std::string in, out, time = "max", field_name = "depth";
  viz::RenderOptions options;
  std::optional<double> min_depth;
  bool animate = false;
  for (std::size_t a = 0; a < args.size(); ++a) {
    auto value = [&]() -> std::string {
      if (a + 1 >= args.size()) throw ConfigError("render: " + args[a] + " needs a value");
      return args[++a];
    };
    if (args[a] == "--time") {
      time = value();
    } else if (args[a] == "--out" || args[a] == "-o") {
      out = value();
    } else if (args[a] == "--field") {
      field_name = value();
    } else if (args[a] == "--width") {
      options.width = static_cast<int>(number("--width", value()));
    } else if (args[a] == "--height") {
      options.height = static_cast<int>(number("--height", value()));
    } else if (args[a] == "--min-depth") {
      min_depth = number("--min-depth", value());
      if (*min_depth < 0) throw ConfigError("render: --min-depth must be >= 0 m");
    } else if (args[a] == "--no-gauges") {
      options.show_gauges = false;
    } else if (args[a] == "--animate") {
      animate = true;
    } else if (args[a].starts_with("-")) {
      throw ConfigError("render: unknown option '" + args[a] + "'");
    } else if (in.empty()) {
      in = args[a];
    } else {
      throw ConfigError("render: unexpected argument '" + args[a] + "'");
    }
  }
  if (in.empty()) throw ConfigError("render: expected a results file");
  if (out.empty()) throw ConfigError("render: --out map.png is required");
  const viz::MapField field = viz::parse_map_field(field_name);

  const viz::ResultsSource source(in);
  const viz::Basin& basin = source.basin();
  const double shown_depth = min_depth ? *min_depth : basin.threshold;
  std::optional<viz::PeakMaps> peaks;
  if (source.has_peaks()) peaks = source.peaks();
  const viz::PeakMaps* peak_ptr = peaks ? &*peaks : nullptr;

  if (!animate) {
    const viz::TimeChoice when = viz::choose_time(time, source.times(), in);
    if (when.peak && !peaks) (void)source.peaks();  // throws InputError naming the missing map
    std::optional<viz::Snapshot> snap;
    if (!when.peak) snap = source.snapshot(when.index);
    const viz::MapLayer layer =
        viz::make_layer(basin, field, snap ? &*snap : nullptr, peak_ptr, shown_depth);
    const viz::MapPlacement map = viz::render_map(basin, layer, options, out);
    std::printf("%s: %s, %d x %d pixels (map %d x %d), %zu cells coloured\n", out.c_str(),
                layer.subtitle.c_str(), options.width, options.height, map.width, map.height,
                layer.shown_cells());
    return 0;
  }

  // One frame per output time with a common colour scale.
  const fs::path target(out);
  const fs::path stem = target.parent_path() / target.stem();
  double top = 0;
  if (peaks && field == viz::MapField::depth) {
    for (double h : peaks->max_depth)
      if (h > top) top = h;
  }
  std::vector<fs::path> frames;
  for (std::size_t k = 0; k < source.times().size(); ++k) {
    const viz::Snapshot snap = source.snapshot(k);
    viz::MapLayer layer = viz::make_layer(basin, field, &snap, peak_ptr, shown_depth);
    if (field == viz::MapField::depth && top > 0) layer.hi = viz::nice_ceil(top);
    if (field == viz::MapField::arrival_time && peaks) {
      layer = viz::make_layer(basin, field, nullptr, peak_ptr, shown_depth);
      const double hi = layer.hi;
      layer = viz::make_layer(basin, field, &snap, peak_ptr, shown_depth);
      layer.hi = hi;
    }
    char suffix[32];
    std::snprintf(suffix, sizeof suffix, "_%04zu.png", k);
    const fs::path frame = stem.string() + suffix;
    viz::render_map(basin, layer, options, frame);
    frames.push_back(frame);
  }
  std::printf("%zu frames %s_NNNN.png\n", frames.size(), stem.string().c_str());
  const fs::path gif = stem.string() + ".gif";
  std::string command;
  if (on_path("convert")) {
    command = "convert -delay 50 -loop 0";
    for (const auto& f : frames) command += " " + shell_quoted(f);
    command += " " + shell_quoted(gif);
  } else if (on_path("ffmpeg")) {
    command = "ffmpeg -loglevel error -y -framerate 2 -i " +
              shell_quoted(fs::path(stem.string() + "_%04d.png")) + " " + shell_quoted(gif);
  }
  if (command.empty()) {
    std::printf("no animated GIF: neither ImageMagick's convert nor ffmpeg is installed\n");
  } else if (std::system((command + " >/dev/null 2>&1").c_str()) == 0 && fs::exists(gif)) {
    std::printf("%s: animated GIF of the frames\n", gif.string().c_str());
  } else {
    std::printf("no animated GIF: '%s' failed; the frames are there\n", command.c_str());
  }
  return 0;
}

const floodtwin::cli::Registration registration(
    "render",
    {"render a flood map (PNG) of a results file",
     "usage: floodtwin render RESULTS --out MAP.png [--time max|END|T] [--field F]\n"
     "                        [--width W] [--height H] [--min-depth D] [--no-gauges] [--animate]\n"
     "  --time       max (the peak maps, default), END (the last output) or an output time\n"
     "               since the start: 3600, 3600s, 90min, 1.5h, 01:30:00\n"
     "  --field      depth (default; metres), hazard (UK FD2320 classes: low < 0.75,\n"
     "               moderate < 1.25, significant < 2.0, extreme), arrival_time (hours)\n"
     "  --width, --height  image size in pixels (default 1200 x 900)\n"
     "  --min-depth  depth above which a cell is coloured [m] (default: the run's flood\n"
     "               threshold)\n"
     "  --animate    one frame per output time, MAP_NNNN.png, and MAP.gif when ImageMagick's\n"
     "               convert or ffmpeg is installed\n"
     "Without a display, run it under a virtual X server: xvfb-run -a floodtwin render ...",
     run});

}  // namespace

#endif  // FLOODTWIN_HAS_VIZ
