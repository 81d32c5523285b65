// orchestrator/coordination/CircuitBreaker.hpp
#pragma once
#include <cstdint>
#include <vector>

#include "models/Policies.hpp"

namespace orchsim::orchestrator::coordination {

/** A circuit breaker in front of one service: CLOSED lets calls through and watches their outcomes, OPEN
 *  refuses them, HALF_OPEN lets a few probes through to choose between the two. Two triggers, either or both:
 *  consecutive (consecutive_failures set; the count of Polly's basic breaker and Nygard's "Release It!", the
 *  half-open rule of Hystrix, whose own trigger is an error percentage) and failure rate
 *  (failure_rate_threshold_percent set; Resilience4j CircuitBreaker with a TIME_BASED sliding window).
 *
 *  CLOSED -> OPEN, checked after each outcome, when an enabled trigger holds:
 *    consecutive: the last consecutive_failures outcomes were failures (a success resets the count);
 *    rate: the window (outcomes in the last window_s whole seconds of simulated time, one bucket per
 *      second, the current second included) holds >= minimum_calls outcomes and
 *      100 * failures / outcomes >= failure_rate_threshold_percent. Fewer outcomes: no judgement.
 *  OPEN: allow() refuses, until the first allow() or get_state() strictly after opened_at + open_duration_s
 *    (Resilience4j tests Instant.isAfter), which moves to HALF_OPEN.
 *  HALF_OPEN: allow() admits permitted_calls_in_half_open probes and refuses the calls after them. Outcomes:
 *    consecutive trigger on: any failure -> OPEN at once (Hystrix: a failed trial reopens);
 *    rate trigger on: once min(permitted_calls_in_half_open, minimum_calls) outcomes are in (Resilience4j's
 *      half-open window), failure rate >= threshold -> OPEN, else CLOSED;
 *    consecutive trigger alone: CLOSED once permitted_calls_in_half_open probes succeeded.
 *  Each state starts with empty counts. Outcomes reported while OPEN (calls let through earlier) are ignored;
 *  in HALF_OPEN every outcome counts as a probe's, as in Resilience4j, which does not tell them apart.
 *
 *  REQUIRES: now_s never decreases from call to call. Each call costs O(1) plus one bucket reset per whole
 *  second elapsed since the previous call (at most window_s); nothing is allocated after construction. */
class CircuitBreaker {
public:
  enum class State : uint8_t { CLOSED, OPEN, HALF_OPEN };
  using Options = models::CircuitBreakerOptions;
  /** How often each transition happened (for reports). */
  struct Transitions {
    uint64_t closed_to_open = 0;
    uint64_t open_to_half_open = 0;
    uint64_t half_open_to_open = 0;
    uint64_t half_open_to_closed = 0;
  };

  /** REQUIRES: check_options(options) == nullptr. Starts CLOSED. */
  explicit CircuitBreaker(Options options);
  /** The first rule `options` break, or nullptr. Both triggers unset is allowed: the breaker never opens. */
  static const char* check_options(const Options& options) { return models::check(options); }

  /** May a call be sent now? Moves OPEN -> HALF_OPEN when the open duration has elapsed and counts the
   *  probes admitted in HALF_OPEN. A refused call is counted in get_rejected_count(). */
  bool allow(double now_s);
  /** Would allow() admit a call now? The same answer, without counting a probe or a refusal. */
  bool would_allow(double now_s);
  void on_success(double now_s) { on_outcome(false, now_s); }
  void on_failure(double now_s) { on_outcome(true, now_s); }
  /** The state now, after the OPEN -> HALF_OPEN move if it is due (so it reads as an automatic transition). */
  State get_state(double now_s);

  const Transitions& get_transitions() const { return transitions_; }
  uint64_t get_rejected_count() const { return rejected_; }
  /** When the breaker last opened (meaningful once it has). */
  double get_opened_at_s() const { return opened_at_s_; }
  const Options& get_options() const { return options_; }

private:
  struct Bucket {
    uint32_t calls = 0;
    uint32_t failures = 0;
  };
  void on_outcome(bool failure, double now_s);
  void on_closed_outcome(bool failure, double now_s);
  void on_half_open_outcome(bool failure, double now_s);
  bool rate_reached(uint64_t calls, uint64_t failures) const;
  void maybe_half_open(double now_s);
  void advance_window(double now_s);
  void reset_counts();
  void open(double now_s);
  void close();

  Options options_;
  State state_ = State::CLOSED;
  std::vector<Bucket> buckets_; // ring, one per second; bucket of second s is buckets_[s % window_s]
  int64_t head_second_ = 0;     // newest second in the window
  uint64_t window_calls_ = 0;
  uint64_t window_failures_ = 0;
  uint32_t consecutive_failures_ = 0;
  uint32_t probes_admitted_ = 0;
  uint32_t probe_outcomes_ = 0;
  uint32_t probe_failures_ = 0;
  double opened_at_s_ = 0.0;
  Transitions transitions_;
  uint64_t rejected_ = 0;
};

} // namespace orchsim::orchestrator::coordination
