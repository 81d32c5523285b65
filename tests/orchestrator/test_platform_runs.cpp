// tests/orchestrator/test_platform_runs.cpp: whole runs on a platform, each against the number its
// platform implies by hand: calls pay the network, outages take down what is placed there, locality keeps
// calls local, egress is billed, batching servers trade latency for throughput, work shares a host's
// cores, and results do not depend on what the process ran before.
//
// SimGrid has one engine and one platform per process, sealed by the first run: every run here happens
// in a forked child (analysis::run_in_processes with parallel 2), and this process only loads scenarios
// and reads results; when SimGrid has already run in this process (earlier test cases), the test case
// runs alone in a fresh copy of the test program instead (test::ran_in_fresh_process). Scenario text is
// written to a temporary folder and loaded with analysis::load.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "analysis/ProcessPool.hpp"
#include "analysis/Runner.hpp"
#include "models/Batching.hpp"
#include "results/RunResult.hpp"
#include "tests/TestSupport.hpp"

using namespace orchsim;
using nlohmann::json;


namespace {

/** Scenario files in a folder of their own under the system's temporary folder, removed at the end. */
class ScenarioFiles {
public:
  ScenarioFiles()
      : dir_(std::filesystem::temp_directory_path() / ("orchsim-platform-runs-" + std::to_string(::getpid())))
  {
    std::filesystem::create_directories(dir_);
  }
  ~ScenarioFiles() { std::filesystem::remove_all(dir_); }
  ScenarioFiles(const ScenarioFiles&) = delete;
  ScenarioFiles& operator=(const ScenarioFiles&) = delete;

  /** Writes `yaml` to a new file and loads it with `overrides`. */
  analysis::LoadedScenario load(const std::string& yaml, const std::vector<std::string>& overrides = {})
  {
    const auto path = dir_ / ("scenario-" + std::to_string(next_++) + ".yaml");
    std::ofstream(path) << yaml;
    return analysis::load(path.string(), overrides);
  }

private:
  std::filesystem::path dir_;
  int next_ = 0;
};

/** Runs each scenario in its own child process, two at a time; the results in order. */
std::vector<results::RunResult> run_each(const std::vector<analysis::LoadedScenario>& scenarios)
{
  const auto docs = analysis::run_in_processes(
      scenarios.size(), 2, [&](size_t i) { return results::to_json(analysis::run(scenarios[i])); },
      [&](size_t i) { return "the run of " + scenarios[i].scenario.path; });
  std::vector<results::RunResult> out;
  for (const auto& d : docs)
    out.push_back(results::from_json(d));
  return out;
}

results::RunResult run_one(const analysis::LoadedScenario& scenario)
{
  return run_each({scenario}).front();
}

} // namespace

// ---- calls pay the network ------------------------------------------------------------------------

TEST_CASE("platform runs: a call pays its request's and its response's transfer", "[platform-runs]")
{
  if (test::ran_in_fresh_process())
    return;
  ScenarioFiles files;
  const std::string yaml = R"(
simulation: {seed: 1, requests: 1}
platform:
  network: {model: cm02}
  regions:
    r:
      zones:
        z:
          hosts: [{name: h}]
          client_link: {bandwidth: 8Mbps, latency: 10ms}
          host_link: {bandwidth: 100GBps, latency: 1us}
services:
  s: {latency: 100ms, payload: {request: 1MB, response: 0}}
workflows:
  w: {steps: [{name: only, service: s}]}
workload:
  - {workflow: w, location: z, arrival: {process: poisson, rate: 1/s}}
)";
  const auto runs = run_each({files.load(yaml), files.load(yaml, {"platform.network.contention=false"})});
  // Route clients -> h: client link (1e6 B/s, 10 ms) then host link (1e11 B/s, 1 us).
  //   request: 10 ms + 1 us + 1e6 B / 1e6 B/s = 1.010001 s; response of 0 B: latencies only, 0.010001 s;
  //   service: 0.1 s. CM02 without factors: latency + size / bottleneck.
  const double expected = 0.1 + (0.01 + 1e-6 + 1.0) + (0.01 + 1e-6);
  for (const auto& r : runs) {
    REQUIRE(r.network);
    INFO("contention " << r.network->contention);
    REQUIRE(r.workflows.at("w").completed == 1);
    CHECK(r.workflows.at("w").latency_s.mean == Approx(expected).margin(1e-6));
    CHECK(r.services.at("s").latency_s.mean == Approx(expected).margin(1e-6)); // issue to answer
    CHECK(r.network->transfers == 2);
    CHECK(r.network->bytes == 1e6);
    CHECK(r.network->local_zone_calls == 1);
    CHECK(r.network->cross_region_calls == 0);
  }
  CHECK(runs[0].network->contention);
  CHECK_FALSE(runs[1].network->contention);
}

