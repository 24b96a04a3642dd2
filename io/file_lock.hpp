#pragma once
/// @file file_lock.hpp
/// Safe outputs: one writer per output (an advisory lock taken before anything is touched),
/// outputs that never overwrite inputs, and temporary files created exclusively (never
/// following a symbolic link or truncating a file someone placed there).
///
/// Conventions: the lock of an output `X` (a results file, a VTK folder, a rendered map) is the
/// file `X.lock` beside it (lock_path()). It holds the pid of the holder and is removed when
/// released (a process that was waiting on it sees, once locked, that the name leads to
/// another file or none, and locks again: two holders at once are impossible). A process
/// killed with the lock leaves the file behind, unlocked: the next run simply takes it.
#include <filesystem>
#include <string>
#include <vector>

namespace floodtwin::io {

/// An exclusive advisory lock (flock(2) on a separate lock file, opened
/// O_CREAT|O_NOFOLLOW|O_CLOEXEC, never truncating anything at open) held for the object's
/// lifetime; released (and the lock file removed) on destruction, and released by the kernel
/// if the process dies. Two FileLock objects on one file conflict even within one process.
class FileLock {
 public:
  /// Locks `lock_file` (created if missing; its folder must exist). If another process holds
  /// it: waits up to `wait_seconds` (0 = do not wait), then throws IoError naming `what`, the
  /// lock file and, when known, the holder's pid (written into the lock file after locking).
  /// A lock file that is a symbolic link, not a regular file, or has other hard links is
  /// refused (IoError).
  FileLock(const std::filesystem::path& lock_file, std::string what, double wait_seconds = 0);
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  FileLock(FileLock&& other) noexcept;
  FileLock& operator=(FileLock&& other) noexcept;

  [[nodiscard]] const std::filesystem::path& path() const { return path_; }
  /// Whether this object holds a lock (false once moved from).
  [[nodiscard]] bool held() const { return fd_ >= 0; }

 private:
  void release() noexcept;
  int fd_ = -1;
  std::filesystem::path path_;
  std::string what_;
};

/// `<output>.lock`: the lock file that guards writing `output`.
std::filesystem::path lock_path(const std::filesystem::path& output);

/// Throws ConfigError if `output` (which may not exist yet) resolves, through symbolic links
/// (std::filesystem::weakly_canonical, or the same inode by std::filesystem::equivalent when
/// both exist, which also catches hard links), to any of `inputs`; the message names the
/// output, the input and `what` (e.g. "run: --output"). Empty paths are ignored.
void refuse_output_over_inputs(const std::filesystem::path& output,
                               const std::vector<std::filesystem::path>& inputs,
                               const std::string& what);

/// Opens a fresh temporary file beside `target` exclusively (O_CREAT|O_EXCL|O_NOFOLLOW):
/// `<target>.partial`, or `<target>.partial.<pid>.<n>` when that name is taken. A file or
/// symbolic link already there is never followed, truncated or removed. Returns the path of
/// the new, empty file (mode 0644 less the umask). Throws IoError naming the folder.
std::filesystem::path create_exclusive_temp(const std::filesystem::path& target);

/// Makes room for a file that is about to be created exclusively at `path` (a well-known
/// temporary name such as `<results>.partial`, under a lock held by the caller): removes a
/// stale regular file there; throws IoError naming `path` and `what` when it is a symbolic
/// link (which is left alone: floodtwin never writes through one), a folder or anything else.
void remove_stale_file(const std::filesystem::path& path, const std::string& what);

}  // namespace floodtwin::io
