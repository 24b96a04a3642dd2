/// @file cmd_render.cpp
/// `floodtwin render RESULTS --out map.png [--time max|END|T] [--field F] [--animate]`: a flood
/// map as a PNG, or one frame per output time with an animated GIF and an MP4
/// (viz/products.hpp).
#if FLOODTWIN_HAS_VIZ  // the command exists when the viz module is built
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>

#include "cli/args.hpp"
#include "cli/command.hpp"
#include "solver/error.hpp"
#include "viz/ensemble_source.hpp"
#include "viz/products.hpp"

namespace {

namespace viz = floodtwin::viz;
using floodtwin::ConfigError;

/// A whole finite decimal number (cli/args.hpp: "0x10" is not 16, "2x" is not 2).
double number(const std::string& option, const std::string& value) {
  const auto v = floodtwin::scenarios::parse_decimal(value);
  if (!v) throw ConfigError("render: " + option + " expects a number, got '" + value + "'");
  return *v;
}

int run(const std::vector<std::string>& args) {
  std::string in, out;
  viz::RenderRequest request;
  std::optional<double> threshold;
  std::string terrain;
  for (std::size_t a = 0; a < args.size(); ++a) {
    auto value = [&]() -> std::string {
      if (a + 1 >= args.size()) throw ConfigError("render: " + args[a] + " needs a value");
      return args[++a];
    };
    if (args[a] == "--time") {
      request.time = value();
    } else if (args[a] == "--out" || args[a] == "-o") {
      out = value();
    } else if (args[a] == "--field") {
      request.field = value();
    } else if (args[a] == "--width") {
      request.options.width = static_cast<int>(number("--width", value()));
    } else if (args[a] == "--height") {
      request.options.height = static_cast<int>(number("--height", value()));
    } else if (args[a] == "--min-depth") {
      request.min_depth = number("--min-depth", value());
      if (*request.min_depth < 0) throw ConfigError("render: --min-depth must be >= 0 m");
    } else if (args[a] == "--threshold") {
      threshold = number("--threshold", value());
    } else if (args[a] == "--results") {
      terrain = value();
    } else if (args[a] == "--no-gauges") {
      request.options.show_gauges = false;
    } else if (args[a] == "--animate") {
      request.animate = true;
    } else if (args[a] == "--movie") {
      request.movies = viz::parse_movies(value());
    } else if (args[a] == "--fps") {
      request.frame_rate = number("--fps", value());
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

  if (viz::is_ensemble_file(in)) {  // probability maps (docs/ensemble.md)
    viz::ProbabilityRequest p;
    p.threshold = threshold;
    p.results = terrain;
    p.options = request.options;
    const viz::RenderedMaps maps = viz::render_probability(in, out, p);
    for (const auto& image : maps.images) std::printf("%s\n", image.c_str());
    std::printf("%s; %zu cells coloured in the first; map at (%d, %d), %d x %d pixels; %s\n",
                maps.subtitle.c_str(), maps.shown_cells, maps.placement.x, maps.placement.y,
                maps.placement.width, maps.placement.height, maps.note.c_str());
    return 0;
  }
  if (threshold) {
    throw ConfigError("render: --threshold is for an ensemble file (" + in + " is not)");
  }
  if (!terrain.empty()) throw ConfigError("render: --results is for an ensemble file");
  // The output checks and the lock are render_results's (viz/products.cpp).
  const viz::RenderedMaps maps = viz::render_results(in, out, request);
  if (!request.animate) {
    std::printf("%s: %s, %d x %d pixels (map %d x %d), %zu cells coloured\n", out.c_str(),
                maps.subtitle.c_str(), request.options.width, request.options.height,
                maps.placement.width, maps.placement.height, maps.shown_cells);
    return 0;
  }
  const std::filesystem::path target(out);
  std::printf("%zu frames %s_NNNN.png\n", maps.images.size(),
              (target.parent_path() / target.stem()).c_str());
  for (const auto& m : maps.movies) std::printf("%s: animation of the frames\n", m.c_str());
  if (!maps.note.empty()) std::printf("%s\n", maps.note.c_str());
  return 0;
}

const floodtwin::cli::Registration registration(
    "render",
    {"render a flood map (PNG) of a results file",
     "usage: floodtwin render RESULTS --out MAP.png [--time max|END|T] [--field F]\n"
     "                        [--width W] [--height H] [--min-depth D] [--no-gauges]\n"
     "                        [--animate [--movie gif,mp4|gif|mp4|none] [--fps R]]\n"
     "  --time       max (the peak maps, default), END (the last output) or an output time\n"
     "               since the start: 3600, 3600s, 90min, 1.5h, 01:30:00\n"
     "  --field      depth (default; metres), hazard (UK FD2320 classes: low < 0.75,\n"
     "               moderate < 1.25, significant < 2.0, extreme), arrival_time (hours)\n"
     "  --width, --height  image size in pixels (default 1200 x 900)\n"
     "  --min-depth  depth above which a cell is coloured [m] (default: the run's flood\n"
     "               threshold)\n"
     "  --animate    one frame per output time, MAP_NNNN.png, with one colour scale, and\n"
     "               MAP.gif and MAP.mp4 made with ffmpeg (Debian package ffmpeg)\n"
     "  --movie      which animations to make from the frames (default gif,mp4)\n"
     "  --fps        frames per second of the animations (default 2)\n"
     "An ensemble file (floodtwin ensemble: <stem>_ensemble.h5, a cycle's ensemble.h5) gives\n"
     "probability maps P(max depth > T): one per threshold of the file, MAP_gtTm.png, or\n"
     "  --threshold T  the map of threshold T [m] only, at MAP.png\n"
     "  --results R    the results whose terrain is drawn (default: <stem>.h5 or forecast.h5\n"
     "                 beside the ensemble file; none: a flat grey terrain)\n"
     "Without a display, run it under a virtual X server: xvfb-run -a floodtwin render ...",
     run});

}  // namespace

#endif  // FLOODTWIN_HAS_VIZ
