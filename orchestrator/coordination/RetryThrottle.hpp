// orchestrator/coordination/RetryThrottle.hpp
#pragma once
#include <cstdint>

#include "models/Policies.hpp"

namespace orchsim::orchestrator::coordination {

/** gRPC client-side retry throttling (gRPC A6 "Throttling Retry Attempts and Hedged RPCs"), one instance per
 *  server name. A token count starts at max_tokens and stays within [0, max_tokens]; every failed attempt
 *  takes 1 token, every successful one gives back token_ratio. Retries and hedges may be sent only while
 *  tokens > max_tokens / 2; the first attempt of a call is always sent.
 *  A6 counts as failures only attempts that end with a retryable (retry policy) or non-fatal (hedging
 *  policy) status, or with a pushback that says not to retry; the caller decides and calls on_failure()
 *  for those alone. Tokens are kept in thousandths, as gRPC's implementations keep them (A6 allows three
 *  decimal places), so the arithmetic is exact. No time, no randomness, O(1). */
class RetryThrottle {
public:
  using Options = models::RetryThrottleOptions;

  /** REQUIRES: check_options(options) == nullptr. Values are rounded to three decimal places. */
  explicit RetryThrottle(Options options);
  /** The first rule `options` break, or nullptr. */
  static const char* check_options(const Options& options) { return models::check(options); }

  /** An attempt failed in a way A6 counts (see above): one token less, never below zero. */
  void on_failure();
  /** An attempt succeeded: token_ratio tokens more, never above max_tokens. */
  void on_success();
  /** May a retry or a hedge be sent now? True iff tokens > max_tokens / 2. */
  bool allows_retry() const { return 2 * milli_tokens_ > max_milli_tokens_; }
  double get_tokens() const { return static_cast<double>(milli_tokens_) / 1000.0; }

private:
  int64_t max_milli_tokens_;
  int64_t milli_token_ratio_;
  int64_t milli_tokens_;
};

} // namespace orchsim::orchestrator::coordination
