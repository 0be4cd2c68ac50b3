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

function(duet_target_defaults target)
  target_compile_options(${target} PRIVATE ${DUET_WARNING_FLAGS})
  if(DUET_SANITIZE)
    target_compile_options(${target} PRIVATE ${DUET_SANITIZER_FLAGS})
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  endif()
endfunction()
