/// @file shared.cpp
/// Ensemble members shared among processes (docs/mpi.md): whole members per process, their
/// results sent to rank 0 as bytes.
#include <cstring>
#include <type_traits>

#include "ensemble/ensemble.hpp"
#include "solver/error.hpp"

namespace floodtwin::ensemble {

namespace {

template <typename T>
void put(std::string& out, const T& v) {
  static_assert(std::is_trivially_copyable_v<T>);
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

template <typename T>
void put(std::string& out, const std::vector<T>& v) {
  put(out, static_cast<std::uint64_t>(v.size()));
  out.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
}

struct Reader {
  const std::string& bytes;
  std::size_t at = 0;
  void take(void* to, std::size_t n) {
    if (n > bytes.size() - at) throw Error("ensemble: a member's result arrived truncated");
    std::memcpy(to, bytes.data() + at, n);
    at += n;
  }
  template <typename T>
  void get(T& v) {
    take(&v, sizeof v);
  }
  template <typename T>
  void get(std::vector<T>& v) {
    std::uint64_t n = 0;
    get(n);
    if (n > (bytes.size() - at) / sizeof(T)) {
      throw Error("ensemble: a member's result arrived truncated");
    }
    v.resize(static_cast<std::size_t>(n));
    take(v.data(), v.size() * sizeof(T));
  }
};

}  // namespace

std::string encode_member_result(const MemberResult& r) {
  std::string out;
  put(out, r.index);
  put(out, r.steps);
  put(out, r.wall);
  put(out, r.max_depth);
  put(out, r.arrival_time);
  put(out, r.gauge_time);
  put(out, r.gauge_depth);
  put(out, r.gauge_water_level);
  put(out, r.level_time);
  return out;
}

std::vector<MemberResult> decode_member_results(const std::string& bytes) {
  std::vector<MemberResult> out;
  Reader in{bytes};
  while (in.at < bytes.size()) {
    MemberResult r;
    in.get(r.index);
    in.get(r.steps);
    in.get(r.wall);
    in.get(r.max_depth);
    in.get(r.arrival_time);
    in.get(r.gauge_time);
    in.get(r.gauge_depth);
    in.get(r.gauge_water_level);
    in.get(r.level_time);
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<MemberResult> run_members_shared(
    std::size_t count, int threads, int concurrent, const driver::Processes& processes,
    const std::function<MemberResult(std::size_t, std::mutex&)>& job) {
  const auto size = static_cast<std::size_t>(std::max(1, processes.size));
  const auto rank = static_cast<std::size_t>(std::max(0, processes.rank));
  // Member k on process k % size: the members of one process, in member order.
  std::vector<std::size_t> mine;
  for (std::size_t k = rank; k < count; k += size) mine.push_back(k);
  std::vector<MemberResult> results(mine.size());
  run_at_once(mine.size(), threads, concurrent,
              [&](std::size_t i, std::mutex& io) { results[i] = job(mine[i], io); });
  if (!processes.several()) return results;
  std::string bytes;
  for (const MemberResult& r : results) bytes += encode_member_result(r);
  const std::vector<std::string> all = processes.gather_to_root(bytes);
  if (!processes.root()) return {};
  std::vector<MemberResult> ordered(count);
  std::vector<bool> seen(count, false);
  for (const std::string& b : all) {
    for (MemberResult& r : decode_member_results(b)) {
      const auto k = static_cast<std::size_t>(r.index);
      if (r.index < 0 || k >= count || seen[k]) {
        throw Error("ensemble: an unexpected member " + std::to_string(r.index) +
                    " arrived from another process");
      }
      seen[k] = true;
      ordered[k] = std::move(r);
    }
  }
  for (std::size_t k = 0; k < count; ++k) {
    if (!seen[k]) throw Error("ensemble: member " + std::to_string(k) + " did not arrive");
  }
  return ordered;
}

}  // namespace floodtwin::ensemble
