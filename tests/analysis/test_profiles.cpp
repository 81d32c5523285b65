// Profiles, common random numbers, selection quality, learners in the simulation, and the
// amplification factor with its paired interval.
#include <algorithm>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "analysis/Profiles.hpp"
#include "analysis/Statistics.hpp"
#include "models/ScenarioLoader.hpp"
#include "sim/InputError.hpp"
#include "tests/TestSupport.hpp"

using namespace orchsim;

namespace {

const std::string LEARNING = "tests/data/learning.yaml";
/** A latency fault x6 on the fast provider from 10 to 18 minutes: the best choice flips, then back. */
const std::string DEGRADE = "faults=[{type: latency, service: fast, multiplier: 6, at: 10m, duration: 8m}]";

results::RunResult run_profile(const std::string& relative, const std::string& profile,
                               const std::vector<std::string>& overrides = {})
{
  return analysis::run(analysis::load(test::source_path(relative), overrides, profile));
}

const results::ProfileSummary& find(const results::ProfilesResult& r, const std::string& name)
{
  for (const auto& p : r.profiles)
    if (p.name == name)
      return p;
  FAIL("no profile " << name);
  throw std::logic_error("unreachable");
}

std::vector<double> effectiveness(const results::ProfilesResult& r, const std::string& name)
{
  return find(r, name).metrics.at("effectiveness").values;
}

} // namespace

TEST_CASE("statistics: Student t quantiles and the paired ratio of means", "[analysis][profiles]")
{
  // Two-sided 95 % quantiles from the standard t table.
  CHECK(analysis::t_quantile_975(1) == Approx(12.706).epsilon(1e-4));
  CHECK(analysis::t_quantile_975(4) == Approx(2.776).epsilon(1e-3));
  CHECK(analysis::t_quantile_975(10) == Approx(2.228).epsilon(1e-3));
  CHECK(analysis::t_quantile_975(100000) == Approx(1.960).epsilon(1e-3));

  const std::vector<double> xs{1, 2, 3, 4, 5}; // mean 3, sd sqrt(2.5): half-width 2.776 x 1.5811 / sqrt(5)
  const auto e = analysis::mean_estimate(xs);
  CHECK(e.mean == 3.0);
  CHECK(*e.high - e.mean == Approx(2.776 * std::sqrt(2.5) / std::sqrt(5.0)).epsilon(1e-3));

  const std::vector<double> same{3.5, 4.25, 5.0};
  const auto one = analysis::paired_ratio(same, same);
  REQUIRE(one);
  CHECK(one->mean == 1.0);
  CHECK(*one->low == 1.0);
  CHECK(*one->high == 1.0);

  // num = 2 x den exactly: the ratio is 2 with no spread; a perturbed pair widens the interval.
  const std::vector<double> den{10, 12, 14}, num{20, 24, 28}, noisy{20, 25, 27};
  CHECK(analysis::paired_ratio(num, den)->mean == 2.0);
  const auto wide = analysis::paired_ratio(noisy, den);
  CHECK(wide->mean == Approx(72.0 / 36.0));
  CHECK(*wide->low < 2.0);
  CHECK(*wide->high > 2.0);
  CHECK_FALSE(analysis::paired_ratio(std::vector<double>{}, std::vector<double>{}));
}

TEST_CASE("profiles: a profile's orchestrator keys replace the scenario's, the rest is inherited",
          "[analysis][profiles]")
{
  const auto path = test::source_path("scenarios/ai-ecosystem.yaml");
  const auto baseline = models::load_scenario(path);
  CHECK(baseline.profile == "baseline");
  CHECK(baseline.orchestrator.selection.strategy == models::SelectionStrategy::ROUND_ROBIN);
  CHECK(baseline.orchestrator.retry.max_attempts == 1);
  CHECK(baseline.orchestrator.hedge.max_extra == 0);

  const auto adaptive = models::load_scenario(path, {}, "adaptive");
  CHECK(adaptive.orchestrator.selection.strategy == models::SelectionStrategy::PREDICTIVE);
  CHECK(adaptive.orchestrator.retry.max_attempts == 3);
  CHECK(adaptive.orchestrator.hedge.max_extra == 1);
  CHECK(adaptive.orchestrator.adaptive_timeout);
  const auto thompson = models::load_scenario(path, {}, "thompson"); // sets the selection only
  CHECK(thompson.orchestrator.selection.strategy == models::SelectionStrategy::THOMPSON);
  CHECK(thompson.orchestrator.call_timeout_s == 30.0); // inherited
  CHECK(baseline.orchestrator.call_timeout_s == 30.0);

  // random and oracle: the bracket profile (adaptive here) with its selection replaced.
  const auto random = models::load_scenario(path, {}, "random");
  CHECK(random.orchestrator.selection.strategy == models::SelectionStrategy::RANDOM);
  CHECK(random.orchestrator.retry.max_attempts == 3);
  const auto oracle = models::load_scenario(path, {}, "oracle");
  CHECK(oracle.orchestrator.selection.strategy == models::SelectionStrategy::ORACLE);
  CHECK(oracle.orchestrator.hedge.max_extra == 1);

  std::vector<std::string> names;
  for (const auto& p : baseline.profiles)
    names.push_back(p.name);
  CHECK(names == std::vector<std::string>{"baseline", "adaptive", "thompson", "random", "oracle"});

  // Overrides edit the document first: a profile's own keys can be overridden too.
  const auto tuned = models::load_scenario(path, {"profiles.adaptive.orchestrator.retries.max_attempts=5"}, "adaptive");
  CHECK(tuned.orchestrator.retry.max_attempts == 5);
}

