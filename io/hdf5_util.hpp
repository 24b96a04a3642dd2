#pragma once
/// @file hdf5_util.hpp
/// Private to io/: RAII owners of HDF5 identifiers and the few helpers the writers and readers
/// share (typed attributes, whole-dataset reads, errors that name the file). Never include
/// this header from a public io header: HDF5 stays behind floodtwin::io.
#include <hdf5.h>
#include <hdf5_hl.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace floodtwin::io::detail {

/// Turns off HDF5's printing of its error stack (our exceptions carry the message instead).
void quiet_hdf5_errors();

/// The innermost message of HDF5's current error stack, or "" when there is none.
std::string hdf5_error_message();

/// Owns one HDF5 identifier and closes it with the matching H5?close function.
class Id {
 public:
  using Closer = herr_t (*)(hid_t);
  Id() = default;
  Id(hid_t id, Closer closer) : id_(id), closer_(closer) {}
  ~Id() { reset(); }
  Id(const Id&) = delete;
  Id& operator=(const Id&) = delete;
  Id(Id&& other) noexcept
      : id_(std::exchange(other.id_, H5I_INVALID_HID)), closer_(other.closer_) {}
  Id& operator=(Id&& other) noexcept {
    if (this != &other) {
      reset();
      id_ = std::exchange(other.id_, H5I_INVALID_HID);
      closer_ = other.closer_;
    }
    return *this;
  }
  [[nodiscard]] hid_t get() const { return id_; }
  [[nodiscard]] bool valid() const { return id_ >= 0; }
  /// Closes now; returns false when HDF5 reported an error while closing.
  bool reset() {
    bool ok = true;
    if (id_ >= 0 && closer_ != nullptr) ok = closer_(id_) >= 0;
    id_ = H5I_INVALID_HID;
    return ok;
  }

 private:
  hid_t id_ = H5I_INVALID_HID;
  Closer closer_ = nullptr;
};

/// Throws IoError "FILE: WHAT (HDF5: message)" when `id` < 0, else takes ownership of it.
Id checked(hid_t id, Id::Closer closer, const std::string& file, const std::string& what);
/// Throws IoError "FILE: WHAT (HDF5: message)" when `status` < 0.
void check(herr_t status, const std::string& file, const std::string& what);

inline Id file_id(hid_t id, const std::string& file, const std::string& what) {
  return checked(id, H5Fclose, file, what);
}
inline Id dataset_id(hid_t id, const std::string& file, const std::string& what) {
  return checked(id, H5Dclose, file, what);
}
inline Id space_id(hid_t id, const std::string& file, const std::string& what) {
  return checked(id, H5Sclose, file, what);
}
inline Id plist_id(hid_t id, const std::string& file, const std::string& what) {
  return checked(id, H5Pclose, file, what);
}
inline Id type_id(hid_t id, const std::string& file, const std::string& what) {
  return checked(id, H5Tclose, file, what);
}
inline Id attr_id(hid_t id, const std::string& file, const std::string& what) {
  return checked(id, H5Aclose, file, what);
}
inline Id group_id(hid_t id, const std::string& file, const std::string& what) {
  return checked(id, H5Gclose, file, what);
}

/// The native HDF5 type of T (double, float, int, long long, unsigned char).
template <class T>
hid_t native_type();
template <>
inline hid_t native_type<double>() {
  return H5T_NATIVE_DOUBLE;
}
template <>
inline hid_t native_type<float>() {
  return H5T_NATIVE_FLOAT;
}
template <>
inline hid_t native_type<int>() {
  return H5T_NATIVE_INT;
}
template <>
inline hid_t native_type<long long>() {
  return H5T_NATIVE_LLONG;
}
template <>
inline hid_t native_type<std::uint8_t>() {
  return H5T_NATIVE_UINT8;
}

/// Attribute writers (replace an existing attribute of the same name). Strings are written as
/// fixed-length, null-terminated scalars, which netCDF reads as NC_CHAR text.
void write_attribute(hid_t obj, const std::string& name, const std::string& value,
                     const std::string& file);
void write_attribute(hid_t obj, const std::string& name, const char* value,
                     const std::string& file);
template <class T>
void write_attribute(hid_t obj, const std::string& name, T value, const std::string& file);

[[nodiscard]] bool has_attribute(hid_t obj, const std::string& name);
[[nodiscard]] bool has_link(hid_t loc, const std::string& name);
/// Reads a string attribute (fixed- or variable-length); throws IoError naming the file,
/// the object and the attribute when it is missing or not a string.
std::string read_string_attribute(hid_t obj, const std::string& name, const std::string& file,
                                  const std::string& object);
/// Reads a numeric scalar attribute converted to T; throws IoError when missing.
template <class T>
T read_attribute(hid_t obj, const std::string& name, const std::string& file,
                 const std::string& object);

/// Opens an existing HDF5 file read-only; throws IoError naming the file and `expected` when
/// it is missing, not HDF5, truncated or damaged.
Id open_hdf5_file(const std::filesystem::path& path, const std::string& expected);
/// Opens dataset `name`; throws IoError "FILE: no variable NAME (expected ...)".
Id open_dataset(hid_t loc, const std::string& name, const std::string& file,
                const std::string& expected);
/// The extent of a dataset, one entry per dimension.
std::vector<hsize_t> dataset_shape(hid_t dset, const std::string& file, const std::string& name);
/// Reads a whole dataset converted to T.
template <class T>
std::vector<T> read_all(hid_t dset, const std::string& file, const std::string& name);
/// Reads the 2D slab [index, :, :] of a 3D dataset converted to T.
template <class T>
std::vector<T> read_slice(hid_t dset, hsize_t index, const std::string& file,
                          const std::string& name);
/// read_slice into `values` (resized; its memory reused from one snapshot to the next).
template <class T>
void read_slice_into(hid_t dset, hsize_t index, const std::string& file, const std::string& name,
                     std::vector<T>& values);

}  // namespace floodtwin::io::detail
