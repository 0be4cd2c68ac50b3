// libzip, loaded the first time a PyTorch checkpoint is read or written (duet/core/shared_library.h
// says why). Every libzip function zip_archive.cpp calls is a member here under its own name, typed
// from zip.h; the library is not linked, so a direct call that bypasses this table fails to link.
#pragma once

#include <zip.h>

namespace duet::torch::checkpoint {

// Each libzip function Duet calls.
#define DUET_ZIP_FUNCTIONS(X)                                                                             \
  X(zip_error_init) X(zip_error_fini) X(zip_error_strerror) X(zip_strerror) X(zip_file_strerror)         \
  X(zip_source_buffer_create) X(zip_source_buffer) X(zip_source_free) X(zip_source_keep)                \
  X(zip_source_stat) X(zip_source_open) X(zip_source_read) X(zip_source_close) X(zip_open_from_source)  \
  X(zip_discard) X(zip_close) X(zip_get_num_entries) X(zip_get_name) X(zip_name_locate) X(zip_stat_init) \
  X(zip_stat) X(zip_fopen) X(zip_fread) X(zip_fclose) X(zip_file_add) X(zip_set_file_compression)       \
  X(zip_file_extra_field_set) X(zip_file_set_dostime)

/// The loaded library's functions.
struct ZipLibrary {
#define DUET_ZIP_MEMBER(name) decltype(&::name) name;
  DUET_ZIP_FUNCTIONS(DUET_ZIP_MEMBER)
#undef DUET_ZIP_MEMBER
};

/// libzip, loaded on the first call (thread-safe); a duet::Error when it cannot be loaded.
const ZipLibrary& libzip();

}  // namespace duet::torch::checkpoint