// ---- outages ----------------------------------------------------------------------------------

TEST_CASE("platform runs: a zone outage takes down exactly the instances placed in the zone", "[platform-runs]")
{
  if (test::ran_in_fresh_process())
    return;
  ScenarioFiles files;
  auto services = [](const std::string& b_zones) {
    return R"(
simulation: {seed: 1, duration: 400s}
services:
  a: {instances: 4, concurrency: 100, latency: 10ms, zones: [x, y]}
  b: {instances: 3, concurrency: 100, latency: 10ms, zones: )" +
           b_zones + R"(}
  c: {instances: 2, concurrency: 100, latency: 10ms, zones: [x]}
workflows:
  w: {steps: [{name: one, service: a}, {name: two, service: b}, {name: three, service: c}]}
workload:
  - {workflow: w, arrival: {process: poisson, rate: 2/s}}
)";
  };
  const std::string zones = R"(
platform:
  regions:
    r:
      zones:
        x: {hosts: [{name: hx, count: 2}]}
        y: {hosts: [{name: hy, count: 2}]}
faults:
  - {type: zone_outage, zone: x, at: 100s, duration: 100s}
)";
  // b now spans zones y and z of region r2, which goes down; a keeps its instances 0 and 2 in x (r1).
  const std::string regions = R"(
platform:
  regions:
    r1:
      zones:
        x: {hosts: [{name: hx, count: 2}]}
    r2:
      zones:
        y: {hosts: [{name: hy, count: 2}]}
        z: {hosts: [{name: hz}]}
faults:
  - {type: region_outage, region: r2, at: 100s, duration: 100s}
)";
  const auto runs = run_each({files.load(services("[y]") + zones), files.load(services("[y, z]") + regions)});
  {
    const auto& r = runs[0];
    const double window = r.run.window_s;
    REQUIRE(window == Approx(400.0));
    // Instance i of a is in zones[i mod 2]: x holds 0 and 2, so 2 of 4 are down for 100 s of the window.
    CHECK(r.services.at("a").availability == Approx(1 - (2.0 / 4) * 100 / window).epsilon(1e-9));
    CHECK(r.services.at("b").availability == 1.0);                                    // all in y
    CHECK(r.services.at("c").availability == Approx(1 - 100 / window).epsilon(1e-9)); // all in x
    REQUIRE(r.run.faults.size() == 1);
    CHECK(r.run.faults[0].kind == "outage");
    CHECK(r.run.faults[0].service == "x");
  }
  {
    const auto& r = runs[1];
    const double window = r.run.window_s;
    // Region r2 holds a's instances 1 and 3 (zone y), all of b (y, z), none of c (x).
    CHECK(r.services.at("a").availability == Approx(1 - (2.0 / 4) * 100 / window).epsilon(1e-9));
    CHECK(r.services.at("b").availability == Approx(1 - 100 / window).epsilon(1e-9));
    CHECK(r.services.at("c").availability == 1.0);
  }
}

// ---- locality -----------------------------------------------------------------------------------

namespace {

/** Two regions of one zone each; s has 2 instances in each (z1 holds 0 and 2); clients in z1. */
const std::string TWO_REGIONS = R"(
simulation: {seed: 3, duration: 400s}
platform:
  network: {egress_usd_per_gb: 0.02}
  regions:
    r1:
      zones:
        z1: {hosts: [{name: h1, count: 2}]}
    r2:
      zones:
        z2: {hosts: [{name: h2, count: 2}]}
services:
  s:
    instances: 4
    concurrency: 8
    zones: [z1, z2]
    latency: 50ms
    payload: {request: 100KB, response: 20KB}
    cost: {per_call: 0.001}
workflows:
  w: {steps: [{name: only, service: s}]}
workload:
  - {workflow: w, location: z1, arrival: {process: poisson, rate: 5/s}}
orchestrator:
  selection: {strategy: locality}
  retries: {max_attempts: 3, retry_on: [error]}
)";

} // namespace

