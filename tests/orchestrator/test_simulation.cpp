#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <map>

#include "models/ScenarioLoader.hpp"
#include "orchestrator/Simulation.hpp"
#include "tests/TestSupport.hpp"

using namespace orchsim;

namespace {

// Constant service times and ample slots make every latency exact: the workflow's critical path.
const std::string DAG = R"(
simulation: {seed: 7, requests: 1000}
services:
  a: {concurrency: 1000, latency: 100ms, quality: 0.8, cost: {per_call: 0.01, per_input_token: 0.001, per_output_token: 0.002}}
  b: {concurrency: 1000, latency: 300ms}
  c: {concurrency: 1000, latency: 50ms}
workflows:
  w:
    steps:
      - {name: first, service: a}
      - {name: slow, service: b, after: first}
      - {name: fast, service: c, after: first}
      - {name: last, service: a, after: [slow, fast]}
workload:
  - {workflow: w, arrival: {process: poisson, rate: 1/s}, tokens: {input: 100, output: 10}}
)";

std::vector<orchestrator::Simulation::ArrivalRecord> arrivals_with(const std::string& file,
                                                                   const std::vector<std::string>& overrides)
{
  const auto scenario = models::load_scenario(test::source_path(file), overrides);
  std::vector<orchestrator::Simulation::ArrivalRecord> log;
  orchestrator::Simulation::Options options;
  options.arrival_log = &log;
  orchestrator::Simulation(scenario, options).run();
  return log;
}

} // namespace

TEST_CASE("orchestrator::Simulation: a step starts when all its dependencies are done, siblings run in parallel",
          "[orchestrator]")
{
  const auto r = test::run_text(DAG);
  const auto& w = r.workflows.at("w");
  REQUIRE(w.completed == 1000);
  // Critical path first -> slow -> last = 100 + 300 + 100 ms; `fast` (50 ms) runs beside `slow`.
  CHECK(w.latency_s.mean == Approx(0.5));
  CHECK(w.latency_s.max == Approx(0.5));
  CHECK(r.services.at("a").completed == 2000);
  CHECK(r.services.at("b").completed == 1000);
}

TEST_CASE("orchestrator::Simulation: cost is per call plus per token, per success", "[orchestrator]")
{
  const auto r = test::run_text(DAG);
  // Service a is called twice per request: 2 x (0.01 + 100 x 0.001 + 10 x 0.002) = 0.26 USD.
  const auto& w = r.workflows.at("w");
  REQUIRE(w.cost_per_success_usd.has_value());
  CHECK(*w.cost_per_success_usd == Approx(0.26));
  CHECK(r.services.at("a").cost_usd == Approx(0.13 * 2000));
  CHECK(r.services.at("b").cost_usd == 0.0);
}

TEST_CASE("orchestrator::Simulation: a request's quality is the mean over the services that declare one",
          "[orchestrator]")
{
  // Only `a` (called twice) has a quality: 0.8. With c at 0.5: (0.8 + 0.5 + 0.8) / 3 = 0.7.
  CHECK(*test::run_text(DAG).workflows.at("w").mean_quality == Approx(0.8));
  CHECK(*test::run_text(DAG, {"services.c.quality=0.5"}).workflows.at("w").mean_quality == Approx(0.7));
}

TEST_CASE("orchestrator::Simulation: a failed mandatory step fails the request and cancels its siblings",
          "[orchestrator]")
{
  // `fast` always errors after 50 ms while `slow` is still in service: the request fails with cause
  // `error`, `slow` is abandoned (counted as canceled), `last` never runs.
  const auto r = test::run_text(DAG, {"services.c.errors=1"});
  const auto& w = r.workflows.at("w");
  CHECK(w.completed == 0);
  CHECK(w.failures.error == 1000);
  CHECK(r.services.at("b").canceled == 1000);
  CHECK(r.services.at("b").completed == 0);
  CHECK(r.services.at("a").offered == 1000); // only `first`
}

TEST_CASE("orchestrator::Simulation: a failed optional step does not fail the request", "[orchestrator]")
{
  const auto r = test::run_text(DAG, {"services.c.errors=1", "workflows.w.steps.2.optional=true"});
  const auto& w = r.workflows.at("w");
  CHECK(w.completed == 1000);
  CHECK(w.failed == 0);
  CHECK(r.services.at("c").failures.error == 1000);
  CHECK(w.latency_s.mean == Approx(0.5));
}

