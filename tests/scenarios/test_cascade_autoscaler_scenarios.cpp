// The cascade and autoscaler scenarios (scenarios/strategies/cascade-cost.yaml, autoscaler-ramp.yaml):
// each test runs its scenario and the variants its header comment lists, and checks the effects the
// header claims. Every check compares runs measured here. The bounds are ratios with wide margins:
// across seeds 1 to 10 the measured ratios stay far inside them. They would fail if the mechanism
// stopped working (no escalation, no scaling, cold starts without effect). About 0.2 s in all (10 to
// 25 ms a run).
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "tests/TestSupport.hpp"

using namespace orchsim;

namespace {

const std::string CASCADE = "scenarios/strategies/cascade-cost.yaml";
const std::string RAMP = "scenarios/strategies/autoscaler-ramp.yaml";

/** A column of the run's series (`services.<s>.<what>` or `workflows.<w>.<what>`). */
const std::vector<double>& series_column(const results::RunResult& r, const std::string& name)
{
  REQUIRE(r.series.has_value());
  for (const auto& [column, values] : r.series->columns)
    if (column == name)
      return values;
  FAIL("no series column " << name);
  static const std::vector<double> none;
  return none;
}

} // namespace

TEST_CASE(
    "strategy scenarios: a FrugalGPT cascade keeps about the frontier model's quality for less than half its cost",
    "[scenarios][strategies]")
{
  const auto frontier_run = test::run_file(CASCADE, {"workflows.qa.steps.0={name: answer, service: llm-frontier}"});
  const auto small_run = test::run_file(CASCADE, {"workflows.qa.steps.0={name: answer, service: llm-small}"});
  const auto split_run = test::run_file(CASCADE, {"workflows.qa.steps.0.cascade=~"}); // both, round robin
  const auto low_run = test::run_file(CASCADE);                                       // the file's own: threshold 0.8
  const auto high_run = test::run_file(CASCADE, {"workflows.qa.steps.0.cascade.threshold=0.9"});
  const auto& frontier = frontier_run.workflows.at("qa");
  const auto& small = small_run.workflows.at("qa");
  const auto& split = split_run.workflows.at("qa");
  const auto& low = low_run.workflows.at("qa");
  const auto& high = high_run.workflows.at("qa");
  for (const auto* w : {&frontier, &small, &split, &low, &high}) {
    CHECK(w->success_ratio == 1.0);
    REQUIRE(w->cost_per_success_usd.has_value());
    REQUIRE(w->mean_quality.has_value());
  }
  const auto cost = [](const results::WorkflowMetrics& w) { return *w.cost_per_success_usd; };
  const auto quality = [](const results::WorkflowMetrics& w) { return *w.mean_quality; };

  // The two ends: the small model alone is cheap (measured 6 % of the frontier's cost) and poor.
  CHECK(cost(small) < 0.1 * cost(frontier));
  CHECK(quality(small) < quality(frontier) - 0.1);

  // Threshold 0.8: about the frontier's quality (measured 0.007 below) for less than 60 % of its cost
  // (measured 45 %).
  CHECK(cost(low) < 0.6 * cost(frontier));
  CHECK(std::abs(quality(low) - quality(frontier)) < 0.03);
  CHECK(quality(low) > quality(small) + 0.1);
  // Blindly splitting the calls between the two models costs more and answers worse.
  CHECK(cost(low) < cost(split));
  CHECK(quality(split) < quality(low) - 0.05);

  // Escalations: every request calls the small model; those below the threshold call the frontier too.
  CHECK(frontier.escalations == 0);
  CHECK(low.escalations > 0);
  CHECK(low.escalations < low.offered);
  CHECK(low.calls == low.offered + low.escalations);
  CHECK(low_run.services.at("llm-small").offered == low.offered);
  CHECK(low_run.services.at("llm-frontier").offered == low.escalations);

  // Threshold 0.9: more escalations and cost, still below the frontier's; the small model keeps only its
  // best answers, so the quality passes the frontier's (measured 0.930 against 0.920).
  CHECK(high.escalations > low.escalations);
  CHECK(high.escalations < high.offered);
  CHECK(cost(high) > cost(low));
  CHECK(cost(high) < 0.85 * cost(frontier));
  CHECK(quality(high) > quality(low));
  CHECK(quality(high) > quality(frontier));

  // Latency: most requests end at the fast model, so the mean falls at 0.8 (measured -26 %); escalated
  // requests wait for both models, so with two thirds escalated p99 rises (measured +16 %).
  CHECK(low.latency_s.mean < 0.9 * frontier.latency_s.mean);
  CHECK(high.latency_s.p99 > 1.05 * frontier.latency_s.p99);
}

