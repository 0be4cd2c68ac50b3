#include "checkpoint/state_dict_file.h"

#include <fmt/format.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <map>

#include "checkpoint/pickle.h"
#include "checkpoint/zip_archive.h"
#include "duet/core/error.h"
#include "duet/core/excerpt.h"

namespace duet::torch::checkpoint {

namespace {

// Tensor values a file may expand to, as a multiple of its size: views of one storage (a tensor
// and its transpose, tied weights) repeat its values, and nothing else can grow them.
constexpr std::uint64_t kExpansionLimit = 4;
constexpr std::uint64_t kExpansionSlack = 4096;

std::size_t element_bytes(const std::string& type) {
  if (type == "FloatStorage") return 4;
  if (type == "DoubleStorage" || type == "LongStorage") return 8;
  if (type == "BoolStorage") return 1;
  return 0;
}

class CheckpointReader {
 public:
  CheckpointReader(std::string_view bytes, const std::string& source)
      : zip_(bytes, source), source_(source), budget_(kExpansionLimit * bytes.size() + kExpansionSlack) {
    find_prefix();
  }

  Checkpoint read() {
    const std::string pickle_name = prefix_ + "data.pkl";
    const std::string pickle = zip_.read(pickle_name);
    const PyRef top = unpickle(pickle, fmt::format("{}: {}", source_, pickle_name));
    Checkpoint out;
    if (top->kind == PyValue::Kind::tensor) {
      out.tensor = materialize(*top->tensor, "the tensor");
    } else if (top->kind == PyValue::Kind::dict) {
      for (const auto& [name, value] : top->entries) {
        if (value->kind != PyValue::Kind::tensor) {
          throw Error(fmt::format("{}: {}: entry '{}' is not a tensor; Duet reads a state_dict (save "
                                  "model.state_dict() itself, not a dict around it)",
                                  source_, pickle_name, excerpt(name)));
        }
        out.state.emplace_back(name, materialize(*value->tensor, name));
      }
    } else {
      throw Error(fmt::format("{}: {}: the file holds neither a state_dict nor a tensor", source_, pickle_name));
    }
    return out;
  }

 private:
  // torch.save puts every entry under one folder named after the file; PyTorch's reader takes
  // the folder of the first entry, and so does this one.
  void find_prefix() {
    const auto names = zip_.names();
    if (names.empty()) throw Error(fmt::format("{}: the zip archive is empty, not a torch.save file", source_));
    const auto slash = names.front().find('/');
    prefix_ = slash == std::string::npos ? std::string() : names.front().substr(0, slash + 1);
    if (!zip_.contains(prefix_ + "data.pkl")) {
      throw Error(fmt::format("{}: {}data.pkl: missing; the zip archive is not a torch.save file", source_,
                              excerpt(prefix_)));
    }
  }

  const std::string& storage_bytes(const StorageRef& s, const std::string& tensor) {
    if (const auto it = storages_.find(s.key); it != storages_.end()) return it->second;
    const std::string entry = prefix_ + "data/" + s.key;
    if (!zip_.contains(entry)) {
      throw Error(fmt::format("{}: {}: missing (the storage of tensor '{}')", source_, excerpt(entry), excerpt(tensor)));
    }
    const std::uint64_t need = static_cast<std::uint64_t>(s.numel) * element_bytes(s.type);
    const std::uint64_t have = zip_.size(entry);
    if (have != need) {
      throw Error(fmt::format("{}: {}: holds {} bytes, its {} of {} elements needs {}", source_, excerpt(entry), have,
                              s.type, s.numel, need));
    }
    return storages_.emplace(s.key, zip_.read(entry)).first->second;
  }

  [[noreturn]] void bad_tensor(const std::string& name, const std::string& why) const {
    throw Error(fmt::format("{}: {}data.pkl: tensor '{}': {}", source_, excerpt(prefix_), excerpt(name), why));
  }

