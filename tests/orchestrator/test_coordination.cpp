#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <deque>
#include <limits>
#include <optional>
#include <vector>

#include "orchestrator/coordination/Backoff.hpp"
#include "orchestrator/coordination/CircuitBreaker.hpp"
#include "orchestrator/coordination/OutlierDetector.hpp"
#include "orchestrator/coordination/QuantileTracker.hpp"
#include "orchestrator/coordination/RateLimiter.hpp"
#include "orchestrator/coordination/RetryBudget.hpp"
#include "orchestrator/coordination/RetryThrottle.hpp"
#include "sim/Rng.hpp"

using namespace orchsim;
using namespace orchsim::orchestrator::coordination;

namespace {

constexpr double INF = std::numeric_limits<double>::infinity();

double just_after(double t)
{
  return std::nextafter(t, INF);
}

// ---- Backoff ---------------------------------------------------------------------------------------------

TEST_CASE("coordination::Backoff: the cap doubles from 25 ms and stops at 250 ms", "[orchestrator][coordination]")
{
  const Backoff backoff{Backoff::Options{}};
  // gRPC A6: cap(n) = min(max_backoff, initial_backoff * multiplier^(n-1)); all exact binary multiples of 0.025.
  CHECK(backoff.cap_s(1) == 0.025);
  CHECK(backoff.cap_s(2) == 0.05);
  CHECK(backoff.cap_s(3) == 0.1);
  CHECK(backoff.cap_s(4) == 0.2);
  CHECK(backoff.cap_s(5) == 0.25);
  CHECK(backoff.cap_s(6) == 0.25);
  CHECK(backoff.cap_s(5000) == 0.25); // 2^4999 overflows to +inf; the cap still holds
  CHECK(backoff.cap_s(UINT32_MAX) == 0.25);

  const Backoff triple{{.initial_backoff_s = 1.0, .max_backoff_s = 100.0, .multiplier = 3.0}};
  CHECK(triple.cap_s(1) == 1.0);
  CHECK(triple.cap_s(4) == 27.0);
  CHECK(triple.cap_s(5) == 81.0);
  CHECK(triple.cap_s(6) == 100.0);
}

TEST_CASE("coordination::Backoff: delays lie in 0..cap with mean cap / 2 for each retry number",
          "[orchestrator][coordination]")
{
  const Backoff backoff{Backoff::Options{}};
  sim::Rng rng(11);
  constexpr int N = 200000;
  for (uint32_t retry = 1; retry <= 7; ++retry) {
    const double cap = backoff.cap_s(retry);
    double low = INF, high = -INF, sum = 0.0;
    for (int i = 0; i < N; ++i) {
      const double d = backoff.delay_s(retry, rng);
      low = std::min(low, d);
      high = std::max(high, d);
      sum += d;
    }
    INFO("retry " << retry);
    CHECK(low >= 0.0);
    CHECK(high < cap);
    CHECK(high > 0.999 * cap);
    // Uniform(0, cap): mean cap/2, standard error cap / sqrt(12 N) = 0.00065 cap; 1 % of cap/2 is 7.7 of them.
    CHECK(sum / N == Approx(backoff.mean_delay_s(retry)).epsilon(0.01));
    CHECK(backoff.mean_delay_s(retry) == 0.5 * cap);
  }
}

// ---- RetryBudget -----------------------------------------------------------------------------------------

int grant_until_refused(RetryBudget& budget, double now_s, uint64_t active)
{
  int granted = 0;
  while (budget.try_withdraw(now_s, active))
    ++granted;
  return granted;
}

TEST_CASE("coordination::RetryBudget (Envoy): retries in flight are capped at max(3, 20 % of active requests)",
          "[orchestrator][coordination]")
{
  // Envoy: max(min_retry_concurrency, budget_percent / 100 * active) truncated; a retry starts iff in flight < it.
  const std::vector<std::pair<uint64_t, int>> expected = {{0, 3},  {10, 3},   {15, 3},   {19, 3},   {20, 4},
                                                          {24, 4}, {100, 20}, {101, 20}, {105, 21}, {1000, 200}};
  for (const auto& [active, cap] : expected) {
    RetryBudget budget{RetryBudget::Options{}};
    INFO("active requests " << active);
    CHECK(budget.max_retries_in_flight(active) == static_cast<uint64_t>(cap));
    CHECK(grant_until_refused(budget, 0.0, active) == cap);
    CHECK(budget.get_retries_in_flight() == static_cast<uint64_t>(cap));
    CHECK(budget.get_refused_count() == 1);
    budget.on_retry_end(); // one retry finished: exactly one more may start
    CHECK(grant_until_refused(budget, 0.0, active) == 1);
  }
}

RetryBudget::Options finagle()
{
  RetryBudget::Options options;
  options.kind = RetryBudget::Kind::FINAGLE;
  return options;
}

TEST_CASE("coordination::RetryBudget (Finagle): at 100 requests/s, 20 % of them plus 10/s may be retried",
          "[orchestrator][coordination]")
{
  RetryBudget budget{finagle()};
  // 100 requests/s, and a retry wanted after every one of them (far more than the budget allows).
  int granted_late = 0;
  for (int i = 0; i < 6000; ++i) {
    const double t = i * 0.01;
    budget.on_request(t);
    if (budget.try_withdraw(t, 0) && t >= 30.0)
      ++granted_late;
  }
  // Steady state: any 10 s window holds 1000 deposits = 200 retries, plus the reserve of 10/s * 10 s = 100;
  // withdrawals stay in the window too, so retries run at (200 + 100) / 10 s = 30/s. The greedy pattern
  // repeats every ttl (the reserve is spent at once when the old withdrawals expire), so [30, 60), three
  // whole periods, holds exactly 900.
  CHECK(granted_late == 900);
}

TEST_CASE("coordination::RetryBudget (Finagle): deposits and withdrawals expire after the ttl",
          "[orchestrator][coordination]")
{
  RetryBudget budget{finagle()};
  CHECK(budget.get_balance(0.0) == 100); // reserve: min_retries_per_s 10 * ttl 10 s
  for (int i = 0; i < 100; ++i)
    budget.on_request(0.5); // 100 deposits of 0.2 retry each, in the slice [0 s, 1 s)
  CHECK(budget.get_balance(0.5) == 120);
  CHECK(budget.get_balance(9.999) == 120);
  CHECK(budget.get_balance(10.0) == 100); // ten 1 s slices later the [0, 1) slice has left the window

  RetryBudget idle{finagle()};
  CHECK(grant_until_refused(idle, 0.0, 0) == 100); // with no traffic, the reserve alone
  CHECK(!idle.try_withdraw(9.5, 0));
  CHECK(grant_until_refused(idle, 10.0, 0) == 100); // the withdrawals themselves expired

  RetryBudget::Options never = finagle();
  never.min_retries_per_s = 0;
  never.percent_can_retry = 0.0;
  RetryBudget empty{never}; // Finagle's RetryBudget.Empty
  empty.on_request(0.0);
  CHECK(!empty.try_withdraw(0.0, 0));
}

// ---- RetryThrottle ---------------------------------------------------------------------------------------

TEST_CASE("coordination::RetryThrottle: retries stop exactly when tokens fall to max_tokens / 2",
          "[orchestrator][coordination]")
{
  RetryThrottle throttle{RetryThrottle::Options{}}; // gRPC A6 example: maxTokens 10, tokenRatio 0.1
  CHECK(throttle.get_tokens() == 10.0);
  for (int i = 0; i < 4; ++i)
    throttle.on_failure();
  CHECK(throttle.get_tokens() == 6.0);
  CHECK(throttle.allows_retry());
  throttle.on_failure(); // 5 tokens: not above 10 / 2
  CHECK(throttle.get_tokens() == 5.0);
  CHECK(!throttle.allows_retry());
  throttle.on_success(); // 5.1 > 5
  CHECK(throttle.allows_retry());
}

TEST_CASE("coordination::RetryThrottle: from zero tokens, exactly 51 successes bring retries back",
          "[orchestrator][coordination]")
{
  RetryThrottle throttle{RetryThrottle::Options{}};
  for (int i = 0; i < 15; ++i)
    throttle.on_failure(); // 15 failures, but the count stops at 0 (A6: between 0 and maxTokens)
  CHECK(throttle.get_tokens() == 0.0);
  // Tokens must exceed 5: 50 successes give exactly 5.000 (still throttled), the 51st gives 5.1.
  for (int i = 0; i < 50; ++i)
    throttle.on_success();
  CHECK(throttle.get_tokens() == 5.0);
  CHECK(!throttle.allows_retry());
  throttle.on_success();
  CHECK(throttle.allows_retry());
  for (int i = 0; i < 100; ++i)
    throttle.on_success();
  CHECK(throttle.get_tokens() == 10.0); // capped at max_tokens

  RetryThrottle odd{{.max_tokens = 3.0, .token_ratio = 0.5}}; // threshold 1.5
  odd.on_failure();
  CHECK(odd.allows_retry()); // 2 > 1.5
  odd.on_failure();
  CHECK(!odd.allows_retry()); // 1 <= 1.5
  odd.on_success();
  CHECK(!odd.allows_retry()); // 1.5 <= 1.5
  odd.on_success();
  CHECK(odd.allows_retry()); // 2 > 1.5
}

// ---- CircuitBreaker --------------------------------------------------------------------------------------

using State = CircuitBreaker::State;

CircuitBreaker::Options consecutive(uint32_t failures)
{
  CircuitBreaker::Options options;
  options.consecutive_failures = failures;
  options.failure_rate_threshold_percent.reset();
  return options;
}

TEST_CASE("coordination::CircuitBreaker: opens after exactly N consecutive failures, a success resets the count",
          "[orchestrator][coordination]")
{
  CircuitBreaker breaker{consecutive(5)};
  for (int i = 0; i < 4; ++i)
    breaker.on_failure(1.0);
  CHECK(breaker.get_state(1.0) == State::CLOSED);
  breaker.on_success(1.0);
  for (int i = 0; i < 4; ++i)
    breaker.on_failure(1.0);
  CHECK(breaker.get_state(1.0) == State::CLOSED); // 4 since the success: N - 1
  CHECK(breaker.allow(1.0));
  breaker.on_failure(2.0);
  CHECK(breaker.get_state(2.0) == State::OPEN);
  CHECK(breaker.get_opened_at_s() == 2.0);
  CHECK(!breaker.allow(2.0));
  CHECK(breaker.get_rejected_count() == 1);
  CHECK(breaker.get_transitions().closed_to_open == 1);
}

TEST_CASE(
    "coordination::CircuitBreaker: stays open for exactly open_duration_s, then admits exactly the "
    "permitted probes",
    "[orchestrator][coordination]")
{
  CircuitBreaker breaker{consecutive(5)};
  for (int i = 0; i < 5; ++i)
    breaker.on_failure(2.0);
  // Resilience4j: HALF_OPEN once now is strictly after opened + waitDurationInOpenState (60 s).
  CHECK(!breaker.allow(62.0));
  CHECK(breaker.get_state(62.0) == State::OPEN);
  const double t = just_after(62.0);
  for (int i = 0; i < 10; ++i)
    CHECK(breaker.allow(t));
  CHECK(breaker.get_state(t) == State::HALF_OPEN);
  CHECK(!breaker.allow(t)); // the 11th call is refused
  CHECK(breaker.get_transitions().open_to_half_open == 1);
  for (int i = 0; i < 9; ++i)
    breaker.on_success(t);
  CHECK(breaker.get_state(t) == State::HALF_OPEN);
  breaker.on_success(t); // all 10 probes succeeded
  CHECK(breaker.get_state(t) == State::CLOSED);
  CHECK(breaker.get_transitions().half_open_to_closed == 1);
  CHECK(breaker.allow(t));
}

TEST_CASE("coordination::CircuitBreaker: in consecutive mode any probe failure reopens for a full open duration",
          "[orchestrator][coordination]")
{
  CircuitBreaker breaker{consecutive(3)};
  for (int i = 0; i < 3; ++i)
    breaker.on_failure(0.0);
  CHECK(breaker.allow(61.0));
  breaker.on_success(61.0);
  breaker.on_success(61.0);
  breaker.on_failure(61.5);
  CHECK(breaker.get_state(61.5) == State::OPEN);
  CHECK(breaker.get_opened_at_s() == 61.5);
  CHECK(breaker.get_transitions().half_open_to_open == 1);
  CHECK(!breaker.allow(121.5));
  CHECK(breaker.allow(just_after(121.5)));
}

TEST_CASE("coordination::CircuitBreaker: the failure rate is not judged before minimum_calls outcomes",
          "[orchestrator][coordination]")
{
  CircuitBreaker all_fail{CircuitBreaker::Options{}}; // Resilience4j defaults: 50 %, minimumNumberOfCalls 100
  for (int i = 0; i < 99; ++i)
    all_fail.on_failure(0.5);
  CHECK(all_fail.get_state(0.5) == State::CLOSED); // 99 failures, 100 % of them, but only 99 outcomes
  all_fail.on_failure(0.5);
  CHECK(all_fail.get_state(0.5) == State::OPEN);

  CircuitBreaker mixed{CircuitBreaker::Options{}};
  for (int i = 0; i < 51; ++i)
    mixed.on_success(0.5);
  for (int i = 0; i < 49; ++i)
    mixed.on_failure(0.5);
  CHECK(mixed.get_state(0.5) == State::CLOSED); // 49 %
  mixed.on_failure(0.5);
  CHECK(mixed.get_state(0.5) == State::CLOSED); // 50 / 101 = 49.5 %
  mixed.on_failure(0.5);
  CHECK(mixed.get_state(0.5) == State::OPEN); // 51 / 102 = 50 %: "equal or greater" trips
}

TEST_CASE("coordination::CircuitBreaker: the time window forgets outcomes older than window_s seconds",
          "[orchestrator][coordination]")
{
  // window_s = 100: at t in second 99 the window is seconds 0..99; at t = 100.0 second 0 has left it.
  CircuitBreaker inside{CircuitBreaker::Options{}};
  for (int i = 0; i < 60; ++i)
    inside.on_failure(0.5);
  for (int i = 0; i < 40; ++i)
    inside.on_failure(99.5);
  CHECK(inside.get_state(99.5) == State::OPEN);

  CircuitBreaker outside{CircuitBreaker::Options{}};
  for (int i = 0; i < 60; ++i)
    outside.on_failure(0.5);
  for (int i = 0; i < 99; ++i)
    outside.on_failure(100.0);
  CHECK(outside.get_state(100.0) == State::CLOSED); // 99 outcomes in the window
  outside.on_failure(100.0);
  CHECK(outside.get_state(100.0) == State::OPEN);
}

TEST_CASE("coordination::CircuitBreaker: half-open probes reopen at a failure rate >= the threshold, else close",
          "[orchestrator][coordination]")
{
  CircuitBreaker breaker{CircuitBreaker::Options{}};
  for (int i = 0; i < 100; ++i)
    breaker.on_failure(0.0);
  REQUIRE(breaker.get_state(0.0) == State::OPEN);
  for (int i = 0; i < 10; ++i)
    CHECK(breaker.allow(61.0));
  CHECK(!breaker.allow(61.0));
  for (int i = 0; i < 5; ++i)
    breaker.on_failure(62.0);
  for (int i = 0; i < 4; ++i)
    breaker.on_success(62.0);
  CHECK(breaker.get_state(62.0) == State::HALF_OPEN); // judged only once all 10 probes are in
  breaker.on_success(62.0);
  CHECK(breaker.get_state(62.0) == State::OPEN); // 5 / 10 = 50 %
  CHECK(breaker.get_transitions().half_open_to_open == 1);

  for (int i = 0; i < 10; ++i)
    CHECK(breaker.allow(123.0));
  for (int i = 0; i < 4; ++i)
    breaker.on_failure(123.0);
  for (int i = 0; i < 6; ++i)
    breaker.on_success(123.0);
  CHECK(breaker.get_state(123.0) == State::CLOSED); // 40 %
  const auto& transitions = breaker.get_transitions();
  CHECK(transitions.closed_to_open == 1);
  CHECK(transitions.open_to_half_open == 2);
  CHECK(transitions.half_open_to_closed == 1);
}

TEST_CASE("coordination::CircuitBreaker: with minimum_calls below the probes, half-open judges after minimum_calls",
          "[orchestrator][coordination]")
{
  CircuitBreaker::Options options;
  options.minimum_calls = 4; // Resilience4j's half-open window judges after min(permitted, minimum) outcomes
  CircuitBreaker breaker{options};
  for (int i = 0; i < 4; ++i)
    breaker.on_failure(0.0);
  REQUIRE(breaker.get_state(0.0) == State::OPEN);
  CHECK(breaker.allow(61.0));
  for (int i = 0; i < 3; ++i)
    breaker.on_success(61.0);
  CHECK(breaker.get_state(61.0) == State::HALF_OPEN);
  breaker.on_failure(61.0); // 1 / 4 = 25 %
  CHECK(breaker.get_state(61.0) == State::CLOSED);
}

// ---- OutlierDetector -------------------------------------------------------------------------------------

bool errors(OutlierDetector& detector, uint32_t host, int count, double now_s)
{
  bool ejected = false;
  for (int i = 0; i < count; ++i)
    ejected = detector.on_result(host, true, now_s);
  return ejected;
}

TEST_CASE("coordination::OutlierDetector: the 5th consecutive error ejects, a success in between resets the count",
          "[orchestrator][coordination]")
{
  OutlierDetector detector(10, OutlierDetector::Options{});
  CHECK(!errors(detector, 0, 4, 1.0));
  CHECK(!detector.on_result(0, false, 1.0));
  CHECK(!errors(detector, 0, 4, 1.0));
  CHECK(!detector.is_ejected(0));
  CHECK(detector.on_result(0, true, 1.0));
  CHECK(detector.is_ejected(0));
  CHECK(detector.get_ejected_count() == 1);
  CHECK(detector.get_counters().ejections == 1);
  CHECK(!detector.on_result(0, true, 1.0)); // results of an ejected host change nothing
}

TEST_CASE("coordination::OutlierDetector: ejects only while (ejected + 1) / hosts <= max_ejection_percent",
          "[orchestrator][coordination]")
{
  OutlierDetector ten(10, OutlierDetector::Options{});
  CHECK(errors(ten, 0, 5, 0.0));  // 1 / 10 = 10 %
  CHECK(!errors(ten, 1, 5, 0.0)); // 2 / 10 = 20 % > 10 %
  CHECK(ten.get_counters().refused_by_max_percent == 1);
  CHECK(!errors(ten, 1, 4, 0.0)); // the count restarted after the refused attempt: no new attempt yet
  CHECK(ten.get_counters().refused_by_max_percent == 1);
  CHECK(!errors(ten, 1, 1, 0.0));
  CHECK(ten.get_counters().refused_by_max_percent == 2);

  OutlierDetector twenty(20, OutlierDetector::Options{});
  CHECK(errors(twenty, 0, 5, 0.0));
  CHECK(errors(twenty, 1, 5, 0.0));
  CHECK(!errors(twenty, 2, 5, 0.0));
  CHECK(twenty.get_ejected_count() == 2);

  // Current Envoy: with 5 hosts one ejection is already 20 %, so none happens unless always_eject_one_host.
  OutlierDetector five(5, OutlierDetector::Options{});
  CHECK(!errors(five, 0, 5, 0.0));
  OutlierDetector::Options at_least_one;
  at_least_one.always_eject_one_host = true;
  OutlierDetector five_one(5, at_least_one);
  CHECK(errors(five_one, 0, 5, 0.0));
  CHECK(!errors(five_one, 1, 5, 0.0));
}

TEST_CASE("coordination::OutlierDetector: un-ejects at the first interval tick after the ejection time",
          "[orchestrator][coordination]")
{
  OutlierDetector detector(10, OutlierDetector::Options{});
  REQUIRE(errors(detector, 3, 5, 3.0)); // 30 s from t = 3: due at 33, back at the tick of t = 40
  CHECK(detector.get_multiplier(3) == 1);
  CHECK(detector.ejection_duration_s(3) == 30.0);
  CHECK(detector.tick(30.0).empty());
  CHECK(detector.tick(39.9).empty());
  CHECK(detector.is_ejected(3));
  CHECK(detector.get_next_tick_s() == 40.0);
  CHECK(detector.tick(40.0) == std::vector<uint32_t>{3});
  CHECK(!detector.is_ejected(3));
  CHECK(detector.get_ejected_count() == 0);

  OutlierDetector lazy(10, OutlierDetector::Options{});
  REQUIRE(errors(lazy, 3, 5, 3.0));
  CHECK(lazy.tick(45.0) == std::vector<uint32_t>{3}); // ticks 10..40 run in order
  CHECK(lazy.get_next_tick_s() == 50.0);

  OutlierDetector exact(10, OutlierDetector::Options{});
  REQUIRE(errors(exact, 0, 5, 0.0));
  CHECK(exact.tick(30.0) == std::vector<uint32_t>{0}); // Envoy: duration <= now - ejected_at, so at 30 exactly
}

TEST_CASE(
    "coordination::OutlierDetector: ejection time grows with each ejection up to max_ejection_time, and "
    "decays while the host stays healthy",
    "[orchestrator][coordination]")
{
  OutlierDetector detector(10, OutlierDetector::Options{});
  REQUIRE(errors(detector, 0, 5, 3.0));
  CHECK(detector.tick(40.0) == std::vector<uint32_t>{0});
  REQUIRE(errors(detector, 0, 5, 41.0)); // second ejection in a row: 2 x 30 s, due at 101
  CHECK(detector.get_multiplier(0) == 2);
  CHECK(detector.tick(100.0).empty());
  CHECK(detector.tick(110.0) == std::vector<uint32_t>{0});
  detector.tick(119.0);
  CHECK(detector.get_multiplier(0) == 2); // healthy for less than an interval
  detector.tick(120.0);
  CHECK(detector.get_multiplier(0) == 1);
  detector.tick(130.0);
  CHECK(detector.get_multiplier(0) == 0);
  REQUIRE(errors(detector, 0, 5, 131.0));
  CHECK(detector.ejection_duration_s(0) == 30.0);

  // Back-to-back ejections: the multiplier stops at 11 (Envoy raises it while multiplier * base < max + base)
  // and the duration at max_ejection_time = 300 s.
  OutlierDetector repeat(10, OutlierDetector::Options{});
  double t = 0.0;
  for (uint32_t n = 1; n <= 13; ++n) {
    REQUIRE(errors(repeat, 0, 5, t));
    const double duration = std::min(30.0 * std::min<uint32_t>(n, 11), 300.0);
    INFO("ejection " << n);
    CHECK(repeat.get_multiplier(0) == std::min<uint32_t>(n, 11));
    CHECK(repeat.ejection_duration_s(0) == duration);
    while (repeat.tick(repeat.get_next_tick_s()).empty()) {
    }
    const double back = repeat.get_next_tick_s() - 10.0;
    CHECK(back - t >= duration);
    CHECK(back - t < duration + 10.0);
    t = back + 0.5; // fail again before the next tick, so the multiplier does not decay
  }
}

// ---- RateLimiter -----------------------------------------------------------------------------------------

TEST_CASE("coordination::RateLimiter: admits the burst, then the refill rate", "[orchestrator][coordination]")
{
  RateLimiter limiter({.requests_per_minute = 60.0, .tokens_per_minute = std::nullopt});
  for (int i = 0; i < 60; ++i)
    CHECK(limiter.try_acquire(0.0, 1e9)); // tokens unlimited
  CHECK(!limiter.try_acquire(0.0, 0.0));
  CHECK(!limiter.try_acquire(0.999, 0.0));
  CHECK(limiter.try_acquire(1.0, 0.0)); // 60 / min = 1 request a second
  CHECK(!limiter.try_acquire(1.5, 0.0));
  CHECK(limiter.try_acquire(2.0, 0.0));

  RateLimiter steady({.requests_per_minute = 60.0, .tokens_per_minute = std::nullopt});
  int admitted = 0;
  for (int i = 0; i <= 10000; ++i)
    admitted += steady.try_acquire(i * 0.01, 0.0) ? 1 : 0;
  CHECK(admitted >= 159); // the burst of 60, then 1/s over 100 s
  CHECK(admitted <= 160);
}

TEST_CASE("coordination::RateLimiter: a call above the token capacity is always refused, next_available_s is exact",
          "[orchestrator][coordination]")
{
  RateLimiter limiter({.requests_per_minute = std::nullopt, .tokens_per_minute = 1000.0});
  CHECK(!limiter.try_acquire(0.0, 1001.0));
  CHECK(limiter.next_available_s(0.0, 1001.0) == INF);
  CHECK(!limiter.try_acquire(1e6, 1001.0));
  CHECK(limiter.try_acquire(0.0, 600.0));
  CHECK(!limiter.try_acquire(0.0, 600.0));
  // 200 tokens missing at 1000 / 60 tokens a second: 12 s.
  const double t = limiter.next_available_s(0.0, 600.0);
  CHECK(t == Approx(12.0).epsilon(1e-12));
  CHECK(!limiter.try_acquire(std::nextafter(t, 0.0), 600.0));
  CHECK(limiter.try_acquire(t, 600.0));
  CHECK(limiter.next_available_s(t, 0.0) == t);
}

TEST_CASE("coordination::RateLimiter: a call takes from both buckets or from neither", "[orchestrator][coordination]")
{
  RateLimiter limiter({.requests_per_minute = 10.0, .tokens_per_minute = 1000.0});
  CHECK(limiter.try_acquire(0.0, 900.0));
  CHECK(!limiter.try_acquire(0.0, 200.0)); // tokens short: the request is not taken either
  CHECK(limiter.get_available_requests(0.0) == 9.0);
  CHECK(limiter.try_acquire(0.0, 100.0));
  CHECK(limiter.get_available_tokens(0.0) == 0.0);
  for (int i = 0; i < 8; ++i)
    CHECK(limiter.try_acquire(0.0, 0.0));
  CHECK(!limiter.try_acquire(0.0, 0.0));                       // requests exhausted
  CHECK(limiter.next_available_s(0.0, 0.0) == Approx(6.0));    // 10 / min: one request every 6 s
  CHECK(limiter.next_available_s(0.0, 500.0) == Approx(30.0)); // tokens bind: 500 at 1000 / min
}

// ---- QuantileTracker -------------------------------------------------------------------------------------

double exact_quantile(const std::deque<double>& window, double q)
{
  std::vector<double> sorted(window.begin(), window.end());
  std::sort(sorted.begin(), sorted.end());
  const auto n = static_cast<double>(sorted.size());
  const auto rank = std::max<size_t>(1, static_cast<size_t>(std::ceil(q * n)));
  return sorted[rank - 1];
}

TEST_CASE("coordination::QuantileTracker: returns the fallback until min_samples are recorded",
          "[orchestrator][coordination]")
{
  QuantileTracker tracker{QuantileTracker::Options{}};
  for (int i = 0; i < 19; ++i)
    tracker.record(1.0);
  CHECK(!tracker.is_warm());
  CHECK(tracker.quantile_or(0.95, 7.0) == 7.0);
  tracker.record(1.0);
  CHECK(tracker.is_warm());
  CHECK(tracker.quantile_or(0.95, 7.0) == Approx(1.0).epsilon(QuantileTracker::MAX_RELATIVE_ERROR));
}

TEST_CASE("coordination::QuantileTracker: within 1 % of the exact sliding-window quantile on random data",
          "[orchestrator][coordination]")
{
  QuantileTracker tracker{QuantileTracker::Options{}};
  std::deque<double> window;
  sim::Rng rng(2024);
  const double qs[] = {0.0, 0.5, 0.9, 0.95, 0.99, 0.999, 1.0};
  double worst = 0.0;
  for (int i = 1; i <= 20000; ++i) {
    const double latency_s = std::exp(rng.normal() - 2.0); // lognormal, median 135 ms
    tracker.record(latency_s);
    window.push_back(latency_s);
    if (window.size() > 1000)
      window.pop_front();
    if (i % 487 != 0)
      continue;
    for (double q : qs) {
      const double exact = exact_quantile(window, q);
      worst = std::max(worst, std::abs(tracker.quantile_or(q, -1.0) / exact - 1.0));
    }
  }
  // Reference: a bucket spans 1/128 of its octave, so its midpoint is within 2^-8 = 0.39 % of any sample in it.
  CHECK(worst <= QuantileTracker::MAX_RELATIVE_ERROR);
  CHECK(worst <= 0.01);
  CHECK(tracker.get_count() == 1000);
}

TEST_CASE("coordination::QuantileTracker: forgets samples older than the window", "[orchestrator][coordination]")
{
  QuantileTracker tracker{QuantileTracker::Options{}};
  for (int i = 0; i < 1000; ++i)
    tracker.record(1.0);
  for (int i = 0; i < 500; ++i)
    tracker.record(10.0);
  CHECK(tracker.quantile_or(0.25, 0.0) == Approx(1.0).epsilon(0.01));
  CHECK(tracker.quantile_or(0.75, 0.0) == Approx(10.0).epsilon(0.01));
  for (int i = 0; i < 500; ++i)
    tracker.record(10.0);
  CHECK(tracker.quantile_or(0.0, 0.0) == Approx(10.0).epsilon(0.01)); // every 1.0 has left the window
  CHECK(tracker.get_count() == 1000);
}

} // namespace

TEST_CASE("coordination::CircuitBreaker: would_allow answers as allow does, without counting",
          "[orchestrator][coordination]")
{
  orchsim::orchestrator::coordination::CircuitBreaker::Options o;
  o.consecutive_failures = 1;
  o.failure_rate_threshold_percent.reset();
  o.open_duration_s = 10;
  o.permitted_calls_in_half_open = 2;
  orchsim::orchestrator::coordination::CircuitBreaker b(o);
  CHECK(b.would_allow(0));
  b.on_failure(0); // opens
  CHECK_FALSE(b.would_allow(5));
  CHECK(b.would_allow(11)); // half-open, two probes left
  CHECK(b.would_allow(11));
  CHECK(b.allow(11));
  CHECK(b.allow(11));
  CHECK_FALSE(b.would_allow(11)); // both probes out
  CHECK(b.get_rejected_count() == 0);
}