TEST_CASE(
    "strategy scenarios: an autoscaler follows a load ramp for less than a fixed pool, a long cold start costs "
    "latency",
    "[scenarios][strategies]")
{
  const auto hpa_run = test::run_file(RAMP); // the file's own: HPA, cold start 60 s
  const auto knative_run = test::run_file(
      RAMP, {"services.llm.autoscaling={policy: knative, min: 2, max: 20, target_concurrency: 11, cold_start: 60s, "
             "instance_hour_usd: 6}"});
  const auto cold0_run = test::run_file(RAMP, {"services.llm.autoscaling.cold_start=0"});
  const auto cold5m_run = test::run_file(RAMP, {"services.llm.autoscaling.cold_start=5m"});
  const auto fixed_run = test::run_file(RAMP, {"services.llm.autoscaling=~", "services.llm.instances=16"});
  // The same fixed pool, priced: an autoscaler that cannot move (the price is a key of `autoscaling`).
  const auto priced_run = test::run_file(
      RAMP, {"services.llm.autoscaling.min=16", "services.llm.autoscaling.max=16", "services.llm.instances=16"});
  const auto& hpa = hpa_run.services.at("llm");
  const auto& knative = knative_run.services.at("llm");
  const auto& cold5m = cold5m_run.services.at("llm");
  const auto& fixed = fixed_run.services.at("llm");
  const auto& priced = priced_run.services.at("llm");
  const auto p99 = [](const results::RunResult& r) { return r.workflows.at("chat").latency_s.p99; };
  for (const auto* r : {&hpa_run, &knative_run, &cold0_run, &cold5m_run, &fixed_run, &priced_run})
    CHECK(r->workflows.at("chat").success_ratio == 1.0);

  // The fixed pool: 16 instances throughout, no decisions; priced or not, the same run.
  CHECK(fixed.mean_instances == Approx(16.0));
  CHECK(fixed.scale_ups == 0);
  CHECK(priced.mean_instances == Approx(16.0));
  CHECK(priced.scale_ups + priced.scale_downs == 0);
  CHECK(p99(priced_run) == p99(fixed_run));
  CHECK(priced.instance_cost_usd > 0.0);

  // The HPA follows the ramp: the instance count at the end of the ramp (minute 29) is well above the
  // floor it starts from, and grows along the way (measured 2, 7 and 13 at minutes 0, 10 and 29).
  const auto& instances = series_column(hpa_run, "services.llm.instances");
  const double interval_s = hpa_run.series->interval_s;
  const auto at_minute = [&](double minute) { return instances.at(static_cast<size_t>(minute * 60.0 / interval_s)); };
  CHECK(hpa.scale_ups > 0);
  CHECK(at_minute(29) > 2.0 * at_minute(0));
  CHECK(at_minute(10) < at_minute(29));
  // ... with fewer instances on average than the fixed pool (measured 10.25 against 16), so a lower
  // instance cost, for the same p99.
  CHECK(hpa.mean_instances < 0.8 * fixed.mean_instances);
  CHECK(hpa.instance_cost_usd > 0.0);
  CHECK(hpa.instance_cost_usd < 0.8 * priced.instance_cost_usd);
  CHECK(p99(hpa_run) < 1.1 * p99(fixed_run));

  // Knative sizes as tightly, with many more scale decisions (it decides every 2 s).
  CHECK(knative.mean_instances < 0.8 * fixed.mean_instances);
  CHECK(knative.instance_cost_usd < 0.8 * priced.instance_cost_usd);
  CHECK(p99(knative_run) < 1.1 * p99(fixed_run));
  CHECK(knative.scale_ups + knative.scale_downs > 2 * (hpa.scale_ups + hpa.scale_downs));

  // A 60 s cold start against none: the 70 % target leaves enough headroom, p99 within 10 %.
  CHECK(p99(cold0_run) < 1.1 * p99(hpa_run));
  CHECK(p99(hpa_run) < 1.1 * p99(cold0_run));
  // A 5 min cold start: the ready instances fall behind the ramp, calls queue and p99 rises a lot.
  CHECK(cold5m.mean_queue_length > 10.0 * hpa.mean_queue_length);
  CHECK(p99(cold5m_run) > 1.1 * p99(hpa_run));
  // ... while it provisions about as much: instances still starting count at 0 % utilization in the
  // HPA's average (as Kubernetes does on scale-up), so pending starts do not compound into a runaway.
  CHECK(cold5m.mean_instances < 1.15 * hpa.mean_instances);
  CHECK(cold5m.mean_instances > 0.85 * hpa.mean_instances);
}
