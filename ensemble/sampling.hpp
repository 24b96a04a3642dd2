#pragma once
/// @file sampling.hpp
/// Seeded, portable draws of the members' perturbations (docs/ensemble.md, "Sampling").
///
/// Member k's value of a parameter depends only on (seed, k, parameter name): never on the
/// number of members, the order members run in, or the other parameters. The generator is
/// SplitMix64 (Steele, Lea & Flood 2014; the integer arithmetic is exact on every platform):
///
///   key   = mix(mix(seed) ^ mix(k + 1) ^ fnv1a64(name))
///   state = key; next() = mix(state += 0x9E3779B97F4A7C15)
///   u     = ((next() >> 11) + 0.5) * 2^-53                    in (0, 1), never 0 or 1
///   z     = sqrt(-2 ln u1) * cos(2 pi u2)                     (Box-Muller, first output)
///
/// where mix is SplitMix64's finaliser. uniform(min, max) = min + (max - min) * u1;
/// normal(mean, sd) = mean + sd * z; lognormal(median, sigma) = median * exp(sigma * z).
/// The transforms use std::log/cos/exp/sqrt, so draws are bitwise equal wherever the C
/// library's functions are (always within one build).
#include <cstdint>
#include <string>

#include "ensemble/spec.hpp"

namespace floodtwin::ensemble {

/// SplitMix64's finaliser (a bijection on 64-bit integers).
std::uint64_t mix64(std::uint64_t x);
/// FNV-1a 64-bit hash of a text.
std::uint64_t fnv1a64(const std::string& text);

/// The stream of one (seed, member, parameter).
class Stream {
 public:
  Stream(std::uint64_t seed, std::uint64_t member, const std::string& parameter);
  std::uint64_t next();
  /// Uniform in (0, 1).
  double uniform();
  /// Standard normal (Box-Muller from two uniforms).
  double normal();

 private:
  std::uint64_t state_;
};

/// The value of `d` for member `member` of parameter `parameter`.
double draw(const Distribution& d, std::uint64_t seed, std::uint64_t member,
            const std::string& parameter);

}  // namespace floodtwin::ensemble
