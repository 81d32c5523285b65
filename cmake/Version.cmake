# Provenance baked into the binary: orchsim's version and `git describe` of the source tree.
find_package(Git QUIET)
set(ORCHSIM_GIT_DESCRIBE "unknown")
if(GIT_FOUND AND EXISTS "${PROJECT_SOURCE_DIR}/.git")
  execute_process(COMMAND ${GIT_EXECUTABLE} describe --always --dirty --tags
                  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
                  OUTPUT_VARIABLE ORCHSIM_GIT_DESCRIBE OUTPUT_STRIP_TRAILING_WHITESPACE
                  ERROR_QUIET)
  if(NOT ORCHSIM_GIT_DESCRIBE)
    set(ORCHSIM_GIT_DESCRIBE "unknown")
  endif()
endif()
configure_file(${PROJECT_SOURCE_DIR}/cmake/Version.hpp.in ${PROJECT_BINARY_DIR}/generated/orchsim/Version.hpp @ONLY)
