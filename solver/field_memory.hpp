#pragma once
/// @file field_memory.hpp
/// Per-cell fields whose memory a process only holds where it writes (docs/mpi.md, "Memory
/// per process"). A decomposed run keeps every field at its full padded size, so that the
/// whole-grid offsets of grid.hpp stay valid everywhere, but a process fills only the rows it
/// keeps (Grid::kept_rows): large fields are mapped from the operating system zeroed and
/// untouched, and a page never written is never made resident (reading it maps the shared
/// zero page, which costs no memory). Small fields come from calloc.
///
/// `Field<T>` is a std::vector whose elements start as zero bytes without being written:
/// resize() of an empty field writes nothing. Unlike a std::vector, a field shrunk and grown
/// again within its capacity keeps the old values: size fields once (reset_field).
#include <cstddef>
#include <cstdlib>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

namespace floodtwin::solver {

namespace detail {
/// Allocations of at least this many bytes are mapped untouched (mmap); smaller ones calloc'd.
/// Under AddressSanitizer every field is calloc'd, so that its redzones catch an index past a
/// field's end (mapped memory has none).
#if defined(__SANITIZE_ADDRESS__)
inline constexpr std::size_t mapped_bytes = static_cast<std::size_t>(-1);
#else
inline constexpr std::size_t mapped_bytes = std::size_t(64) << 10;
#endif
void* map_zeroed(std::size_t bytes);
void unmap(void* p, std::size_t bytes) noexcept;
}  // namespace detail

/// Called by keep_block (simulation.hpp) when this process keeps only some rows: fields mapped
/// from then on are kept off transparent huge pages, so that a page is resident only where
/// written (with huge pages, a write or, where the huge zero page is disabled, even a read
/// makes 2 MiB resident at once). One process keeping every row leaves them to the system.
void keep_fields_sparse();

/// Gives the whole pages within bytes [begin, end) of a field of `field_bytes` bytes at `field`
/// back to the system: they read as zero again and take no memory (rank 0's rows of other
/// processes once written: row_source.hpp). Nothing is done for a field from calloc.
void release_pages(void* field, std::size_t field_bytes, std::size_t begin, std::size_t end);

/// Allocator of zeroed, untouched memory for trivially copyable values (see the file comment).
template <class T>
struct UntouchedAllocator {
  static_assert(std::is_trivially_copyable_v<T>, "fields hold plain values");
  using value_type = T;
  UntouchedAllocator() noexcept = default;
  template <class U>
  explicit UntouchedAllocator(const UntouchedAllocator<U>& /*other*/) noexcept {}

  [[nodiscard]] T* allocate(std::size_t n) {
    if (n > static_cast<std::size_t>(-1) / sizeof(T)) throw std::bad_array_new_length();
    const std::size_t bytes = n * sizeof(T);
    if (bytes >= detail::mapped_bytes) return static_cast<T*>(detail::map_zeroed(bytes));
    void* p = std::calloc(n == 0 ? 1 : n, sizeof(T));
    if (p == nullptr) throw std::bad_alloc();
    return static_cast<T*>(p);
  }
  void deallocate(T* p, std::size_t n) noexcept {
    const std::size_t bytes = n * sizeof(T);
    if (bytes >= detail::mapped_bytes) {
      detail::unmap(p, bytes);
    } else {
      std::free(p);
    }
  }
  /// Value-initialisation (resize, the size constructor) leaves the zero bytes as they are.
  template <class U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;
  }
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
  friend bool operator==(const UntouchedAllocator&, const UntouchedAllocator&) noexcept {
    return true;
  }
};

template <class T>
using Field = std::vector<T, UntouchedAllocator<T>>;

/// Replaces `field` by `n` zeros in fresh memory (nothing written: see the file comment).
template <class T>
void reset_field(Field<T>& field, std::size_t n) {
  Field<T> fresh;
  fresh.resize(n);
  field.swap(fresh);
}

}  // namespace floodtwin::solver
