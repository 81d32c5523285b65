// Faults scheduled in simulated time: each against the number its window implies.
#include <catch2/catch.hpp>

#include "tests/TestSupport.hpp"

using namespace orchsim;

namespace {
std::string scenario(const std::string& faults, const std::string& extra = "")
{
  return R"(
simulation: {seed: 1, duration: 1000s}
services:
  s: {instances: 2, concurrency: 100, latency: 100ms}
workflows:
  w: {steps: [{name: only, service: s}]}
workload:
  - {workflow: w, arrival: {process: poisson, rate: 20/s}}
orchestrator: {selection: {strategy: round_robin}}
)" + extra +
         "faults:\n" + faults;
}
} // namespace

TEST_CASE("faults: a crashed instance leaves selection and its calls fail, then it recovers", "[orchestrator][faults]")
{
  const auto r = test::run_text(scenario("  - {type: crash, service: s, instances: [0], at: 300s, duration: 100s}\n"));
  const auto& s = r.services.at("s");
  // Instance-time up: (2 x 1000 - 100) / (2 x 1000).
  CHECK(s.availability == Approx(0.95).epsilon(1e-6));
  // Only the calls in service at the crash fail: about 10/s x 0.1 s = 1 on that instance.
  CHECK(r.workflows.at("w").failures.error <= 5);
  CHECK(r.workflows.at("w").success_ratio > 0.999);
  CHECK(r.run.faults.size() == 1);
  CHECK(*r.run.faults[0].end_s == 400.0);
}

TEST_CASE("faults: during a whole-service outage calls find no candidate", "[orchestrator][faults]")
{
  const auto r = test::run_text(scenario("  - {type: crash, service: s, at: 300s, duration: 100s}\n"));
  const auto& w = r.workflows.at("w");
  // 100 s of 1000 without an instance: about 10 % of the requests fail, as circuit_open (nothing to pick).
  CHECK(static_cast<double>(w.failures.circuit_open) / w.offered == Approx(0.1).epsilon(0.05));
  CHECK(r.services.at("s").availability == Approx(0.9).epsilon(1e-6));
}

TEST_CASE("faults: a latency fault multiplies service times for its window", "[orchestrator][faults]")
{
  // 100 ms, x5 during the second half: mean (0.1 + 0.5) / 2 = 0.3 s (no queueing: 100 slots).
  const auto r = test::run_text(scenario("  - {type: latency, service: s, multiplier: 5, at: 500s}\n"));
  CHECK(r.workflows.at("w").latency_s.mean == Approx(0.3).epsilon(0.02));
}

TEST_CASE("faults: an error fault sets the error probability for its window", "[orchestrator][faults]")
{
  const auto r = test::run_text(scenario("  - {type: errors, service: s, probability: 1, at: 100s, duration: 200s}\n"));
  CHECK(r.workflows.at("w").success_ratio == Approx(0.8).epsilon(0.02));
}

TEST_CASE("faults: a rate-limit fault replaces the provider's limits for its window", "[orchestrator][faults]")
{
  // Unlimited, then 60 requests/min for 500 s against 20/s: about 60 + 500 of those 10,000 pass.
  const auto r =
      test::run_text(scenario("  - {type: rate_limit, service: s, requests: 60/min, at: 500s, duration: 500s}\n"));
  const auto& w = r.workflows.at("w");
  CHECK(static_cast<double>(w.failures.rate_limited) == Approx(20 * 500 - 560).epsilon(0.03));
}

TEST_CASE("determinism: byte-identical results with faults, breakers and outlier detection", "[determinism]")
{
  const std::string yaml = scenario(
      "  - {type: crash, service: s, instances: [1], at: 200s, duration: 50s}\n"
      "  - {type: errors, service: s, probability: 0.5, at: 600s, duration: 100s}\n",
      "");
  const std::vector<std::string> o = {
      "orchestrator={selection: {strategy: least_outstanding}, circuit_breaker: "
      "{consecutive_failures: 3, open_duration: 5s}, outlier_detection: "
      "{consecutive_errors: 3, max_ejection_percent: 50}, retries: {max_attempts: 2}}"};
  CHECK(test::deterministic_json(test::run_text(yaml, o)) == test::deterministic_json(test::run_text(yaml, o)));
}
