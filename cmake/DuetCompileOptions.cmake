# Warnings (as errors by default) and the optional sanitizer build, applied to each of our targets
# privately, so neither leaks into an installed package or into dependencies.
set(DUET_WARNING_FLAGS
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion -Wnon-virtual-dtor)
if(DUET_WERROR)
  list(APPEND DUET_WARNING_FLAGS -Werror)
endif()
set(DUET_SANITIZER_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)

if(DUET_FUZZ)
  # Coverage instrumentation for libFuzzer everywhere; the fuzz targets add the fuzzer main.
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()

# -march=native for Release builds of this machine (AVX2/AVX-512 and FMA in Eigen's kernels).
# Set for the whole tree so that Eigen code inlined into every target agrees on the ISA.
if(DUET_NATIVE AND CMAKE_BUILD_TYPE STREQUAL "Release")
  add_compile_options(-march=native)
  # GCC 12 reports a false "may be used uninitialized" inside its own avx512fintrin.h when Eigen's
  # AVX-512 packets are inlined (GCC bug 105593); it is not about Duet's code.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    list(APPEND DUET_WARNING_FLAGS -Wno-maybe-uninitialized)
  endif()
endif()

# The test suites' own code needs no -O3: the libraries under test keep the build type's flags,
# and -O1 compiles a test file about a third faster. At -O1 GCC 12 reports the same bug 105593
# (above) as -Wuninitialized instead, so that is silenced for those files too.
function(duet_test_code_options target)
  if(CMAKE_BUILD_TYPE STREQUAL "Release")
    target_compile_options(${target} PRIVATE -O1)
    if(DUET_NATIVE AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
      target_compile_options(${target} PRIVATE -Wno-uninitialized)
    endif()
  endif()
endfunction()
if(NOT DUET_THREADS)
  add_compile_definitions(EIGEN_DONT_PARALLELIZE)
endif()

# Precompiled headers: the third-party and standard headers that nearly every translation unit
# parses (Eigen, fmt, GoogleTest, nlohmann-json) took about two thirds of a test file's compile
# time, once per file. Only headers that never change with Duet's own code are precompiled, so an
# edit to a Duet file (or a mutant) never rebuilds the precompiled header. Build time only: the
# installed targets carry none of it. On by default with Clang only: GCC 12 treats code taken from
# a precompiled header as user code and reports its own false findings inside libstdc++ and its
# AVX-512 intrinsics (-Warray-bounds in std::string, -Wuninitialized in avx512fintrin.h), which
# -Werror turns into errors.
if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  set(duet_pch_default ON)
else()
  set(duet_pch_default OFF)
endif()
option(DUET_PRECOMPILE_HEADERS "Precompile the heavy third-party headers once per library and test suite" ${duet_pch_default})
set(DUET_COMMON_HEADERS <Eigen/Core> <fmt/format.h> <algorithm> <cmath> <cstdint> <functional> <memory>
    <optional> <string> <utility> <vector>)
# Precompiles DUET_COMMON_HEADERS and the extra headers given for a target with several sources.
function(duet_precompile target)
  if(DUET_PRECOMPILE_HEADERS)
    target_precompile_headers(${target} PRIVATE ${DUET_COMMON_HEADERS} ${ARGN})
  endif()
endfunction()

function(duet_target_defaults target)
  target_compile_options(${target} PRIVATE ${DUET_WARNING_FLAGS})
  if(DUET_SANITIZE)
    target_compile_options(${target} PRIVATE ${DUET_SANITIZER_FLAGS})
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  endif()
endfunction()

# One of Duet's libraries: duet_<name>, aliased and exported as Duet::<name>, with its headers
# under <folder>/include. Extra arguments are its sources.
function(duet_library name)
  add_library(duet_${name} ${ARGN})
  add_library(Duet::${name} ALIAS duet_${name})
  target_include_directories(duet_${name} PUBLIC
    $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include> $<INSTALL_INTERFACE:include>)
  duet_target_defaults(duet_${name})
  duet_precompile(duet_${name})
  set_target_properties(duet_${name} PROPERTIES EXPORT_NAME ${name})
endfunction()
