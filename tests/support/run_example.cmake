# Runs one example program for CTest. Its output passes through unchanged (the test's
# PASS_REGULAR_EXPRESSION checks it) and a non-zero exit status or a crash prints a line that the
# test's FAIL_REGULAR_EXPRESSION catches: CTest ignores the exit status once a pass expression is set.
#   cmake -DEXAMPLE=<path> -P run_example.cmake
execute_process(COMMAND "${EXAMPLE}" RESULT_VARIABLE status)
if(NOT status STREQUAL "0")
  message(FATAL_ERROR "duet example exited with status ${status}")
endif()
