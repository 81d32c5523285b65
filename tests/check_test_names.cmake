# Fails when a Catch2 test name would not survive ctest registration: catch_discover_tests hands the
# names to CMake as a list, where ';' separates items and '[' ']' group them, so such a test would be
# merged with others or split, and then silently not run by ctest.
execute_process(COMMAND ${EXE} --list-test-names-only OUTPUT_VARIABLE names RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${EXE} --list-test-names-only failed: ${rc}")
endif()
string(REGEX MATCHALL "[^\n]*[][;][^\n]*" bad "${names}")
if(bad)
  message(FATAL_ERROR "test names with ';', '[' or ']' are not registered correctly by ctest: ${bad}")
endif()
