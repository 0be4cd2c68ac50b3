# Warnings (as errors by default) and the optional sanitizer build, applied per target so that
# dependencies found with find_package keep their own flags.
add_library(duet_compile_options INTERFACE)
target_compile_options(duet_compile_options INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion -Wnon-virtual-dtor
  $<$<BOOL:${DUET_WERROR}>:-Werror>)

if(DUET_SANITIZE)
  target_compile_options(duet_compile_options INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(duet_compile_options INTERFACE -fsanitize=address,undefined)
endif()

# Apply the project's options to a target of ours.
function(duet_target_defaults target)
  target_link_libraries(${target} PRIVATE duet_compile_options)
endfunction()
