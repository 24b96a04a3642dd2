// Missing, non-HDF5, truncated and foreign files give IoError naming the file and what was
// expected, for checkpoints, results, summaries and hot starts.
#include <gtest/gtest.h>

#include <fstream>

#include "io/checkpoint.hpp"
#include "io/results_reader.hpp"
#include "io/results_writer.hpp"
#include "io_testing.hpp"
#include "solver/error.hpp"

namespace ft = floodtwin::testing;
using namespace floodtwin;

namespace {

/// Runs `f`, expects an IoError whose message holds every string of `parts`.
template <class F>
void expect_io_error(F f, const std::vector<std::string>& parts) {
  try {
    f();
    FAIL() << "expected IoError";
  } catch (const IoError& e) {
    const std::string msg = e.what();
    for (const std::string& p : parts) EXPECT_NE(msg.find(p), std::string::npos) << msg;
  }
}

void write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path) << text;
}

}  // namespace

TEST(BadFiles, MissingFile) {
  const ft::TempDir dir("missing");
  auto sim = ft::lake_at_rest();
  const auto path = dir / "nothing.h5";
  expect_io_error([&] { io::read_checkpoint(path, *sim); },
                  {"nothing.h5", "no such file", "expected a floodtwin checkpoint"});
  expect_io_error([&] { io::read_results_summary(path); },
                  {"nothing.h5", "expected a floodtwin results file"});
}

TEST(BadFiles, NotHdf5) {
  const ft::TempDir dir("text");
  auto sim = ft::lake_at_rest();
  const auto path = dir / "scenario.toml";
  write_text(path, "[scenario]\nname = 'x'\n");
  expect_io_error([&] { io::read_checkpoint(path, *sim); },
                  {"scenario.toml", "not an HDF5 file", "expected a floodtwin checkpoint"});
  expect_io_error([&] { io::ResultsReader r(path); },
                  {"scenario.toml", "not an HDF5 file", "expected a floodtwin results file"});
  expect_io_error([&] { io::read_final_state(path, *sim); }, {"scenario.toml"});
}

TEST(BadFiles, Truncated) {
  const ft::TempDir dir("truncated");
  auto sim = ft::busy_case();
  sim->advance_to(1.0);
  const auto checkpoint = dir / "cut.checkpoint.h5";
  io::write_checkpoint(checkpoint, *sim);
  const auto results = dir / "cut.h5";
  {
    io::ResultsWriter w(results, *sim);
    w.write_snapshot(*sim);
    w.finalize(nullptr, 0);
  }
  for (const auto& path : {checkpoint, results}) {
    std::filesystem::resize_file(path, std::filesystem::file_size(path) / 2);
  }
  expect_io_error([&] { io::read_checkpoint(checkpoint, *sim); },
                  {"cut.checkpoint.h5", "expected a floodtwin checkpoint"});
  expect_io_error(
      [&] {
        const io::ResultsReader r(results);
        (void)r.read_snapshot("depth", 0);
        (void)r.read("max_depth");
        (void)r.read("elevation");
      },
      {"cut.h5"});
}

TEST(BadFiles, ForeignHdf5) {
  const ft::TempDir dir("foreign");
  auto sim = ft::lake_at_rest();
  // A results file is valid HDF5 but not a checkpoint, and a checkpoint not a results file.
  const auto results = dir / "results.h5";
  {
    io::ResultsWriter w(results, *sim);
    w.write_snapshot(*sim);
    w.finalize(nullptr, 0);
  }
  const auto checkpoint = dir / "state.h5";
  io::write_checkpoint(checkpoint, *sim);
  expect_io_error([&] { io::read_checkpoint(results, *sim); },
                  {"results.h5", "not a floodtwin checkpoint", "format"});
  expect_io_error([&] { io::read_results_summary(checkpoint); },
                  {"state.h5", "not a floodtwin results file", "expected variables"});
  expect_io_error([&] { io::read_final_state(checkpoint, *sim); },
                  {"state.h5", "not a floodtwin results file"});
  expect_io_error([&] { (void)io::ResultsReader(results).read("no_such_variable"); },
                  {"results.h5", "no variable 'no_such_variable'"});
}

TEST(BadFiles, UnwritablePlace) {
  auto sim = ft::lake_at_rest();
  expect_io_error([&] { io::ResultsWriter w("/nonexistent-dir/run.h5", *sim); },
                  {"/nonexistent-dir/run.h5.partial", "cannot create the results file"});
  expect_io_error([&] { io::write_checkpoint("/nonexistent-dir/c.h5", *sim); },
                  {"/nonexistent-dir/c.h5.partial", "cannot create the checkpoint file"});
}
