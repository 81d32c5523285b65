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

TEST_CASE("faults: time to recover after a fault, from the per-interval series", "[orchestrator][faults]")
{
  // One server at rho = 0.5; a latency fault x4 for 60 s makes it overloaded (rho = 2), so a queue of
  // about 0.5 x 60 x 10 = 300 calls' worth builds up and drains at the spare rate after the fault:
  // p99 stays high for tens of seconds after the end. A crash of one of two ample instances, by
  // contrast, leaves nothing to drain: recovered at once.
  const std::string yaml = R"(
simulation: {seed: 2, duration: 1000s, series: {interval: 1s, max_points: 2000}}
services:
  s: {concurrency: 1, latency: {dist: exponential, mean: 50ms}}
  t: {instances: 2, concurrency: 100, latency: 50ms}
workflows:
  w: {steps: [{name: only, service: s}]}
  v: {steps: [{name: only, service: t}]}
workload:
  - {workflow: w, arrival: {process: poisson, rate: 10/s}}
  - {workflow: v, arrival: {process: poisson, rate: 10/s}}
orchestrator: {selection: {strategy: round_robin}}
faults:
  - {type: latency, service: s, multiplier: 4, at: 300s, duration: 60s}
  - {type: crash, service: t, instances: [0], at: 500s, duration: 60s}
)";
  const auto r = test::run_text(yaml);
  REQUIRE(r.series);
  CHECK(r.series->interval_s == 1.0);
  REQUIRE(r.run.faults.size() == 2);
  const auto& slow = r.run.faults[0].recovery_s;
  REQUIRE(slow.count("w") == 1);
  REQUIRE(slow.at("w").has_value());
  CHECK(*slow.at("w") > 10.0);
  CHECK(*slow.at("w") < 200.0);
  const auto& crash = r.run.faults[1].recovery_s;
  REQUIRE(crash.at("v").has_value());
  CHECK(*crash.at("v") <= 1.0);
  CHECK(r.run.faults[1].recovery_s.count("w") == 0); // w does not call t
}

TEST_CASE("time series: counts per interval add up to the run's, memory stays bounded", "[orchestrator]")
{
  const auto r = test::run_text(R"(
simulation: {seed: 1, requests: 100000, series: {interval: 1s, max_points: 100}}
services:
  s: {concurrency: 10, latency: {dist: exponential, mean: 100ms}}
workflows:
  w: {steps: [{name: only, service: s}]}
workload:
  - {workflow: w, arrival: {process: poisson, rate: 50/s}}
)");
  REQUIRE(r.series);
  // 2000 s of arrivals in at most 100 points: the interval doubled to 32 s (2000 / 32 = 63 points).
  CHECK(r.series->points <= 100);
  CHECK(r.series->interval_s == 32.0);
  double arrivals = 0;
  for (const auto& [name, values] : r.series->columns)
    if (name == "workflows.w.arrivals")
      for (double v : values)
        arrivals += v;
  CHECK(arrivals == 100000); // no warm-up here: every arrival is in the window and in the series
}

TEST_CASE("faults: a zone outage takes down exactly the instances placed in the zone", "[orchestrator][faults]")
{
  // a: 4 instances over zones x, y (x gets 0 and 2); b: 3 instances all in y; c: 2 instances in x.
  const auto r = test::run_text(R"(
simulation: {seed: 1, duration: 1000s}
services:
  a: {instances: 4, concurrency: 100, latency: 10ms, zones: [x, y]}
  b: {instances: 3, concurrency: 100, latency: 10ms, zones: [y]}
  c: {instances: 2, concurrency: 100, latency: 10ms, zones: [x]}
workflows:
  w: {steps: [{name: one, service: a}, {name: two, service: b}, {name: three, service: c}]}
workload:
  - {workflow: w, arrival: {process: poisson, rate: 5/s}}
faults:
  - {type: zone_outage, zone: x, at: 100s, duration: 100s}
)");
  // Down for 100 s of 1000: a loses 2 of 4 instances, b none, c all of them.
  CHECK(r.services.at("a").availability == Approx(1 - 0.1 * 2 / 4).epsilon(1e-9));
  CHECK(r.services.at("b").availability == 1.0);
  CHECK(r.services.at("c").availability == Approx(0.9).epsilon(1e-9));
  CHECK(r.run.faults.size() == 2); // expanded per service: a and c
  // Requests during the outage fail at step three (c has no instance left): about 10 %.
  CHECK(r.workflows.at("w").success_ratio == Approx(0.9).epsilon(0.03));
}
