#include "cli/processes.hpp"

#ifdef FLOODTWIN_HAVE_MPI
#include "parallel/mpi_decomposition.hpp"
#include "parallel/world.hpp"
#endif

namespace floodtwin::cli {

driver::Processes world_processes() {
  driver::Processes p;
#ifdef FLOODTWIN_HAVE_MPI
  if (!parallel::initialized()) return p;
  p.rank = parallel::world_rank();
  p.size = parallel::world_size();
  p.decomposition = [] { return parallel::world_decomposition(); };
  p.gather = [](const std::string& bytes) { return parallel::gather_bytes(bytes); };
  p.broadcast = [](const std::string& bytes) { return parallel::broadcast_bytes(bytes); };
  p.barrier = [] { parallel::barrier(); };
#endif
  return p;
}

}  // namespace floodtwin::cli
