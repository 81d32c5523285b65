// orchestrator/coordination/Backoff.hpp
#pragma once
#include <cstdint>

#include "models/Policies.hpp"
#include "sim/Rng.hpp"

namespace orchsim::orchestrator::coordination {

/** Exponential backoff with full jitter: the wait before retry n (n = 1 for the first retry) is uniform on
 *  [0, cap(n)), cap(n) = min(max_backoff_s, initial_backoff_s * multiplier^(n-1)).
 *  The formula is gRPC A6 "Exponential Backoff"; the jitter is "Full Jitter" from the AWS Architecture Blog
 *  "Exponential Backoff And Jitter". Immutable and stateless: the caller counts its retries and lends its
 *  own random stream. Envoy's router uses the same defaults but a different cap, (2^n - 1) * base. */
class Backoff {
public:
  using Options = models::BackoffOptions;

  /** REQUIRES: check_options(options) == nullptr. */
  explicit Backoff(Options options);
  /** The first rule `options` break, or nullptr: every field finite and > 0 (gRPC A6 requires all three
   *  positive). */
  static const char* check_options(const Options& options) { return models::check(options); }

  /** Upper end of the jitter range before retry `retry`. REQUIRES: retry >= 1. */
  double cap_s(uint32_t retry) const;
  /** Seconds to wait before retry `retry`, uniform on [0, cap_s(retry)). REQUIRES: retry >= 1. */
  double delay_s(uint32_t retry, sim::Rng& rng) const { return rng.uniform() * cap_s(retry); }
  /** Mean of delay_s(retry): half the cap. */
  double mean_delay_s(uint32_t retry) const { return 0.5 * cap_s(retry); }
  const Options& get_options() const { return options_; }

private:
  Options options_;
};

} // namespace orchsim::orchestrator::coordination
