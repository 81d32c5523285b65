// orchestrator/capacity/TargetTuner.hpp
#pragma once
#include "models/Policies.hpp"

namespace orchsim::orchestrator::capacity {

/** Tunes an autoscaler's target utilization from a latency objective, one step per sync period:
 *    observed > latency_s      -> target - step (more instances for the same load);
 *    observed < latency_s / 2  -> target + step (fewer);
 *    otherwise                 -> unchanged (a dead band, so the target does not hunt around the objective);
 *  kept within [min_target, max_target]. `observed` is the caller's percentile of the service's call latencies
 *  over the period. Pure; not thread-safe. */
class TargetTuner {
public:
  using Options = models::TargetTuningOptions;

  /** REQUIRES: check_options(options) == nullptr; initial_target in [min_target, max_target]. */
  TargetTuner(Options options, double initial_target);
  static const char* check_options(const Options& options) { return models::check(options); }

  /** One sync period's observed latency percentile, in seconds; returns the target now in force. */
  double update(double observed_latency_s);
  double get_target() const { return target_; }
  const Options& get_options() const { return options_; }

private:
  Options options_;
  double target_;
};

} // namespace orchsim::orchestrator::capacity
