// io/file_lock.hpp: one writer per output, outputs never over inputs, temporary files created
// exclusively (never through a symbolic link).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "io/file_lock.hpp"
#include "io_testing.hpp"
#include "solver/error.hpp"

namespace ft = floodtwin::testing;
namespace fs = std::filesystem;
using namespace floodtwin;

namespace {

std::string read_text(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_text(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }

/// The message of the IoError `f` throws (fails the test when it throws none).
template <class E, class F>
std::string error_of(F f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected an exception";
  return "";
}

}  // namespace

TEST(FileLock, SecondLockOfOneFileIsRefusedNamingTheHolder) {
  const ft::TempDir dir("lock_twice");
  const fs::path lock = io::lock_path(dir / "run.h5");
  EXPECT_EQ(lock, dir / "run.h5.lock");
  {
    const io::FileLock first(lock, "run of a.toml");
    EXPECT_TRUE(first.held());
    EXPECT_EQ(read_text(lock), std::to_string(::getpid()) + "\n");
    const std::string msg = error_of<IoError>([&] { io::FileLock second(lock, "run of b.toml"); });
    EXPECT_NE(msg.find("run of b.toml"), std::string::npos) << msg;
    EXPECT_NE(msg.find(lock.string()), std::string::npos) << msg;
    EXPECT_NE(msg.find("pid " + std::to_string(::getpid())), std::string::npos) << msg;
    // A refused lock leaves the holder's pid in place.
    EXPECT_EQ(read_text(lock), std::to_string(::getpid()) + "\n");
  }
  // Released at scope exit, and the lock file removed: it can be taken again.
  EXPECT_FALSE(fs::exists(lock));
  const io::FileLock again(lock, "run of b.toml");
  EXPECT_TRUE(again.held());
  EXPECT_TRUE(fs::exists(lock));
}

TEST(FileLock, ARefusedLockWaitsForTheHolderToWriteItsPid) {
  // A holder takes the lock and only then writes its pid: a process refused in between must
  // still name it (two `floodtwin run` started together).
  const ft::TempDir dir("lock_pid_late");
  const fs::path lock = dir / "out.lock";
  const int fd = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX | LOCK_NB), 0);
  std::thread holder([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    const std::string pid = "4242\n";
    EXPECT_EQ(::pwrite(fd, pid.data(), pid.size(), 0), static_cast<ssize_t>(pid.size()));
  });
  const std::string msg = error_of<IoError>([&] { io::FileLock second(lock, "second"); });
  holder.join();
  EXPECT_NE(msg.find("locked by another floodtwin process (pid 4242)"), std::string::npos) << msg;
  ::close(fd);
}

TEST(FileLock, WaitsForTheHolderThenGivesUp) {
  const ft::TempDir dir("lock_wait");
  const fs::path lock = dir / "out.lock";
  const io::FileLock first(lock, "first");
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_THROW(io::FileLock(lock, "second", 0.3), IoError);
  const double waited =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_GE(waited, 0.29);
  EXPECT_LT(waited, 5.0);
}

TEST(FileLock, IsMovableAndReleasedOnce) {
  const ft::TempDir dir("lock_move");
  const fs::path lock = dir / "out.lock";
  io::FileLock a(lock, "a");
  io::FileLock b(std::move(a));
  EXPECT_FALSE(a.held());  // NOLINT(bugprone-use-after-move): checking the moved-from state
  EXPECT_TRUE(b.held());
  EXPECT_THROW(io::FileLock(lock, "c"), IoError);
  b = io::FileLock(dir / "other.lock", "d");  // releases `lock`
  const io::FileLock c(lock, "c");
  EXPECT_TRUE(c.held());
}

TEST(FileLock, ReleasedByTheKernelWhenTheHolderDies) {
  const ft::TempDir dir("lock_dies");
  const fs::path lock = dir / "out.lock";
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(ready[0]);
    try {
      const io::FileLock held(lock, "child");
      const char c = 'x';
      if (::write(ready[1], &c, 1) != 1) ::_exit(2);
      ::pause();
    } catch (...) {
      ::_exit(3);
    }
    ::_exit(0);
  }
  ::close(ready[1]);
  char c = 0;
  ASSERT_EQ(::read(ready[0], &c, 1), 1);
  ::close(ready[0]);
  const std::string msg = error_of<IoError>([&] { io::FileLock mine(lock, "parent"); });
  EXPECT_NE(msg.find("pid " + std::to_string(child)), std::string::npos) << msg;
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  EXPECT_TRUE(fs::exists(lock));  // left behind by the killed holder, unlocked
  const io::FileLock mine(lock, "parent", 5.0);
  EXPECT_TRUE(mine.held());
}