TEST_CASE("platform runs: locality keeps calls in the clients' zone and spills over to the other region",
          "[platform-runs]")
{
  if (test::ran_in_fresh_process())
    return;
  ScenarioFiles files;
  const auto runs = run_each({
      files.load(TWO_REGIONS),
      files.load(TWO_REGIONS + "faults:\n  - {type: region_outage, region: r1, at: 100s, duration: 100s}\n"),
      files.load(TWO_REGIONS, {"orchestrator.selection={strategy: least_outstanding}"}),
  });
  {
    // Light load (5/s x 50 ms = 0.25 calls in service over 16 local slots): never above spill_at.
    const auto& r = runs[0];
    REQUIRE(r.network);
    const auto calls = r.workflows.at("w").calls;
    REQUIRE(calls > 1000);
    CHECK(r.network->cross_region_calls == 0);
    CHECK(r.network->local_zone_calls == calls);
    CHECK(r.network->egress_usd == 0.0);
    CHECK(r.workflows.at("w").success_ratio == 1.0);
  }
  {
    // r1 down for 100 s of 400: the calls of that quarter go to r2; those caught by the outage are retried.
    const auto& r = runs[1];
    REQUIRE(r.network);
    const auto& w = r.workflows.at("w");
    CHECK(r.network->cross_region_calls > 0);
    const double crossed = static_cast<double>(r.network->cross_region_calls) / static_cast<double>(w.calls);
    CHECK(crossed > 0.2);
    CHECK(crossed < 0.3);
    CHECK(r.network->local_zone_calls + r.network->cross_region_calls == w.calls);
    CHECK(w.success_ratio == 1.0);
    CHECK(w.completed == w.offered);
  }
  {
    // Region-blind least outstanding: ties rotate over the four instances, about half are in r2.
    const auto& r = runs[2];
    REQUIRE(r.network);
    const double crossed =
        static_cast<double>(r.network->cross_region_calls) / static_cast<double>(r.workflows.at("w").calls);
    CHECK(crossed > 0.35);
    CHECK(crossed < 0.65);
  }
}

TEST_CASE("platform runs: bytes that cross a region boundary are billed as egress, in the service's cost",
          "[platform-runs]")
{
  if (test::ran_in_fresh_process())
    return;
  ScenarioFiles files;
  const auto r = run_one(files.load(TWO_REGIONS, {"orchestrator.selection={strategy: least_outstanding}"}));
  REQUIRE(r.network);
  const auto& n = *r.network;
  REQUIRE(n.cross_region_calls > 0);
  // Every crossing call carries its 100 KB request and its 20 KB response across (none fails here).
  CHECK(r.workflows.at("w").success_ratio == 1.0);
  CHECK(n.cross_region_bytes == Approx(static_cast<double>(n.cross_region_calls) * 120e3).epsilon(1e-12));
  // egress = cross-region bytes / 1e9 x egress_usd_per_gb (docs/PLATFORM.md).
  CHECK(n.egress_usd == Approx(n.cross_region_bytes / 1e9 * 0.02).epsilon(1e-12));
  // The service's cost: its per-call price for every call served, plus the egress of its calls.
  const auto& s = r.services.at("s");
  CHECK(s.cost_usd == Approx(static_cast<double>(s.served) * 0.001 + n.egress_usd).epsilon(1e-12));
  CHECK(r.totals.cost_usd == Approx(s.cost_usd).epsilon(1e-12)); // no instance price
}

// ---- batching servers ---------------------------------------------------------------------------

namespace {

/** One Llama2-70B continuous-batching server (models::LLAMA2_70B_DGX_A100), N users in a closed loop
 *  without think time, every request 512 prompt tokens and 128 output tokens. No platform. */
std::string batching_scenario(uint32_t users)
{
  const auto& b = models::LLAMA2_70B_DGX_A100;
  std::ostringstream out;
  out.precision(17); // durations in seconds that read back as the same doubles
  out << "simulation: {seed: 1, requests: " << 16 * users << "}\n"
      << "services:\n"
      << "  llm:\n"
      << "    batching: {max_batch: " << b.max_batch << ", max_batch_tokens: " << b.max_batch_tokens
      << ", base: " << b.base_s << "s, per_sequence: " << b.per_sequence_s
      << "s, per_prefill_token: " << b.per_prefill_token_s << "s, per_context_token: " << b.per_context_token_s
      << "s}\n"
      << "workflows:\n"
      << "  chat: {steps: [{name: answer, service: llm}]}\n"
      << "workload:\n"
      << "  - workflow: chat\n"
      << "    arrival: {process: closed_loop, users: " << users << ", think_time: 0}\n"
      << "    tokens: {input: 512, output: 128}\n";
  return out.str();
}

} // namespace

