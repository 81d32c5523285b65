// orchestrator/capacity/Hpa.hpp
#pragma once
#include <cstdint>
#include <deque>

#include "models/Policies.hpp"

namespace orchsim::orchestrator::capacity {

/** The Kubernetes Horizontal Pod Autoscaler's replica calculation for one scaled target and one metric,
 *  as documented in https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/ ("Algorithm
 *  details", "Stabilization window", "Scaling policies", "Default Behavior") and implemented in
 *  kubernetes/pkg/controller/podautoscaler (horizontal.go, replica_calculator.go). Each evaluate():
 *   1. current above max_replicas -> max_replicas; below min_replicas -> min_replicas; else
 *   2. ratio = metric_value / target_value; if |1 - ratio| <= tolerance the recommendation is `current`,
 *      else ceil(current * ratio);
 *   3. stabilization: the result is kept between the lowest recommendation of the last
 *      scale_up.stabilization_window_s and the highest of the last scale_down.stabilization_window_s
 *      (both windows include this evaluation's recommendation), starting from `current`;
 *   4. rate: a rise is capped by the scale-up policies (each: replicas at the start of its period, i.e. now
 *      minus the replicas added plus those removed within period_s, plus `value` pods or plus `value` %
 *      rounded up; select MAX takes the most permissive policy) and by max_replicas; a fall likewise by the
 *      scale-down policies (minus pods, or minus % truncated) and by min_replicas.
 *  The caller computes the metric (e.g. mean utilization or in-flight calls per ready instance over the last
 *  period) and applies the result; the returned count is remembered as a scale event, so the next call's
 *  `current` should be the count last set (instances still starting included), as the HPA reads
 *  scale.spec.replicas. Kubernetes reads current = 0 as "autoscaling disabled"; here 0 is below min.
 *  Deviations: ceil() and the tolerance forgive float round-off of 1e-9, and percent policies use exact
 *  integer arithmetic (Kubernetes' float64 products can round one replica up, e.g. 10 * 1.1 -> 12).
 *  Pure: time is the caller's simulated `now_s`; not thread-safe. */
class Hpa {
public:
  // The options and their defaults (Kubernetes' HPA defaults) are in models/Policies.hpp.
  using PolicyType = models::HpaPolicyType;
  using ScalingPolicy = models::HpaScalingPolicy;
  using SelectPolicy = models::HpaSelectPolicy;
  using ScalingRules = models::HpaScalingRules;
  using Options = models::HpaOptions;

  /** REQUIRES: check_options(options) == nullptr. */
  explicit Hpa(Options options);
  Hpa() : Hpa(Options{}) {}
  /** The first rule `options` break, or nullptr. */
  static const char* check_options(const Options& options) { return models::check(options); }

  /** The desired replica count at a sync tick. Calls less than sync_period_s after the last evaluation
   *  return that evaluation's result and record nothing. REQUIRES: metric_value finite and >= 0; now_s
   *  never decreases. */
  uint32_t evaluate(double now_s, uint32_t current, double metric_value);

  const Options& get_options() const { return options_; }
  /** Changes the per-instance target from the next evaluation on (target tuning). REQUIRES: finite, > 0. */
  void set_target_value(double target_value);

private:
  struct Recommendation {
    double time_s;
    uint32_t replicas;
  };
  struct ScaleEvent {
    double time_s;
    uint32_t change; // replicas added (scale-up events) or removed (scale-down events)
  };

  uint32_t recommend_from_metric(uint32_t current, double metric_value) const;
  uint32_t stabilize(double now_s, uint32_t current, uint32_t recommendation);
  uint32_t limit_rate(double now_s, uint32_t current, uint32_t stabilized) const;
  int64_t period_start_replicas(double now_s, uint32_t current, double period_s) const;
  int64_t scale_up_limit(double now_s, uint32_t current) const;
  int64_t scale_down_limit(double now_s, uint32_t current) const;
  void record_scale_event(double now_s, uint32_t current, uint32_t desired);

  Options options_;
  std::deque<Recommendation> recommendations_; // oldest first, pruned past both stabilization windows
  std::deque<ScaleEvent> scale_up_events_;     // oldest first, pruned past the longest scale-up period
  std::deque<ScaleEvent> scale_down_events_;   // oldest first, pruned past the longest scale-down period
  bool evaluated_ = false;
  double last_evaluation_s_ = 0.0;
  uint32_t last_desired_ = 0;
};

} // namespace orchsim::orchestrator::capacity
