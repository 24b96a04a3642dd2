#include "parallel/world.hpp"

#include <mpi.h>

#include <cstdio>
#include <limits>

#include "parallel/mpi_decomposition.hpp"

namespace floodtwin::parallel {

namespace {

void check(int rc, const char* what) {
  if (rc == MPI_SUCCESS) return;
  std::fprintf(stderr, "floodtwin: MPI error in %s (%d)\n", what, rc);
  MPI_Abort(MPI_COMM_WORLD, 1);
}

}  // namespace

std::vector<std::string> gather_bytes(const std::string& bytes) {
  if (!initialized()) return {bytes};
  const int size = world_size();
  const int rank = world_rank();
  const int mine = static_cast<int>(bytes.size());
  std::vector<int> counts(static_cast<std::size_t>(size), 0), displs(counts.size(), 0);
  check(MPI_Gather(&mine, 1, MPI_INT, counts.data(), 1, MPI_INT, 0, MPI_COMM_WORLD),
        "gathering sizes");
  std::string all;
  if (rank == 0) {
    long long total = 0;
    for (std::size_t p = 0; p < counts.size(); ++p) {
      displs[p] = static_cast<int>(total);
      total += counts[p];
    }
    if (total > std::numeric_limits<int>::max()) {
      std::fprintf(stderr,
                   "floodtwin: %lld bytes to gather on rank 0, more than MPI_Gatherv's "
                   "int counts allow\n",
                   total);
      MPI_Abort(MPI_COMM_WORLD, 1);
    }
    all.resize(static_cast<std::size_t>(total));
  }
  check(MPI_Gatherv(bytes.data(), mine, MPI_BYTE, all.data(), counts.data(), displs.data(),
                    MPI_BYTE, 0, MPI_COMM_WORLD),
        "gathering results");
  std::vector<std::string> out;
  if (rank != 0) return out;
  for (std::size_t p = 0; p < counts.size(); ++p) {
    out.push_back(
        all.substr(static_cast<std::size_t>(displs[p]), static_cast<std::size_t>(counts[p])));
  }
  return out;
}

std::string broadcast_bytes(const std::string& bytes) {
  if (!initialized()) return bytes;
  std::string out = bytes;
  long long n = static_cast<long long>(out.size());
  check(MPI_Bcast(&n, 1, MPI_LONG_LONG, 0, MPI_COMM_WORLD), "broadcasting a size");
  out.resize(static_cast<std::size_t>(n));
  check(MPI_Bcast(out.data(), static_cast<int>(n), MPI_BYTE, 0, MPI_COMM_WORLD), "broadcasting");
  return out;
}

void barrier() {
  if (initialized()) check(MPI_Barrier(MPI_COMM_WORLD), "barrier");
}

}  // namespace floodtwin::parallel
