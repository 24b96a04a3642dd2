#include "viz/products.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <sstream>
#include <system_error>

#include "io/file_lock.hpp"
#include "solver/error.hpp"
#include "viz/ensemble_source.hpp"
#include "viz/results_source.hpp"

extern char** environ;  // NOLINT: POSIX, passed to posix_spawnp

namespace floodtwin::viz {

namespace fs = std::filesystem;

namespace {

/// The program's path when it is an executable on PATH, else "".
fs::path find_on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return {};
  std::stringstream dirs(path);
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) continue;
    const fs::path candidate = fs::path(dir) / program;
    if (::access(candidate.c_str(), X_OK) == 0 && fs::is_regular_file(candidate)) return candidate;
  }
  return {};
}

/// Runs `argv` without a shell, its output into `log`; returns the exit status (-1: no start).
int run_program(const std::vector<std::string>& argv, const fs::path& log) {
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  pid_t pid = 0;
  const int started = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (started != 0) return -1;
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/// The last line of a log file, for error notes.
std::string last_line(const fs::path& log) {
  std::ifstream in(log);
  std::string line, last;
  while (std::getline(in, line)) {
    if (!line.empty()) last = line;
  }
  return last;
}

/// Makes one movie of the frames STEM_%04d.png with ffmpeg; "" on success, else why not.
std::string make_movie(const fs::path& ffmpeg, const fs::path& stem, std::size_t frames,
                       Movie movie, double rate, const fs::path& target) {
  const fs::path partial = target.string() + ".partial";
  const fs::path log = target.string() + ".log";
  std::vector<std::string> argv = {ffmpeg.string(),
                                   "-nostdin",
                                   "-loglevel",
                                   "error",
                                   "-y",
                                   "-framerate",
                                   std::to_string(rate),
                                   "-i",
                                   stem.string() + "_%04d.png"};
  if (movie == Movie::gif) {
    // One palette for the whole animation (ffmpeg's default palette bands the hillshade).
    argv.insert(argv.end(), {"-vf", "split[a][b];[a]palettegen=stats_mode=full[p];[b][p]paletteuse",
                             "-loop", "0", "-f", "gif"});
  } else {
    // H.264 in yuv420p (plays in browsers and presentation software) needs even sizes.
    argv.insert(argv.end(), {"-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2", "-c:v", "libx264", "-pix_fmt",
                             "yuv420p", "-movflags", "+faststart", "-f", "mp4"});
  }
  // Only this animation's frames: an older, longer one may have left STEM_NNNN.png behind.
  argv.insert(argv.end(), {"-frames:v", std::to_string(frames)});
  argv.push_back(partial.string());
  const int status = run_program(argv, log);
  std::error_code ec;
  if (status != 0 || !fs::exists(partial) || fs::file_size(partial, ec) == 0) {
    const std::string why = last_line(log);
    fs::remove(partial, ec);
    fs::remove(log, ec);
    return target.filename().string() + ": ffmpeg failed" +
           (status < 0 ? std::string(" to start") : " (exit " + std::to_string(status) + ")") +
           (why.empty() ? "" : ": " + why);
  }
  fs::rename(partial, target, ec);
  fs::remove(log, ec);
  if (ec) return target.filename().string() + ": cannot rename " + partial.string();
  return {};
}

}  // namespace