TEST_CASE("orchestrator::Simulation: a call slower than the per-call timeout fails with cause timeout",
          "[orchestrator]")
{
  // `slow` takes 300 ms; with a 200 ms timeout every request fails after 100 + 200 ms.
  const auto r = test::run_text(DAG + "orchestrator: {timeout: 200ms}\n");
  const auto& w = r.workflows.at("w");
  CHECK(w.completed == 0);
  CHECK(w.failures.timeout == 1000);
  CHECK(r.services.at("b").failures.timeout == 1000);
  // The abandoned work is still done and still served (and paid for).
  CHECK(r.services.at("b").served == 1000);
}

TEST_CASE("orchestrator::Simulation: a full queue rejects the call", "[orchestrator]")
{
  // One slot, no queue, 1 s service, arrivals every 100 ms on average: most calls are rejected.
  const auto r = test::run_text(R"(
simulation: {seed: 1, requests: 20000}
services:
  s: {concurrency: 1, queue: 0, latency: 1s}
workflows:
  w: {steps: [{name: only, service: s}]}
workload:
  - {workflow: w, arrival: {process: poisson, rate: 10/s}}
)");
  const auto& w = r.workflows.at("w");
  CHECK(w.failures.rejected > 0);
  CHECK(w.completed + w.failures.rejected == w.offered);
  // Erlang B with one server: P(block) = a / (1 + a), a = lambda E[S] = 10 -> 0.909.
  CHECK(static_cast<double>(w.failures.rejected) / w.offered == Approx(10.0 / 11.0).epsilon(0.02));
}

TEST_CASE("orchestrator::Simulation: round robin spreads calls evenly over a capability's instances", "[orchestrator]")
{
  const auto r = test::run_text(R"(
simulation: {seed: 1, requests: 9000}
services:
  x: {capabilities: [chat], instances: 2, concurrency: 8, latency: {dist: exponential, mean: 100ms}}
  y: {capabilities: [chat], instances: 1, concurrency: 8, latency: {dist: exponential, mean: 100ms}}
workflows:
  w: {steps: [{name: ask, capability: chat}]}
workload:
  - {workflow: w, arrival: {process: poisson, rate: 5/s}}
orchestrator: {selection: {strategy: round_robin}}
)");
  // Three instances in all, two of them x's: x gets 2/3 of the calls, exactly.
  CHECK(r.services.at("x").offered == 6000);
  CHECK(r.services.at("y").offered == 3000);
}

TEST_CASE("orchestrator::Simulation: least outstanding and power of two beat random on heterogeneous instances",
          "[orchestrator]")
{
  const std::string yaml = R"(
simulation: {seed: 5, requests: 100000, warmup: 10%}
services:
  fast: {capabilities: [chat], instances: 2, concurrency: 1, latency: {dist: exponential, mean: 100ms}}
  slow: {capabilities: [chat], instances: 2, concurrency: 1, latency: {dist: exponential, mean: 400ms}}
workflows:
  w: {steps: [{name: ask, capability: chat}]}
workload:
  - {workflow: w, arrival: {process: poisson, rate: 8/s}}
)";
  auto mean_with = [&](const std::string& strategy) {
    return test::run_text(yaml, {"orchestrator.selection.strategy=" + strategy}).workflows.at("w").latency_s.mean;
  };
  const double random = mean_with("random");
  const double p2c = mean_with("power_of_d");
  const double jsq = mean_with("least_outstanding");
  INFO("random " << random << " power_of_d " << p2c << " least_outstanding " << jsq);
  CHECK(p2c < 0.8 * random);
  CHECK(jsq < p2c);
}

TEST_CASE("determinism: the same scenario and seed give byte-identical results", "[determinism]")
{
  // Twice in one process (the SimGrid engine is shared and its clock has moved on in between).
  const auto first = test::deterministic_json(test::run_file("tests/data/little-workflow.yaml"));
  const auto second = test::deterministic_json(test::run_file("tests/data/little-workflow.yaml"));
  CHECK(first == second);
  const auto other_seed =
      test::deterministic_json(test::run_file("tests/data/little-workflow.yaml", {"simulation.seed=4"}));
  CHECK(first != other_seed);
}

