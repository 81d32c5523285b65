// orchestrator/capacity/KnativeAutoscaler.hpp
#pragma once
#include <cstdint>
#include <deque>

#include "models/Policies.hpp"

namespace orchsim::orchestrator::capacity {

/** The Knative Pod Autoscaler's (KPA) decision for one service on concurrency, as documented in
 *  https://knative.dev/docs/serving/autoscaling/ (kpa-specific: stable and panic modes; autoscaling-targets;
 *  scale-bounds) and implemented in knative/serving pkg/autoscaler/scaling/autoscaler.go (Scale). On each
 *  evaluate(), with target = container_concurrency_target * target_utilization and ready' = max(1, ready):
 *    stable = ceil(average concurrency over the stable window / target),
 *    panic  = ceil(average concurrency over the panic window / target),
 *    each kept within [floor(ready' / max_scale_down_rate), ceil(ready' * max_scale_up_rate)];
 *    panic mode starts, or is extended, whenever the unclamped panic count / ready' >= threshold; it ends
 *      once a whole stable window has passed since the condition last held;
 *    stable mode: desired = stable; panic mode: desired = the largest max(stable, panic) seen since panic
 *      began (no scale-down while panicking);
 *    desired is finally kept within [min_scale, max_scale].
 *  Window averages follow Knative's TimedFloat64Buckets (pkg/autoscaler/aggregation/bucketing.go,
 *  WindowAverage): 1 s buckets; an empty bucket inside the data counts as 0; while the data are younger
 *  than the window, or stopped arriving less than a window ago, only that partial window is averaged.
 *  Not modelled: scale to zero and its grace period, activator and burst capacity, scale-down delay, the
 *  start in panic mode of an autoscaler re-created over a revision with more than one pod, RPS metric.
 *  Deviation: ceil() forgives float round-off of 1e-9 (older Knative floored averages to 6 digits).
 *  Pure: time is the caller's simulated `now_s`; not thread-safe. */
class KnativeAutoscaler {
public:
  // The options and their defaults (Knative's config-autoscaler defaults) are in models/Policies.hpp.
  using Options = models::KnativeOptions;

  /** REQUIRES: check_options(options) == nullptr. */
  explicit KnativeAutoscaler(Options options);
  KnativeAutoscaler() : KnativeAutoscaler(Options{}) {}
  /** The first rule `options` break, or nullptr. */
  static const char* check_options(const Options& options) { return models::check(options); }

  /** One reading of the service's total concurrency (in-flight calls summed over its instances), e.g. once
   *  per simulated second, as Knative scrapes once per second. Readings in the same 1 s bucket are averaged.
   *  At a tick, observe before evaluate. REQUIRES: concurrency finite and >= 0. */
  void observe(double now_s, double concurrency);

  /** The desired instance count, given `ready` instances now. Calls less than tick_interval_s after the last
   *  evaluation, and calls with no reading in the last stable window (Knative's "no data": no decision),
   *  return the previous decision (before any: `ready` within the bounds). REQUIRES: now_s never
   *  decreases. */
  uint32_t evaluate(double now_s, uint32_t ready);

  bool is_panicking() const { return panicking_; }
  /** Concurrency per instance aimed at. */
  double get_target_value() const { return options_.container_concurrency_target * options_.target_utilization; }
  const Options& get_options() const { return options_; }

private:
  /** Averages readings over a sliding window of 1 s buckets, as Knative's TimedFloat64Buckets. */
  class BucketWindow {
  public:
    explicit BucketWindow(double window_s);
    void record(double now_s, double value);
    bool has_data(double now_s) const;
    double average(double now_s) const;

  private:
    struct Bucket {
      int64_t index; // whole seconds
      double sum;
      uint32_t count;
    };
    int64_t window_buckets_;
    std::deque<Bucket> buckets_; // ascending index, none older than window_buckets_ before the newest
    int64_t first_index_ = 0;    // first reading since the data last paused for a whole window
  };

  uint32_t decide(double now_s, uint32_t ready);
  uint32_t apply_bounds(uint32_t desired) const;

  Options options_;
  BucketWindow stable_;
  BucketWindow panic_;
  bool evaluated_ = false;
  double last_evaluation_s_ = 0.0;
  bool decided_ = false;
  uint32_t last_desired_ = 0;
  bool panicking_ = false;
  double panic_time_s_ = 0.0; // last evaluation at which the panic condition held
  uint32_t max_panic_pods_ = 0;
};

} // namespace orchsim::orchestrator::capacity
