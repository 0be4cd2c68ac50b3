#include "checkpoint/zip_archive.h"

#include "checkpoint/zip_library.h"

#include <fmt/format.h>

#include <cstring>

#include "duet/core/error.h"
#include "duet/core/excerpt.h"

namespace duet::torch::checkpoint {

namespace {

constexpr std::uint64_t kAlignment = 64;       // inline_container.h kFieldAlignment
constexpr std::uint16_t kPaddingFieldId = 0x4246;  // "FB", the id PyTorch's writer pads with
constexpr std::size_t kLocalHeaderBytes = 30;
constexpr std::size_t kExtraFieldHeaderBytes = 4;

std::uint32_t read_u32(std::string_view b, std::size_t at) {
  std::uint32_t v = 0;
  for (int k = 3; k >= 0; --k) v = (v << 8) | static_cast<unsigned char>(b[at + static_cast<std::size_t>(k)]);
  return v;
}
std::uint16_t read_u16(std::string_view b, std::size_t at) {
  return static_cast<std::uint16_t>(static_cast<unsigned char>(b[at]) | (static_cast<unsigned char>(b[at + 1]) << 8));
}

}  // namespace

ZipReader::ZipReader(std::string_view bytes, std::string source)
    : source_(std::move(source)), archive_bytes_(bytes.size()) {
  zip_error_t error;
  libzip().zip_error_init(&error);
  zip_source_t* src = libzip().zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  if (src == nullptr) {
    const std::string why = libzip().zip_error_strerror(&error);
    libzip().zip_error_fini(&error);
    throw Error(fmt::format("{}: cannot read the zip archive: {}", source_, why));
  }
  archive_ = libzip().zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &error);
  if (archive_ == nullptr) {
    const std::string why = libzip().zip_error_strerror(&error);
    libzip().zip_error_fini(&error);
    libzip().zip_source_free(src);
    throw Error(fmt::format("{}: not a readable zip archive (truncated or damaged?): {}", source_, why));
  }
  libzip().zip_error_fini(&error);
}

ZipReader::~ZipReader() {
  if (archive_ != nullptr) libzip().zip_discard(archive_);
}

std::vector<std::string> ZipReader::names() const {
  std::vector<std::string> out;
  const zip_int64_t n = libzip().zip_get_num_entries(archive_, 0);
  for (zip_int64_t i = 0; i < n; ++i) {
    const char* name = libzip().zip_get_name(archive_, static_cast<zip_uint64_t>(i), ZIP_FL_ENC_RAW);
    if (name != nullptr) out.emplace_back(name);
  }
  return out;
}

bool ZipReader::contains(const std::string& name) const {
  return libzip().zip_name_locate(archive_, name.c_str(), ZIP_FL_ENC_RAW) >= 0;
}

std::uint64_t ZipReader::size(const std::string& name) const {
  zip_stat_t st;
  libzip().zip_stat_init(&st);
  if (libzip().zip_stat(archive_, name.c_str(), ZIP_FL_ENC_RAW, &st) != 0 || (st.valid & ZIP_STAT_SIZE) == 0) {
    throw Error(fmt::format("{}: {}: the archive has no such entry", source_, excerpt(name)));
  }
  return st.size;
}

std::string ZipReader::read(const std::string& name) const {
  zip_stat_t st;
  libzip().zip_stat_init(&st);
  if (libzip().zip_stat(archive_, name.c_str(), ZIP_FL_ENC_RAW, &st) != 0) {
    throw Error(fmt::format("{}: {}: the archive has no such entry", source_, excerpt(name)));
  }
  if ((st.valid & ZIP_STAT_COMP_METHOD) == 0 || st.comp_method != ZIP_CM_STORE) {
    throw Error(fmt::format("{}: {}: the entry is compressed; torch.save stores every entry uncompressed, and Duet "
                            "reads only those (so no entry can expand beyond the file's size)",
                            source_, excerpt(name)));
  }
  // Stored data lies inside the file, but the size is what the directory claims: check the claim
  // before allocating for it (a damaged size field must not ask for gigabytes).
  const bool sizes_known = (st.valid & ZIP_STAT_SIZE) != 0 && (st.valid & ZIP_STAT_COMP_SIZE) != 0;
  if (!sizes_known || st.size != st.comp_size || st.size > archive_bytes_) {
    throw Error(fmt::format("{}: {}: the directory states a size of {} bytes for a stored entry in a {}-byte file "
                            "(the archive is damaged)",
                            source_, excerpt(name), st.size, archive_bytes_));
  }
  zip_file_t* file = libzip().zip_fopen(archive_, name.c_str(), ZIP_FL_ENC_RAW);
  if (file == nullptr) {
    throw Error(fmt::format("{}: {}: cannot open the entry: {}", source_, excerpt(name),
                            libzip().zip_strerror(archive_)));
  }
  std::string out(static_cast<std::size_t>(st.size), '\0');
  const zip_int64_t got = libzip().zip_fread(file, out.data(), st.size);
  char probe = 0;
  // Reading on to the end makes libzip compare the CRC.
  const zip_int64_t extra = got == static_cast<zip_int64_t>(st.size) ? libzip().zip_fread(file, &probe, 1) : 0;
  const std::string why = (got < 0 || extra < 0) ? libzip().zip_file_strerror(file) : "";
  libzip().zip_fclose(file);
  if (got != static_cast<zip_int64_t>(st.size) || extra != 0) {
    throw Error(fmt::format("{}: {}: the entry is truncated or corrupted{}", source_, excerpt(name),
                            why.empty() ? "" : " (" + why + ")"));
  }
  return out;
}

