#include "orchestrator/coordination/AdaptiveTimeout.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace orchsim::orchestrator::coordination {

namespace {
void require(bool ok, const char* message)
{
  if (!ok) {
    std::fprintf(stderr, "orchsim: coordination::AdaptiveTimeout: %s\n", message);
    std::abort();
  }
}
} // namespace

QuantileTracker::Options AdaptiveTimeout::tracker_options(const Options& options)
{
  const char* error = check_options(options);
  require(error == nullptr, error);
  QuantileTracker::Options o;
  o.window_samples = options.window_samples;
  o.min_samples = options.min_samples;
  return o;
}

AdaptiveTimeout::AdaptiveTimeout(Options options) : options_(options), tracker_(tracker_options(options)) {}

double AdaptiveTimeout::get_timeout_s() const
{
  if (!tracker_.is_warm())
    return options_.max_s;
  const double observed = tracker_.quantile_or(options_.percentile, options_.max_s);
  return std::clamp(options_.multiplier * observed, options_.min_s, options_.max_s);
}

} // namespace orchsim::orchestrator::coordination