TEST_CASE("profiles: an unknown profile is refused with the list of the scenario's", "[analysis][profiles]")
{
  using Catch::Matchers::Contains;
  REQUIRE_THROWS_WITH(analysis::load(test::source_path(LEARNING), {}, "fastest"),
                      Contains("--profile fastest: unknown profile 'fastest'; this scenario has: baseline, same, "
                               "predictive, predictive-ewma, ucb1, thompson, linucb, random, oracle"));
  analysis::ProfilesOptions options;
  options.profiles = {"predictive", "nope"};
  REQUIRE_THROWS_WITH(analysis::run_profiles(analysis::load(test::source_path(LEARNING), {}), options),
                      Contains("unknown profile 'nope'"));
}

TEST_CASE("profiles: common random numbers give every call the same draws whichever instance serves it",
          "[analysis][profiles]")
{
  // One service of three identical instances with slots to spare and no errors: a request's latency is
  // its one call's service time, so with common random numbers the latency distribution cannot depend
  // on which instance the selection strategy picks.
  const std::string yaml = R"(
simulation: {seed: 3, requests: 20000}
services:
  llm: {instances: 3, concurrency: 100, latency: {model: llm, ttft: {dist: lognormal, median: 300ms, p99: 2s}, tpot: {dist: gamma, shape: 4, mean: 12ms}}}
workflows:
  chat: {steps: [{name: answer, service: llm}]}
workload:
  - {workflow: chat, arrival: {process: poisson, rate: 20/s}, tokens: {input: {dist: lognormal, median: 1000, p99: 4000}, output: {dist: exponential, mean: 120}}}
)";
  std::vector<results::LatencySummary> latencies;
  for (const char* strategy : {"round_robin", "random", "least_outstanding", "power_of_d"}) {
    const auto r = test::run_text(yaml, {std::string("orchestrator.selection.strategy=") + strategy});
    latencies.push_back(r.workflows.at("chat").latency_s);
  }
  for (const auto& l : latencies) {
    CHECK(l.count == latencies[0].count);
    CHECK(l.mean == latencies[0].mean);
    CHECK(l.p50 == latencies[0].p50);
    CHECK(l.p99 == latencies[0].p99);
    CHECK(l.max == latencies[0].max);
  }
  // And a different seed does change them (the check above could not pass by accident).
  const auto other = test::run_text(yaml, {"simulation.seed=4"});
  CHECK(other.workflows.at("chat").latency_s.mean != latencies[0].mean);
}

TEST_CASE("profiles: the amplification of a profile against itself is exactly 1", "[analysis][profiles]")
{
  analysis::ProfilesOptions options;
  options.profiles = {"same"};
  options.replications = 3;
  const auto r = analysis::run_profiles(analysis::load(test::source_path(LEARNING), {}), options);
  REQUIRE(r.profiles.size() == 2);
  for (const auto& p : r.profiles) {
    REQUIRE(p.amplification);
    CHECK(p.amplification->mean == 1.0);
    CHECK(*p.amplification->ci_low == 1.0);
    CHECK(*p.amplification->ci_high == 1.0);
  }
  CHECK(r.seeds == std::vector<uint64_t>{5, 6, 7});
}

TEST_CASE("profiles: runs in parallel processes give the same summary as runs in this process", "[analysis][profiles]")
{
  const auto loaded = analysis::load(test::source_path(LEARNING), {});
  analysis::ProfilesOptions options;
  options.profiles = {"all"};
  options.replications = 2;
  options.jobs = 1;
  auto here = results::to_json(analysis::run_profiles(loaded, options));
  options.jobs = 2;
  auto forked = results::to_json(analysis::run_profiles(loaded, options));
  here.erase("host");
  forked.erase("host");
  CHECK(here.dump() == forked.dump());
}

TEST_CASE("selection quality: the oracle always picks a truly best candidate, round robin half the time",
          "[analysis][profiles]")
{
  const auto oracle = run_profile(LEARNING, "oracle").totals.selection;
  REQUIRE(oracle.decisions > 4000);
  CHECK(*oracle.optimal_ratio == 1.0);
  CHECK(oracle.regret == 0.0);
  // Two candidates, the fast one nearly always best (it rarely fills its 4 slots at 4/s x 250 ms):
  // round robin picks it every other time.
  const auto rr = run_profile(LEARNING, "baseline").totals.selection;
  CHECK(*rr.optimal_ratio == Approx(0.5).margin(0.02));
  CHECK(rr.regret > 0.0);
}

