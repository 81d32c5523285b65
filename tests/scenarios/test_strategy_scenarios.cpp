// The strategy scenarios (scenarios/strategies/): each test runs its scenario with the strategy on and
// off, as the scenario's header comment does, and checks the effect the header claims. Every check
// compares runs measured here. The bounds are ratios with wide margins: across seeds 1 to 6 the
// measured ratios stay far inside them. They would fail if the mechanism stopped working, that is, if
// the on and off runs came out alike. About 4 s in all (the files' own lengths, 0.05 to 0.2 s a run).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "tests/TestSupport.hpp"

using namespace orchsim;

namespace {

const std::string HEDGING = "scenarios/strategies/hedging-tail.yaml";
const std::string STORM = "scenarios/strategies/retry-storm.yaml";
const std::string BREAKER = "scenarios/strategies/breaker-isolation.yaml";
const std::string P2C = "scenarios/strategies/p2c-vs-random.yaml";
const std::string RATE_LIMIT = "scenarios/strategies/rate-limit-fallback.yaml";

} // namespace

TEST_CASE("strategy scenarios: hedging after the observed p95 cuts p99 and p99.9 for a few percent extra calls",
          "[scenarios][strategies]")
{
  const auto on_run = test::run_file(HEDGING);
  const auto off_run = test::run_file(HEDGING, {"orchestrator.hedging=~"});
  const auto fixed_run = test::run_file(HEDGING, {"orchestrator.hedging={max_extra: 1, delay: 300ms}"});
  const auto& on = on_run.workflows.at("infer");
  const auto& off = off_run.workflows.at("infer");
  const auto& fixed = fixed_run.workflows.at("infer");

  CHECK(on.success_ratio == 1.0);
  CHECK(off.success_ratio == 1.0);

  // The tail: a 2 % slow path sets the unhedged p99 and p99.9, and a hedged copy is almost always fast.
  // Measured ratios: about 0.12 (p99) and 0.09 (p99.9).
  CHECK(on.latency_s.p99 < 0.3 * off.latency_s.p99);
  CHECK(on.latency_s.p999 < 0.3 * off.latency_s.p999);
  // The body of the distribution is not affected: the median stays within 10 %.
  CHECK(on.latency_s.p50 < 1.1 * off.latency_s.p50);

  // Extra calls: a hedge for each try slower than the observed p95, so about 5 % of the calls.
  CHECK(off.hedges == 0);
  CHECK(off.calls_per_request == Approx(1.0));
  CHECK(on.hedges > 0);
  CHECK(on.hedges == on.calls - on.offered);
  CHECK(on.calls_per_request > 1.02);
  CHECK(on.calls_per_request < 1.10);

  // Extra work: the losing copies are wasted_service_s. The slots' net extra busy time is the step in
  // utilization, a few percent.
  CHECK(off.wasted_service_s == 0.0);
  CHECK(on.wasted_service_s > 0.0);
  const double util_on = on_run.services.at("model").utilization;
  const double util_off = off_run.services.at("model").utilization;
  CHECK(util_on > util_off);
  CHECK(util_on < 1.15 * util_off);

  // A fixed 300 ms delay is later than the observed p95 (about 155 ms): fewer hedges, a tail cut a
  // little less deep, still far below the unhedged one.
  CHECK(fixed.hedges > 0);
  CHECK(fixed.hedges < on.hedges);
  CHECK(fixed.latency_s.p99 > on.latency_s.p99);
  CHECK(fixed.latency_s.p999 < 0.4 * off.latency_s.p999);
}

