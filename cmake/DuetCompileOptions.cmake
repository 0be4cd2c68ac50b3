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
if(NOT DUET_THREADS)
  add_compile_definitions(EIGEN_DONT_PARALLELIZE)
endif()

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
  set_target_properties(duet_${name} PROPERTIES EXPORT_NAME ${name})
endfunction()
