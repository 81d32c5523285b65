# Fails when a Catch2 test name would not survive ctest registration: catch_discover_tests hands the
# names to CMake as a list, where ';' separates items and '[' ']' group them, so such a test would be
# merged with others or split, and then silently not run by ctest.
# Catch2 2.x exits with the number of tests listed, so the exit code is not an error code here.
execute_process(COMMAND ${EXE} --list-test-names-only OUTPUT_VARIABLE names)
if(NOT names MATCHES "accuracy:")
  message(FATAL_ERROR "${EXE} --list-test-names-only listed no tests")
endif()
string(REGEX MATCHALL "[^\n]*[][;][^\n]*" bad "${names}")
if(bad)
  message(FATAL_ERROR "test names with ';', '[' or ']' are not registered correctly by ctest: ${bad}")
endif()
