// orchestrator/coordination/RetryBudget.hpp
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>

#include "models/Policies.hpp"

namespace orchsim::orchestrator::coordination {

/** Caps retries as a share of traffic, one instance per client (or per upstream). Options::kind picks one of:
 *
 *  ENVOY: Envoy's cluster circuit-breaker `retry_budget` (budget_interval unset, so on concurrency).
 *    A retry may start iff retries in flight < max(min_retry_concurrency,
 *    floor(budget_percent / 100 * active_requests)). `active_requests` is what Envoy counts and the caller
 *    passes: requests outstanding to the upstream, retries included, plus pending (queued) ones. Retries in
 *    flight are counted here: a try_withdraw() that returns true starts one, on_retry_end() ends it.
 *
 *  FINAGLE: Finagle's RetryBudget(ttl, minRetriesPerSec, percentCanRetry). on_request() deposits
 *    percent_can_retry retries of credit, a granted retry withdraws one. Deposits and withdrawals both drop
 *    out of the balance ttl_s later: the window is 10 slices of ttl_s / 10 (Finagle's WindowedAdder), so an
 *    entry lasts between 0.9 ttl_s and ttl_s (ours are aligned to multiples of the slice; Finagle's to the
 *    last expiry). A reserve of min_retries_per_s * floor(ttl_s) retries is always added. A retry is granted
 *    iff the balance covers it. Credit is kept as Finagle keeps it, in integers: a deposit is 1000 units and
 *    a retry costs floor(1000 / percent_can_retry) units (1 unit, and no deposits, if percent_can_retry is 0).
 *
 *  REQUIRES: now_s never decreases from call to call. O(1) per call; nothing is allocated. */
class RetryBudget {
public:
  using Kind = models::RetryBudgetKind;
  using Options = models::RetryBudgetOptions;

  /** REQUIRES: check_options(options) == nullptr. */
  explicit RetryBudget(Options options);
  /** The first rule `options` break, or nullptr. */
  static const char* check_options(const Options& options) { return models::check(options); }

  /** A new request (not a retry) was sent: the FINAGLE deposit. No effect for ENVOY. */
  void on_request(double now_s);
  /** May a retry start now? If so it is counted as started (and, for FINAGLE, paid for).
   *  `active_requests` is used by ENVOY only (see above). */
  bool try_withdraw(double now_s, uint64_t active_requests);
  /** A retry granted by try_withdraw() has finished. REQUIRES: get_retries_in_flight() > 0. */
  void on_retry_end();

  uint64_t get_retries_in_flight() const { return retries_in_flight_; }
  uint64_t get_refused_count() const { return refused_; }
  /** ENVOY: the largest number of retries in flight allowed with `active_requests` active requests. */
  uint64_t max_retries_in_flight(uint64_t active_requests) const;
  /** FINAGLE: retries the balance covers now (Finagle's `balance`; may be negative once deposits expired). */
  int64_t get_balance(double now_s);

private:
  static constexpr int SLICES = 10; // Finagle: WindowedAdder(ttl, 10 slices)
  int64_t& current_slice() { return slices_[static_cast<size_t>(head_slice_ % SLICES)]; }
  void advance(double now_s);
  bool try_withdraw_finagle(double now_s);

  Options options_;
  uint64_t retries_in_flight_ = 0;
  uint64_t refused_ = 0;
  // FINAGLE state, in Finagle's units.
  int64_t deposit_units_ = 0;
  int64_t withdrawal_units_ = 1;
  int64_t reserve_units_ = 0;
  double slice_s_ = 1.0;
  int64_t head_slice_ = 0; // absolute index (floor(now_s / slice_s_)) of the newest slice
  int64_t window_units_ = 0;
  std::array<int64_t, SLICES> slices_{};
};

} // namespace orchsim::orchestrator::coordination
