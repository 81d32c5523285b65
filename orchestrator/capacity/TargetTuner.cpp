#include "orchestrator/capacity/TargetTuner.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace orchsim::orchestrator::capacity {

namespace {
void require(bool ok, const char* message)
{
  if (!ok) {
    std::fprintf(stderr, "orchsim: capacity::TargetTuner: %s\n", message);
    std::abort();
  }
}
} // namespace

TargetTuner::TargetTuner(Options options, double initial_target) : options_(options), target_(initial_target)
{
  const char* error = check_options(options_);
  require(error == nullptr, error);
  require(initial_target >= options_.min_target && initial_target <= options_.max_target,
          "the initial target must lie in [min_target, max_target]");
}

double TargetTuner::update(double observed_latency_s)
{
  if (observed_latency_s > options_.latency_s)
    target_ -= options_.step;
  else if (observed_latency_s < 0.5 * options_.latency_s)
    target_ += options_.step;
  target_ = std::clamp(target_, options_.min_target, options_.max_target);
  return target_;
}

} // namespace orchsim::orchestrator::capacity
