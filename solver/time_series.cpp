#include "solver/time_series.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "solver/error.hpp"

namespace floodtwin::solver {

AfterEnd parse_after_end(std::string_view text, std::string_view what) {
  if (text == "error") return AfterEnd::error;
  if (text == "hold") return AfterEnd::hold;
  if (text == "zero") return AfterEnd::zero;
  throw ConfigError(std::string(what) + ": expected \"error\", \"hold\" or \"zero\", got \"" +
                    std::string(text) + "\"");
}

std::string to_string(AfterEnd rule) {
  switch (rule) {
    case AfterEnd::error:
      return "error";
    case AfterEnd::hold:
      return "hold";
    case AfterEnd::zero:
      return "zero";
  }
  return "error";
}

TimeSeries::TimeSeries(Real constant)
    : TimeSeries({Real(0)}, {constant}, "constant", AfterEnd::hold) {}

TimeSeries::TimeSeries(std::vector<Real> times, std::vector<Real> values, std::string name,
                       AfterEnd after_end)
    : times_(std::move(times)),
      values_(std::move(values)),
      name_(std::move(name)),
      after_end_(after_end) {
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

Real TimeSeries::end() const {
  if (times_.empty() || after_end_ != AfterEnd::error) {
    return std::numeric_limits<Real>::infinity();
  }
  return times_.back();
}

void TimeSeries::check_covers(Real t) const {
  if (!(t > end())) return;
  std::ostringstream msg;
  msg.precision(10);
  msg << name_ << ": the series ends at t = " << end() << " s but the run goes on to t = " << t
      << " s; extend the series, or say what follows its end (after_end = \"hold\" keeps the "
         "last value "
      << values_.back() << ", after_end = \"zero\" gives 0)";
  throw InputError(msg.str());
}

Real TimeSeries::operator()(Real t) const {
  if (times_.empty()) return Real(0);
  if (t <= times_.front()) return values_.front();
  if (t >= times_.back()) {
    if (after_end_ == AfterEnd::zero && t > times_.back()) return Real(0);
    return values_.back();
  }
  const auto k =
      static_cast<std::size_t>(std::upper_bound(times_.begin(), times_.end(), t) - times_.begin());
  const Real w = (t - times_[k - 1]) / (times_[k] - times_[k - 1]);
  return values_[k - 1] + w * (values_[k] - values_[k - 1]);
}

Real TimeSeries::primitive(Real t) const {
  if (t <= times_.front()) return (t - times_.front()) * values_.front();
  if (t >= times_.back()) {
    const Real tail = after_end_ == AfterEnd::zero ? Real(0) : values_.back();
    return cumulative_.back() + (t - times_.back()) * tail;
  }
  const auto k =
      static_cast<std::size_t>(std::upper_bound(times_.begin(), times_.end(), t) - times_.begin());
  const Real vt = (*this)(t);
  return cumulative_[k - 1] + Real(0.5) * (values_[k - 1] + vt) * (t - times_[k - 1]);
}

Real TimeSeries::integral(Real a, Real b) const {
  if (times_.empty()) return Real(0);
  return primitive(b) - primitive(a);
}

}  // namespace floodtwin::solver
