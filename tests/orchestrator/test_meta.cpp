// The meta layer of the adaptive orchestrator and non-stationary inputs: diurnal arrivals, price faults,
// adaptive per-try timeouts, HPA target tuning and predictive autoscaling, each against the number its
// rule or its reference implies.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <numbers>

#include "models/OfferedLoad.hpp"
#include "orchestrator/capacity/PredictiveAutoscaler.hpp"
#include "orchestrator/capacity/TargetTuner.hpp"
#include "orchestrator/coordination/AdaptiveTimeout.hpp"
#include "tests/TestSupport.hpp"

using namespace orchsim;

namespace {

const std::vector<double>& column(const results::RunResult& r, const std::string& name)
{
  REQUIRE(r.series);
  for (const auto& [column_name, values] : r.series->columns)
    if (column_name == name)
      return values;
  FAIL("no series column " << name);
  throw std::logic_error("unreachable");
}

/** The integral of rate x (1 + amplitude x sin(2 pi (t - phase) / period)) over [a, b]. */
double diurnal_integral(double rate, double amplitude, double period, double phase, double a, double b)
{
  const double omega = 2.0 * std::numbers::pi / period;
  return rate * (b - a) - rate * amplitude / omega * (std::cos(omega * (b - phase)) - std::cos(omega * (a - phase)));
}

models::SourceSpec diurnal_source(double rate, double amplitude, double period, double phase)
{
  models::SourceSpec spec;
  spec.name = "diurnal";
  spec.arrival.process = models::ArrivalProcess::DIURNAL;
  spec.arrival.rate_per_s = rate;
  spec.arrival.diurnal_amplitude = amplitude;
  spec.arrival.diurnal_period_s = period;
  spec.arrival.diurnal_phase_s = phase;
  return spec;
}

/** Arrivals of `source` counted per interval of `interval_s` over [0, intervals x interval_s). */
std::vector<double> counts_per_interval(const models::SourceSpec& spec, uint64_t seed, double interval_s,
                                        size_t intervals)
{
  models::WorkloadSource source(spec, seed);
  std::vector<double> counts(intervals, 0.0);
  const double end_s = interval_s * static_cast<double>(intervals);
  for (auto t = source.first_arrival_s(); t && *t < end_s; t = source.next_arrival_s(*t))
    ++counts[static_cast<size_t>(*t / interval_s)];
  return counts;
}

const std::string DIURNAL_SCENARIO = "scenarios/adaptive/diurnal-autoscaling.yaml";

} // namespace

// ---- diurnal arrivals -----------------------------------------------------------------------------

TEST_CASE("models::WorkloadSource: diurnal arrivals per quarter period match the integral of the rate", "[meta]")
{
  // Reference: a Poisson process with rate(t) = r (1 + A sin(2 pi (t - phase) / P)) has, over [a, b], a
  // Poisson count with mean = integral of rate(t) dt = r (b - a) - r A P / (2 pi) [cos(2 pi (b - phase) / P) -
  // cos(2 pi (a - phase) / P)], and variance = mean. 200 periods of 1000 s at 10/s, A = 0.6, phase 100 s:
  // the quarters' totals over the 200 periods are ~233,000 to ~767,000 (one sd: 480 to 880).
  const double rate = 10, amplitude = 0.6, period = 1000, phase = 100;
  const size_t periods = 200;
  const auto counts = counts_per_interval(diurnal_source(rate, amplitude, period, phase), 7, period / 4, 4 * periods);
  for (int q = 0; q < 4; ++q) {
    double observed = 0;
    for (size_t p = 0; p < periods; ++p)
      observed += counts[4 * p + q];
    const double a = q * period / 4, b = (q + 1) * period / 4;
    const double expected = static_cast<double>(periods) * diurnal_integral(rate, amplitude, period, phase, a, b);
    INFO("quarter " << q << ": observed " << observed << ", expected " << expected);
    CHECK(std::abs(observed - expected) <= 4 * std::sqrt(expected));
  }
}

