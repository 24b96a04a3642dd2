#pragma once
/// @file products.hpp
/// What `floodtwin vtk` and `floodtwin render` do, as library calls shared by the command
/// line and the Python binding: a results file as a VTK time series, and as PNG maps
/// (one map, or one frame per output time with an animated GIF and an MP4 for briefings).
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "viz/render_map.hpp"
#include "viz/vtk_series.hpp"

namespace floodtwin::viz {

/// What export_vtk wrote.
struct VtkExport {
  std::filesystem::path dir;
  std::size_t times = 0;  ///< flood_NNNN.vts files listed in flood.pvd
  bool gauges = false;    ///< gauges.vtp written
  bool peaks = false;     ///< max.vts written (the file holds the peak maps)
  std::vector<std::filesystem::path> files;
};

/// Converts the results file `results` to a VTK series in `dir` (see vtk_series.hpp). Before
/// anything is written: refuses (ConfigError) a folder, or a file of the series, that is the
/// results file, and takes the folder's lock (`DIR.lock` beside it; IoError when another
/// process holds it), as `floodtwin vtk` and Python's write_vtk both need.
VtkExport export_vtk(const std::filesystem::path& results, const std::filesystem::path& dir,
                     const VtkOptions& options = {});

/// The movies written from the frames of an animation.
enum class Movie { gif, mp4 };

struct RenderRequest {
  /// "max" (peak maps), "END"/"end"/"last", or an output time ("3600", "90min", "01:30:00");
  /// ignored when animating.
  std::string time = "max";
  std::string field = "depth";  ///< depth, hazard or arrival_time
  RenderOptions options;
  std::optional<double> min_depth;  ///< coloured above this depth [m]; default the run's threshold
  bool animate = false;             ///< one frame per output time
  std::vector<Movie> movies = {Movie::gif, Movie::mp4};  ///< made from the frames with ffmpeg
  double frame_rate = 2;                                 ///< frames per second of the movies
};

struct RenderedMaps {
  std::vector<std::filesystem::path> images;  ///< the PNG, or the frames in time order
  std::vector<std::filesystem::path> movies;  ///< GIF/MP4 written
  std::vector<double> times;                  ///< time of each image [s]; NaN for the peak map
  std::string subtitle;                       ///< what the (first) image shows
  std::size_t shown_cells = 0;                ///< cells coloured in the (first) image
  MapPlacement placement;                     ///< where the map lies in the image
  std::string note;  ///< why a requested movie was not made ("" when all were)
};

/// Renders maps of the results file `results` to `png` (frames: STEM_NNNN.png beside it,
/// movies STEM.gif / STEM.mp4). Needs an X display (render_map.hpp). Throws ConfigError for
/// a bad time text, field or size, InputError for a time with no snapshot or a missing map.
/// Movies are made with Debian's ffmpeg when it is on PATH; without it, or when it fails, the
/// frames are kept and `note` says why. Every file is written under a temporary name and
/// renamed when complete. Before anything is written: refuses (ConfigError) a map, GIF or MP4
/// path that is the results file, and takes the map's lock (`PNG.lock`; IoError when another
/// process holds it), for `floodtwin render` and Python's render alike.
RenderedMaps render_results(const std::filesystem::path& results, const std::filesystem::path& png,
                            const RenderRequest& request);

/// What a probability map of an ensemble file shows.
struct ProbabilityRequest {
  std::optional<double> threshold;  ///< one map of this threshold [m]; none: one per threshold
  /// The results whose terrain (hillshade), title and gauges the maps show; empty: the one
  /// beside the ensemble file (ensemble_source.hpp, results_beside), else a flat grey terrain.
  std::filesystem::path results;
  RenderOptions options;
};

/// Renders exceedance-probability maps of the ensemble file `ensemble` (docs/ensemble.md):
/// with a threshold, one map at `png`; without, one per threshold of the file at
/// `STEM_gtT m.png` beside `png` (e.g. prob_gt0.3m.png). Cells with a probability > 0 are
/// coloured opaquely with viz::probability_colour over the hillshade, the legend
/// "P(max depth > T m)" from 0 to 1. Same output checks, lock and X display as render_results.
/// InputError for a threshold the file does not hold or a results file on another grid.
RenderedMaps render_probability(const std::filesystem::path& ensemble,
                                const std::filesystem::path& png,
                                const ProbabilityRequest& request);

/// Parses "gif", "mp4", "gif,mp4", "none" (ConfigError otherwise).
std::vector<Movie> parse_movies(const std::string& text);

}  // namespace floodtwin::viz
