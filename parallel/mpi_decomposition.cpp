#include "parallel/mpi_decomposition.hpp"

#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "parallel/launcher.hpp"
#include "solver/error.hpp"

namespace floodtwin::parallel {

namespace {

Traffic g_traffic;
MPI_Comm g_comm = MPI_COMM_NULL;

MPI_Datatype real_type() {
  return std::is_same_v<solver::Real, float> ? MPI_FLOAT : MPI_DOUBLE;
}

double now() { return MPI_Wtime(); }

void check(int rc, const char* what) {
  if (rc == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int len = 0;
  MPI_Error_string(rc, text, &len);
  std::fprintf(stderr, "floodtwin: MPI error in %s: %.*s\n", what, len, text);
  MPI_Abort(MPI_COMM_WORLD, 1);
}

class MpiDecomposition final : public solver::Decomposition {
 public:
  explicit MpiDecomposition(MPI_Comm comm) : comm_(comm) {
    MPI_Comm_rank(comm_, &rank_);
    MPI_Comm_size(comm_, &size_);
    begins_.assign(static_cast<std::size_t>(size_) + 1, 0);
  }
  [[nodiscard]] int rank() const override { return rank_; }
  [[nodiscard]] int size() const override { return size_; }

  void start_exchange(std::span<solver::Real* const> fields, const solver::Grid& grid,
                      int halo) override {
    requests_.clear();
    // Counted in padded rows (a derived type of nx + 2 values): no int count overflows.
    const MPI_Datatype row = row_type(grid.stride(), real_type());
    const int b = first_row();
    const int e = end_row();
    const long long bytes =
        static_cast<long long>(halo) * grid.stride() * static_cast<long long>(sizeof(solver::Real));
    int tag = 0;
    for (solver::Real* f : fields) {
      if (rank_ > 0) {  // the block above: receive rows [b - halo, b), send [b, b + halo)
        post_recv(f + grid.index(-1, b - halo), halo, row, rank_ - 1, tag);
        post_send(f + grid.index(-1, b), halo, row, bytes, rank_ - 1, tag);
      }
      if (rank_ + 1 < size_) {  // the block below: receive [e, e + halo), send [e - halo, e)
        post_recv(f + grid.index(-1, e), halo, row, rank_ + 1, tag);
        post_send(f + grid.index(-1, e - halo), halo, row, bytes, rank_ + 1, tag);
      }
      ++tag;
    }
  }
  void finish_exchange() override {
    const double t0 = now();
    check(MPI_Waitall(static_cast<int>(requests_.size()), requests_.data(), MPI_STATUSES_IGNORE),
          "halo exchange");
    requests_.clear();
    g_traffic.exchange_seconds += now() - t0;
  }
  [[nodiscard]] double max(double value) override {
    const double t0 = now();
    double out = value;
    check(MPI_Allreduce(&value, &out, 1, MPI_DOUBLE, MPI_MAX, comm_), "time-step reduction");
    ++g_traffic.reductions;
    g_traffic.reduce_seconds += now() - t0;
    return out;
  }
  void max_each(std::span<double> values) override {
    const double t0 = now();
    check(MPI_Allreduce(MPI_IN_PLACE, values.data(), static_cast<int>(values.size()), MPI_DOUBLE,
                        MPI_MAX, comm_),
          "flag reduction");
    ++g_traffic.reductions;
    g_traffic.reduce_seconds += now() - t0;
  }
  [[nodiscard]] bool any(bool flag) override {
    int in = flag ? 1 : 0;
    int out = 0;
    check(MPI_Allreduce(&in, &out, 1, MPI_INT, MPI_LOR, comm_), "flag reduction");
    ++g_traffic.reductions;
    return out != 0;
  }
  void allgather_rows(double* values, int per_row) override {
    std::vector<int> counts(static_cast<std::size_t>(size_)), displs(counts.size());
    for (int p = 0; p < size_; ++p) {
      const auto q = static_cast<std::size_t>(p);
      counts[q] = begins_[q + 1] - begins_[q];  // in rows of per_row numbers
      displs[q] = begins_[q];
    }
    const double t0 = now();
    check(MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, values, counts.data(), displs.data(),
                         row_type(per_row, MPI_DOUBLE), comm_),
          "row sums");
    ++g_traffic.gathers;
    g_traffic.gather_seconds += now() - t0;
  }
  void merge_tagged(std::span<double> values, std::span<const int> rows) override {
    // Every process knows every entry's owner: counts and order need no extra message.
    std::vector<int> counts(static_cast<std::size_t>(size_), 0), displs(counts.size(), 0);
    std::vector<int> owners(rows.size());
    for (std::size_t e = 0; e < rows.size(); ++e) {
      owners[e] = owner(rows[e]);
      ++counts[static_cast<std::size_t>(owners[e])];
    }
    for (std::size_t p = 1; p < counts.size(); ++p) displs[p] = displs[p - 1] + counts[p - 1];
    std::vector<double> all(values.size());
    std::vector<double> mine;
    mine.reserve(static_cast<std::size_t>(counts[static_cast<std::size_t>(rank_)]));
    for (std::size_t e = 0; e < values.size(); ++e) {
      if (owners[e] == rank_) mine.push_back(values[e]);
    }
    const double t0 = now();
    check(MPI_Allgatherv(mine.data(), static_cast<int>(mine.size()), MPI_DOUBLE, all.data(),
                         counts.data(), displs.data(), MPI_DOUBLE, comm_),
          "tagged values");
    ++g_traffic.gathers;
    g_traffic.gather_seconds += now() - t0;
    std::vector<int> cursor = displs;
    for (std::size_t e = 0; e < values.size(); ++e) {
      values[e] = all[static_cast<std::size_t>(cursor[static_cast<std::size_t>(owners[e])]++)];
    }
  }
  void gather_to_root(double* field, const solver::Grid& grid) override {
    gather_rows(field, MPI_DOUBLE, grid);
  }
  void gather_to_root(float* field, const solver::Grid& grid) override {
    gather_rows(field, MPI_FLOAT, grid);
  }
  void exchange_near(std::uint8_t* field, const solver::Grid& grid, int depth) override {
    // In padded rows (row -1 is 0): block p owns [own(p), own(p + 1)) (padded_blocks) and
    // reads the rows of [own(p) - depth, own(p + 1) + depth) (clipped to the grid's).
    std::vector<int> counts;
    std::vector<int> displs;
    padded_blocks(grid, counts, displs);
    const int padded_rows = grid.ny + 2;
    auto own = [&](int p) { return p == size_ ? padded_rows : displs[static_cast<std::size_t>(p)]; };
    auto window = [&](int p) {
      return std::pair{std::max(0, own(p) - depth), std::min(padded_rows, own(p + 1) + depth)};
    };
    const MPI_Datatype row = row_type(grid.stride(), MPI_UINT8_T);
    const std::ptrdiff_t stride = grid.stride();
    constexpr int tag = 77;
    const auto [w0, w1] = window(rank_);
    finish_exchange();  // a halo exchange still posted (local steps complete it first)
    for (int q = 0; q < size_; ++q) {
      if (q == rank_) continue;
      // Receive q's rows in this window; send q this block's rows in q's window.
      const int r0 = std::max(w0, own(q));
      const int r1 = std::min(w1, own(q + 1));
      if (r1 > r0) post_recv(field + r0 * stride, r1 - r0, row, q, tag);
      const auto [v0, v1] = window(q);
      const int s0 = std::max(v0, own(rank_));
      const int s1 = std::min(v1, own(rank_ + 1));
      if (s1 > s0) post_send(field + s0 * stride, s1 - s0, row, (s1 - s0) * stride, q, tag);
    }
    finish_exchange();
  }
  void serve_root(std::span<const solver::ServedField> fields, const solver::Grid& grid,
                  const std::function<void()>& root_work) override {
    finish_exchange();
    served_ = fields;
    served_grid_ = &grid;
    if (rank_ == 0) {
      // Every other process waits for requests until it receives the end (r0 < 0).
      auto end_serving = [&] {
        const long long end[3] = {-1, -1, 0};
        for (int q = 1; q < size_; ++q) {
          check(MPI_Send(end, 3, MPI_LONG_LONG, q, request_tag, comm_), "end of row requests");
        }
        served_ = {};
      };
      try {
        root_work();
      } catch (...) {
        end_serving();
        throw;
      }
      end_serving();
      return;
    }
    for (;;) {
      long long request[3] = {0, 0, 0};
      check(MPI_Recv(request, 3, MPI_LONG_LONG, 0, request_tag, comm_, MPI_STATUS_IGNORE),
            "row request");
      if (request[0] < 0) break;
      for_each_served(request[2], [&](const solver::ServedField& f, MPI_Datatype row) {
        auto* at = static_cast<unsigned char*>(f.data) +
                   request[0] * grid.stride() * static_cast<std::ptrdiff_t>(f.value_bytes);
        check(MPI_Send(at, static_cast<int>(request[1] - request[0]), row, 0, rows_tag, comm_),
              "rows to rank 0");
      });
    }
    served_ = {};
  }
  void fetch_rows(int r0, int r1, std::uint64_t which) override {
    if (rank_ != 0 || served_grid_ == nullptr || which == 0) return;
    const solver::Grid& grid = *served_grid_;
    std::vector<int> counts;
    std::vector<int> displs;
    padded_blocks(grid, counts, displs);
    const double t0 = now();
    for (int q = 1; q < size_; ++q) {
      const int a = std::max(r0, displs[static_cast<std::size_t>(q)]);
      const int b =
          std::min(r1, displs[static_cast<std::size_t>(q)] + counts[static_cast<std::size_t>(q)]);
      if (b <= a) continue;
      const long long request[3] = {a, b, static_cast<long long>(which)};
      check(MPI_Send(request, 3, MPI_LONG_LONG, q, request_tag, comm_), "row request");
      for_each_served(request[2], [&](const solver::ServedField& f, MPI_Datatype row) {
        auto* at =
            static_cast<unsigned char*>(f.data) + static_cast<std::ptrdiff_t>(a) * grid.stride() *
                                                      static_cast<std::ptrdiff_t>(f.value_bytes);
        check(MPI_Recv(at, b - a, row, q, rows_tag, comm_, MPI_STATUS_IGNORE),
              "rows from a process");
      });
    }
    g_traffic.gather_seconds += now() - t0;
  }
  ~MpiDecomposition() override {
    if (!initialized()) return;  // types die with MPI
    for (auto& [key, type] : types_) MPI_Type_free(&type);
  }
  MpiDecomposition(const MpiDecomposition&) = delete;
  MpiDecomposition& operator=(const MpiDecomposition&) = delete;

 private:
  template <class T>
  void gather_rows(T* field, MPI_Datatype elem, const solver::Grid& grid) {
    // Padded rows: block p sends its rows, the first block also the north ghost row, the last
    // block the south one. Counts and displacements are in rows (a derived type of one padded
    // row): a grid of more than 2^31 values does not overflow MPI's int counts.
    const std::ptrdiff_t stride = grid.stride();
    const MPI_Datatype row = row_type(stride, elem);
    std::vector<int> counts;
    std::vector<int> displs;
    padded_blocks(grid, counts, displs);
    const double t0 = now();
    const auto me = static_cast<std::size_t>(rank_);
    if (rank_ == 0) {
      check(MPI_Gatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, field, counts.data(), displs.data(),
                        row, 0, comm_),
            "gather to rank 0");
    } else {
      check(MPI_Gatherv(field + static_cast<std::ptrdiff_t>(displs[me]) * stride, counts[me], row,
                        nullptr, nullptr, nullptr, row, 0, comm_),
            "gather to rank 0");
    }
    g_traffic.gather_seconds += now() - t0;
  }
  /// Each block's padded rows (in rows, from the north ghost row): block p's own rows, the
  /// first block's with the ghost row north of the grid, the last's with the one south of it.
  void padded_blocks(const solver::Grid& grid, std::vector<int>& counts,
                     std::vector<int>& displs) const {
    counts.assign(static_cast<std::size_t>(size_), 0);
    displs.assign(counts.size(), 0);
    for (int p = 0; p < size_; ++p) {
      const auto q = static_cast<std::size_t>(p);
      const int r0 = p == 0 ? 0 : begins_[q] + 1;
      const int r1 = p + 1 == size_ ? grid.ny + 2 : begins_[q + 1] + 1;
      counts[q] = r1 - r0;
      displs[q] = r0;
    }
  }
  /// Calls f(field, row type) for each served field whose bit is set in `which`, in order.
  template <class F>
  void for_each_served(long long which, F&& f) {
    const auto bits = static_cast<std::uint64_t>(which);
    for (std::size_t k = 0; k < served_.size() && k < 64; ++k) {
      if ((bits >> k & 1U) == 0) continue;
      const solver::ServedField& field = served_[k];
      f(field, row_type(served_grid_->stride() * static_cast<std::ptrdiff_t>(field.value_bytes),
                        MPI_UINT8_T));
    }
  }
  static constexpr int request_tag = 78;
  static constexpr int rows_tag = 79;
  /// A committed contiguous type of `count` values of `base` (cached: one per row length).
  MPI_Datatype row_type(std::ptrdiff_t count, MPI_Datatype base) {
    const int kind = base == MPI_DOUBLE ? 0 : base == MPI_FLOAT ? 1 : 2;
    const auto key = std::make_pair(static_cast<long long>(count), kind);
    if (const auto it = types_.find(key); it != types_.end()) return it->second;
    if (count > 2147483647) {
      std::fprintf(stderr, "floodtwin: MPI: a grid row of %lld values is too long\n",
                   static_cast<long long>(count));
      MPI_Abort(MPI_COMM_WORLD, 1);
    }
    MPI_Datatype t = MPI_DATATYPE_NULL;
    check(MPI_Type_contiguous(static_cast<int>(count), base, &t), "row type");
    check(MPI_Type_commit(&t), "row type");
    types_.emplace(key, t);
    return t;
  }
  void post_recv(void* at, int rows, MPI_Datatype row, int peer, int tag) {
    MPI_Request r;
    check(MPI_Irecv(at, rows, row, peer, tag, comm_, &r), "halo receive");
    requests_.push_back(r);
  }
  void post_send(void* at, int rows, MPI_Datatype row, long long bytes, int peer, int tag) {
    MPI_Request r;
    check(MPI_Isend(at, rows, row, peer, tag, comm_, &r), "halo send");
    requests_.push_back(r);
    ++g_traffic.halo_messages;
    g_traffic.halo_bytes += bytes;
  }