TEST_CASE("learning: every learner picks the best candidate >= 95 % of ~4,300 decisions on a stationary scenario",
          "[analysis][profiles][learning]")
{
  // The measured window follows a 2 min warm-up (~480 decisions) in which the learners start from
  // their priors; measured: predictive 100 %, ucb1 98.3 %, thompson 98.9 %, linucb 98.9 %.
  for (const char* profile : {"predictive", "predictive-ewma", "ucb1", "thompson", "linucb"}) {
    INFO(profile);
    const auto q = run_profile(LEARNING, profile).totals.selection;
    CHECK(q.decisions > 4000);
    CHECK(*q.optimal_ratio >= 0.95);
  }
}

TEST_CASE("learning: learners adapt when the best provider degrades, the discounted bandits within 5 minutes",
          "[analysis][profiles][learning]")
{
  // adapt_s: from the fault's start to the first 3 s whose optimal share is back at 95 % of the
  // pre-fault share (docs/METRICS.md). Measured: rls 28 s, ewma 20 s, discounted ucb1 100 s,
  // thompson 210 s, linucb 122 s; undiscounted bandits do not adapt within the 8 minutes.
  auto adapt = [](const std::string& profile, const std::vector<std::string>& overrides) {
    auto all = overrides;
    all.push_back(DEGRADE);
    const auto r = run_profile(LEARNING, profile, all);
    REQUIRE(r.run.faults.size() == 1);
    return r.run.faults[0].adapt_s.at("ask");
  };
  const auto rls = adapt("predictive", {});
  const auto ewma = adapt("predictive-ewma", {});
  REQUIRE(rls);
  REQUIRE(ewma);
  CHECK(*rls <= 60.0);
  CHECK(*ewma <= 60.0);
  for (const char* strategy : {"ucb1", "thompson", "linucb"}) {
    INFO(strategy);
    const auto discounted =
        adapt("baseline", {std::string("orchestrator.selection={strategy: ") + strategy + ", discount: 0.995}"});
    REQUIRE(discounted);
    CHECK(*discounted <= 300.0);
  }
  CHECK_FALSE(adapt("ucb1", {}));
  CHECK_FALSE(adapt("thompson", {}));
}

TEST_CASE("learning: runs with learning on are deterministic", "[analysis][profiles][learning]")
{
  for (const char* profile : {"predictive", "ucb1", "thompson", "linucb", "oracle"}) {
    INFO(profile);
    const auto a = run_profile(LEARNING, profile, {DEGRADE});
    const auto b = run_profile(LEARNING, profile, {DEGRADE});
    CHECK(test::deterministic_json(a) == test::deterministic_json(b));
  }
}

TEST_CASE("amplification: no profile beats the oracle by more than noise", "[analysis][profiles]")
{
  for (const char* scenario : {"tests/data/learning.yaml", "scenarios/trace-replay.yaml"}) {
    INFO(scenario);
    analysis::ProfilesOptions options;
    options.profiles = {"all"};
    options.replications = 5;
    options.jobs = 2;
    const auto r = analysis::run_profiles(analysis::load(test::source_path(scenario), {}), options);
    const auto oracle = effectiveness(r, "oracle");
    // Selection matters on both, so the bracket has width: random at 0, oracle at 1.
    REQUIRE(find(r, "oracle").bracket_position);
    CHECK(*find(r, "oracle").bracket_position == 1.0);
    CHECK(*find(r, "random").bracket_position == 0.0);
    for (const auto& p : r.profiles) {
      INFO(p.name);
      const auto ratio = analysis::paired_ratio(effectiveness(r, p.name), oracle);
      REQUIRE(ratio);
      CHECK(*ratio->low <= 1.0); // not significantly above the ceiling
    }
  }
}

TEST_CASE("amplification: the adaptive profile beats the baseline, its interval above 1, on the shipped scenarios",
          "[analysis][profiles]")
{
  // Measured with 5 replications: trace-replay 1.0184 [1.0129, 1.0238], ai-ecosystem 1.0130 [1.0109, 1.0151]
  // (ai-ecosystem runs take ~2 s each: 3 replications here).
  for (const auto& [scenario, replications] : std::vector<std::pair<std::string, uint32_t>>{
           {"scenarios/trace-replay.yaml", 5}, {"scenarios/ai-ecosystem.yaml", 3}}) {
    INFO(scenario);
    analysis::ProfilesOptions options;
    options.profiles = {"adaptive"};
    options.replications = replications;
    options.jobs = 2;
    const auto r = analysis::run_profiles(analysis::load(test::source_path(scenario), {}), options);
    const auto& adaptive = find(r, "adaptive");
    REQUIRE(adaptive.amplification);
    CHECK(adaptive.amplification->mean > 1.0);
    CHECK(*adaptive.amplification->ci_low > 1.0);
  }
}