TEST_CASE("determinism: windowed and lockstep engine synchronisation give identical metrics", "[determinism]")
{
  auto metrics = [](const std::string& mode) {
    auto j = results::to_json(
        test::run_file("scenarios/reference/mmc.yaml", {"simulation.requests=50000", "simulation.engine=" + mode}));
    return j["metrics"].dump();
  };
  CHECK(metrics("windowed") == metrics("lockstep"));
}

TEST_CASE("common random numbers: changing the selection strategy leaves arrivals and sizes unchanged", "[determinism]")
{
  const std::string file = "tests/data/crn.yaml";
  const auto base = arrivals_with(file, {"orchestrator.selection.strategy=round_robin"});
  REQUIRE(base.size() == 20000);
  for (const std::string strategy : {"random", "least_outstanding", "power_of_d"}) {
    const auto other = arrivals_with(file, {"orchestrator.selection.strategy=" + strategy});
    REQUIRE(other.size() == base.size());
    bool same = true;
    for (size_t i = 0; i < base.size() && same; ++i)
      same = base[i].source == other[i].source && base[i].time_s == other[i].time_s &&
             base[i].tokens.input == other[i].tokens.input && base[i].tokens.output == other[i].tokens.output;
    INFO(strategy);
    CHECK(same);
  }
}

TEST_CASE("workload: a closed loop keeps at most `users` requests in flight", "[orchestrator]")
{
  // N users, think time Z, response time R: throughput X = N / (R + Z) (interactive response time law).
  const auto r = test::run_text(R"(
simulation: {seed: 2, duration: 2h, warmup: 10m}
services:
  s: {concurrency: 4, latency: {dist: exponential, mean: 500ms}}
workflows:
  w: {steps: [{name: only, service: s}]}
workload:
  - {workflow: w, arrival: {process: closed_loop, users: 10, think_time: {dist: exponential, mean: 2s}}}
)");
  const auto& w = r.workflows.at("w");
  CHECK(w.mean_in_flight <= 10.0);
  CHECK(w.throughput_per_s == Approx(10.0 / (w.latency_s.mean + 2.0)).epsilon(0.03));
}

TEST_CASE("workload: a bursty source's long-run rate is the MMPP's stationary mean", "[orchestrator]")
{
  // Two-state MMPP: mean rate = (r_on t_on + r_off t_off) / (t_on + t_off) = (20*10 + 2*30) / 40 = 6.5/s.
  const auto r = test::run_text(R"(
simulation: {seed: 3, duration: 20h}
services:
  s: {concurrency: 100, latency: 10ms}
workflows:
  w: {steps: [{name: only, service: s}]}
workload:
  - {workflow: w, arrival: {process: bursty, rate_on: 20/s, rate_off: 2/s, mean_on: 10s, mean_off: 30s}}
)");
  CHECK(r.workflows.at("w").throughput_per_s == Approx(6.5).epsilon(0.03));
}

TEST_CASE("workload: a trace replays its rows at their times, scaled", "[orchestrator][trace]")
{
  const auto r = test::run_file("tests/data/trace-small.yaml");
  const auto& w = r.workflows.at("w");
  // The 19,366-row conversation trace spans 3,502 s; at time scale 0.5 it arrives twice as fast.
  CHECK(r.run.arrivals == 19366);
  CHECK(r.run.window_end_s == Approx(3502.0 * 0.5).epsilon(0.01));
  CHECK(w.offered == 19366);
  // Mean input tokens of the trace is 1155 (scenarios/traces/SOURCE.md): cost per call = tokens x price.
  CHECK(r.services.at("llm").cost_usd / static_cast<double>(r.services.at("llm").served) ==
        Approx(1155.0 * 1e-6 + 211.0 * 2e-6).epsilon(0.01));
}