TEST_CASE(
    "strategy scenarios: aggressive retries against a degraded provider storm, a retry budget or throttle bounds them",
    "[scenarios][strategies]")
{
  const auto none_run = test::run_file(STORM, {"orchestrator.retries=~"});
  const auto storm_run = test::run_file(STORM);
  const auto envoy_run = test::run_file(STORM, {"orchestrator.retries.budget={kind: envoy, percent: 20}"});
  const auto throttle_run = test::run_file(STORM, {"orchestrator.retries.throttle={max_tokens: 10, token_ratio: 0.1}"});
  const auto& none = none_run.workflows.at("ask");
  const auto& storm = storm_run.workflows.at("ask");
  const auto& envoy = envoy_run.workflows.at("ask");
  const auto& throttle = throttle_run.workflows.at("ask");
  const auto util = [](const results::RunResult& r) { return r.services.at("provider").utilization; };

  // The storm: retries multiply the calls (about 5x, every try used), and saturate the provider.
  CHECK(none.calls_per_request == Approx(1.0));
  CHECK(storm.calls_per_request > 2.0 * none.calls_per_request);
  CHECK(util(storm_run) > 1.5 * util(none_run));
  CHECK(storm_run.services.at("provider").mean_queue_length >
        100 * envoy_run.services.at("provider").mean_queue_length);
  // ... and collapse: fewer successes than without retries at all (measured 0.1 % against 40 %).
  CHECK(storm.success_ratio < 0.5 * none.success_ratio);

  // The Envoy budget bounds the amplification (1.38 against 5 calls per request), and its retries still
  // help.
  CHECK(envoy.retries > 0);
  CHECK(envoy.calls_per_request < 0.5 * storm.calls_per_request);
  CHECK(util(envoy_run) < 0.75 * util(storm_run));
  CHECK(envoy.success_ratio > none.success_ratio);
  CHECK(envoy.latency_s.mean < 0.5 * storm.latency_s.mean);

  // gRPC throttling at 60 % errors: the tokens sink below half at once, and retries stop.
  CHECK(throttle.calls_per_request < 0.5 * storm.calls_per_request);
  CHECK(util(throttle_run) < 0.75 * util(storm_run));
  CHECK(throttle.success_ratio > 0.5 * none.success_ratio);
}

TEST_CASE("strategy scenarios: a circuit breaker withdraws the failing provider and success recovers",
          "[scenarios][strategies]")
{
  const auto on_run = test::run_file(BREAKER);
  const auto off_run = test::run_file(BREAKER, {"orchestrator.circuit_breaker=~"});
  const auto& on = on_run.workflows.at("chat");
  const auto& off = off_run.workflows.at("chat");
  const auto& c_on = on_run.services.at("llm-c");
  const auto& c_off = off_run.services.at("llm-c");

  // Without a breaker, round robin sends a third of the calls to the provider that fails them all.
  CHECK(off.success_ratio < 0.75);
  CHECK(c_off.breaker_opens == 0);
  // With the breaker, it is withdrawn except for its half-open probes.
  CHECK(c_on.breaker_opens > 0);
  CHECK(c_on.offered < 0.05 * c_off.offered);
  CHECK(on.success_ratio > off.success_ratio + 0.25);
  CHECK(on.success_ratio > 0.97);
  // The healthy providers take over the load.
  CHECK(on_run.services.at("llm-a").offered > 1.3 * off_run.services.at("llm-a").offered);

  // least_outstanding without a breaker: the fast-failing provider always has the fewest calls
  // outstanding, and attracts most of the traffic. The breaker fixes that too.
  const auto lo_off_run =
      test::run_file(BREAKER, {"orchestrator.circuit_breaker=~", "orchestrator.selection.strategy=least_outstanding"});
  const auto lo_on_run = test::run_file(BREAKER, {"orchestrator.selection.strategy=least_outstanding"});
  CHECK(lo_off_run.workflows.at("chat").success_ratio < off.success_ratio);
  CHECK(lo_off_run.services.at("llm-c").offered > c_off.offered);
  CHECK(lo_on_run.workflows.at("chat").success_ratio > 0.97);

  // The variant in which the provider hangs (30 s, 5 s timeout) instead of failing fast.
  const std::vector<std::string> slow = {"services.llm-c.errors=0", "services.llm-c.latency=30s",
                                         "orchestrator.timeout=5s"};
  auto slow_off_overrides = slow;
  slow_off_overrides.push_back("orchestrator.circuit_breaker=~");
  const auto slow_on_run = test::run_file(BREAKER, slow);
  const auto slow_off_run = test::run_file(BREAKER, slow_off_overrides);
  CHECK(slow_off_run.workflows.at("chat").failures.timeout > 0);
  CHECK(slow_on_run.services.at("llm-c").breaker_opens > 0);
  CHECK(slow_on_run.workflows.at("chat").success_ratio > slow_off_run.workflows.at("chat").success_ratio + 0.2);
}

