// orchestrator/selection/Require.hpp
#pragma once
#include <cstdio>
#include <cstdlib>

namespace orchsim::orchestrator::selection {

/** Aborts with a message when a broken invariant is detected (a caller broke a REQUIRES: of the
 *  selection interface). Bad scenario input is rejected by the loader before a selector is built. */
[[noreturn]] inline void fail_invariant(const char* what)
{
  std::fprintf(stderr, "orchsim: selection invariant broken: %s\n", what);
  std::abort();
}

inline void require(bool condition, const char* what)
{
  if (!condition)
    fail_invariant(what);
}

} // namespace orchsim::orchestrator::selection
