#include "saving/h5_file.h"

#include "saving/hdf5_library.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "duet/core/error.h"
#include "duet/core/excerpt.h"

namespace duet::keras::saving {

namespace {

constexpr char kSignature[] = "\x89HDF\r\n\x1a\n";
constexpr std::size_t kMaxNameBytes = 4096;

// libhdf5 prints its error stack to stderr by default; Duet reports its own one-line errors.
void silence_hdf5() {
  static const bool done = [] {
    hdf5().H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    return true;
  }();
  static_cast<void>(done);
}

H5Id core_access(std::size_t increment) {
  H5Id fapl(hdf5().H5Pcreate(hdf5().file_access_class()), hdf5().H5Pclose);
  if (!fapl.valid() || hdf5().H5Pset_fapl_core(fapl.get(), increment, 0) < 0) throw Error("libhdf5: cannot set up an in-memory file");
  return fapl;
}

}  // namespace

H5Id& H5Id::operator=(H5Id&& other) noexcept {
  if (this != &other) {
    if (id_ >= 0 && close_ != nullptr) close_(id_);
    id_ = other.id_;
    close_ = other.close_;
    other.id_ = -1;
  }
  return *this;
}

H5Id::~H5Id() {
  if (id_ >= 0 && close_ != nullptr) close_(id_);
}

H5Reader::H5Reader(const std::string& bytes, std::string source) : source_(std::move(source)), file_bytes_(bytes.size()) {
  silence_hdf5();
  if (bytes.size() < 8 || std::memcmp(bytes.data(), kSignature, 8) != 0) {
    throw Error(fmt::format("{}: not an HDF5 file (it does not start with HDF5's signature)", source_));
  }
  H5Id fapl = core_access(1 << 16);
  // The image is copied into libhdf5's own buffer; the name is never opened on disk.
  if (hdf5().H5Pset_file_image(fapl.get(), const_cast<char*>(bytes.data()), bytes.size()) < 0) {
    throw Error(fmt::format("{}: libhdf5 cannot take the file's bytes", source_));
  }
  file_ = H5Id(hdf5().H5Fopen("duet-weights-image.h5", kHdf5ReadOnly, fapl.get()), hdf5().H5Fclose);
  if (!file_.valid()) throw Error(fmt::format("{}: libhdf5 cannot open it (truncated or damaged HDF5 file)", source_));
}

void H5Reader::fail(const std::string& path, const std::string& why) const {
  throw Error(fmt::format("{}: {}: {}", source_, excerpt(path), why));
}

H5Id H5Reader::open_object(const std::string& path) const {
  // H5Oopen fails (quietly) on a missing link; check each step so a path through a dataset or
  // a missing group is simply "not there".
  std::string prefix;
  for (std::size_t start = 0; start <= path.size();) {
    const auto slash = std::min(path.find('/', start), path.size());
    if (!prefix.empty()) prefix += '/';
    prefix.append(path, start, slash - start);
    if (hdf5().H5Lexists(file_.get(), prefix.c_str(), H5P_DEFAULT) <= 0) return {};
    start = slash + 1;
  }
  return H5Id(hdf5().H5Oopen(file_.get(), path.c_str(), H5P_DEFAULT), hdf5().H5Oclose);
}

bool H5Reader::is_group(const std::string& path) const {
  if (path.empty() || path == "/") return true;
  const H5Id object = open_object(path);
  return object.valid() && hdf5().H5Iget_type(object.get()) == H5I_GROUP;
}

bool H5Reader::is_dataset(const std::string& path) const {
  const H5Id object = open_object(path);
  return object.valid() && hdf5().H5Iget_type(object.get()) == H5I_DATASET;
}

std::vector<std::string> H5Reader::members(const std::string& group) const {
  const H5Id g(hdf5().H5Gopen2(file_.get(), group.empty() ? "/" : group.c_str(), H5P_DEFAULT), hdf5().H5Gclose);
  if (!g.valid()) fail(group, "is not a group");
  H5G_info_t info;
  if (hdf5().H5Gget_info(g.get(), &info) < 0) fail(group, "cannot list its members");
  if (info.nlinks > file_bytes_) fail(group, "claims more members than the file can hold");
  std::vector<std::string> names;
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    const ssize_t n = hdf5().H5Lget_name_by_idx(g.get(), ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
    if (n < 0 || static_cast<std::size_t>(n) > kMaxNameBytes) fail(group, "has a member whose name cannot be read");
    std::string name(static_cast<std::size_t>(n) + 1, '\0');
    hdf5().H5Lget_name_by_idx(g.get(), ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(), name.size(), H5P_DEFAULT);
    name.resize(static_cast<std::size_t>(n));
    names.push_back(std::move(name));
  }
  return names;
}

Tensor H5Reader::read_dataset(const std::string& path) const {
  if (!is_dataset(path)) fail(path, "missing, or not a dataset");
  const H5Id ds(hdf5().H5Dopen2(file_.get(), path.c_str(), H5P_DEFAULT), hdf5().H5Dclose);
  const H5Id space(hdf5().H5Dget_space(ds.get()), hdf5().H5Sclose);
  const H5Id type(hdf5().H5Dget_type(ds.get()), hdf5().H5Tclose);
  if (!ds.valid() || !space.valid() || !type.valid()) fail(path, "cannot be read");
  const H5T_class_t type_class = hdf5().H5Tget_class(type.get());
  if (type_class != H5T_FLOAT && type_class != H5T_INTEGER) fail(path, "holds something other than numbers");
  const int rank = hdf5().H5Sget_simple_extent_ndims(space.get());
  if (rank < 0 || rank > Shape::kMaxRank) {
    fail(path, fmt::format("has rank {}; Duet's tensors have at most {} dimensions", rank, Shape::kMaxRank));
  }
  hsize_t dims[Shape::kMaxRank] = {};
  hdf5().H5Sget_simple_extent_dims(space.get(), dims, nullptr);
  Shape shape;
  std::uint64_t numel = 1;
  for (int k = 0; k < rank; ++k) {
    if (dims[k] > file_bytes_ || (numel *= dims[k]) > file_bytes_) {
      fail(path, "claims more values than the file holds");
    }
    shape.push_back(static_cast<std::int64_t>(dims[k]));
  }
  // Bounded by the file's real size: an uncompressed dataset's values are in the file.
  if (numel * hdf5().H5Tget_size(type.get()) > file_bytes_) {
    fail(path, fmt::format("claims {} values of {} bytes, more than the file's {} bytes hold (compressed datasets are "
                           "not read)",
                           numel, hdf5().H5Tget_size(type.get()), file_bytes_));
  }
  Tensor::Array values(static_cast<Eigen::Index>(numel));
  if (numel > 0 && hdf5().H5Dread(ds.get(), hdf5().native_float(), H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) < 0) {
    fail(path, "libhdf5 cannot read its values (damaged?)");
  }
  return Tensor::from_array(shape, std::move(values));
}

H5Reader::Numbers H5Reader::numbers(const std::string& path) const {
  if (!is_dataset(path)) fail(path, "missing, or not a dataset");
  const H5Id ds(hdf5().H5Dopen2(file_.get(), path.c_str(), H5P_DEFAULT), hdf5().H5Dclose);
  const H5Id type(hdf5().H5Dget_type(ds.get()), hdf5().H5Tclose);
  if (!ds.valid() || !type.valid()) fail(path, "cannot be read");
  switch (hdf5().H5Tget_class(type.get())) {
    case H5T_INTEGER:
      return Numbers::integers;
    case H5T_FLOAT:
      return Numbers::floats;
    default:
      return Numbers::other;
  }
}

std::int64_t H5Reader::read_int64_scalar(const std::string& path) const {
  if (numbers(path) != Numbers::integers) fail(path, "does not hold an integer");
  const H5Id ds(hdf5().H5Dopen2(file_.get(), path.c_str(), H5P_DEFAULT), hdf5().H5Dclose);
  const H5Id space(hdf5().H5Dget_space(ds.get()), hdf5().H5Sclose);
  if (!space.valid() || hdf5().H5Sget_simple_extent_npoints(space.get()) != 1 || hdf5().H5Sget_simple_extent_ndims(space.get()) != 0) {
    fail(path, "is not a scalar");
  }
  std::int64_t value = 0;
  if (hdf5().H5Dread(ds.get(), hdf5().native_int64(), H5S_ALL, H5S_ALL, H5P_DEFAULT, &value) < 0) {
    fail(path, "libhdf5 cannot read its value (damaged, or out of int64's range?)");
  }
  return value;
}

bool H5Reader::has_attribute(const std::string& object, const std::string& name) const {
  if (!is_group(object) && !is_dataset(object)) return false;
  return hdf5().H5Aexists_by_name(file_.get(), object.empty() ? "/" : object.c_str(), name.c_str(), H5P_DEFAULT) > 0;
}

std::vector<std::string> H5Reader::string_attribute(const std::string& object, const std::string& name) const {
  const std::string where = (object.empty() ? std::string() : object + " ") + "attribute '" + name + "'";
  if (!has_attribute(object, name)) fail(where, "missing");
  const H5Id attr(hdf5().H5Aopen_by_name(file_.get(), object.empty() ? "/" : object.c_str(), name.c_str(), H5P_DEFAULT,
                                  H5P_DEFAULT),
                  hdf5().H5Aclose);
  const H5Id type(hdf5().H5Aget_type(attr.get()), hdf5().H5Tclose);
  const H5Id space(hdf5().H5Aget_space(attr.get()), hdf5().H5Sclose);
  if (!attr.valid() || !type.valid() || !space.valid()) fail(where, "cannot be read");
  if (hdf5().H5Tget_class(type.get()) != H5T_STRING) fail(where, "is not a string");
  const hssize_t count = hdf5().H5Sget_simple_extent_npoints(space.get());
  if (count < 0 || static_cast<std::uint64_t>(count) > file_bytes_) fail(where, "claims more strings than the file holds");
  const auto n = static_cast<std::size_t>(count);
  std::vector<std::string> out;
  if (hdf5().H5Tis_variable_str(type.get()) > 0) {
    const H5Id memtype(hdf5().H5Tcopy(hdf5().c_string()), hdf5().H5Tclose);
    hdf5().H5Tset_size(memtype.get(), H5T_VARIABLE);
    std::vector<char*> pointers(n, nullptr);
    if (n > 0 && hdf5().H5Aread(attr.get(), memtype.get(), pointers.data()) < 0) fail(where, "cannot be read");
    for (char* p : pointers) {
      out.emplace_back(p != nullptr ? p : "");
      if (p != nullptr) hdf5().H5free_memory(p);
    }
    return out;
  }
  const std::size_t width = hdf5().H5Tget_size(type.get());
  if (width == 0 || n * width > file_bytes_) fail(where, "claims more bytes than the file holds");
  const H5Id memtype(hdf5().H5Tcopy(hdf5().c_string()), hdf5().H5Tclose);
  hdf5().H5Tset_size(memtype.get(), width);
  hdf5().H5Tset_strpad(memtype.get(), H5T_STR_NULLPAD);
  std::string buffer(n * width, '\0');
  if (n > 0 && hdf5().H5Aread(attr.get(), memtype.get(), buffer.data()) < 0) fail(where, "cannot be read");
  for (std::size_t i = 0; i < n; ++i) {
    std::string s = buffer.substr(i * width, width);
    s.resize(std::strlen(s.c_str()));
    out.push_back(std::move(s));
  }
  return out;
}

H5Writer::H5Writer() {
  silence_hdf5();
  H5Id fapl = core_access(1 << 16);
  file_ = H5Id(hdf5().H5Fcreate("duet-weights-image.h5", kHdf5Truncate, H5P_DEFAULT, fapl.get()), hdf5().H5Fclose);
  if (!file_.valid()) throw Error("libhdf5: cannot create an in-memory file");
}

void H5Writer::group(const std::string& path) {
  H5Id lcpl(hdf5().H5Pcreate(hdf5().link_create_class()), hdf5().H5Pclose);
  hdf5().H5Pset_create_intermediate_group(lcpl.get(), 1);
  const H5Id g(hdf5().H5Gcreate2(file_.get(), path.c_str(), lcpl.get(), H5P_DEFAULT, H5P_DEFAULT), hdf5().H5Gclose);
  if (!g.valid()) throw Error(fmt::format("libhdf5: cannot create group '{}'", path));
}

void H5Writer::dataset(const std::string& path, const Tensor& value) {
  hsize_t dims[Shape::kMaxRank] = {};
  for (int k = 0; k < value.rank(); ++k) dims[k] = static_cast<hsize_t>(value.shape()[k]);
  const H5Id space(value.rank() == 0 ? hdf5().H5Screate(H5S_SCALAR) : hdf5().H5Screate_simple(value.rank(), dims, nullptr), hdf5().H5Sclose);
  H5Id lcpl(hdf5().H5Pcreate(hdf5().link_create_class()), hdf5().H5Pclose);
  hdf5().H5Pset_create_intermediate_group(lcpl.get(), 1);
  const H5Id ds(hdf5().H5Dcreate2(file_.get(), path.c_str(), hdf5().ieee_f32le(), space.get(), lcpl.get(), H5P_DEFAULT, H5P_DEFAULT),
                hdf5().H5Dclose);
  if (!ds.valid() ||
      (value.numel() > 0 && hdf5().H5Dwrite(ds.get(), hdf5().native_float(), H5S_ALL, H5S_ALL, H5P_DEFAULT, value.data().data()) < 0)) {
    throw Error(fmt::format("libhdf5: cannot write dataset '{}'", path));
  }
}

void H5Writer::int64_scalar(const std::string& path, std::int64_t value) {
  const H5Id space(hdf5().H5Screate(H5S_SCALAR), hdf5().H5Sclose);
  H5Id lcpl(hdf5().H5Pcreate(hdf5().link_create_class()), hdf5().H5Pclose);
  hdf5().H5Pset_create_intermediate_group(lcpl.get(), 1);
  const H5Id ds(hdf5().H5Dcreate2(file_.get(), path.c_str(), hdf5().std_i64le(), space.get(), lcpl.get(), H5P_DEFAULT, H5P_DEFAULT),
                hdf5().H5Dclose);
  if (!ds.valid() || hdf5().H5Dwrite(ds.get(), hdf5().native_int64(), H5S_ALL, H5S_ALL, H5P_DEFAULT, &value) < 0) {
    throw Error(fmt::format("libhdf5: cannot write dataset '{}'", path));
  }
}

void H5Writer::string_array_attribute(const std::string& object, const std::string& name,
                                      const std::vector<std::string>& values) {
  std::size_t width = 1;
  for (const auto& v : values) width = std::max(width, v.size());
  std::string buffer(values.size() * width, '\0');
  for (std::size_t i = 0; i < values.size(); ++i) std::memcpy(buffer.data() + i * width, values[i].data(), values[i].size());
  const H5Id type(hdf5().H5Tcopy(hdf5().c_string()), hdf5().H5Tclose);
  hdf5().H5Tset_size(type.get(), width);
  hdf5().H5Tset_strpad(type.get(), H5T_STR_NULLPAD);
  const hsize_t n = values.size();
  const H5Id space(hdf5().H5Screate_simple(1, &n, nullptr), hdf5().H5Sclose);
  const H5Id attr(hdf5().H5Acreate_by_name(file_.get(), object.c_str(), name.c_str(), type.get(), space.get(), H5P_DEFAULT,
                                    H5P_DEFAULT, H5P_DEFAULT),
                  hdf5().H5Aclose);
  if (!attr.valid() || hdf5().H5Awrite(attr.get(), type.get(), buffer.data()) < 0) {
    throw Error(fmt::format("libhdf5: cannot write attribute '{}' of '{}'", name, object));
  }
}

void H5Writer::string_attribute(const std::string& object, const std::string& name, const std::string& value) {
  const H5Id type(hdf5().H5Tcopy(hdf5().c_string()), hdf5().H5Tclose);
  hdf5().H5Tset_size(type.get(), H5T_VARIABLE);
  hdf5().H5Tset_cset(type.get(), H5T_CSET_UTF8);
  const H5Id space(hdf5().H5Screate(H5S_SCALAR), hdf5().H5Sclose);
  const H5Id attr(hdf5().H5Acreate_by_name(file_.get(), object.c_str(), name.c_str(), type.get(), space.get(), H5P_DEFAULT,
                                    H5P_DEFAULT, H5P_DEFAULT),
                  hdf5().H5Aclose);
  const char* text = value.c_str();
  if (!attr.valid() || hdf5().H5Awrite(attr.get(), type.get(), &text) < 0) {
    throw Error(fmt::format("libhdf5: cannot write attribute '{}' of '{}'", name, object));
  }
}

std::string H5Writer::bytes() {
  if (hdf5().H5Fflush(file_.get(), H5F_SCOPE_GLOBAL) < 0) throw Error("libhdf5: cannot finish the file");
  const ssize_t size = hdf5().H5Fget_file_image(file_.get(), nullptr, 0);
  if (size < 0) throw Error("libhdf5: cannot take the file's bytes");
  std::string out(static_cast<std::size_t>(size), '\0');
  if (hdf5().H5Fget_file_image(file_.get(), out.data(), out.size()) != size) throw Error("libhdf5: cannot take the file's bytes");
  return out;
}

}  // namespace duet::keras::saving
