// A run killed with SIGKILL between two snapshots leaves a readable .partial file holding the
// snapshots written so far. The child (fork + exec of io_example_writer) reports each flushed
// snapshot on a pipe; the parent kills it after the third, while it computes.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "io/results_reader.hpp"
#include "io/results_writer.hpp"
#include "io_testing.hpp"

namespace ft = floodtwin::testing;
using namespace floodtwin;

TEST(Kill, SigkillLeavesAReadablePartialFile) {
  const ft::TempDir dir("kill");
  const auto path = dir / "killed.h5";
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::dup2(fds[1], STDOUT_FILENO);
    ::close(fds[0]);
    ::close(fds[1]);
    ::execl(FLOODTWIN_IO_EXAMPLE_WRITER, FLOODTWIN_IO_EXAMPLE_WRITER, path.c_str(), "--hang-after",
            "3", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(fds[1]);
  FILE* out = ::fdopen(fds[0], "r");
  ASSERT_NE(out, nullptr);
  char line[128];
  int seen = 0;
  while (seen < 3 && std::fgets(line, sizeof line, out) != nullptr) {
    if (std::string(line).rfind("snapshot ", 0) == 0) seen = std::stoi(line + 9);
  }
  ::usleep(20000);  // let it compute a little: killed mid-run, not at a write
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  std::fclose(out);
  ASSERT_EQ(seen, 3);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

  EXPECT_FALSE(std::filesystem::exists(path));
  const auto partial = io::partial_path(path);
  ASSERT_TRUE(std::filesystem::exists(partial));
  const io::ResultsReader r(partial);
  EXPECT_EQ(r.text_attribute("", "status"), "running");
  EXPECT_EQ(r.times(), (std::vector<double>{0.0, 20.0, 40.0}));
  const auto depth = r.read_snapshot("depth", 2);
  EXPECT_NEAR(depth[1], ft::lake_level - ft::lake_bed(1, 0), 1e-6);
  EXPECT_EQ(r.read("volume").size(), 3u);
  EXPECT_EQ(r.shape("gauge_depth"), (std::vector<std::size_t>{5, 2}));
  const io::ResultsSummary s = io::read_results_summary(partial);
  EXPECT_EQ(s.snapshots, 3u);
  EXPECT_EQ(s.status, "running");
}
