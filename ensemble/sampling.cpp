#include "ensemble/sampling.hpp"

#include <cmath>
#include <numbers>

namespace floodtwin::ensemble {

std::uint64_t mix64(std::uint64_t x) {
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

std::uint64_t fnv1a64(const std::string& text) {
  std::uint64_t h = 0xCBF29CE484222325ULL;
  for (const char c : text) {
    h ^= static_cast<std::uint8_t>(c);
    h *= 0x100000001B3ULL;
  }
  return h;
}

Stream::Stream(std::uint64_t seed, std::uint64_t member, const std::string& parameter)
    : state_(mix64(mix64(seed) ^ mix64(member + 1) ^ fnv1a64(parameter))) {}

std::uint64_t Stream::next() {
  state_ += 0x9E3779B97F4A7C15ULL;
  return mix64(state_);
}

double Stream::uniform() { return (static_cast<double>(next() >> 11) + 0.5) * 0x1.0p-53; }

double Stream::normal() {
  const double u1 = uniform();
  const double u2 = uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

double draw(const Distribution& d, std::uint64_t seed, std::uint64_t member,
            const std::string& parameter) {
  Stream s(seed, member, parameter);
  switch (d.kind) {
    case Distribution::Kind::fixed:
      return d.a;
    case Distribution::Kind::uniform:
      return d.a + (d.b - d.a) * s.uniform();
    case Distribution::Kind::normal:
      return d.a + d.b * s.normal();
    case Distribution::Kind::lognormal:
      return d.a * std::exp(d.b * s.normal());
  }
  return d.a;
}

}  // namespace floodtwin::ensemble
