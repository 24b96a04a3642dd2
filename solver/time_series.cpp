#include "solver/time_series.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "solver/error.hpp"

namespace floodtwin::solver {

TimeSeries::TimeSeries(Real constant) : TimeSeries({Real(0)}, {constant}, "constant") {}

TimeSeries::TimeSeries(std::vector<Real> times, std::vector<Real> values, std::string name)
    : times_(std::move(times)), values_(std::move(values)), name_(std::move(name)) {
  if (times_.empty()) throw InputError(name_ + ": a time series needs at least one sample");
  if (times_.size() != values_.size()) {
    std::ostringstream msg;
    msg << name_ << ": " << times_.size() << " times but " << values_.size() << " values";
    throw InputError(msg.str());
  }
  for (std::size_t k = 0; k < times_.size(); ++k) {
    if (!std::isfinite(times_[k]) || !std::isfinite(values_[k])) {
      std::ostringstream msg;
      msg << name_ << ": sample " << k << " is not finite (time " << times_[k] << ", value "
          << values_[k] << ")";
      throw InputError(msg.str());
    }
    if (k > 0 && !(times_[k] > times_[k - 1])) {
      std::ostringstream msg;
      msg << name_ << ": times must increase, but sample " << k << " has time " << times_[k]
          << " after " << times_[k - 1];
      throw InputError(msg.str());
    }
  }
  cumulative_.assign(times_.size(), Real(0));
  for (std::size_t k = 1; k < times_.size(); ++k) {
    cumulative_[k] = cumulative_[k - 1] +
                     Real(0.5) * (values_[k] + values_[k - 1]) * (times_[k] - times_[k - 1]);
  }
}

Real TimeSeries::operator()(Real t) const {
  if (times_.empty()) return Real(0);
  if (t <= times_.front()) return values_.front();
  if (t >= times_.back()) return values_.back();
  const auto k = static_cast<std::size_t>(
      std::upper_bound(times_.begin(), times_.end(), t) - times_.begin());
  const Real w = (t - times_[k - 1]) / (times_[k] - times_[k - 1]);
  return values_[k - 1] + w * (values_[k] - values_[k - 1]);
}

Real TimeSeries::primitive(Real t) const {
  if (t <= times_.front()) return (t - times_.front()) * values_.front();
  if (t >= times_.back()) return cumulative_.back() + (t - times_.back()) * values_.back();
  const auto k = static_cast<std::size_t>(
      std::upper_bound(times_.begin(), times_.end(), t) - times_.begin());
  const Real vt = (*this)(t);
  return cumulative_[k - 1] + Real(0.5) * (values_[k - 1] + vt) * (t - times_[k - 1]);
}

Real TimeSeries::integral(Real a, Real b) const {
  if (times_.empty()) return Real(0);
  return primitive(b) - primitive(a);
}

}  // namespace floodtwin::solver
