// Coordination end to end: retries, budgets, throttling, hedging, deadlines and fallback inside the
// simulation, each against the number its rule implies. (The policies' own rules are pinned in
// test_coordination.cpp.)
#include <catch2/catch.hpp>

#include <cmath>

#include "tests/TestSupport.hpp"

using namespace orchsim;

namespace {

std::string one_step(const std::string& service, const std::string& orchestrator, uint64_t requests = 50000,
                     const std::string& rate = "5/s")
{
  return "simulation: {seed: 3, requests: " + std::to_string(requests) + "}\nservices:\n" + service +
         "workflows:\n  w: {steps: [{name: only, service: s}]}\n"
         "workload:\n  - {workflow: w, arrival: {process: poisson, rate: " +
         rate + "}}\norchestrator: " + orchestrator + "\n";
}

} // namespace

TEST_CASE("coordination: retries on errors succeed with probability 1 - p^attempts", "[orchestrator][retry]")
{
  // Independent errors with p = 0.5 and 3 attempts: success 1 - 0.5^3 = 0.875; calls per request
  // 1 + 0.5 + 0.25 = 1.75 (geometric series of the tries that are reached).
  const auto r = test::run_text(one_step("  s: {concurrency: 1000, latency: 10ms, errors: 0.5}\n",
                                         "{retries: {max_attempts: 3, retry_on: [error]}}"));
  const auto& w = r.workflows.at("w");
  CHECK(w.success_ratio == Approx(0.875).epsilon(0.01));
  CHECK(w.calls_per_request == Approx(1.75).epsilon(0.01));
  CHECK(w.retries == w.calls - w.offered);
  CHECK(w.failures.error == w.offered - w.completed);
}

TEST_CASE("coordination: retries wait for their backoff, within [0, cap]", "[orchestrator][retry]")
{
  // Always-failing service, 2 attempts, constant backoff cap 1 s (initial = max = 1 s): the request
  // fails after 10 ms + U(0, 1 s) + 10 ms, so failure comes on average 0.52 s after arrival; mean
  // requests in flight = lambda x 0.52 (Little) = 2.6.
  const auto r = test::run_text(one_step("  s: {concurrency: 1000, latency: 10ms, errors: 1}\n",
                                         "{retries: {max_attempts: 2, retry_on: error, backoff: {initial: 1s, max: "
                                         "1s}}}"));
  const auto& w = r.workflows.at("w");
  CHECK(w.completed == 0);
  CHECK(w.calls_per_request == Approx(2.0));
  CHECK(w.mean_in_flight == Approx(5 * 0.52).epsilon(0.03));
}

TEST_CASE("coordination: a retry budget caps a retry storm", "[orchestrator][retry]")
{
  // A service that always fails, 5 attempts: without a budget every request makes 5 calls. With
  // Envoy's budget (20 % of active calls, at least 3 retries in flight) the retries are capped.
  const std::string service = "  s: {concurrency: 1000, latency: 1s, errors: 1}\n";
  const auto storm = test::run_text(one_step(service, "{retries: {max_attempts: 5, retry_on: error, backoff: "
                                                      "{initial: 1ms}}}", 20000, "50/s"));
  const auto budgeted = test::run_text(one_step(service, "{retries: {max_attempts: 5, retry_on: error, backoff: "
                                                         "{initial: 1ms}, budget: {percent: 20, min_concurrency: "
                                                         "3}}}", 20000, "50/s"));
  CHECK(storm.workflows.at("w").calls_per_request == Approx(5.0));
  // Active calls ~ 50/s x 1 s x (1 + retries); retries in flight <= 20 % of them: calls per request
  // stays near 1.25 (r = 0.2 (1 + r)).
  CHECK(budgeted.workflows.at("w").calls_per_request < 1.3);
  CHECK(budgeted.workflows.at("w").calls_per_request > 1.1);
}

TEST_CASE("coordination: gRPC retry throttling stops retries when tokens fall to half", "[orchestrator][retry]")
{
  // max_tokens 10, token_ratio 0.1, a service that always fails: each failure takes a token; retries
  // stop once tokens <= 5 and never resume without successes: 5 failures pass the threshold, so at
  // most 5 retries are sent in the whole run (tokens 10 -> 9 ... each first try also fails).
  const auto r = test::run_text(one_step("  s: {concurrency: 1000, latency: 10ms, errors: 1}\n",
                                         "{retries: {max_attempts: 3, retry_on: error, throttle: {max_tokens: 10, "
                                         "token_ratio: 0.1}}}",
                                         10000));
  const auto& w = r.workflows.at("w");
  CHECK(w.retries <= 5);
  CHECK(w.retries >= 1);
}

