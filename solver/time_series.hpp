#pragma once
/// @file time_series.hpp
/// A piecewise-linear function of time: boundary discharges and levels, point sources and
/// hyetographs.
///
/// Before its first sample a series holds its first value. Past its last sample it does what
/// its AfterEnd rule says: by default nothing, i.e. a run past the end of a series is an error
/// (Simulation::step refuses to step past end()); `hold` keeps the last value, `zero` gives 0.
/// A constant (TimeSeries(Real)) holds for ever.
#include <string>
#include <string_view>
#include <vector>

#include "solver/real.hpp"

namespace floodtwin::solver {

/// What a series gives after its last sample.
enum class AfterEnd {
  error,  ///< nothing: a run past the last sample is an error (the default)
  hold,   ///< the last value, for ever
  zero,   ///< zero (e.g. no more rain, no more inflow)
};
/// Parses "error" | "hold" | "zero"; throws ConfigError naming `what` otherwise.
AfterEnd parse_after_end(std::string_view text, std::string_view what = "after_end");
std::string to_string(AfterEnd rule);

class TimeSeries {
 public:
  TimeSeries() = default;
  /// A constant value for all times.
  explicit TimeSeries(Real constant);
  /// @param times      sample times [s], strictly increasing, finite
  /// @param values     values at those times, finite
  /// @param name       what the series is, used in error messages (e.g. "boundary west
  ///                   discharge")
  /// @param after_end  what the series gives after its last sample
  TimeSeries(std::vector<Real> times, std::vector<Real> values, std::string name = "time series",
             AfterEnd after_end = AfterEnd::error);

  /// Value at time t (linear interpolation; after the end: the last value, or 0 under
  /// AfterEnd::zero; under AfterEnd::error the last value, but the simulation never steps there).
  [[nodiscard]] Real operator()(Real t) const;
  /// Exact integral of the series over [a, b] (a <= b).
  [[nodiscard]] Real integral(Real a, Real b) const;
  [[nodiscard]] bool empty() const { return times_.empty(); }
  [[nodiscard]] const std::vector<Real>& times() const { return times_; }
  [[nodiscard]] const std::vector<Real>& values() const { return values_; }
  [[nodiscard]] const std::string& name() const { return name_; }
  [[nodiscard]] AfterEnd after_end() const { return after_end_; }
  /// The last time the series is defined at: its last sample under AfterEnd::error, infinity
  /// otherwise (and for constants and empty series).
  [[nodiscard]] Real end() const;
  /// Throws InputError naming the series, its end and `t` when t > end(): "the series ends at
  /// ..., the run reached ...; extend it or set after_end".
  void check_covers(Real t) const;

 private:
  /// Integral from times_.front() to t (negative before it).
  [[nodiscard]] Real primitive(Real t) const;
  std::vector<Real> times_;
  std::vector<Real> values_;
  std::vector<Real> cumulative_;  ///< integral from times_[0] to times_[k]
  std::string name_;
  AfterEnd after_end_ = AfterEnd::hold;
};

}  // namespace floodtwin::solver
