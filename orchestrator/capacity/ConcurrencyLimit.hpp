// orchestrator/capacity/ConcurrencyLimit.hpp
#pragma once
#include <cstdint>
#include <memory>

#include "models/Policies.hpp"

namespace orchsim::orchestrator::capacity {

/** An adaptive concurrency limit, as Netflix concurrency-limits' `Limit` interface
 *  (concurrency-limits-core/.../limits/Limit.java): how many calls may be in flight to one target at once,
 *  re-estimated from every call that ends. Pure policy: no engine, no clock, no randomness; the caller
 *  passes simulated time and enforces the limit (rejects a call sent while `inflight >= get_limit()`).
 *  One instance per protected target. */
class ConcurrencyLimit {
public:
  virtual ~ConcurrencyLimit() = default;

  /** The current limit; never 0. */
  virtual uint32_t get_limit() const = 0;

  /** Feeds one ended call. `rtt_s`: from send to end; `inflight`: calls in flight when this one was sent,
   *  itself included (Netflix's AbstractLimiter samples the in-flight count at acquire); `dropped`: the call
   *  ended in a timeout, a rejection or an overload error. Calls rejected by this limit itself, before being
   *  sent, are not samples. */
  virtual void on_sample(double now_s, double rtt_s, uint32_t inflight, bool dropped) = 0;
};

/** Which algorithm, with its options: a value a scenario can hold (std::variant<AimdLimitOptions,
 *  GradientLimitOptions>, declared with their defaults in models/Policies.hpp). */
using ConcurrencyLimitOptions = models::ConcurrencyLimitOptions;

/** A limit of the algorithm `options` holds. REQUIRES: the algorithm's check_options(options) == nullptr.
 *  Defined in AimdLimit.cpp, so that this interface needs no source file of its own. */
std::unique_ptr<ConcurrencyLimit> make_concurrency_limit(const ConcurrencyLimitOptions& options);

} // namespace orchsim::orchestrator::capacity