RenderedMaps render_probability(const fs::path& ensemble, const fs::path& png,
                                const ProbabilityRequest& request) {
  if (png.empty()) throw ConfigError("render: an output PNG path is required");
  const EnsembleSource source(ensemble);
  std::vector<std::size_t> which;
  if (request.threshold) {
    which.push_back(source.threshold_index(*request.threshold));
  } else {
    for (std::size_t k = 0; k < source.thresholds.size(); ++k) which.push_back(k);
  }
  std::vector<fs::path> outputs;
  for (const std::size_t k : which) {
    if (request.threshold) {
      outputs.push_back(png);
    } else {
      char suffix[48];
      std::snprintf(suffix, sizeof suffix, "_gt%gm", source.thresholds[k]);
      outputs.push_back(png.parent_path() /
                        (png.stem().string() + suffix + png.extension().string()));
    }
  }
  std::vector<fs::path> inputs{ensemble};
  if (!request.results.empty()) inputs.push_back(request.results);
  for (const auto& o : outputs) io::refuse_output_over_inputs(o, inputs, "render: --out");
  const io::FileLock lock(io::lock_path(png), "render to " + png.string());

  const fs::path results = request.results.empty() ? results_beside(ensemble) : request.results;
  Basin basin;
  if (!results.empty()) {
    const ResultsSource terrain(results);
    basin = terrain.basin();
    source.check_grid(basin, results);
  } else {
    basin = source.flat_basin();
  }
  RenderedMaps out;
  for (std::size_t n = 0; n < which.size(); ++n) {
    const MapLayer layer =
        probability_layer(source.exceedance(which[n]), source.thresholds[which[n]], source.members);
    const MapPlacement placement = render_map(basin, layer, request.options, outputs[n]);
    if (out.images.empty()) {
      out.subtitle = layer.subtitle;
      out.shown_cells = layer.shown_cells();
      out.placement = placement;
    }
    out.images.push_back(outputs[n]);
    out.times.push_back(std::numeric_limits<double>::quiet_NaN());
  }
  out.note = results.empty() ? "no results file beside the ensemble: flat terrain (--results R.h5)"
                             : "terrain of " + results.string();
  return out;
}

std::vector<Movie> parse_movies(const std::string& text) {
  std::vector<Movie> movies;
  if (text == "none" || text.empty()) return movies;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    Movie m{};
    if (item == "gif") {
      m = Movie::gif;
    } else if (item == "mp4") {
      m = Movie::mp4;
    } else {
      throw ConfigError("--movie expects gif, mp4, gif,mp4 or none, got '" + text + "'");
    }
    if (std::find(movies.begin(), movies.end(), m) == movies.end()) movies.push_back(m);
  }
  return movies;
}

VtkExport export_vtk(const fs::path& results, const fs::path& dir, const VtkOptions& options) {
  // Never over the results read; one writer per folder (`OUTDIR.lock` beside it, as a run's
  // [output] vtk takes) before anything is written. Here, not in the callers: the command line
  // and Python both get them.
  fs::path folder = dir.lexically_normal();
  if (folder.filename().empty()) folder = folder.parent_path();
  if (folder.empty()) throw ConfigError("vtk: an output folder is required");
  io::refuse_output_over_inputs(folder, {results}, "vtk: OUTDIR");
  for (const char* name : {"flood.pvd", "terrain.vts", "gauges.vtp", "max.vts"}) {
    io::refuse_output_over_inputs(folder / name, {results}, "vtk: OUTDIR");
  }
  const std::string file = results.filename().string();
  if (file.starts_with("flood_") && file.ends_with(".vts")) {
    std::error_code ec;
    if (fs::equivalent(fs::absolute(results).parent_path(), fs::absolute(folder), ec)) {
      throw ConfigError("vtk: OUTDIR: " + dir.string() + " holds the input " + results.string() +
                        ", which the series would overwrite; choose another folder");
    }
  }
  if (folder.has_parent_path()) fs::create_directories(folder.parent_path());
  const io::FileLock lock(io::lock_path(folder), "vtk series in " + dir.string());

  const ResultsSource source(results);
  VtkSeries series(dir, source.basin(), options);
  for (std::size_t k = 0; k < source.times().size(); ++k) series.write(source.snapshot(k));
  VtkExport e;
  e.dir = dir;
  e.times = source.times().size();
  e.gauges = !source.basin().stations.empty();
  e.peaks = source.has_peaks();
  if (e.peaks) series.write_peaks(source.peaks());
  e.files = series.files();
  return e;
}