TEST_CASE("strategy scenarios: load-aware selection beats random and round robin in a heterogeneous pool",
          "[scenarios][strategies]")
{
  const auto run = [](const std::string& strategy) {
    return test::run_file(P2C, {"orchestrator.selection={strategy: " + strategy + "}"});
  };
  const auto random_run = run("random");
  const auto rr_run = run("round_robin");
  const auto p2c_run = test::run_file(P2C); // the file's own: power_of_d, d 2
  const auto lo_run = run("least_outstanding");
  const auto ewma_run = run("peak_ewma");
  const auto& random = random_run.workflows.at("embed").latency_s;
  const auto& rr = rr_run.workflows.at("embed").latency_s;
  const auto& p2c = p2c_run.workflows.at("embed").latency_s;
  const auto& lo = lo_run.workflows.at("embed").latency_s;
  const auto& ewma = ewma_run.workflows.at("embed").latency_s;
  REQUIRE(p2c_run.context.selection == "power_of_d");

  // Two choices against none: measured about 9x on the mean and 13x on p99.
  CHECK(p2c.mean < 0.3 * random.mean);
  CHECK(p2c.p99 < 0.3 * random.p99);
  // Round robin smooths each instance's arrivals, but overloads the slow half as random does.
  CHECK(rr.mean < 0.9 * random.mean);
  CHECK(p2c.mean < 0.3 * rr.mean);
  // Every instance's count beats two sampled ones.
  CHECK(lo.mean < p2c.mean);
  CHECK(lo.p99 < p2c.p99);
  // Peak EWMA is P2C on latency x load: the same class.
  CHECK(ewma.mean < 0.3 * random.mean);
  CHECK(ewma.p99 < 0.3 * random.p99);

  // The mechanism: load-aware strategies move work from the slow GPUs to the fast ones.
  const auto share_new = [](const results::RunResult& r) {
    const double n = static_cast<double>(r.services.at("gpu-new").offered);
    return n / (n + static_cast<double>(r.services.at("gpu-old").offered));
  };
  CHECK(share_new(random_run) == Approx(0.5).margin(0.01));
  CHECK(share_new(p2c_run) > share_new(random_run) + 0.02);
  CHECK(random_run.services.at("gpu-old").utilization > p2c_run.services.at("gpu-old").utilization);
}

TEST_CASE("strategy scenarios: a fallback provider absorbs a tokens per minute rate limit", "[scenarios][strategies]")
{
  const auto fb_run = test::run_file(RATE_LIMIT);
  const auto nofb_run = test::run_file(RATE_LIMIT, {"workflows.chat.steps.0.fallback=~"});
  const auto retry_run = test::run_file(
      RATE_LIMIT,
      {"workflows.chat.steps.0.fallback=~", "orchestrator.retries={max_attempts: 3, retry_on: [rate_limited]}"});
  const auto& fb = fb_run.workflows.at("chat");
  const auto& nofb = nofb_run.workflows.at("chat");
  const auto& retried = retry_run.workflows.at("chat");

  // Without a fallback, the 429s are the failures.
  CHECK(nofb.fallbacks == 0);
  CHECK(nofb.failures.rate_limited > nofb.offered / 20);
  CHECK(nofb.failures.total() == nofb.failures.rate_limited);
  CHECK(nofb.success_ratio < 0.95);

  // With it, every 429 from the primary becomes one call to the backup, and every request succeeds.
  const auto primary_429 = fb_run.services.at("llm-primary").failures.rate_limited;
  CHECK(primary_429 > 0);
  CHECK(fb.fallbacks == primary_429);
  CHECK(fb_run.services.at("llm-backup").offered == fb.fallbacks);
  CHECK(fb.failures.rate_limited == 0);
  CHECK(fb.completed == fb.offered);
  // The fallback does not change what the primary's bucket admits.
  CHECK(primary_429 == nofb.failures.rate_limited);
  // It costs more, and quality drops toward the backup's.
  CHECK(fb.cost_usd > nofb.cost_usd);
  REQUIRE(fb.mean_quality.has_value());
  REQUIRE(nofb.mean_quality.has_value());
  CHECK(*fb.mean_quality < *nofb.mean_quality);

  // Retrying the 429s instead does not help: the bucket refills at its own rate. The retries multiply
  // the 429s, and the success ratio stays where it was.
  CHECK(retried.retries > 0);
  CHECK(retried.success_ratio < nofb.success_ratio + 0.03);
  CHECK(retry_run.services.at("llm-primary").failures.rate_limited > 2 * nofb.failures.rate_limited);
}
