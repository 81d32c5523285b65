// orchestrator/coordination/QuantileTracker.hpp
#pragma once
#include <cstdint>
#include <vector>

#include "models/Policies.hpp"
#include "sim/Histogram.hpp"

namespace orchsim::orchestrator::coordination {

/** The observed latency quantiles of one service over a sliding window of its last window_samples
 *  observations, for hedging after the observed p-th percentile ("The Tail at Scale", Dean and Barroso 2013:
 *  send a hedge once the first attempt is slower than the p95 of its kind).
 *  A ring buffer remembers which bucket each sample in the window fell in; the buckets have
 *  sim::Histogram's log-linear layout (every value within 2^-(SUB_BITS+1) = 0.39 % of its bucket's
 *  midpoint) and their counts live in a Fenwick tree, so recording (add the new sample, remove the evicted
 *  one) and asking for a quantile each cost O(log buckets), about 13 steps. Memory is fixed at construction
 *  (about 34 KiB for the defaults); nothing is allocated afterwards. */
class QuantileTracker {
public:
  using Options = models::QuantileTrackerOptions;
  /** Largest relative error of a reported quantile against the sample it stands for. */
  static constexpr double MAX_RELATIVE_ERROR = sim::Histogram::MAX_RELATIVE_ERROR;

  /** REQUIRES: check_options(options) == nullptr. */
  explicit QuantileTracker(Options options);
  /** The first rule `options` break, or nullptr: 1 <= min_samples <= window_samples. */
  static const char* check_options(const Options& options) { return models::check(options); }

  /** Adds one observation, evicting the oldest once the window is full. REQUIRES: latency_s >= 0, finite. */
  void record(double latency_s);
  /** The q-quantile (q in [0, 1]) of the window: the smallest sample with at least ceil(q * n) samples at or
   *  below it (at least one), reported as its bucket's midpoint; `fallback_s` while fewer than min_samples
   *  have been recorded. Samples below 2^-32 s report 0; at or above 2^32 s, 2^32 s. */
  double quantile_or(double q, double fallback_s) const;
  /** Samples in the window (at most window_samples). */
  uint32_t get_count() const { return count_; }
  bool is_warm() const { return count_ >= options_.min_samples; }

private:
  static uint32_t bucket_of(double value);
  static double bucket_value(uint32_t bucket);
  void add(uint32_t bucket, int32_t delta);
  uint32_t find_rank(uint32_t rank) const;

  Options options_;
  std::vector<uint16_t> ring_; // bucket of each sample in the window, oldest at next_ once full
  uint32_t next_ = 0;
  uint32_t count_ = 0;
  std::vector<uint32_t> tree_; // Fenwick tree over bucket counts, 1-based
  uint32_t top_step_ = 1;      // largest power of two <= number of buckets
};

} // namespace orchsim::orchestrator::coordination