TEST_CASE("platform runs: a batching server's throughput and time per output token rise together with the batch",
          "[platform-runs]")
{
  if (test::ran_in_fresh_process())
    return;
  ScenarioFiles files;
  const std::vector<uint32_t> users = {1, 4, 16, 64};
  std::vector<analysis::LoadedScenario> scenarios;
  for (uint32_t n : users)
    scenarios.push_back(files.load(batching_scenario(n)));
  const auto runs = run_each(scenarios);
  std::vector<results::BatchingMetrics> b;
  for (size_t i = 0; i < runs.size(); ++i) {
    INFO(users[i] << " users");
    REQUIRE(runs[i].services.at("llm").batching);
    b.push_back(*runs[i].services.at("llm").batching);
    CHECK(runs[i].workflows.at("chat").success_ratio == 1.0);
  }
  for (size_t i = 1; i < b.size(); ++i) {
    INFO(users[i - 1] << " -> " << users[i] << " users");
    CHECK(b[i].mean_batch > b[i - 1].mean_batch);
    CHECK(b[i].tokens_per_s > b[i - 1].tokens_per_s);
    CHECK(b[i].tpot_s.mean > b[i - 1].tpot_s.mean);
  }
  // One user: every request is alone in the batch. Its first iteration prefills the 512 prompt tokens
  // and yields the first token; then one decode iteration per further token, the k-th (k = 1..127) with
  // 512 + k tokens of context (models::ContinuousBatcher). Histogram means are sums / counts: exact.
  const auto& spec = models::LLAMA2_70B_DGX_A100;
  const double ttft = models::batch_step_s(spec, 1, 512, 0);
  double decode_sum = 0;
  for (uint32_t k = 1; k <= 127; ++k)
    decode_sum += models::batch_step_s(spec, 1, 0, 512 + k);
  const double tpot = decode_sum / 127;
  CHECK(b[0].mean_batch == 1.0);
  CHECK(b[0].ttft_s.mean == Approx(ttft).epsilon(1e-6)); // 43.8 ms + 0.17 ms + 512 x 0.107 ms
  CHECK(b[0].tpot_s.mean == Approx(tpot).epsilon(1e-6)); // 43.8 ms + 0.17 ms + 0.38 us x (512 + 64)
  CHECK(runs[0].workflows.at("chat").latency_s.mean == Approx(ttft + 127 * tpot).epsilon(1e-6));
}

// ---- work on hosts ------------------------------------------------------------------------------

TEST_CASE("platform runs: calls computed on a host share its cores", "[platform-runs]")
{
  if (test::ran_in_fresh_process())
    return;
  ScenarioFiles files;
  const std::string yaml = R"(
simulation: {seed: 1, requests: 40}
platform:
  regions:
    r:
      zones:
        z:
          hosts: [{name: h, speed: 1Gf, cores: 2}]
          client_link: {bandwidth: 10Gbps, latency: 1ms}
          host_link: {bandwidth: 10Gbps, latency: 50us}
services:
  s: {concurrency: 4, hosts: [h], work: {flops: 1Gf}}
workflows:
  w: {steps: [{name: only, service: s}]}
workload:
  - {workflow: w, location: z, arrival: {process: closed_loop, users: 4, think_time: 0}}
)";
  const auto runs = run_each({files.load(yaml), files.load(yaml, {"workload.0.arrival.users=2"})});
  // Requests and responses carry no bytes: each way takes the route's latency, 1 ms + 50 us.
  const double rtt = 2 * (1e-3 + 50e-6);
  {
    // 4 calls at once on 2 cores of 1 Gf/s: 1e9 flops at 0.5 Gf/s each, 2 s.
    const auto& s = runs[0].services.at("s");
    CHECK(s.latency_s.mean >= 2.0);
    CHECK(s.latency_s.mean == Approx(2.0 + rtt).epsilon(1e-9));
    // The 4 slots are busy while the calls compute, idle while they cross the network.
    CHECK(s.utilization == Approx(2.0 / (2.0 + rtt)).epsilon(1e-6));
  }
  {
    // 2 calls on 2 cores: one core each, 1 s.
    const auto& s = runs[1].services.at("s");
    CHECK(s.latency_s.mean == Approx(1.0 + rtt).epsilon(1e-9));
    CHECK(s.utilization == Approx(0.5 * 1.0 / (1.0 + rtt)).epsilon(1e-6));
  }
}

// ---- determinism --------------------------------------------------------------------------------

