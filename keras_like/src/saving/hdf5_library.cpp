#include "saving/hdf5_library.h"

#include "duet/core/error.h"
#include "duet/core/shared_library.h"

namespace duet::keras::saving {

namespace {

Hdf5Library load() {
  // DUET_HDF5_SONAME is the soname of the libhdf5 Duet was built against (CMake reads it from the
  // library pkg-config found); the path is the fallback for a library outside the loader's paths.
  static const SharedLibrary library("reading or writing a Keras weight file (HDF5)",
                                     {DUET_HDF5_SONAME, DUET_HDF5_PATH});
  Hdf5Library h5{};
#define DUET_HDF5_BIND(name) h5.name = library.function<decltype(&::name)>(#name);
  DUET_HDF5_FUNCTIONS(DUET_HDF5_BIND)
#undef DUET_HDF5_BIND
  // What hdf5.h's macros call first: H5check() compares the headers Duet was built with to the
  // library (libhdf5 itself reports a mismatch), and H5T_NATIVE_FLOAT is (H5open(),
  // H5T_NATIVE_FLOAT_g), read at each use (Hdf5Library::native_float).
  if (h5.H5check_version(H5_VERS_MAJOR, H5_VERS_MINOR, H5_VERS_RELEASE) < 0 || h5.H5open() < 0) {
    throw Error(library.name() + ": libhdf5 does not start (H5check_version / H5open failed)");
  }
  const auto global = [&](const char* symbol) { return static_cast<const hid_t*>(library.variable_address(symbol)); };
  h5.file_access_class_g = global("H5P_CLS_FILE_ACCESS_ID_g");
  h5.link_create_class_g = global("H5P_CLS_LINK_CREATE_ID_g");
  h5.native_float_g = global("H5T_NATIVE_FLOAT_g");
  h5.native_int64_g = global("H5T_NATIVE_INT64_g");
  h5.ieee_f32le_g = global("H5T_IEEE_F32LE_g");
  h5.std_i64le_g = global("H5T_STD_I64LE_g");
  h5.c_string_g = global("H5T_C_S1_g");
  return h5;
}

}  // namespace

const Hdf5Library& hdf5() {
  static const Hdf5Library library = load();
  return library;
}

}  // namespace duet::keras::saving
