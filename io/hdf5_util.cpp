#include "io/hdf5_util.hpp"

#include <cstring>

#include "solver/error.hpp"

namespace floodtwin::io::detail {

void quiet_hdf5_errors() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

namespace {

herr_t take_first(unsigned n, const H5E_error2_t* err, void* data) {
  auto* out = static_cast<std::string*>(data);
  if (n == 0 && err != nullptr && err->desc != nullptr) *out = err->desc;
  return 0;
}

}  // namespace

std::string hdf5_error_message() {
  std::string message;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, take_first, &message);
  return message;
}

namespace {

[[noreturn]] void fail(const std::string& file, const std::string& what) {
  std::string message = file + ": " + what;
  const std::string detail = hdf5_error_message();
  if (!detail.empty()) message += " (HDF5: " + detail + ")";
  H5Eclear2(H5E_DEFAULT);
  throw IoError(message);
}

}  // namespace

Id checked(hid_t id, Id::Closer closer, const std::string& file, const std::string& what) {
  if (id < 0) fail(file, what);
  return Id(id, closer);
}

void check(herr_t status, const std::string& file, const std::string& what) {
  if (status < 0) fail(file, what);
}

bool has_attribute(hid_t obj, const std::string& name) { return H5Aexists(obj, name.c_str()) > 0; }

bool has_link(hid_t loc, const std::string& name) {
  return H5Lexists(loc, name.c_str(), H5P_DEFAULT) > 0;
}

void write_attribute(hid_t obj, const std::string& name, const std::string& value,
                     const std::string& file) {
  if (has_attribute(obj, name)) check(H5Adelete(obj, name.c_str()), file, "deleting " + name);
  const std::string what = "writing attribute " + name;
  const Id type = type_id(H5Tcopy(H5T_C_S1), file, what);
  check(H5Tset_size(type.get(), value.empty() ? 1 : value.size()), file, what);
  check(H5Tset_strpad(type.get(), H5T_STR_NULLTERM), file, what);
  const Id space = space_id(H5Screate(H5S_SCALAR), file, what);
  const Id attr = attr_id(
      H5Acreate2(obj, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT), file, what);
  std::vector<char> buffer(value.empty() ? 1 : value.size(), '\0');
  std::memcpy(buffer.data(), value.data(), value.size());
  check(H5Awrite(attr.get(), type.get(), buffer.data()), file, what);
}

void write_attribute(hid_t obj, const std::string& name, const char* value,
                     const std::string& file) {
  write_attribute(obj, name, std::string(value), file);
}

template <class T>
void write_attribute(hid_t obj, const std::string& name, T value, const std::string& file) {
  if (has_attribute(obj, name)) check(H5Adelete(obj, name.c_str()), file, "deleting " + name);
  const std::string what = "writing attribute " + name;
  const Id space = space_id(H5Screate(H5S_SCALAR), file, what);
  const Id attr = attr_id(
      H5Acreate2(obj, name.c_str(), native_type<T>(), space.get(), H5P_DEFAULT, H5P_DEFAULT), file,
      what);
  check(H5Awrite(attr.get(), native_type<T>(), &value), file, what);
}

template void write_attribute<double>(hid_t, const std::string&, double, const std::string&);
template void write_attribute<float>(hid_t, const std::string&, float, const std::string&);
template void write_attribute<int>(hid_t, const std::string&, int, const std::string&);
template void write_attribute<long long>(hid_t, const std::string&, long long, const std::string&);

std::string read_string_attribute(hid_t obj, const std::string& name, const std::string& file,
                                  const std::string& object) {
  const std::string what = "attribute '" + name + "' of " + object;
  if (!has_attribute(obj, name)) throw IoError(file + ": missing " + what);
  const Id attr = attr_id(H5Aopen(obj, name.c_str(), H5P_DEFAULT), file, "opening " + what);
  const Id type = type_id(H5Aget_type(attr.get()), file, "reading " + what);
  if (H5Tget_class(type.get()) != H5T_STRING) {
    throw IoError(file + ": " + what + " is not text");
  }
  const Id space = space_id(H5Aget_space(attr.get()), file, "reading " + what);
  if (H5Sget_simple_extent_npoints(space.get()) != 1) {
    throw IoError(file + ": " + what + " is not a single string");
  }
  if (H5Tis_variable_str(type.get()) > 0) {
    const Id mem = type_id(H5Tcopy(H5T_C_S1), file, what);
    check(H5Tset_size(mem.get(), H5T_VARIABLE), file, what);
    char* value = nullptr;
    check(H5Aread(attr.get(), mem.get(), &value), file, "reading " + what);
    std::string result = value != nullptr ? value : "";
    H5free_memory(value);
    return result;
  }
  const std::size_t size = H5Tget_size(type.get());
  std::vector<char> buffer(size + 1, '\0');
  check(H5Aread(attr.get(), type.get(), buffer.data()), file, "reading " + what);
  return std::string(buffer.data());
}