TEST_CASE("models::compute_offered_load: a diurnal source offers its mean rate", "[meta]")
{
  const auto loaded = analysis::load(test::source_path(DIURNAL_SCENARIO), {});
  const auto load = models::compute_offered_load(loaded.scenario);
  // The sine averages to 0 over a period: the offered rate is the mean rate, 8/s.
  CHECK(load.services[0].calls_per_s == Approx(8.0).epsilon(1e-12));
}

// ---- price faults ---------------------------------------------------------------------------------

TEST_CASE("orchestrator::Simulation: calls sent during a price fault are billed at multiplier x the price", "[meta]")
{
  // Every call costs per_call + 1000 input x per_input_token + 200 output x per_output_token =
  // 0.001 + 0.001 + 0.0004 = 0.0024 USD; x4 while the fault lasts (10 to 20 min). Each run measures one
  // window: before, during, after the fault.
  auto per_call = [](const std::string& window) {
    const std::string yaml = R"(
simulation: )" + window + R"(
services:
  s: {instances: 1, concurrency: 100, latency: 100ms,
      cost: {per_call: 0.001, per_input_token: 0.000001, per_output_token: 0.000002}}
workflows:
  w: {steps: [{name: only, service: s}]}
workload:
  - {workflow: w, arrival: {process: poisson, rate: 5/s}, tokens: {input: 1000, output: 200}}
faults:
  - {type: price, service: s, multiplier: 4, at: 10m, duration: 10m}
)";
    const auto scenario = models::load_scenario_text(yaml, test::source_path("tests/inline.yaml"), {});
    orchestrator::Simulation simulation(scenario);
    const auto stats = simulation.run();
    const auto& s = stats.services[0];
    REQUIRE(s.served > 1000);
    CHECK(stats.workflows[0].cost_usd == s.cost_usd);
    return s.cost_usd / static_cast<double>(s.served);
  };
  const double before = per_call("{seed: 1, duration: 10m}");
  const double during = per_call("{seed: 1, duration: 20m, warmup: 10m}");
  const double after = per_call("{seed: 1, duration: 30m, warmup: 20m}");
  CHECK(before == Approx(0.0024).epsilon(1e-12));
  CHECK(during == Approx(4 * before).epsilon(1e-12));
  CHECK(after == Approx(before).epsilon(1e-12));
}

// ---- adaptive timeouts ----------------------------------------------------------------------------

TEST_CASE("coordination::AdaptiveTimeout: max until warm, then multiplier x the observed percentile, clamped", "[meta]")
{
  models::AdaptiveTimeoutOptions o;
  o.percentile = 0.99;
  o.multiplier = 2;
  o.min_s = 0.5;
  o.max_s = 30;
  o.min_samples = 100;
  o.window_samples = 1000;
  orchestrator::coordination::AdaptiveTimeout timeout(o);
  for (int i = 1; i <= 99; ++i)
    timeout.record(0.001 * i);
  CHECK(timeout.get_timeout_s() == 30.0); // 99 answers: not warm yet
  // The window's 1000 answers are 1 ms .. 1 s: the p99 is the 990th, 0.99 s (within the tracker's 0.39 %).
  for (int i = 100; i <= 1000; ++i)
    timeout.record(0.001 * i);
  CHECK(timeout.get_timeout_s() ==
        Approx(2 * 0.99).epsilon(orchestrator::coordination::QuantileTracker::MAX_RELATIVE_ERROR));
  for (int i = 0; i < 1000; ++i)
    timeout.record(0.1); // 2 x 0.1 s is below the floor
  CHECK(timeout.get_timeout_s() == 0.5);
  for (int i = 0; i < 1000; ++i)
    timeout.record(100.0); // 2 x 100 s is above the ceiling
  CHECK(timeout.get_timeout_s() == 30.0);
}

