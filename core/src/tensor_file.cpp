#include "duet/core/tensor_file.h"

#include <fmt/format.h>

#include <array>
#include <bit>
#include <cstdio>
#include <cstring>
#include <set>

#include "duet/core/error.h"
#include "duet/core/excerpt.h"
#include "duet/core/file_io.h"

namespace duet::tensor_file {

namespace {

constexpr char kMagic[8] = {'D', 'U', 'E', 'T', 'T', 'N', 'S', 'R'};
constexpr std::uint32_t kMaxNameLength = 4096;

// CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320), as zlib's crc32().
std::uint32_t crc32(const char* data, std::size_t n) {
  static const auto table = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
      std::uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  std::uint32_t c = 0xFFFFFFFFu;
  for (std::size_t i = 0; i < n; ++i) c = table[(c ^ static_cast<unsigned char>(data[i])) & 0xFFu] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

// Little-endian writers and a bounds-checked reader (x86 and ARM Linux are little-endian; the
// static_assert keeps a big-endian port from silently writing another format).
static_assert(std::endian::native == std::endian::little, "tensor files are little-endian");

template <typename T>
void put(std::string& out, T v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}
void put_string(std::string& out, const std::string& s) {
  put(out, static_cast<std::uint32_t>(s.size()));
  out += s;
}

class Reader {
 public:
  Reader(const std::string& bytes, std::size_t end, const std::string& source)
      : bytes_(bytes), end_(end), source_(source) {}

  template <typename T>
  T get(const char* what) {
    need(sizeof(T), what);
    T v;
    std::memcpy(&v, bytes_.data() + pos_, sizeof v);
    pos_ += sizeof v;
    return v;
  }
  std::string get_string(const char* what, std::uint32_t max_length) {
    const auto n = get<std::uint32_t>(what);
    if (n > max_length) fail(fmt::format("{} is {} bytes long, more than the {} allowed", what, n, max_length));
    need(n, what);
    std::string s = bytes_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  void read_floats(float* out, std::size_t count, const char* what) {
    need(count * sizeof(float), what);
    std::memcpy(out, bytes_.data() + pos_, count * sizeof(float));
    pos_ += count * sizeof(float);
  }
  std::size_t remaining() const { return end_ - pos_; }
  [[noreturn]] void fail(const std::string& why) const {
    throw Error(fmt::format("{}: {} (at byte {})", source_, why, pos_));
  }

 private:
  void need(std::size_t n, const char* what) {
    if (n > end_ - pos_) fail(fmt::format("the file is truncated: {} needs {} bytes, {} are left", what, n, end_ - pos_));
  }
  const std::string& bytes_;
  std::size_t end_;
  const std::string& source_;
  std::size_t pos_ = 0;
};

}  // namespace

void simulate_crash_before_rename(bool on) { file_io::simulate_crash_before_rename(on); }

std::string encode(const std::string& kind, const NamedTensors& tensors) {
  std::string out(kMagic, sizeof kMagic);
  put(out, kVersion);
  put_string(out, kind);
  put(out, static_cast<std::uint32_t>(tensors.size()));
  for (const auto& [name, t] : tensors) {
    put_string(out, name);
    put(out, static_cast<std::uint32_t>(t.rank()));
    for (int k = 0; k < t.rank(); ++k) put(out, static_cast<std::int64_t>(t.shape()[k]));
    out.append(reinterpret_cast<const char*>(t.data().data()), static_cast<std::size_t>(t.numel()) * sizeof(float));
  }
  put(out, crc32(out.data(), out.size()));
  return out;
}

NamedTensors decode(const std::string& bytes, const std::string& kind, const std::string& source) {
  if (bytes.size() < sizeof kMagic || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0) {
    throw Error(fmt::format("{}: not a Duet tensor file (it does not start with DUETTNSR)", source));
  }
  if (bytes.size() < sizeof kMagic + 8) throw Error(fmt::format("{}: the file is truncated", source));
  std::uint32_t version;
  std::memcpy(&version, bytes.data() + sizeof kMagic, sizeof version);
  if (version > kVersion) {
    throw Error(fmt::format("{}: format version {} is newer than this Duet reads (version {}); upgrade Duet", source,
                            version, kVersion));
  }
  if (version == 0) throw Error(fmt::format("{}: invalid format version 0", source));
  std::uint32_t stored_crc;
  std::memcpy(&stored_crc, bytes.data() + bytes.size() - sizeof stored_crc, sizeof stored_crc);
  if (crc32(bytes.data(), bytes.size() - sizeof stored_crc) != stored_crc) {
    throw Error(fmt::format("{}: the checksum does not match: the file is truncated or corrupted", source));
  }
  Reader in(bytes, bytes.size() - sizeof stored_crc, source);
  in.get<std::array<char, 8>>("the magic number");
  in.get<std::uint32_t>("the version");
  const std::string file_kind = in.get_string("the kind", kMaxNameLength);
  if (file_kind != kind) in.fail(fmt::format("the file holds '{}', expected '{}'", excerpt(file_kind), kind));
  const auto count = in.get<std::uint32_t>("the tensor count");
  NamedTensors out;
  std::set<std::string> names;
  for (std::uint32_t i = 0; i < count; ++i) {
    std::string name = in.get_string("a tensor name", kMaxNameLength);
    // A second copy would be silently ignored (the first wins on load): a damaged or forged file.
    if (!names.insert(name).second) in.fail(fmt::format("the tensor name '{}' appears twice", excerpt(name)));
    const auto rank = in.get<std::uint32_t>("a rank");
    if (rank > static_cast<std::uint32_t>(Shape::kMaxRank)) {
      in.fail(fmt::format("tensor '{}' has rank {}", excerpt(name), rank));
    }
    Shape shape;
    std::uint64_t numel = 1;
    for (std::uint32_t k = 0; k < rank; ++k) {
      const auto d = in.get<std::int64_t>("a dimension");
      if (d < 0 || static_cast<std::uint64_t>(d) > in.remaining()) {
        in.fail(fmt::format("tensor '{}' has an impossible dimension {}", excerpt(name), d));
      }
      shape.push_back(d);
      numel *= static_cast<std::uint64_t>(d);
      if (numel > in.remaining()) {
        in.fail(fmt::format("tensor '{}' claims more values than the file holds", excerpt(name)));
      }
    }
    Tensor::Array values(static_cast<Eigen::Index>(numel));
    in.read_floats(values.data(), numel, "tensor values");
    out.emplace_back(std::move(name), Tensor::from_array(shape, std::move(values)));
  }
  if (in.remaining() != 0) in.fail(fmt::format("{} unexpected bytes after the last tensor", in.remaining()));
  return out;
}

void save(const std::filesystem::path& path, const std::string& kind, const NamedTensors& tensors) {
  file_io::write_file_atomically(path, encode(kind, tensors));
}

NamedTensors load(const std::filesystem::path& path, const std::string& kind) {
  return decode(file_io::read_regular_file(path, kMaxFileBytes, "tensor file"), kind, path.string());
}

}  // namespace duet::tensor_file
