// orchestrator/capacity/AimdLimit.hpp
#pragma once
#include <cstdint>

#include "models/Policies.hpp"
#include "orchestrator/capacity/ConcurrencyLimit.hpp"

namespace orchsim::orchestrator::capacity {

/** Defaults (Netflix concurrency-limits' AIMDLimit.Builder) are in models/Policies.hpp. */
using AimdLimitOptions = models::AimdLimitOptions;

/** Loss-based limit, as Netflix's AIMDLimit._update: on a drop (or rtt > timeout_s) the limit becomes
 *  floor(limit * backoff_ratio); on a success sent while inflight * 2 >= limit it grows by one; otherwise
 *  it stays. The result is then clamped to [min_limit, max_limit] (so, as in the source, a drop at
 *  min_limit changes nothing). The source ignores the sample's time, and so does this class. */
class AimdLimit final : public ConcurrencyLimit {
public:
  using Options = AimdLimitOptions;

  /** REQUIRES: check_options(options) == nullptr. */
  explicit AimdLimit(Options options = {});
  /** The first rule `options` break, or nullptr. */
  static const char* check_options(const Options& options) { return models::check(options); }

  uint32_t get_limit() const override { return limit_; }
  void on_sample(double now_s, double rtt_s, uint32_t inflight, bool dropped) override;

private:
  Options options_;
  uint32_t limit_;
};

} // namespace orchsim::orchestrator::capacity