TEST_CASE("orchestrator::Simulation: the adaptive timeout converges to multiplier x the latency's true p99", "[meta]")
{
  // One service with ample slots (no queueing): a call's latency is its service time, lognormal with
  // median 200 ms and sigma 0.5. Its p99 is 0.2 exp(0.5 z_0.99), z_0.99 = 2.3263479 (the standard normal's
  // 99th percentile): 0.6400 s, so the timeout should settle at 2 x 0.6400 = 1.2800 s. Over a window of 1000
  // answers (50 s at 20/s) the observed p99 wanders by ~6 % (its standard error); the mean over the 50 last
  // minutes of the series averages ~60 windows.
  const std::string yaml = R"(
simulation: {seed: 5, duration: 1h, series: {interval: 60s}}
services:
  s: {instances: 1, concurrency: 1000, latency: {dist: lognormal, median: 200ms, sigma: 0.5}}
workflows:
  w: {steps: [{name: only, service: s}]}
workload:
  - {workflow: w, arrival: {process: poisson, rate: 20/s}}
orchestrator:
  timeout: {adaptive: {percentile: 99%, multiplier: 2, min: 100ms, max: 30s, min_samples: 100}}
)";
  const double reference = 2 * 0.2 * std::exp(0.5 * 2.3263478740408408);
  const auto r = test::run_text(yaml);
  const auto& timeout = column(r, "workflows.w.timeout_s");
  REQUIRE(timeout.size() >= 60);
  // The first minute's calls include the first 100, which got the 30 s ceiling.
  CHECK(timeout[0] > 2 * reference);
  double sum = 0;
  for (size_t i = 10; i < 60; ++i)
    sum += timeout[i];
  CHECK(sum / 50 == Approx(reference).epsilon(0.04));
  // Calls slower than the timeout time out: P(X > 2 p99) = P(Z > (ln 2 + 0.5 z_0.99) / 0.5) = P(Z > 3.713)
  // = 1.0e-4, so ~7 of the ~72,000 calls (Poisson: at most 25 with overwhelming probability).
  const auto& w = r.workflows.at("w");
  CHECK(w.failures.timeout <= 25);
  CHECK(w.failures.timeout >= 1);
  // A floor above the percentile's multiple holds the timeout at the floor.
  const auto floored = test::run_text(yaml, {"orchestrator.timeout.adaptive.min=2s"});
  const auto& held = column(floored, "workflows.w.timeout_s");
  CHECK(held[30] == 2.0);
  CHECK(floored.workflows.at("w").failures.timeout == 0);
}

// ---- HPA target tuning ----------------------------------------------------------------------------

TEST_CASE("capacity::TargetTuner: down a step above the objective, up a step below half of it, clamped", "[meta]")
{
  models::TargetTuningOptions o;
  o.latency_s = 2;
  o.step = 0.1;
  o.min_target = 0.3;
  o.max_target = 0.9;
  orchestrator::capacity::TargetTuner tuner(o, 0.8);
  CHECK(tuner.update(3.0) == Approx(0.7));
  CHECK(tuner.update(1.5) == Approx(0.7)); // in the dead band [latency / 2, latency]
  CHECK(tuner.update(2.0) == Approx(0.7));
  CHECK(tuner.update(0.5) == Approx(0.8));
  for (int i = 0; i < 5; ++i)
    tuner.update(0.1);
  CHECK(tuner.get_target() == 0.9);
  for (int i = 0; i < 20; ++i)
    tuner.update(10);
  CHECK(tuner.get_target() == 0.3);
}

