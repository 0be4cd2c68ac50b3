# duet_load_at_run_time(<target> <pkg-config prefix> <define prefix>): <target> compiles against a
# library found by pkg_check_modules(<prefix> ...) but does not link it; it loads it with dlopen on
# first use (core/include/duet/core/shared_library.h says why). Defines <define prefix>_SONAME (the
# library's soname, e.g. "libhdf5_serial.so.103": the real file's name up to its major version, as
# Debian's packages name it) and <define prefix>_PATH (the real file, a fallback).
function(duet_load_at_run_time target prefix define)
  list(GET ${prefix}_LINK_LIBRARIES 0 library)
  file(REAL_PATH "${library}" real)
  get_filename_component(file "${real}" NAME)
  string(REGEX MATCH "^.*\\.so\\.[0-9]+" soname "${file}")
  if(NOT soname)
    message(FATAL_ERROR "${prefix}: cannot tell the soname of ${real}")
  endif()
  target_include_directories(${target} SYSTEM PRIVATE ${${prefix}_INCLUDE_DIRS})
  target_compile_definitions(${target} PRIVATE ${define}_SONAME="${soname}" ${define}_PATH="${real}")
endfunction()