  MPI_Comm comm_;
  int rank_ = 0;
  int size_ = 1;
  std::vector<MPI_Request> requests_;
  std::map<std::pair<long long, int>, MPI_Datatype> types_;
  std::span<const solver::ServedField> served_;  // within serve_root
  const solver::Grid* served_grid_ = nullptr;
};

}  // namespace

void init(int* argc, char*** argv, double timeout_s) {
  std::mutex m;
  std::condition_variable cv;
  bool done = false;
  std::thread watchdog([&] {
    std::unique_lock lock(m);
    if (!cv.wait_for(lock, std::chrono::duration<double>(timeout_s), [&] { return done; })) {
      std::fprintf(stderr,
                   "floodtwin: MPI did not start within %.0f s (MPI_Init waiting for its "
                   "launcher): check that mpirun and this floodtwin use the same MPI "
                   "(OpenMPI), or run floodtwin without mpirun\n",
                   timeout_s);
      std::fflush(stderr);
      std::_Exit(1);
    }
  });
  int provided = 0;
  const int rc = MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided);
  {
    std::lock_guard lock(m);
    done = true;
  }
  cv.notify_all();
  watchdog.join();
  if (rc != MPI_SUCCESS) {
    std::fprintf(stderr, "floodtwin: MPI_Init failed (error %d)\n", rc);
    std::exit(1);
  }
  MPI_Comm_dup(MPI_COMM_WORLD, &g_comm);
  const int expected = launcher_size();
  if (expected > 1 && world_size() != expected) {
    std::ostringstream msg;
    msg << "mpirun started " << expected << " processes but MPI sees " << world_size()
        << ": this floodtwin was built with another MPI than the mpirun used (it needs "
           "OpenMPI's mpirun)";
    throw ConfigError(msg.str());
  }
}

bool initialized() {
  int flag = 0;
  MPI_Initialized(&flag);
  int finished = 0;
  MPI_Finalized(&finished);
  return flag != 0 && finished == 0;
}

int world_rank() {
  int r = 0;
  if (initialized()) MPI_Comm_rank(MPI_COMM_WORLD, &r);
  return r;
}

int world_size() {
  int n = 1;
  if (initialized()) MPI_Comm_size(MPI_COMM_WORLD, &n);
  return n;
}

void finalize() {
  if (!initialized()) return;
  if (g_comm != MPI_COMM_NULL) MPI_Comm_free(&g_comm);
  MPI_Finalize();
}

void abort(int code) {
  if (initialized()) MPI_Abort(MPI_COMM_WORLD, code);
  std::exit(code);
}

std::shared_ptr<solver::Decomposition> world_decomposition() {
  if (!initialized() || g_comm == MPI_COMM_NULL) return nullptr;
  return std::make_shared<MpiDecomposition>(g_comm);
}

Traffic traffic() { return g_traffic; }

}  // namespace floodtwin::parallel