TEST_CASE("autoscaling: target tuning lowers a too-high HPA target until the latency percentile meets its objective",
          "[meta]")
{
  // 8 calls/s of lognormal service (median 800 ms, p99 1.6 s, mean 0.84 s): 6.7 busy slots, one slot per
  // instance. At a 95 % target the HPA settles on 6 or 7 instances, too few: utilization is then 96 to 100 %,
  // inside the 10 % tolerance band (and it cannot exceed 100 % to ask for more), and the queue grows without
  // bound. The tuner lowers the target by 0.05 per 15 s sync while the p99 of the period's call latencies
  // exceeds 2.5 s; the service's own p99 (1.6 s) is above half the objective, so the target never climbs
  // back (dead band).
  const std::string yaml = R"(
simulation: {seed: 3, duration: 4h, warmup: 2h, series: {interval: 60s}}
services:
  s:
    instances: 8
    concurrency: 1
    latency: {dist: lognormal, median: 800ms, p99: 1.6s}
    autoscaling: {policy: hpa, min: 1, max: 40, target_utilization: 95%, cold_start: 30s,
                  target_tuning: {latency: 2.5s, percentile: 99%, step: 0.05, min: 0.3, max: 0.95}}
workflows:
  w: {steps: [{name: only, service: s}]}
workload:
  - {workflow: w, arrival: {process: poisson, rate: 8/s}}
)";
  const auto tuned = test::run_text(yaml);
  const auto& target = column(tuned, "services.s.target");
  CHECK(target.back() <= 0.8);
  CHECK(*std::max_element(target.begin() + 120, target.end()) < 0.95);
  const auto& s = tuned.services.at("s");
  CHECK(s.latency_s.p99 <= 2.5); // calls measured over the last 2 h
  CHECK(tuned.workflows.at("w").success_ratio == 1.0);

  const auto fixed = test::run_text(yaml, {"services.s.autoscaling.target_tuning=~"});
  CHECK(fixed.services.at("s").latency_s.p99 > 10.0); // the too-high target: a queue that grows
  CHECK(s.mean_instances > fixed.services.at("s").mean_instances);
}

// ---- predictive autoscaling -----------------------------------------------------------------------

TEST_CASE(
    "capacity::PredictiveAutoscaler: sizes for the busiest forecast over the cold start, never below the "
    "current load",
    "[meta]")
{
  models::PredictiveScalingOptions o;
  o.min_replicas = 1;
  o.max_replicas = 100;
  o.target_utilization = 0.5;
  o.interval_s = 60;
  o.forecaster = models::ForecasterKind::HOLT;
  o.alpha = 1; // level = last value, trend = last change: a line is extrapolated exactly
  o.beta = 1;
  // 10 slots per instance, 5 at the target; cold start 120 s: H = ceil((120 + 60) / 60) = 3 intervals ahead.
  orchestrator::capacity::PredictiveAutoscaler scaler(o, 10, 120.0, 2.0);
  CHECK(scaler.evaluate(600, 0) == 4); // 10/s x 2 s = 20 busy slots / 5
  // 600 then 1200 calls: forecast(3) = 1200 + 3 x 600 = 3000 calls, 50/s x 2 s = 100 busy / 5 = 20.
  CHECK(scaler.evaluate(1200, 0) == 20);
  CHECK(scaler.get_forecast_per_s() == Approx(50.0));
  // Falling: 1200 then 600: the busiest of the next 3 intervals is the first, 600 - 600 = 0 calls; the
  // current load (37 busy slots) still needs ceil(37 / 5) = 8.
  CHECK(scaler.evaluate(600, 37) == 8);
  CHECK(scaler.get_reactive() == 8);
  // The observed service time replaces the prior: 4 s doubles what the forecast needs.
  scaler.observe_service_time(4.0);
  CHECK(scaler.get_mean_service_s() == 4.0);
  CHECK(scaler.evaluate(600, 0) == 8); // the trend is now 0: 10/s x 4 s = 40 busy / 5
  o.max_replicas = 6;
  orchestrator::capacity::PredictiveAutoscaler capped(o, 10, 120.0, 2.0);
  CHECK(capped.evaluate(6000, 0) == 6);
}

