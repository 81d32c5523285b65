#include "orchestrator/coordination/Backoff.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace orchsim::orchestrator::coordination {

namespace {
void require(bool ok, const char* message)
{
  if (!ok) {
    std::fprintf(stderr, "orchsim: coordination::Backoff: %s\n", message);
    std::abort();
  }
}
} // namespace

Backoff::Backoff(Options options) : options_(options)
{
  const char* error = check_options(options_);
  require(error == nullptr, error);
}

double Backoff::cap_s(uint32_t retry) const
{
  require(retry >= 1, "retry numbers start at 1");
  // pow overflows to +inf for large retry numbers, which the min() absorbs.
  const double grown = options_.initial_backoff_s * std::pow(options_.multiplier, static_cast<double>(retry - 1));
  return std::min(options_.max_backoff_s, grown);
}

} // namespace orchsim::orchestrator::coordination
