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

TEST_CASE("coordination: retries wait for their backoff, within 0..cap", "[orchestrator][retry]")
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
  const auto storm = test::run_text(one_step(service,
                                             "{retries: {max_attempts: 5, retry_on: error, backoff: "
                                             "{initial: 1ms}}}",
                                             20000, "50/s"));
  const auto budgeted = test::run_text(one_step(service,
                                                "{retries: {max_attempts: 5, retry_on: error, backoff: "
                                                "{initial: 1ms}, budget: {percent: 20, min_concurrency: "
                                                "3}}}",
                                                20000, "50/s"));
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
  // Every copy runs to completion (abandoned copies too), so the work hedging added is one mean
  // service time per hedge: hedge_service_s / hedges = 1 s.
  CHECK(w.hedge_service_s / w.hedges == Approx(1.0).epsilon(0.02));
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

TEST_CASE("coordination: a circuit breaker isolates a failing provider of a capability", "[orchestrator][breaker]")
{
  // Two providers of `chat`, round robin; `bad` always errors. Without a breaker half the requests
  // fail. With a breaker (5 consecutive failures, open 30 s) `bad` is withdrawn from selection after
  // 5 failures and only half-open probes (10 calls every 30 s) still reach it.
  const std::string yaml = R"(
simulation: {seed: 1, duration: 1h}
services:
  bad: {capabilities: [chat], concurrency: 100, latency: 100ms, errors: 1}
  good: {capabilities: [chat], concurrency: 100, latency: 100ms}
workflows:
  w: {steps: [{name: ask, capability: chat}]}
workload:
  - {workflow: w, arrival: {process: poisson, rate: 10/s}}
)";
  const auto open = test::run_text(yaml);
  const auto guarded = test::run_text(yaml +
                                      "orchestrator: {circuit_breaker: {consecutive_failures: 5, "
                                      "open_duration: 30s, half_open_calls: 10}}\n");
  CHECK(open.workflows.at("w").success_ratio == Approx(0.5).epsilon(0.02));
  const auto& w = guarded.workflows.at("w");
  // Failures: 5 to trip, then per 30 s cycle the first probe, which reopens the breaker when it fails
  // 100 ms later, plus the calls that reached `bad` during those 100 ms (5/s x 0.1 s = 0.5 expected):
  // about 1.5 per cycle, 120 cycles.
  CHECK(w.failed <= 5 + 2 * (3600 / 30 + 1));
  CHECK(w.failed >= 5 + 3600 / 30);
  CHECK(w.success_ratio > 0.99);
  CHECK(guarded.services.at("bad").breaker_opens >= 100);
}

TEST_CASE("coordination: outlier detection ejects failing instances, at most max_ejection_percent",
          "[orchestrator][outlier]")
{
  // Every call errors: each instance is ejected after 5 consecutive errors, but never more than 30 %
  // of the 10 instances at once (Envoy's max_ejection_percent), so ejections happen and traffic
  // still flows to the others.
  const auto r = test::run_text(R"(
simulation: {seed: 1, duration: 10m}
services:
  s: {instances: 10, concurrency: 10, latency: 100ms, errors: 1}
workflows:
  w: {steps: [{name: only, service: s}]}
workload:
  - {workflow: w, arrival: {process: poisson, rate: 20/s}}
orchestrator:
  selection: {strategy: round_robin}
  outlier_detection: {consecutive_errors: 5, interval: 10s, base_ejection_time: 30s, max_ejection_percent: 30}
)");
  const auto& s = r.services.at("s");
  CHECK(s.ejections >= 3);
  CHECK(r.workflows.at("w").failures.circuit_open == 0); // never all ejected
}

TEST_CASE("coordination: a provider rate limit refuses calls beyond its token bucket", "[orchestrator][ratelimit]")
{
  // 60 requests/min (bucket of 60, refilled at 1/s) against 5 requests/s for 1000 s: about
  // 60 + 1000 admitted, the rest refused with 429.
  const auto r = test::run_text(R"(
simulation: {seed: 1, duration: 1000s}
services:
  s: {concurrency: 100, latency: 10ms, rate_limit: {requests: 60/min}}
workflows:
  w: {steps: [{name: only, service: s}]}
workload:
  - {workflow: w, arrival: {process: poisson, rate: 5/s}}
)");
  const auto& w = r.workflows.at("w");
  CHECK(w.completed == Approx(1060).margin(15));
  CHECK(w.failures.rate_limited == w.offered - w.completed);
}

TEST_CASE("coordination: an adaptive concurrency limit sheds calls beyond it", "[orchestrator][shed]")
{
  // An overloaded service (capacity 10/s, 15/s offered) with AIMD (limit 20..40): calls beyond the
  // limit are shed at once instead of queueing without bound.
  const auto r = test::run_text(R"(
simulation: {seed: 1, duration: 30m}
services:
  s: {concurrency: 10, latency: 1s}
workflows:
  w: {steps: [{name: only, service: s}]}
workload:
  - {workflow: w, arrival: {process: poisson, rate: 15/s}}
orchestrator:
  concurrency_limit: {algorithm: aimd, initial_limit: 20, min_limit: 20, max_limit: 40, timeout: 3s}
)");
  const auto& w = r.workflows.at("w");
  CHECK(w.failures.shed > 0);
  CHECK(w.latency_s.max <= 1.0 + 40 / 10.0 + 0.01); // at most 40 in flight: wait <= 3 s of queue + 1 s
  CHECK(r.services.at("s").mean_queue_length <= 30);
}

TEST_CASE("coordination: a cascade escalates while the drawn answer quality is below the threshold",
          "[orchestrator][cascade]")
{
  // FrugalGPT-style cascade: `small` (0.001 USD a call, quality uniform on 0.5..1) first, `large`
  // (0.02 USD, quality 0.95) when the small answer scores below 0.8: P(escalate) = 0.3 / 0.5 = 0.6.
  // Cost per request = 0.001 + 0.6 x 0.02 = 0.013 USD (large alone: 0.02); mean quality =
  // 0.4 x E[q | q >= 0.8] + 0.6 x 0.95 = 0.4 x 0.9 + 0.57 = 0.93.
  const auto r = test::run_text(R"(
simulation: {seed: 1, requests: 50000}
services:
  small: {capabilities: [chat], concurrency: 100, latency: 100ms, cost: {per_call: 0.001},
          quality: {dist: uniform, min: 0.5, max: 1}}
  large: {capabilities: [chat], concurrency: 100, latency: 500ms, cost: {per_call: 0.02}, quality: 0.95}
workflows:
  w: {steps: [{name: ask, capability: chat, cascade: {threshold: 0.8}}]}
workload:
  - {workflow: w, arrival: {process: poisson, rate: 10/s}}
)");
  const auto& w = r.workflows.at("w");
  CHECK(static_cast<double>(w.escalations) / w.offered == Approx(0.6).epsilon(0.02));
  CHECK(*w.cost_per_success_usd == Approx(0.001 + 0.6 * 0.02).epsilon(0.01));
  CHECK(*w.mean_quality == Approx(0.93).epsilon(0.005));
  CHECK(r.services.at("small").offered == w.offered); // the cheapest is always asked first
}
