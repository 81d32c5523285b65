// orchestrator/coordination/AdaptiveTimeout.hpp
#pragma once
#include "models/Policies.hpp"
#include "orchestrator/coordination/QuantileTracker.hpp"

namespace orchsim::orchestrator::coordination {

/** The per-try timeout of one candidate pool, from the latencies of its successful calls (issue to answer):
 *  clamp(multiplier x the observed percentile over the last window_samples answers, min_s, max_s), and max_s
 *  until min_samples answers have been seen. The percentile comes from a QuantileTracker (within 0.39 % of
 *  the sample it stands for). Only answers inside the timeout are observed, so the estimate is censored
 *  at the timeout itself; with a multiplier of 2 above the p99 the censored share is negligible.
 *  O(log buckets) per record and per timeout; memory fixed at construction. Not thread-safe. */
class AdaptiveTimeout {
public:
  using Options = models::AdaptiveTimeoutOptions;

  /** REQUIRES: check_options(options) == nullptr. */
  explicit AdaptiveTimeout(Options options);
  /** The first rule `options` break, or nullptr. */
  static const char* check_options(const Options& options) { return models::check(options); }

  /** A successful call answered after `latency_s`. REQUIRES: latency_s finite and >= 0. */
  void record(double latency_s) { tracker_.record(latency_s); }
  /** The timeout a try issued now gets, in seconds. */
  double get_timeout_s() const;
  bool is_warm() const { return tracker_.is_warm(); }
  const Options& get_options() const { return options_; }

private:
  static QuantileTracker::Options tracker_options(const Options& options);

  Options options_;
  QuantileTracker tracker_;
};

} // namespace orchsim::orchestrator::coordination
