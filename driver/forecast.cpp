/// @file forecast.cpp
/// driver::run (forecast.hpp): the run loop of a prepared forecast (prepare.cpp). It takes the
/// output locks, resumes from a checkpoint, opens the writers, and steps leg by leg to the
/// times of output_schedule.hpp, writing snapshots, gauge samples and checkpoints; gauge
/// thresholds (gauge_warnings.hpp), progress and stop requests (run_progress.hpp) are checked
/// after every step; checkpoint metadata in checkpoint_metadata.hpp.
#include "driver/forecast.hpp"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "driver/checkpoint_metadata.hpp"
#include "driver/gauge_warnings.hpp"
#include "driver/inputs.hpp"
#include "driver/output_schedule.hpp"
#include "driver/run_progress.hpp"
#include "driver/vtk_output.hpp"
#include "floodtwin/version.hpp"
#include "io/checkpoint.hpp"
#include "io/file_lock.hpp"
#include "io/results_writer.hpp"
#include "solver/error.hpp"
#include "terrain/rainfall.hpp"

namespace floodtwin::driver {

namespace fs = std::filesystem;
using scenarios::Scenario;

RunSummary run(Forecast& f, const RunOptions& options) {
  using clock = std::chrono::steady_clock;
  const auto start = clock::now();
  const Scenario& s = f.scenario;
  solver::Simulation& sim = *f.sim;
  solver::FloodMaps& maps = *f.maps;
  // Decomposed over MPI processes (Simulation::set_decomposition, docs/mpi.md): every process
  // steps its rows; rank 0 alone writes (results, VTK, checkpoints), within `on_root`, which
  // serves it the other processes' rows of the state and maps a stripe at a time
  // (Simulation::on_root, solver/row_source.hpp). Collective: every process calls it alike.
  solver::Decomposition* const decomposition = sim.decomposition();
  const bool split = sim.decomposed();
  const bool root = !split || decomposition->rank() == 0;
  auto on_root = [&](const std::function<void()>& write) { sim.on_root(&maps, write); };
  {
    // A run past the end of a forcing series is refused before anything is written.
    const double end = options.until ? *options.until : s.duration;
    sim.check_forcing(static_cast<Real>(end));
    if (f.rain) f.rain->check_covers(static_cast<Real>(end));
  }
  RunSummary summary;
  summary.results = options.output.empty() ? s.output : options.output;
  const fs::path results(summary.results);
  // Safe outputs (driver/inputs.hpp): never over an input; one run per output, locked before
  // anything is written (`<results>.lock`, `<vtk>.lock`).
  refuse_outputs_over_inputs(s, summary.results, s.vtk_dir, "run:");
  if (!options.resume.empty()) {  // the checkpoint resumed from is an input too
    for (const fs::path& out : {results, io::partial_path(results)}) {
      io::refuse_output_over_inputs(out, {options.resume}, "run: --output over --resume");
    }
  }
  if (results.has_parent_path()) fs::create_directories(results.parent_path());
  std::optional<io::FileLock> results_lock;
  if (root) results_lock.emplace(io::lock_path(results), "run of " + s.file);
  std::optional<io::FileLock> vtk_lock;
  if (root && !s.vtk_dir.empty()) {
    fs::path vtk_path = fs::path(s.vtk_dir).lexically_normal();
    if (vtk_path.filename().empty()) vtk_path = vtk_path.parent_path();
    if (vtk_path.has_parent_path()) fs::create_directories(vtk_path.parent_path());
    vtk_lock.emplace(io::lock_path(vtk_path), "run of " + s.file + " ([output] vtk)");
  }
  const std::string inputs = inputs_hash(s);
  std::string run_id;

  // Resuming: the outputs up to the checkpoint's time come from the interrupted run's files.
  std::optional<double> resume_time;
  if (!options.resume.empty()) {
    const io::CheckpointInfo head = io::read_checkpoint_info(options.resume);
    run_id = check_checkpoint(options.resume, head.time, head.scheme, head.metadata, s, inputs,
                              options.until ? *options.until : s.duration);
    const io::CheckpointInfo info = io::read_checkpoint(options.resume, sim, &maps);
    resume_time = static_cast<double>(sim.time());
    // The gauge warnings of the interrupted run hold for the whole event: not fired twice.
    if (const auto it = info.metadata.find(warnings_key); it != info.metadata.end()) {
      for (Warning w : parse_warnings(it->second, options.resume)) {
        w.before_resume = true;
        summary.warnings.push_back(std::move(w));
      }
    }
    // Cross-section and boundary volumes go on counting (a checkpoint without them, of a run
    // without sections, starts them at zero).
    if (const auto it = info.metadata.find(flows_key); it != info.metadata.end()) {
      restore_flows(sim.flows(), it->second, options.resume);
    }
  }

  io::ResultsOptions ro;
  ro.start_time = s.start;
  ro.crs_wkt = f.crs_wkt;
  ro.title = options.title.empty() ? "floodtwin forecast: " + fs::path(s.file).filename().string()
                                   : options.title;
  ro.scenario_text = s.text;
  ro.threads = options.threads > 0 ? options.threads : omp_get_max_threads();
  ro.deflate_level = s.compression;
  ro.attributes["scenario_file"] = s.file;
  std::string cmd;
  for (const auto& a : options.command_line) cmd += (cmd.empty() ? "" : " ") + a;
  if (!cmd.empty()) ro.attributes["command_line"] = cmd;
  if (!options.resume.empty()) ro.attributes["resumed_from"] = options.resume;
  ro.attributes[inputs_hash_key] = inputs;
  ro.run_id = run_id;  // empty: a fresh one
  for (const auto& g : f.gauges) ro.gauges.push_back({g.spec.name, g.spec.x, g.spec.y});
  ro.carry_over_until = resume_time;
  std::optional<io::ResultsWriter> writer_on_root;
  on_root([&] { writer_on_root.emplace(results, sim, ro); });
  io::ResultsWriter* const writer = root ? &*writer_on_root : nullptr;
  if (resume_time) {
    on_root([&] {
      summary.notes.push_back("results: " + writer->carry_over_note());
      writer->write_flood_maps(sim, maps);  // the peak maps so far, until the next snapshot
    });
  }
  // [output] vtk = "dir": the snapshots and peak maps also as a VTK series for ParaView.
  // The writer is registered by the program (driver/vtk_output.hpp): the driver links no VTK.
  std::unique_ptr<VtkOutput> vtk;
  if (!s.vtk_dir.empty())
    on_root([&] {
      const VtkOutputFactory make_vtk = vtk_output_factory();
      if (make_vtk == nullptr) {
        throw ConfigError(s.file +
                          ": [output] vtk needs floodtwin built with the viz module (VTK)");
      }
      VtkOutputRequest vr;
      vr.dir = s.vtk_dir;
      vr.crs_wkt = f.crs_wkt;
      vr.title = fs::path(s.file).filename().string();
      vr.start_time = s.start;
      vr.threshold = maps.threshold();
      for (const auto& g : f.gauges) vr.stations.push_back({g.spec.name, g.spec.x, g.spec.y});
      vr.resume_time = resume_time;
      vtk = make_vtk(vr, sim);
      if (resume_time) {
        summary.notes.push_back("vtk: " + std::to_string(vtk->steps()) + " output times kept in " +
                                s.vtk_dir + "/flood.pvd");
      }
    });
  auto write_vtk = [&](bool peaks) {
    if (vtk && peaks) vtk->write_peaks(maps, sim);
    if (vtk && !peaks) vtk->write(sim);
  };

  auto ensure_rain = [&](Real t) {
    if (!f.rain) return;
    sim.set_rain_rate(f.rain->rate_field(t));  // no copy: the kept rows only under mpirun
  };
  OutputSchedule schedule;
  schedule.duration = options.until ? *options.until : s.duration;
  schedule.output_every = s.output_interval;
  schedule.gauge_every = s.gauge_interval > 0 ? s.gauge_interval : s.output_interval;
  schedule.checkpoint_every = options.checkpoint_every;
  const double duration = schedule.duration;
  GaugeWarnings gauge_warnings(f.gauges, summary.warnings,
                               root ? options.on_warning : std::function<void(const Warning&)>());
  RunProgress progress(sim, options, static_cast<Real>(s.flood_threshold), duration, start);
  // Collective; a checkpoint of N processes is the one-process checkpoint.
  auto checkpoint = [&]() {
    on_root([&] {
      const fs::path cp = io::checkpoint_path(results, sim.time());
      std::map<std::string, std::string> metadata =
          checkpoint_dependencies(s, writer->run_id(), inputs);
      metadata["scenario_file"] = s.file;
      metadata["floodtwin_version"] = floodtwin::version;
      metadata[warnings_key] = format_warnings(summary.warnings);
      metadata[flows_key] = format_flows(sim.flows());
      io::write_checkpoint(cp, sim, &maps, metadata);
      summary.checkpoints.push_back(cp.string());
    });
  };

  if (options.resume.empty()) {
    maps.record_initial_state(sim);  // a cell that starts flooded: its initial depth is a peak
    on_root([&] {
      writer->write_snapshot(sim, &maps);
      write_vtk(false);
      writer->write_gauges(sim);
    });
  }
  gauge_warnings.check(sim, summary.warnings);
  progress.report_output();
  bool stopped = false;
  // Each step folds its end state into the maps (in the losses' pass where it can).
  struct FoldMaps {
    solver::Simulation& sim;
    ~FoldMaps() { sim.fold_maps(nullptr); }
  } folding{sim};
  sim.fold_maps(&maps);
  while (sim.time() < duration && !stopped) {
    const double t = sim.time();
    ensure_rain(static_cast<Real>(t));
    const double target = schedule.leg_end(t, f.rain.get());
    progress.begin_leg();
    const bool reached = sim.advance_to(static_cast<Real>(target), [&](Real /*dt*/) {
      gauge_warnings.check(sim, summary.warnings);
      return progress.after_step();  // false: stop (collective when decomposed)
    });
    if (!reached) {
      stopped = true;
      break;
    }
    const double now = sim.time();
    const bool at_output = schedule.at_output(t, now);
    const bool at_gauge = schedule.at_gauge(t, now);
    if (at_gauge || at_output) {
      on_root([&] {
        writer->write_gauges(sim);
        if (!at_output) return;
        writer->write_snapshot(sim, &maps);
        write_vtk(false);
      });
    }
    if (at_output) progress.report_output();  // collective
    if (schedule.at_checkpoint(t, now)) checkpoint();
    if (progress.stop_requested()) stopped = true;
  }
  summary.wall = std::chrono::duration<double>(clock::now() - start).count();
  summary.steps = sim.steps();
  summary.balance = sim.mass_balance();  // collective
  // The deepest water and the flooded area: each process over its own rows, then together
  // (a maximum, and flooded cells counted per row and added up in row order: exact, the
  // one-process numbers).
  const solver::Grid& grid = sim.grid();
  const auto [own0, own1] = sim.owned_rows();
  std::vector<double> flooded_rows(static_cast<std::size_t>(grid.ny), 0.0);
  for (int j = own0; j < own1; ++j) {
    double& row = flooded_rows[static_cast<std::size_t>(j)];
    for (int i = 0; i < grid.nx; ++i) {
      const auto k = static_cast<std::size_t>(grid.index(i, j));
      summary.max_depth = std::max(summary.max_depth, static_cast<double>(maps.max_depth[k]));
      if (maps.max_depth[k] > maps.threshold()) row += 1;
    }
  }
  double flooded = 0;
  if (split) {
    summary.max_depth = decomposition->max(summary.max_depth);
    decomposition->sum_rows(flooded_rows, 1, std::span<double>(&flooded, 1));
  } else {
    for (const double row : flooded_rows) flooded += row;
  }
  summary.flooded_area = flooded * grid.cell_area();
  if (stopped) {
    checkpoint();
    on_root([&] { write_vtk(true); });  // the peak maps so far
    summary.interrupted = true;
    return summary;  // the writer leaves the .partial file readable up to its last snapshot
  }
  on_root([&] {
    write_vtk(true);
    writer->finalize(&maps, summary.wall);
  });
  return summary;
}

}  // namespace floodtwin::driver
