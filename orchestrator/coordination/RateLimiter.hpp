// orchestrator/coordination/RateLimiter.hpp
#pragma once
#include <optional>

#include "models/Policies.hpp"

namespace orchsim::orchestrator::coordination {

/** A provider's rate limit on one API key: requests per minute and tokens per minute, each a token bucket
 *  that refills continuously (the token-bucket algorithm Anthropic documents for its API limits: capacity
 *  "continuously replenished up to your maximum limit, rather than being reset at fixed intervals").
 *  Each bucket holds at most its per-minute amount, refills at amount / 60 per second and starts full;
 *  an unset amount is unlimited. A call takes one request and its tokens from both buckets at once, or
 *  from neither. A call needing more tokens than the token bucket holds when full is always refused:
 *  waiting cannot help it, and next_available_s() says +infinity.
 *  REQUIRES: now_s never decreases from call to call. O(1), no allocation, no randomness. */
class RateLimiter {
public:
  using Options = models::RateLimiterOptions;

  /** REQUIRES: check_options(options) == nullptr. Both buckets are full at start_s. */
  explicit RateLimiter(Options options, double start_s = 0.0);
  /** The first rule `options` break, or nullptr: each set amount finite, tokens > 0, requests >= 1. */
  static const char* check_options(const Options& options) { return models::check(options); }

  /** Takes one request and `tokens` tokens iff both buckets hold enough now. REQUIRES: tokens >= 0. */
  bool try_acquire(double now_s, double tokens);
  /** The earliest time >= now_s at which try_acquire(t, tokens) succeeds if nothing else is taken before:
   *  now_s itself when it would succeed now, +infinity when `tokens` exceeds the token capacity.
   *  This is the wait a Retry-After header would announce. */
  double next_available_s(double now_s, double tokens) const;

  /** What each bucket holds at now_s (+infinity when unlimited). */
  double get_available_requests(double now_s) const { return requests_.level_at(now_s); }
  double get_available_tokens(double now_s) const { return tokens_.level_at(now_s); }

private:
  class Bucket {
  public:
    Bucket(std::optional<double> per_minute, double start_s);
    double level_at(double now_s) const;
    /** Earliest time >= now_s at which level_at() reaches `amount`, before rounding is corrected. */
    double ready_s(double now_s, double amount) const;
    void take(double now_s, double amount);
    double get_capacity() const { return capacity_; }

  private:
    double capacity_;
    double refill_per_s_;
    double level_;
    double updated_s_;
  };
  bool has_enough(double now_s, double tokens) const;

  Bucket requests_;
  Bucket tokens_;
};

} // namespace orchsim::orchestrator::coordination