  Tensor materialize(const TensorRef& t, const std::string& name) {
    const StorageRef& s = *t.storage;
    const std::size_t width = element_bytes(s.type);
    if (width == 0) bad_tensor(name, fmt::format("storage type {} is not one Duet reads", s.type));
    if (t.sizes.size() != t.strides.size()) bad_tensor(name, "size and stride have different lengths");
    if (t.sizes.size() > static_cast<std::size_t>(Shape::kMaxRank)) {
      bad_tensor(name, fmt::format("rank {}; Duet's tensors have at most {} dimensions", t.sizes.size(), Shape::kMaxRank));
    }
    if (s.numel > std::numeric_limits<std::int64_t>::max() / 8) bad_tensor(name, "its storage claims too many elements");
    // The last element the view reads, with every product checked (sizes, strides and the
    // offset come from the file).
    std::int64_t numel = 1, last = t.offset;
    if (t.offset < 0) bad_tensor(name, fmt::format("negative storage offset {}", t.offset));
    for (std::size_t k = 0; k < t.sizes.size(); ++k) {
      if (t.sizes[k] < 0 || t.strides[k] < 0) {
        bad_tensor(name, fmt::format("size {} with stride {} in dimension {}", t.sizes[k], t.strides[k], k));
      }
      std::int64_t reach = 0;
      if (__builtin_mul_overflow(numel, t.sizes[k], &numel) ||
          (t.sizes[k] > 0 && (__builtin_mul_overflow(t.sizes[k] - 1, t.strides[k], &reach) ||
                              __builtin_add_overflow(last, reach, &last)))) {
        bad_tensor(name, "its sizes and strides overflow");
      }
    }
    if (numel > 0 && last >= s.numel) {
      bad_tensor(name, fmt::format("reads element {} of storage '{}', which holds {} (the storage is shorter than "
                                   "its tensor)",
                                   last, excerpt(s.key), s.numel));
    }
    if (numel > s.numel) {
      bad_tensor(name, fmt::format("{} elements from a storage of {} (a broadcast view); save a contiguous copy", numel,
                                   s.numel));
    }
    const auto cost = static_cast<std::uint64_t>(numel) * sizeof(float);
    if (cost > budget_) {
      bad_tensor(name, "the file's views of shared storages would expand to more than 4 times its size");
    }
    budget_ -= cost;
    Shape shape;
    try {
      for (const auto d : t.sizes) shape.push_back(d);
    } catch (const Error& e) {
      bad_tensor(name, e.what());
    }
    const std::string& bytes = storage_bytes(s, name);

    Tensor::Array values(static_cast<Eigen::Index>(numel));
    // Row-major walk over the view: index -> storage element via the strides.
    std::vector<std::int64_t> index(t.sizes.size(), 0);
    for (std::int64_t i = 0; i < numel; ++i) {
      std::int64_t at = t.offset;
      for (std::size_t k = 0; k < index.size(); ++k) at += index[k] * t.strides[k];
      values[static_cast<Eigen::Index>(i)] = convert(bytes, static_cast<std::size_t>(at), s, name);
      for (std::size_t k = index.size(); k-- > 0;) {
        if (++index[k] < t.sizes[k]) break;
        index[k] = 0;
      }
    }
    Tensor out = Tensor::from_array(shape, std::move(values));
    if (s.type == "LongStorage") return out.to(DType::int64);
    if (s.type == "BoolStorage") return out.to(DType::boolean);
    return out;
  }

  // One element as Duet's float. float64 rounds to the nearest float32 (as tensor.float()); an
  // int64 must be a whole number a float holds exactly (|v| <= 2^24, Duet's int64 range).
  float convert(const std::string& bytes, std::size_t at, const StorageRef& s, const std::string& name) const {
    const char* p = bytes.data() + at * element_bytes(s.type);
    if (s.type == "FloatStorage") {
      float v;
      std::memcpy(&v, p, sizeof v);
      return v;
    }
    if (s.type == "DoubleStorage") {
      double v;
      std::memcpy(&v, p, sizeof v);
      const auto f = static_cast<float>(v);
      if (std::isfinite(v) && !std::isfinite(f)) {
        bad_tensor(name, fmt::format("float64 value {} is beyond float32's range", v));
      }
      return f;
    }
    if (s.type == "LongStorage") {
      std::int64_t v;
      std::memcpy(&v, p, sizeof v);
      if (v > kMaxExactInt || v < -kMaxExactInt) {
        bad_tensor(name, fmt::format("int64 value {} is beyond 2^24, the largest whole number Duet's int64 tensors "
                                     "hold exactly",
                                     v));
      }
      return static_cast<float>(v);
    }
    return *p != 0 ? 1.0f : 0.0f;  // BoolStorage
  }

  ZipReader zip_;
  const std::string& source_;
  std::string prefix_;
  std::uint64_t budget_;
  std::map<std::string, std::string> storages_;
};

std::string storage_type(DType dtype) {
  switch (dtype) {
    case DType::int64: return "LongStorage";
    case DType::boolean: return "BoolStorage";
    default: return "FloatStorage";
  }
}

std::string storage_data(const Tensor& t) {
  const auto& v = t.data();
  std::string out;
  if (t.dtype() == DType::int64) {
    out.resize(static_cast<std::size_t>(v.size()) * 8);
    for (Eigen::Index i = 0; i < v.size(); ++i) {
      const auto w = static_cast<std::int64_t>(v[i]);
      std::memcpy(out.data() + i * 8, &w, 8);
    }
  } else if (t.dtype() == DType::boolean) {
    for (Eigen::Index i = 0; i < v.size(); ++i) out += v[i] != 0 ? '\1' : '\0';
  } else {
    out.assign(reinterpret_cast<const char*>(v.data()), static_cast<std::size_t>(v.size()) * sizeof(float));
  }
  return out;
}

}  // namespace

Checkpoint read_checkpoint(std::string_view bytes, const std::string& source) {
  return CheckpointReader(bytes, source).read();
}

std::string write_checkpoint(const NamedTensors& tensors, bool single, const std::string& archive_name) {
  const std::string prefix = (archive_name.empty() ? std::string("archive") : archive_name) + "/";
  std::vector<TensorToWrite> described;
  for (const auto& [name, t] : tensors) {
    std::vector<std::int64_t> sizes(t.shape().begin(), t.shape().end());
    described.push_back({name, storage_type(t.dtype()), sizes});
  }
  std::vector<std::pair<std::string, std::string>> entries;
  entries.emplace_back(prefix + "data.pkl", pickle_state_dict(described, single));
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    entries.emplace_back(prefix + "data/" + std::to_string(i), storage_data(tensors[i].second));
  }
  entries.emplace_back(prefix + "version", "3\n");  // caffe2/serialize/versions.h kProducedFileFormatVersion
  return write_zip(entries);
}

}  // namespace duet::torch::checkpoint