TEST_CASE("coordination: a hedge after a fixed delay gives the analytic tail of min(S1, d + S2)",
          "[orchestrator][hedging]")
{
  // No queueing (ample slots), exponential service with mean m = 1 s, one extra copy after d = 0.5 s.
  // For t >= d: P(T > t) = e^{-t/m} e^{-(t-d)/m}, so the q-quantile is (d + m ln(1/(1-q))) / 2:
  // p99.9 = (0.5 + ln 1000) / 2 = 3.7039 s (against ln 1000 = 6.9078 s without hedging).
  // A hedge is sent when S1 > d: P = e^{-0.5} = 0.6065 extra calls per request.
  const auto r = test::run_text(one_step("  s: {concurrency: 100000, latency: {dist: exponential, mean: 1s}}\n",
                                         "{hedging: {max_extra: 1, delay: 500ms}}", 400000, "10/s"));
  const auto& w = r.workflows.at("w");
  const double analytic = (0.5 + std::log(1000.0)) / 2;
  CHECK(w.latency_s.p999 == Approx(analytic).epsilon(0.03));
  CHECK(static_cast<double>(w.hedges) / w.offered == Approx(std::exp(-0.5)).epsilon(0.01));
  // The lost copies are abandoned in service: their work is counted as wasted, not as failures.
  CHECK(w.failed == 0);
  CHECK(w.wasted_service_s > 0);
  CHECK(r.services.at("s").canceled == w.hedges);
}

TEST_CASE("coordination: hedging after the observed percentile hedges about 1 - p of the calls",
          "[orchestrator][hedging]")
{
  const auto r = test::run_text(one_step("  s: {concurrency: 100000, latency: {dist: exponential, mean: 1s}}\n",
                                         "{hedging: {max_extra: 1, percentile: 90%, delay: 1s}}", 100000, "10/s"));
  const auto& w = r.workflows.at("w");
  CHECK(static_cast<double>(w.hedges) / w.offered == Approx(0.10).epsilon(0.1));
}

TEST_CASE("coordination: the request deadline fails requests whose critical path is longer", "[orchestrator]")
{
  const auto r = test::run_text(one_step("  s: {concurrency: 1000, latency: 300ms}\n", "{deadline: 200ms}", 1000));
  const auto& w = r.workflows.at("w");
  CHECK(w.completed == 0);
  CHECK(w.failures.timeout == 1000);
}

TEST_CASE("coordination: per-try timeouts are retried, each try a new call", "[orchestrator][retry]")
{
  const auto r = test::run_text(
      one_step("  s: {concurrency: 1000, latency: 300ms}\n",
               "{timeout: 200ms, retries: {max_attempts: 2, retry_on: [timeout], backoff: {initial: 1ms}}}", 1000));
  const auto& w = r.workflows.at("w");
  CHECK(w.failures.timeout == 1000);
  CHECK(w.calls_per_request == Approx(2.0));
  CHECK(r.services.at("s").failures.timeout == 2000);
}

TEST_CASE("coordination: a step falls back to its fallback service when its tries fail", "[orchestrator]")
{
  const auto r = test::run_text(R"(
simulation: {seed: 1, requests: 2000}
services:
  primary: {concurrency: 100, latency: 10ms, errors: 1}
  backup: {concurrency: 100, latency: 50ms}
workflows:
  w: {steps: [{name: only, service: primary, fallback: backup}]}
workload:
  - {workflow: w, arrival: {process: poisson, rate: 5/s}}
)");
  const auto& w = r.workflows.at("w");
  CHECK(w.completed == 2000);
  CHECK(w.fallbacks == 2000);
  CHECK(w.latency_s.mean == Approx(0.06));
}

TEST_CASE("determinism: results stay byte-identical with retries, hedging and timeouts on", "[determinism]")
{
  const std::vector<std::string> o = {
      "orchestrator={selection: {strategy: peak_ewma}, timeout: 5s, deadline: 20s, retries: {max_attempts: 3, "
      "budget: {percent: 20}, throttle: {max_tokens: 100}}, hedging: {max_extra: 1, percentile: 95%, delay: 2s}}"};
  const auto a = test::deterministic_json(test::run_file("tests/data/crn.yaml", o));
  const auto b = test::deterministic_json(test::run_file("tests/data/crn.yaml", o));
  CHECK(a == b);
}