TEST_CASE(
    "intelligence::HoltWintersForecaster: one step ahead on per-interval diurnal arrivals it beats the naive "
    "last value",
    "[meta]")
{
  // The diurnal-autoscaling scenario's load (8/s, amplitude 0.8, period 2 h, phase 30 min) counted per 60 s
  // interval: ~480 calls an interval, Poisson noise sd ~22. The naive forecast (the last count) pays the noise
  // twice (variance ~2 x 480) plus the change between intervals; Holt-Winters with the predictive policy's
  // default smoothing learns the season and pays the noise about once. Mean squared one-step error over
  // seasons 3 to 8 (the first two learn).
  const auto counts = counts_per_interval(diurnal_source(8, 0.8, 7200, 1800), 11, 60, 8 * 120);
  models::PredictiveScalingOptions o;
  o.season_s = 7200;
  auto holt_winters = orchestrator::capacity::make_forecaster(o);
  orchestrator::intelligence::NaiveForecaster naive;
  double hw_error = 0, naive_error = 0;
  for (size_t i = 0; i < counts.size(); ++i) {
    if (i >= 2 * 120) {
      hw_error += std::pow(holt_winters->forecast(1) - counts[i], 2);
      naive_error += std::pow(naive.forecast(1) - counts[i], 2);
    }
    holt_winters->observe(counts[i]);
    naive.observe(counts[i]);
  }
  const double n = static_cast<double>(counts.size() - 2 * 120);
  INFO("mean squared one-step error: Holt-Winters " << hw_error / n << ", naive " << naive_error / n);
  CHECK(hw_error < 0.8 * naive_error);
  CHECK(naive_error / n > 2 * 400); // the naive forecast pays the Poisson noise (variance ~480) twice
}

TEST_CASE("autoscaling: predictive scaling keeps the SLO on a diurnal load where the HPA falls behind its cold starts",
          "[meta]")
{
  // The same seed, load and target (70 %) under both autoscalers (common random numbers).
  const auto hpa = analysis::run(analysis::load(test::source_path(DIURNAL_SCENARIO), {}, "baseline"));
  const auto predictive = analysis::run(analysis::load(test::source_path(DIURNAL_SCENARIO), {}, "predictive"));
  const auto& wh = hpa.workflows.at("chat");
  const auto& wp = predictive.workflows.at("chat");
  REQUIRE(wh.offered == wp.offered);
  CHECK(wp.slo->met);
  CHECK_FALSE(wh.slo->met);
  CHECK(wp.slo->attainment > wh.slo->attainment + 0.05);
  CHECK(wp.goodput_per_s > 1.05 * wh.goodput_per_s);
  // Not by buying more: within 5 % of the HPA's instance-hours.
  CHECK(predictive.services.at("llm").mean_instances < 1.05 * hpa.services.at("llm").mean_instances);

  // Instances rise before the load: in the third cycle (4 h to 6 h, trough at 4 h, peak at 5 h), the minute
  // the provisioned instances first reach N against the time the rate reaches what N instances serve at the
  // target, r = N x 0.7 x 8 slots / mean service time (the latency model's mean at the mean tokens).
  const auto load = models::compute_offered_load(analysis::load(test::source_path(DIURNAL_SCENARIO), {}).scenario);
  const double service_s = *load.services[0].mean_service_s;
  const double cold_start_s = 7 * 60;
  const auto& ih = column(hpa, "services.llm.instances");
  const auto& ip = column(predictive, "services.llm.instances");
  for (int n : {8, 12, 16}) {
    const double needed = n * 0.7 * 8 / service_s;
    double rate_at_s = 0; // first time after 4 h the rate reaches `needed` (1 s steps)
    for (double t = 4 * 3600; t < 5 * 3600; t += 1)
      if (8 * (1 + 0.8 * std::sin(2 * std::numbers::pi * (t - 1800) / 7200)) >= needed) {
        rate_at_s = t;
        break;
      }
    auto reached = [&](const std::vector<double>& instances) {
      for (size_t i = 240; i < 300; ++i) // point i is the level at the end of minute i
        if (instances[i] >= n)
          return 60.0 * static_cast<double>(i + 1);
      return 1e9;
    };
    INFO(n << " instances: rate at " << rate_at_s / 60 << " min, predictive at " << reached(ip) / 60 << " min, HPA at "
           << reached(ih) / 60 << " min");
    CHECK(reached(ip) <= rate_at_s - cold_start_s / 2);
    CHECK(reached(ih) >= rate_at_s - 120);
  }
}

