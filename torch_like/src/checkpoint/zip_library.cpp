#include "checkpoint/zip_library.h"

#include "duet/core/shared_library.h"

namespace duet::torch::checkpoint {

namespace {

ZipLibrary load() {
  // DUET_LIBZIP_SONAME is the soname of the libzip Duet was built against (CMake reads it from the
  // library pkg-config found); the path is the fallback for a library outside the loader's paths.
  static const SharedLibrary library("reading or writing a PyTorch checkpoint (zip)", {DUET_LIBZIP_SONAME, DUET_LIBZIP_PATH});
  ZipLibrary zip{};
#define DUET_ZIP_BIND(name) zip.name = library.function<decltype(&::name)>(#name);
  DUET_ZIP_FUNCTIONS(DUET_ZIP_BIND)
#undef DUET_ZIP_BIND
  return zip;
}

}  // namespace

const ZipLibrary& libzip() {
  static const ZipLibrary library = load();
  return library;
}

}  // namespace duet::torch::checkpoint