namespace {

analysis::LoadedScenario multi_region(const std::vector<std::string>& extra = {})
{
  std::vector<std::string> overrides = {"simulation.duration=3m", "simulation.warmup=30s"};
  overrides.insert(overrides.end(), extra.begin(), extra.end());
  return analysis::load(test::source_path("scenarios/multi-region.yaml"), overrides);
}

/** "" when `a` and `b` are equal, else their first differing line (a result is thousands of lines). */
std::string first_difference(const std::string& a, const std::string& b)
{
  std::istringstream in_a(a), in_b(b);
  std::string line_a, line_b;
  for (int line = 1;; ++line) {
    const bool more_a = static_cast<bool>(std::getline(in_a, line_a));
    const bool more_b = static_cast<bool>(std::getline(in_b, line_b));
    if (!more_a && !more_b)
      return "";
    if (more_a != more_b || line_a != line_b)
      return "line " + std::to_string(line) + ": '" + line_a + "' vs '" + line_b + "'";
  }
}

/** Runs `scenario` twice, each in its own child; the two results without their host block. */
std::vector<std::string> twice(const analysis::LoadedScenario& scenario)
{
  const auto docs = analysis::run_in_processes(
      2, 2,
      [&](size_t) {
        return json{{"result", test::deterministic_json(analysis::run(scenario))}};
      },
      [&](size_t i) { return "run " + std::to_string(i) + " of " + scenario.scenario.path; });
  return {docs[0]["result"].get<std::string>(), docs[1]["result"].get<std::string>()};
}

} // namespace

TEST_CASE("determinism: multi-region with contention gives byte-identical results run to run", "[platform-runs]")
{
  if (test::ran_in_fresh_process())
    return;
  const auto results = twice(multi_region());
  CHECK(first_difference(results[0], results[1]) == "");
  const json metrics = json::parse(results[0])["metrics"];
  CHECK(metrics["totals"]["completed"].get<uint64_t>() > 5000); // 46 requests/s over 150 s measured
  CHECK(metrics["network"]["contention"].get<bool>());
}

TEST_CASE("determinism: multi-region without contention gives byte-identical results run to run", "[platform-runs]")
{
  if (test::ran_in_fresh_process())
    return;
  const auto results = twice(multi_region({"platform.network.contention=false"}));
  CHECK(first_difference(results[0], results[1]) == "");
  const json metrics = json::parse(results[0])["metrics"];
  CHECK(metrics["totals"]["completed"].get<uint64_t>() > 5000);
  CHECK_FALSE(metrics["network"]["contention"].get<bool>());
}

TEST_CASE("determinism: a platform run after a run of the same platform in the same process equals a fresh one",
          "[platform-runs]")
{
  if (test::ran_in_fresh_process())
    return;
  // Each analysis::run of a platform scenario from a fresh process runs in a child of its own, so the
  // second one starts its SimGrid at clock 0 too (a run from a used SimGrid would start where the first
  // ended: times through `origin + t` and back differ in their last digits).
  const auto platform = multi_region();
  const auto docs = analysis::run_in_processes(
      2, 2,
      [&](size_t i) {
        if (i == 1)
          analysis::run(platform);
        return json{{"result", test::deterministic_json(analysis::run(platform))}};
      },
      [&](size_t i) { return std::string(i == 0 ? "the fresh run" : "the second run"); });
  CHECK(first_difference(docs[0]["result"].get<std::string>(), docs[1]["result"].get<std::string>()) == "");
}

// The documented limit (docs/PLATFORM.md, "One platform per process"): a run without a platform uses
// this process's SimGrid (its one-host default platform, sealed by the run), and a forked child inherits
// it: a platform run after it is refused with a message that says why, never run on a wrong platform.
TEST_CASE("platform runs: after a run without a platform in the same process a platform run is refused clearly",
          "[platform-runs]")
{
  if (test::ran_in_fresh_process())
    return;
  const auto platform = multi_region();
  const auto before = analysis::load(test::source_path("tests/data/crn.yaml"), {});
  REQUIRE(before.scenario.platform.empty());
  const auto docs = analysis::run_in_processes(
      1, 2,
      [&](size_t) {
        analysis::run(before);
        try {
          analysis::run(platform);
        } catch (const std::logic_error& e) {
          return json{{"refused", e.what()}};
        }
        return json{{"refused", nullptr}};
      },
      [&](size_t) { return std::string("the platform run after another"); });
  REQUIRE(docs[0]["refused"].is_string());
  CHECK_THAT(docs[0]["refused"].get<std::string>(), Catch::Contains("one per process"));
}
