#pragma once
/// @file real.hpp
/// The floating-point type of the whole engine, chosen at configure time
/// (CMake option FLOODTWIN_SINGLE_PRECISION), and tolerances derived from it.
#include <limits>

namespace floodtwin {

#ifdef FLOODTWIN_SINGLE_PRECISION
using Real = float;
#else
using Real = double;
#endif

/// Machine epsilon of Real.
inline constexpr Real real_epsilon = std::numeric_limits<Real>::epsilon();

namespace solver {
using floodtwin::Real;
}

}  // namespace floodtwin
