// libhdf5, loaded the first time a Keras weight file is read or written (duet/core/shared_library.h
// says why). Every libhdf5 function h5_file.cpp calls is a member here under its own name, typed
// from hdf5.h; the library is not linked, so a direct call that bypasses this table fails to link.
#pragma once

#include <hdf5.h>

namespace duet::keras::saving {

// Each libhdf5 function Duet calls.
#define DUET_HDF5_FUNCTIONS(X)                                                                             \
  X(H5check_version) X(H5open) X(H5Eset_auto2) X(H5free_memory) X(H5Pcreate) X(H5Pclose) X(H5Pset_fapl_core)                 \
  X(H5Pset_file_image) X(H5Pset_create_intermediate_group) X(H5Fopen) X(H5Fcreate) X(H5Fclose)            \
  X(H5Fflush) X(H5Fget_file_image) X(H5Lexists) X(H5Lget_name_by_idx) X(H5Oopen) X(H5Oclose)             \
  X(H5Iget_type) X(H5Gopen2) X(H5Gcreate2) X(H5Gclose) X(H5Gget_info) X(H5Dopen2) X(H5Dcreate2)          \
  X(H5Dclose) X(H5Dread) X(H5Dwrite) X(H5Dget_space) X(H5Dget_type) X(H5Sclose) X(H5Screate)             \
  X(H5Screate_simple) X(H5Sget_simple_extent_dims) X(H5Sget_simple_extent_ndims)                        \
  X(H5Sget_simple_extent_npoints) X(H5Tclose) X(H5Tcopy) X(H5Tget_class) X(H5Tget_size)                  \
  X(H5Tis_variable_str) X(H5Tset_cset) X(H5Tset_size) X(H5Tset_strpad) X(H5Aopen_by_name)                \
  X(H5Acreate_by_name) X(H5Aexists_by_name) X(H5Aclose) X(H5Aread) X(H5Awrite) X(H5Aget_space)           \
  X(H5Aget_type)

/// The loaded library's functions, and the identifiers hdf5.h's macros (H5T_NATIVE_FLOAT,
/// H5P_FILE_ACCESS, ...) read from its global variables, read once after H5open.
struct Hdf5Library {
#define DUET_HDF5_MEMBER(name) decltype(&::name) name;
  DUET_HDF5_FUNCTIONS(DUET_HDF5_MEMBER)
#undef DUET_HDF5_MEMBER
  // hdf5.h's H5P_FILE_ACCESS, H5T_NATIVE_FLOAT, ...: each is (H5open(), <global>), the global
  // read at each use as the macro does (libhdf5 sets some of them only when their part of the
  // library first starts).
  hid_t file_access_class() const { return global(file_access_class_g); }  ///< H5P_FILE_ACCESS
  hid_t link_create_class() const { return global(link_create_class_g); }  ///< H5P_LINK_CREATE
  hid_t native_float() const { return global(native_float_g); }            ///< H5T_NATIVE_FLOAT
  hid_t native_int64() const { return global(native_int64_g); }            ///< H5T_NATIVE_INT64
  hid_t ieee_f32le() const { return global(ieee_f32le_g); }                ///< H5T_IEEE_F32LE
  hid_t std_i64le() const { return global(std_i64le_g); }                  ///< H5T_STD_I64LE
  hid_t c_string() const { return global(c_string_g); }                    ///< H5T_C_S1

  const hid_t* file_access_class_g;
  const hid_t* link_create_class_g;
  const hid_t* native_float_g;
  const hid_t* native_int64_g;
  const hid_t* ieee_f32le_g;
  const hid_t* std_i64le_g;
  const hid_t* c_string_g;

 private:
  hid_t global(const hid_t* g) const {
    H5open();
    return *g;
  }
};

/// hdf5.h's H5F_ACC_RDONLY and H5F_ACC_TRUNC: 0x0000u and 0x0002u after calls to H5check() and
/// H5open(), which hdf5() makes once when it loads the library.
inline constexpr unsigned kHdf5ReadOnly = 0x0000u;
inline constexpr unsigned kHdf5Truncate = 0x0002u;

/// libhdf5, loaded on the first call (thread-safe); a duet::Error when it cannot be loaded.
const Hdf5Library& hdf5();

}  // namespace duet::keras::saving
