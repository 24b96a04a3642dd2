#include "io/file_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <system_error>
#include <thread>
#include <utility>

#include "solver/error.hpp"

namespace floodtwin::io {

namespace fs = std::filesystem;

namespace {

/// How many times (10 ms apart) a refused lock re-reads an empty lock file for the holder's pid.
constexpr int pid_wait_polls = 100;

std::string errno_text(int e) { return std::error_code(e, std::generic_category()).message(); }

/// The pid a holder wrote into the lock file, or "" when none can be read.
std::string holder_pid(int fd) {
  char buf[32] = {};
  const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  if (n <= 0) return "";
  std::string pid(buf, static_cast<std::size_t>(n));
  while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
  for (char c : pid) {
    if (c < '0' || c > '9') return "";
  }
  return pid;
}

}  // namespace

fs::path lock_path(const fs::path& output) {
  fs::path p = output;
  p += ".lock";
  return p;
}

FileLock::FileLock(const fs::path& lock_file, std::string what, double wait_seconds)
    : path_(lock_file), what_(std::move(what)) {
  const std::string name = path_.string();
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                            std::chrono::duration<double>(wait_seconds > 0 ? wait_seconds : 0.0));
  for (;;) {
    // O_NONBLOCK: a FIFO placed at the lock's name must not hang the open.
    const int fd =
        ::open(name.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0644);
    if (fd < 0) {
      const int e = errno;
      if (e == ELOOP) {
        throw IoError(what_ + ": the lock file " + name +
                      " is a symbolic link; floodtwin does not follow it (remove it)");
      }
      throw IoError(what_ + ": cannot open the lock file " + name + ": " + errno_text(e));
    }
    fd_ = fd;
    // One fstat for both checks: the holder may remove the file at any moment (release), and
    // a second look could see the link count it left (0) as a hard link's.
    struct stat st {};
    const bool stated = ::fstat(fd_, &st) == 0;
    if (stated && S_ISREG(st.st_mode) && st.st_nlink == 0) {
      // The holder removed the file between the open and here (release): open the name again.
      ::close(fd_);
      fd_ = -1;
      continue;
    }
    if (!stated || !S_ISREG(st.st_mode) || st.st_nlink != 1) {
      ::close(fd_);  // not release(): nothing is written or removed before the lock is held
      fd_ = -1;
      throw IoError(what_ + ": the lock file " + name +
                    " is not a plain file of its own (a folder, device or hard link?); remove it");
    }
    while (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      const int e = errno;
      if (e == EINTR) continue;
      if (e != EWOULDBLOCK) {
        ::close(fd_);
        fd_ = -1;
        throw IoError(what_ + ": cannot lock " + name + ": " + errno_text(e));
      }
      if (std::chrono::steady_clock::now() >= deadline) {
        // The holder writes its pid just after it takes the lock: a process refused in
        // between reads an empty file, so give the pid a moment to appear.
        std::string pid = holder_pid(fd_);
        for (int i = 0; pid.empty() && i < pid_wait_polls; ++i) {
          std::this_thread::sleep_for(std::chrono::milliseconds(10));
          pid = holder_pid(fd_);
        }
        ::close(fd_);  // not release(): the file belongs to the holder
        fd_ = -1;
        std::string msg = what_ + ": " + name + " is locked by another floodtwin process";
        msg += pid.empty() ? std::string() : " (pid " + pid + ")";
        msg += ", which is writing the same output";
        if (wait_seconds > 0) msg += " (waited " + std::to_string(wait_seconds) + " s)";
        msg += "; wait for it to finish or choose another output";
        throw IoError(msg);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    // Locked. A holder removes the file when it releases it: if the name no longer leads to
    // the file locked here, lock the one that is there now.
    struct stat now {};
    if (::lstat(name.c_str(), &now) == 0 && now.st_dev == st.st_dev && now.st_ino == st.st_ino) {
      break;
    }
    ::close(fd_);
    fd_ = -1;
  }
  // Written before the truncation, so that a file left by an earlier holder never reads empty.
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::pwrite(fd_, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size()) ||
      ::ftruncate(fd_, static_cast<off_t>(pid.size())) != 0) {
    const int e = errno;
    release();
    throw IoError(what_ + ": cannot write the pid into the lock file " + name + ": " +
                  errno_text(e));
  }
}

void FileLock::release() noexcept {
  if (fd_ < 0) return;
  // Removed while still locked, so that no lock files linger; a process waiting on this
  // file finds it gone once it gets the lock and locks the current one (see above).
  struct stat held {};
  struct stat there {};
  if (::fstat(fd_, &held) == 0 && ::lstat(path_.c_str(), &there) == 0 &&
      held.st_dev == there.st_dev && held.st_ino == there.st_ino) {
    ::unlink(path_.c_str());
  }
  ::flock(fd_, LOCK_UN);
  ::close(fd_);
  fd_ = -1;
}

FileLock::~FileLock() { release(); }

FileLock::FileLock(FileLock&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      path_(std::move(other.path_)),
      what_(std::move(other.what_)) {}

FileLock& FileLock::operator=(FileLock&& other) noexcept {
  if (this != &other) {
    release();
    fd_ = std::exchange(other.fd_, -1);
    path_ = std::move(other.path_);
    what_ = std::move(other.what_);
  }
  return *this;
}

void refuse_output_over_inputs(const fs::path& output, const std::vector<fs::path>& inputs,
                               const std::string& what) {
  if (output.empty()) return;
  std::error_code ec;
  const fs::path out_abs = fs::absolute(output, ec);
  const fs::path out_canon = ec ? fs::path() : fs::weakly_canonical(out_abs, ec);
  const bool out_exists = fs::exists(output, ec);
  for (const fs::path& input : inputs) {
    if (input.empty()) continue;
    std::error_code e1, e2;
    bool same = false;
    if (out_exists && fs::exists(input, e1)) same = fs::equivalent(output, input, e2) && !e2;
    if (!same && !out_canon.empty()) {
      std::error_code e3;
      const fs::path in_canon = fs::weakly_canonical(fs::absolute(input, e3), e3);
      same = !e3 && in_canon == out_canon;
    }
    if (same) {
      std::string msg =
          what + ": the output " + output.string() + " is the input " + input.string();
      if (!out_canon.empty() && out_canon != out_abs)
        msg += " (through " + out_canon.string() + ")";
      msg += "; refusing to overwrite an input: choose another output path";
      throw ConfigError(msg);
    }
  }
}

fs::path create_exclusive_temp(const fs::path& target) {
  const std::string base = target.string() + ".partial";
  const std::string pid = std::to_string(::getpid());
  for (int n = -1; n < 1000; ++n) {
    const std::string name = n < 0 ? base : base + "." + pid + "." + std::to_string(n);
    const int fd = ::open(name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd >= 0) {
      ::close(fd);
      return name;
    }
    const int e = errno;
    if (e == EEXIST || e == ELOOP) continue;
    const fs::path parent = target.has_parent_path() ? target.parent_path() : fs::path(".");
    throw IoError(name + ": cannot create a temporary file in " + parent.string() + ": " +
                  errno_text(e));
  }
  throw IoError(target.string() + ": no free temporary name beside it (" + base + ".*)");
}

void remove_stale_file(const fs::path& path, const std::string& what) {
  std::error_code ec;
  const fs::file_status st = fs::symlink_status(path, ec);
  if (ec || st.type() == fs::file_type::not_found) return;
  if (st.type() == fs::file_type::symlink) {
    std::error_code rc;
    const fs::path to = fs::read_symlink(path, rc);
    throw IoError(what + ": " + path.string() + " is a symbolic link" +
                  (rc ? std::string() : " (to " + to.string() + ")") +
                  "; floodtwin never writes through one: remove it");
  }
  if (st.type() != fs::file_type::regular) {
    throw IoError(what + ": " + path.string() +
                  " exists and is not a regular file (a folder?); remove it");
  }
  fs::remove(path, ec);
  if (ec) throw IoError(what + ": cannot remove the stale " + path.string() + ": " + ec.message());
}

}  // namespace floodtwin::io