RenderedMaps render_results(const fs::path& results, const fs::path& png,
                            const RenderRequest& request) {
  if (png.empty()) throw ConfigError("render: an output PNG path is required");
  if (!(request.frame_rate > 0 && request.frame_rate <= 60)) {
    throw ConfigError("render: the frame rate must lie in (0, 60] frames per second");
  }
  if (request.min_depth && !(*request.min_depth >= 0)) {
    throw ConfigError("render: the minimum depth must be >= 0 m");
  }
  const MapField field = parse_map_field(request.field);
  // Never over the results read (nor the animations beside the map); one writer per map
  // (`<png>.lock`, also for the frames and animations) before anything is written. Here, not
  // in the callers: the command line and Python both get them.
  for (const char* ext : {"", ".gif", ".mp4"}) {
    fs::path o = png;
    if (*ext != '\0') o.replace_extension(ext);
    io::refuse_output_over_inputs(o, {results}, "render: --out");
  }
  const io::FileLock lock(io::lock_path(png), "render to " + png.string());
  const ResultsSource source(results);
  const Basin& basin = source.basin();
  const double shown_depth = request.min_depth ? *request.min_depth : basin.threshold;
  std::optional<PeakMaps> peaks;
  if (source.has_peaks()) peaks = source.peaks();
  const PeakMaps* peak_ptr = peaks ? &*peaks : nullptr;
  RenderedMaps out;
  auto record = [&](const MapLayer& layer, const MapPlacement& placement) {
    if (!out.images.empty()) return;
    out.subtitle = layer.subtitle;
    out.shown_cells = layer.shown_cells();
    out.placement = placement;
  };

  if (!request.animate) {
    const TimeChoice when = choose_time(request.time, source.times(), results.string());
    if (when.peak && !peaks) (void)source.peaks();  // throws InputError naming the missing map
    std::optional<Snapshot> snap;
    if (!when.peak) snap = source.snapshot(when.index);
    const MapLayer layer = make_layer(basin, field, snap ? &*snap : nullptr, peak_ptr, shown_depth);
    record(layer, render_map(basin, layer, request.options, png));
    out.images.push_back(png);
    out.times.push_back(snap ? snap->time : std::numeric_limits<double>::quiet_NaN());
    return out;
  }

  // One frame per output time with one colour scale for all of them.
  if (source.times().empty()) throw InputError(results.string() + " holds no snapshot to animate");
  const fs::path stem = png.parent_path() / png.stem();
  // The colour scale of the peak map holds for every frame.
  std::optional<MapLayer> peak_scale;
  if (peaks) peak_scale = make_layer(basin, field, nullptr, peak_ptr, shown_depth);
  for (std::size_t k = 0; k < source.times().size(); ++k) {
    const Snapshot snap = source.snapshot(k);
    MapLayer layer = make_layer(basin, field, &snap, peak_ptr, shown_depth);
    if (peak_scale) {
      layer.hi = peak_scale->hi;
      layer.open_top = peak_scale->open_top;
    }
    char suffix[32];
    std::snprintf(suffix, sizeof suffix, "_%04zu.png", k);
    const fs::path frame = stem.string() + suffix;
    record(layer, render_map(basin, layer, request.options, frame));
    out.images.push_back(frame);
    out.times.push_back(snap.time);
  }
  if (request.movies.empty()) return out;
  const fs::path ffmpeg = find_on_path("ffmpeg");
  if (ffmpeg.empty()) {
    out.note = "no GIF/MP4: ffmpeg is not installed (Debian package ffmpeg); the frames are there";
    return out;
  }
  for (const Movie m : request.movies) {
    const fs::path target = stem.string() + (m == Movie::gif ? ".gif" : ".mp4");
    const std::string why =
        make_movie(ffmpeg, stem, out.images.size(), m, request.frame_rate, target);
    if (why.empty()) {
      out.movies.push_back(target);
    } else {
      out.note += (out.note.empty() ? "" : "; ") + why;
    }
  }
  return out;
}

}  // namespace floodtwin::viz