TEST(FileLock, AWaiterLocksTheFileThatIsThereOnceTheHolderLeaves) {
  // Many threads take and release one lock, each waiting for the others: never two holders
  // at once (the holder's removal of the lock file must not let a waiter lock a stale file
  // while a third process locks a new one).
  const ft::TempDir dir("lock_many");
  const fs::path lock = dir / "out.lock";
  std::atomic<int> inside{0};
  std::atomic<int> overlaps{0};
  std::atomic<int> taken{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int k = 0; k < 25; ++k) {
        const io::FileLock l(lock, "thread", 30.0);
        if (inside.fetch_add(1) != 0) overlaps.fetch_add(1);
        std::this_thread::sleep_for(std::chrono::microseconds(200));
        inside.fetch_sub(1);
        taken.fetch_add(1);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(overlaps.load(), 0);
  EXPECT_EQ(taken.load(), 100);
  EXPECT_FALSE(fs::exists(lock));
}

TEST(FileLock, RefusesASymlinkedOrHardLinkedLockFileAndTouchesNothing) {
  const ft::TempDir dir("lock_links");
  const fs::path precious = dir / "precious.txt";
  write_text(precious, "keep me\n");
  fs::create_symlink(precious, dir / "sym.lock");
  std::string msg = error_of<IoError>([&] { io::FileLock l(dir / "sym.lock", "run"); });
  EXPECT_NE(msg.find("symbolic link"), std::string::npos) << msg;
  fs::create_hard_link(precious, dir / "hard.lock");
  msg = error_of<IoError>([&] { io::FileLock l(dir / "hard.lock", "run"); });
  EXPECT_NE(msg.find("hard link"), std::string::npos) << msg;
  EXPECT_EQ(read_text(precious), "keep me\n");
  ASSERT_EQ(::mkfifo((dir / "fifo.lock").c_str(), 0644), 0);
  EXPECT_THROW(io::FileLock(dir / "fifo.lock", "run"), IoError);  // and does not hang
}

TEST(OutputOverInputs, RefusedThroughSymlinksAndHardLinks) {
  const ft::TempDir dir("over_inputs");
  const fs::path dem = dir / "dem.tif";
  write_text(dem, "dem");
  fs::create_directories(dir / "sub");
  fs::create_symlink(dem, dir / "link.tif");
  fs::create_hard_link(dem, dir / "hard.tif");
  const std::vector<fs::path> inputs{dir / "scenario.toml", dem};
  for (const fs::path& out :
       {dem, dir / "sub" / ".." / "dem.tif", dir / "link.tif", dir / "hard.tif"}) {
    const std::string msg =
        error_of<ConfigError>([&] { io::refuse_output_over_inputs(out, inputs, "run: --output"); });
    EXPECT_NE(msg.find("run: --output"), std::string::npos) << msg;
    EXPECT_NE(msg.find(out.string()), std::string::npos) << msg;
    EXPECT_NE(msg.find(dem.string()), std::string::npos) << msg;
  }
  // A scenario file that does not exist yet is still an input path.
  EXPECT_THROW(io::refuse_output_over_inputs(dir / "scenario.toml", inputs, "x"), ConfigError);
  EXPECT_NO_THROW(io::refuse_output_over_inputs(dir / "results.h5", inputs, "x"));
  EXPECT_NO_THROW(io::refuse_output_over_inputs(dir / "sub" / "dem.tif", inputs, "x"));
  EXPECT_EQ(read_text(dem), "dem");
}

TEST(ExclusiveTemp, NeverFollowsOrTruncatesWhatIsThere) {
  const ft::TempDir dir("exclusive");
  const fs::path target = dir / "out.h5";
  const fs::path first = io::create_exclusive_temp(target);
  EXPECT_EQ(first, dir / "out.h5.partial");
  EXPECT_TRUE(fs::is_regular_file(first));
  EXPECT_EQ(fs::file_size(first), 0u);
  write_text(first, "someone else's");
  const fs::path second = io::create_exclusive_temp(target);
  EXPECT_NE(second, first);
  EXPECT_EQ(read_text(first), "someone else's");

  // A symbolic link pre-placed at the temporary name is left alone, and so is its target.
  const fs::path precious = dir / "precious.txt";
  write_text(precious, "keep me\n");
  const fs::path other = dir / "other.h5";
  fs::create_symlink(precious, io::partial_path(other));
  const fs::path third = io::create_exclusive_temp(other);
  EXPECT_NE(third, io::partial_path(other));
  EXPECT_FALSE(fs::is_symlink(third));
  EXPECT_TRUE(fs::is_symlink(io::partial_path(other)));
  EXPECT_EQ(read_text(precious), "keep me\n");
  EXPECT_THROW(io::create_exclusive_temp(dir / "no-such-dir" / "x.h5"), IoError);
}

TEST(StaleFile, ASymlinkIsRefusedAndLeftAlone) {
  const ft::TempDir dir("stale");
  const fs::path precious = dir / "precious.txt";
  write_text(precious, "keep me\n");
  fs::create_symlink(precious, dir / "out.h5.partial");
  const std::string msg =
      error_of<IoError>([&] { io::remove_stale_file(dir / "out.h5.partial", "run"); });
  EXPECT_NE(msg.find("symbolic link"), std::string::npos) << msg;
  EXPECT_NE(msg.find(precious.string()), std::string::npos) << msg;
  EXPECT_TRUE(fs::is_symlink(dir / "out.h5.partial"));
  EXPECT_EQ(read_text(precious), "keep me\n");
  write_text(dir / "stale.partial", "old");
  io::remove_stale_file(dir / "stale.partial", "run");
  EXPECT_FALSE(fs::exists(dir / "stale.partial"));
  EXPECT_NO_THROW(io::remove_stale_file(dir / "absent.partial", "run"));
}
