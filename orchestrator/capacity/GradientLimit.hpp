// orchestrator/capacity/GradientLimit.hpp
#pragma once
#include <cstdint>

#include "models/Policies.hpp"
#include "orchestrator/capacity/ConcurrencyLimit.hpp"

namespace orchsim::orchestrator::capacity {

/** Defaults (Netflix concurrency-limits' Gradient2Limit.Builder) are in models/Policies.hpp. */
using GradientLimitOptions = models::GradientLimitOptions;

/** Delay-based limit, as Netflix's Gradient2Limit._update, on every sample:
 *    short_rtt = the sample's rtt; long_rtt = exponential average of rtts (factor 2 / (long_window + 1),
 *      after a plain mean over the first 10 samples: ExpAvgMeasurement(longWindow, 10));
 *    if long_rtt / short_rtt > 2, the stored long_rtt is multiplied by 0.95 (drift correction after a
 *      period of overload; this sample still uses the uncorrected value);
 *    if inflight < limit / 2 (app-limited), stop: the limit does not change;
 *    gradient = max(0.5, min(1, rtt_tolerance * long_rtt / short_rtt));
 *    new = limit * gradient + queue_size;  limit = limit * (1 - smoothing) + new * smoothing,
 *      clamped to [min_limit, max_concurrency].
 *  The limit is kept as a real number; get_limit() truncates it, as the source's (int) cast does.
 *  `dropped` is ignored, as in the source: a timed-out call still weighs in through its long rtt.
 *  Samples with rtt_s <= 0 (an instant local rejection) carry no latency and are ignored. */
class GradientLimit final : public ConcurrencyLimit {
public:
  using Options = GradientLimitOptions;

  /** REQUIRES: check_options(options) == nullptr. */
  explicit GradientLimit(Options options = {});
  /** The first rule `options` break, or nullptr. */
  static const char* check_options(const Options& options) { return models::check(options); }

  uint32_t get_limit() const override { return static_cast<uint32_t>(estimated_limit_); }
  void on_sample(double now_s, double rtt_s, uint32_t inflight, bool dropped) override;

  /** The limit before truncation. */
  double get_estimated_limit() const { return estimated_limit_; }
  /** The long-term rtt average, 0 before the first sample. */
  double get_long_rtt_s() const { return long_rtt_s_; }

private:
  static constexpr uint32_t LONG_RTT_WARMUP_SAMPLES = 10; // Gradient2Limit: new ExpAvgMeasurement(longWindow, 10)

  double add_long_rtt_sample(double rtt_s);

  Options options_;
  double estimated_limit_;
  double long_rtt_s_ = 0.0;
  double long_rtt_warmup_sum_s_ = 0.0;
  uint32_t long_rtt_samples_ = 0; // counts up to LONG_RTT_WARMUP_SAMPLES only
};

} // namespace orchsim::orchestrator::capacity
