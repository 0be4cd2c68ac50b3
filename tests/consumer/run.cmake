# CTest driver: install the build tree into a scratch prefix, then configure, build and run the
# consumer project against it once per set of compiler flags a user might pick. The library is
# built for this machine (-march=native); a consumer built with other flags must still agree with
# it on every object layout and allocation (see docs/design.md, "ABI").
# Usage: cmake -DBUILD_DIR=... -DSOURCE_DIR=... -DWORK_DIR=... [-DVARIANTS=a;b] -P run.cmake
file(REMOVE_RECURSE ${WORK_DIR})
function(step)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "consumer: '${ARGN}' failed (${rc}):\n${out}\n${err}")
  endif()
  message("${out}")
endfunction()

# variant name -> compiler flags of the consumer (the library's flags are not changed).
set(FLAGS_default "")
set(FLAGS_native "-O2 -march=native")
set(FLAGS_asan "-O0 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer")
# The ported tutorial programs (tutorials/) only in the ASan variant, a default-ABI build (no -m
# flags) that also checks memory: the other two variants are ABI checks the two programs above
# cover, and six more programs per variant would cost CI minutes (see CMakeLists.txt).
set(TUTORIALS_default OFF)
set(TUTORIALS_native OFF)
set(TUTORIALS_asan ON)
set(TUTORIAL_PROGRAMS torch_polynomial torch_two_layer_net torch_classifier keras_regression keras_binary_classifier
    keras_multiclass_classifier)
if(NOT VARIANTS)
  set(VARIANTS default native asan)
endif()

step(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${WORK_DIR}/prefix)
foreach(variant IN LISTS VARIANTS)
  set(dir ${WORK_DIR}/build-${variant})
  message("consumer: building with flags '${FLAGS_${variant}}'")
  # No CMAKE_BUILD_TYPE: exactly the flags above, as a user's plain project gets.
  step(${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${dir} -G Ninja -DCMAKE_BUILD_TYPE=
       "-DCMAKE_CXX_FLAGS=${FLAGS_${variant}}" "-DCMAKE_EXE_LINKER_FLAGS=${FLAGS_${variant}}"
       -DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix -DDUET_CONSUMER_TUTORIALS=${TUTORIALS_${variant}})
  step(${CMAKE_COMMAND} --build ${dir})
  step(${CMAKE_COMMAND} -E env ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1
       ${dir}/keras_consumer)
  step(${CMAKE_COMMAND} -E env ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1
       ${dir}/torch_consumer)
  if(TUTORIALS_${variant})
    foreach(program IN LISTS TUTORIAL_PROGRAMS)
      step(${CMAKE_COMMAND} -E env ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1
           ${dir}/${program})
    endforeach()
  endif()
endforeach()
step(${WORK_DIR}/prefix/bin/duet-compare --format csv)
