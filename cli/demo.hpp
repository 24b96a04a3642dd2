#pragma once
/// @file demo.hpp
/// The built-in demonstration: a dam break on a small grid.

namespace floodtwin::cli {

/// Runs the dam-break demo with the given threads (0: OpenMP default); returns an exit code.
int run_demo(int threads);

}  // namespace floodtwin::cli