std::string write_zip(const std::vector<std::pair<std::string, std::string>>& entries) {
  zip_error_t error;
  libzip().zip_error_init(&error);
  zip_source_t* buffer = libzip().zip_source_buffer_create(nullptr, 0, 0, &error);
  if (buffer == nullptr) throw Error(fmt::format("cannot create a zip archive: {}", libzip().zip_error_strerror(&error)));
  libzip().zip_source_keep(buffer);  // the archive's bytes stay in `buffer` after zip_close
  const auto fail = [&](const std::string& what, zip_t* za) {
    const std::string why = za != nullptr ? libzip().zip_strerror(za) : libzip().zip_error_strerror(&error);
    if (za != nullptr) libzip().zip_discard(za);
    libzip().zip_source_free(buffer);
    libzip().zip_error_fini(&error);
    throw Error(fmt::format("cannot write the zip archive: {}: {}", what, why));
  };
  zip_t* za = libzip().zip_open_from_source(buffer, ZIP_TRUNCATE, &error);
  if (za == nullptr) fail("open", nullptr);

  std::uint64_t offset = 0;  // where the next local header starts
  std::vector<std::string> paddings;
  paddings.reserve(entries.size());
  for (const auto& [name, data] : entries) {
    zip_source_t* src = libzip().zip_source_buffer(za, data.data(), data.size(), 0);
    if (src == nullptr) fail(name, za);
    const zip_int64_t index = libzip().zip_file_add(za, name.c_str(), src, ZIP_FL_ENC_UTF_8);
    if (index < 0) {
      libzip().zip_source_free(src);
      fail(name, za);
    }
    const auto i = static_cast<zip_uint64_t>(index);
    const std::uint64_t unpadded = offset + kLocalHeaderBytes + name.size() + kExtraFieldHeaderBytes;
    paddings.emplace_back(static_cast<std::size_t>((kAlignment - unpadded % kAlignment) % kAlignment), 'Z');
    const auto& pad = paddings.back();
    if (libzip().zip_set_file_compression(za, i, ZIP_CM_STORE, 0) != 0 ||
        libzip().zip_file_extra_field_set(za, i, kPaddingFieldId, ZIP_EXTRA_FIELD_NEW,
                                 reinterpret_cast<const zip_uint8_t*>(pad.data()), static_cast<zip_uint16_t>(pad.size()),
                                 ZIP_FL_LOCAL) != 0 ||
        // A fixed time (1980-01-01 00:00, the zip epoch) so equal state dicts give equal files.
        libzip().zip_file_set_dostime(za, i, 0, (1 << 5) | 1, 0) != 0) {
      fail(name, za);
    }
    offset = unpadded + pad.size() + data.size();
  }
  if (libzip().zip_close(za) != 0) fail("close", za);

  std::string out;
  zip_stat_t st;
  libzip().zip_stat_init(&st);
  if (libzip().zip_source_stat(buffer, &st) != 0 || libzip().zip_source_open(buffer) != 0) fail("read back", nullptr);
  out.resize(static_cast<std::size_t>(st.size));
  const zip_int64_t got = libzip().zip_source_read(buffer, out.data(), st.size);
  libzip().zip_source_close(buffer);
  libzip().zip_source_free(buffer);
  libzip().zip_error_fini(&error);
  if (got != static_cast<zip_int64_t>(st.size)) throw Error("cannot write the zip archive: short read back");
  // The layout above assumed libzip writes nothing else into the local headers: check it.
  for (const auto& [name, at] : local_data_offsets(out)) {
    if (at % kAlignment != 0) {
      throw Error(fmt::format("internal error: libzip placed the data of '{}' at byte {}, not 64-byte aligned", name,
                              at));
    }
  }
  return out;
}

std::vector<std::pair<std::string, std::uint64_t>> local_data_offsets(std::string_view bytes) {
  std::vector<std::pair<std::string, std::uint64_t>> out;
  std::size_t at = 0;
  while (at + kLocalHeaderBytes <= bytes.size() && read_u32(bytes, at) == 0x04034b50u) {
    const std::uint32_t compressed = read_u32(bytes, at + 18);
    const std::uint16_t name_length = read_u16(bytes, at + 26);
    const std::uint16_t extra_length = read_u16(bytes, at + 28);
    const std::size_t data = at + kLocalHeaderBytes + name_length + extra_length;
    if (data > bytes.size() || compressed > bytes.size() - data) break;
    out.emplace_back(std::string(bytes.substr(at + kLocalHeaderBytes, name_length)), data);
    at = data + compressed;
  }
  return out;
}

}  // namespace duet::torch::checkpoint
