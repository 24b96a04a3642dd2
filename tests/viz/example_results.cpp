// Writes the results file of viz_testing.hpp for the command-line tests.
// usage: viz_example_results OUT.h5
#include <cstdio>

#include "solver/error.hpp"
#include "viz_testing.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: viz_example_results OUT.h5\n");
    return 2;
  }
  try {
    floodtwin::testing::write_viz_results(argv[1]);
  } catch (const floodtwin::Error& e) {
    std::fprintf(stderr, "viz_example_results: %s\n", e.what());
    return 1;
  }
  return 0;
}