// ---- the new keys ---------------------------------------------------------------------------------

TEST_CASE("models::load_scenario: defaults of the meta keys", "[meta]")
{
  const std::string yaml = R"(
simulation: {seed: 1, duration: 1h}
services:
  a: {latency: 1s, autoscaling: {policy: predictive, min: 1, max: 4}}
  b: {latency: 1s, autoscaling: {policy: hpa, min: 1, max: 4, target_tuning: {latency: 2s}}}
workflows:
  w: {steps: [{name: one, service: a}, {name: two, service: b}]}
workload:
  - {workflow: w, arrival: {process: diurnal, rate: 1/s, amplitude: 0.5}}
orchestrator:
  timeout: {adaptive: {max: 10s}}
faults:
  - {type: price, service: a, multiplier: 3, at: 10m}
)";
  const auto s = models::load_scenario_text(yaml, test::source_path("tests/inline.yaml"), {});
  const auto& arrival = s.sources[0].arrival;
  CHECK(arrival.process == models::ArrivalProcess::DIURNAL);
  CHECK(arrival.diurnal_period_s == 86400);
  CHECK(arrival.diurnal_phase_s == 0);
  const auto& timeout = *s.orchestrator.adaptive_timeout;
  CHECK(timeout.percentile == 0.99);
  CHECK(timeout.multiplier == 2);
  CHECK(timeout.min_s == 0);
  CHECK(timeout.max_s == 10);
  CHECK(timeout.min_samples == 100);
  CHECK(timeout.window_samples == 1000);
  CHECK(std::isinf(s.orchestrator.call_timeout_s));
  const auto& p = std::get<models::PredictiveScalingOptions>(s.services[0].autoscaling->policy);
  CHECK(p.target_utilization == 0.7);
  CHECK(p.interval_s == 60);
  CHECK(p.forecaster == models::ForecasterKind::HOLT_WINTERS);
  CHECK(models::season_intervals(p) == 1440);
  CHECK(s.services[0].autoscaling->get_max() == 4);
  const auto& tuning = *s.services[1].autoscaling->target_tuning;
  CHECK(tuning.latency_s == 2);
  CHECK(tuning.percentile == 0.99);
  CHECK(tuning.step == 0.05);
  CHECK(tuning.min_target == 0.3);
  CHECK(tuning.max_target == 0.9);
  CHECK(s.faults[0].kind == models::FaultSpec::Kind::PRICE);
  CHECK(s.faults[0].price_multiplier == 3);
}

TEST_CASE("determinism: byte-identical results with diurnal arrivals, adaptive timeouts, tuning and prediction",
          "[meta][determinism]")
{
  const std::string yaml = R"(
simulation: {seed: 2, duration: 2h, series: {interval: 60s}}
services:
  a: {concurrency: 4, latency: {dist: exponential, mean: 1s},
      autoscaling: {policy: hpa, min: 1, max: 20, cold_start: 1m, target_tuning: {latency: 5s}}}
  b: {concurrency: 4, latency: {dist: exponential, mean: 500ms},
      autoscaling: {policy: predictive, min: 1, max: 20, cold_start: 2m, season: 1h}}
workflows:
  w: {steps: [{name: one, service: a}, {name: two, service: b, after: one}]}
workload:
  - {workflow: w, arrival: {process: diurnal, rate: 10/s, amplitude: 0.7, period: 1h}}
orchestrator:
  timeout: {adaptive: {max: 20s, min_samples: 50}}
)";
  const auto first = test::deterministic_json(test::run_text(yaml));
  CHECK(first == test::deterministic_json(test::run_text(yaml)));
  CHECK(first.find("forecast_per_s") != std::string::npos);
  CHECK(first.find("\"target\"") != std::string::npos);
}