TEST_CASE("workload: a ramp's arrivals follow its linear rate", "[orchestrator]")
{
  // Rate 0 -> 20/s over 1000 s, then 20/s: arrivals in [0, 1000 s) = the integral 10,000; in the
  // next 500 s, 10,000 more. The series counts arrivals per 100 s interval.
  const auto r = test::run_text(R"(
simulation: {seed: 5, duration: 1500s, series: {interval: 100s}}
services:
  s: {concurrency: 1000, latency: 10ms}
workflows:
  w: {steps: [{name: only, service: s}]}
workload:
  - {workflow: w, arrival: {process: ramp, from: 0/s, to: 20/s, over: 1000s}}
)");
  REQUIRE(r.series);
  const std::vector<double>* arrivals = nullptr;
  for (const auto& [name, values] : r.series->columns)
    if (name == "workflows.w.arrivals")
      arrivals = &values;
  REQUIRE(arrivals);
  REQUIRE(arrivals->size() >= 15);
  // Interval k of the ramp expects 100 s x 20/s x (k + 0.5) / 10 = 200 (k + 0.5) arrivals.
  for (int k : {0, 4, 9})
    CHECK((*arrivals)[k] == Approx(200 * (k + 0.5)).margin(4 * std::sqrt(200 * (k + 0.5))));
  CHECK((*arrivals)[12] == Approx(2000).margin(4 * std::sqrt(2000.0)));
  CHECK(r.run.arrivals == Approx(20000).margin(4 * std::sqrt(20000.0)));
}

TEST_CASE("selection end to end: every strategy serves a weighted capability pool, deterministically",
          "[orchestrator][selection]")
{
  // Two providers of `chat`: `big` (weight 3, 3 instances) and `small` (weight 1, 1 instance), with
  // different speeds and prices. Each strategy must complete every request and repeat itself exactly.
  const std::string yaml = R"(
simulation: {seed: 6, requests: 20000}
services:
  big: {capabilities: [chat], instances: 3, concurrency: 8, weight: 3, latency: {dist: exponential, mean: 200ms},
        cost: {per_call: 0.01}, quality: 0.9}
  small: {capabilities: [chat], instances: 1, concurrency: 8, weight: 1, latency: {dist: exponential, mean: 100ms},
          cost: {per_call: 0.001}, quality: 0.7}
workflows:
  w: {steps: [{name: ask, capability: chat}]}
workload:
  - {workflow: w, arrival: {process: poisson, rate: 20/s}}
)";
  for (const std::string strategy : {"round_robin", "weighted_round_robin", "random", "least_outstanding", "power_of_d",
                                     "weighted_least_request", "peak_ewma", "ring_hash", "capability_score"}) {
    INFO(strategy);
    const std::vector<std::string> o = {"orchestrator.selection.strategy=" + strategy};
    const auto r = test::run_text(yaml, o);
    CHECK(r.workflows.at("w").completed == 20000);
    CHECK(test::deterministic_json(r) == test::deterministic_json(test::run_text(yaml, o)));
  }
  // Weighted round robin over instances weighted 3,3,3,1: big gets 9/10 of the calls, exactly.
  const auto wrr = test::run_text(yaml, {"orchestrator.selection.strategy=weighted_round_robin"});
  CHECK(wrr.services.at("big").offered == 18000);
  // capability_score by cost alone sends everything to the cheaper service; by quality alone to the better.
  const auto cheap = test::run_text(
      yaml, {"orchestrator.selection={strategy: capability_score, weights: {latency: 0, cost: 1, quality: 0}}"});
  CHECK(cheap.services.at("small").offered == 20000);
  const auto good = test::run_text(
      yaml, {"orchestrator.selection={strategy: capability_score, weights: {latency: 0, cost: 0, quality: 1}}"});
  CHECK(good.services.at("big").offered == 20000);
}

TEST_CASE("selection end to end: ring_hash keeps a session on one instance", "[orchestrator][selection]")
{
  // Two single-instance providers of `chat`. With one session every request has the same key, so
  // ring_hash sends them all to the same provider; with many sessions both get traffic.
  const std::string yaml = R"(
simulation: {seed: 8, requests: 5000}
services:
  a: {capabilities: [chat], concurrency: 100, latency: 10ms}
  b: {capabilities: [chat], concurrency: 100, latency: 10ms}
workflows:
  w: {steps: [{name: ask, capability: chat}]}
workload:
  - {workflow: w, arrival: {process: poisson, rate: 20/s}}
orchestrator: {selection: {strategy: ring_hash}}
)";
  const auto one = test::run_text(yaml, {"workload.0.sessions=1"});
  const uint64_t to_a = one.services.at("a").offered, to_b = one.services.at("b").offered;
  CHECK(((to_a == 5000 && to_b == 0) || (to_a == 0 && to_b == 5000)));
  const auto many = test::run_text(yaml, {"workload.0.sessions=1000"});
  CHECK(many.services.at("a").offered > 1000);
  CHECK(many.services.at("b").offered > 1000);
}
