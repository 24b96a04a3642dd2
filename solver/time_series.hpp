#pragma once
/// @file time_series.hpp
/// A piecewise-linear function of time, held constant before the first and after the last
/// sample. Used for boundary discharges and levels, point sources and hyetographs.
#include <string>
#include <vector>

#include "solver/real.hpp"

namespace floodtwin::solver {

class TimeSeries {
 public:
  TimeSeries() = default;
  /// A constant value for all times.
  explicit TimeSeries(Real constant);
  /// @param times   sample times [s], strictly increasing, finite
  /// @param values  values at those times, finite
  /// @param name    what the series is, used in error messages (e.g. "boundary west discharge")
  TimeSeries(std::vector<Real> times, std::vector<Real> values, std::string name = "time series");

  /// Value at time t (linear interpolation).
  [[nodiscard]] Real operator()(Real t) const;
  /// Exact integral of the series over [a, b] (a <= b).
  [[nodiscard]] Real integral(Real a, Real b) const;
  [[nodiscard]] bool empty() const { return times_.empty(); }
  [[nodiscard]] const std::vector<Real>& times() const { return times_; }
  [[nodiscard]] const std::vector<Real>& values() const { return values_; }
  [[nodiscard]] const std::string& name() const { return name_; }

 private:
  /// Integral from times_.front() (or -inf clamp) to t, relative to the first sample.
  [[nodiscard]] Real primitive(Real t) const;
  std::vector<Real> times_;
  std::vector<Real> values_;
  std::vector<Real> cumulative_;  ///< integral from times_[0] to times_[k]
  std::string name_;
};

}  // namespace floodtwin::solver
