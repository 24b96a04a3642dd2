// Prints the exact solutions of exact.hpp at points read from standard input, so that
// test_swashes_ref.py can compare them with the SWASHES reference data in shared/swashes_ref.
//   input lines:  ritter X T HL X0 | thacker X Y T | macdonald X
//   output lines: the depth (and for macdonald the bed) at that point
#include <cstdio>
#include <iostream>
#include <string>

#include "exact.hpp"

int main() {
  namespace ft = floodtwin::testing;
  std::string kind;
  while (std::cin >> kind) {
    if (kind == "ritter") {
      double x, t, hl, x0;
      std::cin >> x >> t >> hl >> x0;
      std::printf("%.17g\n", ft::ritter_depth(x, t, hl, x0));
    } else if (kind == "thacker") {
      double x, y, t;
      std::cin >> x >> y >> t;
      const ft::ThackerPlanar th;
      std::printf("%.17g %.17g\n", th.depth(x, y, t), th.bed(x, y));
    } else {
      std::fprintf(stderr, "unknown kind %s\n", kind.c_str());
      return 2;
    }
  }
  return 0;
}
