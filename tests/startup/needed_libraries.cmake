# CTest driver: BINARY must not list libhdf5 or libzip among the libraries the loader maps before
# main() (ELF NEEDED entries): Duet loads them when a weight file or checkpoint is first read, and
# linking them again would bring back ~40 libraries and ~20 ms to every start (docs/performance.md).
# Usage: cmake -DOBJDUMP=... -DBINARY=... -P needed_libraries.cmake
execute_process(COMMAND ${OBJDUMP} -p ${BINARY} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "objdump -p ${BINARY} failed: ${err}")
endif()
string(REGEX MATCHALL "NEEDED +[^\n]+" needed "${out}")
if(NOT needed)
  message(FATAL_ERROR "no NEEDED entries in ${BINARY}: not a dynamically linked ELF file?")
endif()
foreach(entry IN LISTS needed)
  if(entry MATCHES "hdf5|libzip")
    message(FATAL_ERROR "${BINARY} links ${entry}: it should load it on first use (duet/core/shared_library.h)")
  endif()
endforeach()
message("${BINARY}: ${needed}")