template <class T>
T read_attribute(hid_t obj, const std::string& name, const std::string& file,
                 const std::string& object) {
  const std::string what = "attribute '" + name + "' of " + object;
  if (!has_attribute(obj, name)) throw IoError(file + ": missing " + what);
  const Id attr = attr_id(H5Aopen(obj, name.c_str(), H5P_DEFAULT), file, "opening " + what);
  const Id space = space_id(H5Aget_space(attr.get()), file, "reading " + what);
  const Id type = type_id(H5Aget_type(attr.get()), file, "reading " + what);
  const H5T_class_t cls = H5Tget_class(type.get());
  if ((cls != H5T_INTEGER && cls != H5T_FLOAT) || H5Sget_simple_extent_npoints(space.get()) != 1) {
    throw IoError(file + ": " + what + " is not a number");
  }
  T value{};
  check(H5Aread(attr.get(), native_type<T>(), &value), file, "reading " + what);
  return value;
}

template double read_attribute<double>(hid_t, const std::string&, const std::string&,
                                       const std::string&);
template float read_attribute<float>(hid_t, const std::string&, const std::string&,
                                     const std::string&);
template int read_attribute<int>(hid_t, const std::string&, const std::string&, const std::string&);
template long long read_attribute<long long>(hid_t, const std::string&, const std::string&,
                                             const std::string&);

Id open_dataset(hid_t loc, const std::string& name, const std::string& file,
                const std::string& expected) {
  if (!has_link(loc, name)) {
    throw IoError(file + ": no variable '" + name + "' (expected " + expected + ")");
  }
  return dataset_id(H5Dopen2(loc, name.c_str(), H5P_DEFAULT), file,
                    "opening variable '" + name + "'");
}

std::vector<hsize_t> dataset_shape(hid_t dset, const std::string& file, const std::string& name) {
  const Id space = space_id(H5Dget_space(dset), file, "reading the shape of " + name);
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 0) throw IoError(file + ": cannot read the shape of " + name);
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  if (rank > 0) H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  return dims;
}

namespace {

template <class T>
void require_numeric(hid_t dset, const std::string& file, const std::string& name) {
  const Id type = type_id(H5Dget_type(dset), file, "reading the type of " + name);
  const H5T_class_t cls = H5Tget_class(type.get());
  if (cls != H5T_INTEGER && cls != H5T_FLOAT) {
    throw IoError(file + ": variable '" + name + "' is not numeric");
  }
}

}  // namespace

template <class T>
std::vector<T> read_all(hid_t dset, const std::string& file, const std::string& name) {
  require_numeric<T>(dset, file, name);
  const std::vector<hsize_t> dims = dataset_shape(dset, file, name);
  std::size_t n = 1;
  for (const hsize_t d : dims) n *= static_cast<std::size_t>(d);
  std::vector<T> values(n);
  if (n > 0) {
    check(H5Dread(dset, native_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), file,
          "reading variable '" + name + "'");
  }
  return values;
}

template std::vector<double> read_all<double>(hid_t, const std::string&, const std::string&);
template std::vector<float> read_all<float>(hid_t, const std::string&, const std::string&);
template std::vector<int> read_all<int>(hid_t, const std::string&, const std::string&);
template std::vector<std::uint8_t> read_all<std::uint8_t>(hid_t, const std::string&,
                                                          const std::string&);

template <class T>
void read_slice_into(hid_t dset, hsize_t index, const std::string& file, const std::string& name,
                     std::vector<T>& values) {
  require_numeric<T>(dset, file, name);
  const std::vector<hsize_t> dims = dataset_shape(dset, file, name);
  if (dims.size() != 3 || index >= dims[0]) {
    throw IoError(file + ": variable '" + name + "' has no snapshot " + std::to_string(index));
  }
  const std::string what = "reading snapshot " + std::to_string(index) + " of '" + name + "'";
  const Id file_space = space_id(H5Dget_space(dset), file, what);
  const hsize_t start[3] = {index, 0, 0};
  const hsize_t count[3] = {1, dims[1], dims[2]};
  check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start, nullptr, count, nullptr), file,
        what);
  const Id mem_space = space_id(H5Screate_simple(3, count, nullptr), file, what);
  values.resize(static_cast<std::size_t>(dims[1] * dims[2]));
  check(H5Dread(dset, native_type<T>(), mem_space.get(), file_space.get(), H5P_DEFAULT,
                values.data()),
        file, what);
}

template <class T>
std::vector<T> read_slice(hid_t dset, hsize_t index, const std::string& file,
                          const std::string& name) {
  std::vector<T> values;
  read_slice_into(dset, index, file, name, values);
  return values;
}

template void read_slice_into<double>(hid_t, hsize_t, const std::string&, const std::string&,
                                      std::vector<double>&);

template std::vector<double> read_slice<double>(hid_t, hsize_t, const std::string&,
                                                const std::string&);
template std::vector<float> read_slice<float>(hid_t, hsize_t, const std::string&,
                                              const std::string&);

}  // namespace floodtwin::io::detail
