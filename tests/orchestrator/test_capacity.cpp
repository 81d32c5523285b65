#include <catch2/catch.hpp>

#include <cmath>

#include "orchestrator/capacity/AimdLimit.hpp"
#include "orchestrator/capacity/ConcurrencyLimit.hpp"
#include "orchestrator/capacity/GradientLimit.hpp"
#include "orchestrator/capacity/Hpa.hpp"
#include "orchestrator/capacity/KnativeAutoscaler.hpp"

using namespace orchsim::orchestrator::capacity;

namespace {

AimdLimit aimd_from(uint32_t initial)
{
  AimdLimit::Options options;
  options.initial_limit = initial;
  return AimdLimit(options);
}

// A sample with rtt 1 s, no drop, `inflight` calls in flight.
void succeed(ConcurrencyLimit& limit, uint32_t inflight, double rtt_s = 1.0)
{
  limit.on_sample(0.0, rtt_s, inflight, false);
}

// Gradient2's long rtt after a 10-sample warm-up at `base` and one sample at `rtt`:
// ExpAvgMeasurement factor 2 / (longWindow + 1) = 2 / 601.
double long_rtt_after(double base, double rtt)
{
  const double factor = 2.0 / 601.0;
  return base * (1.0 - factor) + rtt * factor;
}

Hpa hpa_with_target(double target, uint32_t max_replicas = 100)
{
  Hpa::Options options;
  options.target_value = target;
  options.max_replicas = max_replicas;
  return Hpa(options);
}

// One reading per second, at whole seconds from `from_s` to `to_s` inclusive.
void feed(KnativeAutoscaler& kpa, int from_s, int to_s, double concurrency)
{
  for (int t = from_s; t <= to_s; ++t)
    kpa.observe(t, concurrency);
}

} // namespace

// ---------------------------------------------------------------------------------------------- AIMD

TEST_CASE("capacity::AimdLimit: defaults are Netflix AIMDLimit.Builder's", "[orchestrator][capacity]")
{
  const AimdLimit::Options options;
  CHECK(options.initial_limit == 20);
  CHECK(options.min_limit == 20);
  CHECK(options.max_limit == 200);
  CHECK(options.backoff_ratio == 0.9);
  CHECK(options.timeout_s == 5.0);
  CHECK(AimdLimit().get_limit() == 20);
}

TEST_CASE("capacity::AimdLimit: a drop backs off by exactly the ratio, floored", "[orchestrator][capacity]")
{
  AimdLimit limit = aimd_from(100);
  limit.on_sample(0.0, 0.1, 100, true);
  CHECK(limit.get_limit() == 90); // 100 * 0.9
  limit.on_sample(0.0, 0.1, 100, true);
  CHECK(limit.get_limit() == 81); // 90 * 0.9
  limit.on_sample(0.0, 0.1, 100, true);
  CHECK(limit.get_limit() == 72); // floor(81 * 0.9 = 72.9)
}

TEST_CASE("capacity::AimdLimit: an rtt above the timeout counts as a drop", "[orchestrator][capacity]")
{
  AimdLimit limit = aimd_from(100);
  succeed(limit, 0, 5.0); // at the timeout: not a drop; inflight 0 is too low to grow
  CHECK(limit.get_limit() == 100);
  succeed(limit, 100, 5.001);
  CHECK(limit.get_limit() == 90);
}

TEST_CASE("capacity::AimdLimit: grows by one only when inflight * 2 >= limit", "[orchestrator][capacity]")
{
  AimdLimit limit = aimd_from(100);
  succeed(limit, 49);
  CHECK(limit.get_limit() == 100);
  succeed(limit, 50);
  CHECK(limit.get_limit() == 101);
  succeed(limit, 51);
  CHECK(limit.get_limit() == 102);
}

TEST_CASE("capacity::AimdLimit: the limit stays within min_limit..max_limit", "[orchestrator][capacity]")
{
  AimdLimit at_max = aimd_from(200);
  succeed(at_max, 200);
  CHECK(at_max.get_limit() == 200);

  AimdLimit near_min = aimd_from(21);
  near_min.on_sample(0.0, 0.1, 21, true); // floor(18.9) = 18, clamped to 20
  CHECK(near_min.get_limit() == 20);
  near_min.on_sample(0.0, 0.1, 21, true);
  CHECK(near_min.get_limit() == 20);
}

TEST_CASE("capacity::AimdLimit: options outside the builder's rules are refused", "[orchestrator][capacity]")
{
  AimdLimit::Options options;
  CHECK(AimdLimit::check_options(options) == nullptr);
  options.backoff_ratio = 1.0;
  CHECK(AimdLimit::check_options(options) != nullptr);
  options.backoff_ratio = 0.4;
  CHECK(AimdLimit::check_options(options) != nullptr);
  options = {};
  options.max_limit = 10; // below min_limit 20
  CHECK(AimdLimit::check_options(options) != nullptr);
}

// ------------------------------------------------------------------------------------------ Gradient2

TEST_CASE("capacity::GradientLimit: defaults are Netflix Gradient2Limit.Builder's", "[orchestrator][capacity]")
{
  const GradientLimit::Options options;
  CHECK(options.initial_limit == 20);
  CHECK(options.min_limit == 20);
  CHECK(options.max_concurrency == 200);
  CHECK(options.smoothing == 0.2);
  CHECK(options.rtt_tolerance == 1.5);
  CHECK(options.long_window == 600);
  CHECK(options.queue_size == 4);
  CHECK(GradientLimit().get_limit() == 20);
}

TEST_CASE("capacity::GradientLimit: flat rtt and a used limit grow it by queue_size * smoothing a sample",
          "[orchestrator][capacity]")
{
  GradientLimit limit;
  // gradient 1: new = L + 4; L' = 0.8 L + 0.2 (L + 4) = L + 0.8.
  succeed(limit, 20, 0.1);
  CHECK(limit.get_estimated_limit() == Approx(20.8));
  CHECK(limit.get_limit() == 20);
  succeed(limit, 20, 0.1);
  CHECK(limit.get_estimated_limit() == Approx(21.6));
  CHECK(limit.get_limit() == 21);
  for (int i = 0; i < 8; ++i)
    succeed(limit, 20, 0.1);
  CHECK(limit.get_estimated_limit() == Approx(28.0));

  // Up to rtt_tolerance x the long rtt still counts as flat: gradient = min(1, 1.5 / 1.4) = 1.
  const double before = limit.get_estimated_limit();
  succeed(limit, 30, 0.14);
  CHECK(limit.get_estimated_limit() == Approx(before + 0.8));
}

TEST_CASE("capacity::GradientLimit: a short rtt above rtt_tolerance x the long rtt shrinks the limit",
          "[orchestrator][capacity]")
{
  GradientLimit::Options options;
  options.initial_limit = 100;
  GradientLimit limit(options);
  for (int i = 0; i < 10; ++i)
    succeed(limit, 200, 0.1); // warm-up: long rtt = mean = 0.1; limit 100 + 10 * 0.8 = 108
  REQUIRE(limit.get_estimated_limit() == Approx(108.0));
  REQUIRE(limit.get_long_rtt_s() == Approx(0.1));

  succeed(limit, 200, 0.2);
  const double gradient = 1.5 * long_rtt_after(0.1, 0.2) / 0.2;                               // 0.7525
  CHECK(limit.get_estimated_limit() == Approx(108.0 * 0.8 + 0.2 * (108.0 * gradient + 4.0))); // 103.45
  CHECK(limit.get_limit() == 103);

  // The gradient never goes below 0.5: L' = 0.8 L + 0.2 (0.5 L + 4) = 0.9 L + 0.8.
  const double before = limit.get_estimated_limit();
  succeed(limit, 200, 100.0);
  CHECK(limit.get_estimated_limit() == Approx(0.9 * before + 0.8));
}

TEST_CASE("capacity::GradientLimit: an app-limited sample (inflight < limit / 2) changes nothing",
          "[orchestrator][capacity]")
{
  GradientLimit limit;
  succeed(limit, 9, 0.1); // 9 < 20 / 2
  CHECK(limit.get_estimated_limit() == 20.0);
  succeed(limit, 9, 10.0); // nor does a high rtt shrink it
  CHECK(limit.get_estimated_limit() == 20.0);
  succeed(limit, 10, 0.1); // 10 is not below 10
  CHECK(limit.get_estimated_limit() > 20.0);
}

TEST_CASE("capacity::GradientLimit: a long rtt over 2 x the short one decays by 0.95", "[orchestrator][capacity]")
{
  GradientLimit limit;
  for (int i = 0; i < 10; ++i)
    succeed(limit, 20, 1.0);
  REQUIRE(limit.get_long_rtt_s() == Approx(1.0));
  succeed(limit, 20, 0.1); // long / short = 9.97 > 2
  CHECK(limit.get_long_rtt_s() == Approx(long_rtt_after(1.0, 0.1) * 0.95));
  succeed(limit, 20, 0.6); // long / short = 0.947 / 0.6 < 2: no decay
  CHECK(limit.get_long_rtt_s() == Approx(long_rtt_after(long_rtt_after(1.0, 0.1) * 0.95, 0.6)));
}

TEST_CASE("capacity::GradientLimit: stays within min_limit..max_concurrency, drops are ignored",
          "[orchestrator][capacity]")
{
  GradientLimit::Options options;
  options.max_concurrency = 22;
  GradientLimit limit(options);
  for (int i = 0; i < 20; ++i)
    limit.on_sample(0.0, 0.1, 22, true); // a drop with a flat rtt grows the limit like a success
  CHECK(limit.get_limit() == 22);
  for (int i = 0; i < 50; ++i)
    succeed(limit, 22, 50.0);
  CHECK(limit.get_limit() == 20);
}

TEST_CASE("capacity::make_concurrency_limit: builds the algorithm the options name", "[orchestrator][capacity]")
{
  AimdLimitOptions aimd;
  aimd.initial_limit = 100;
  auto from_aimd = make_concurrency_limit(aimd);
  from_aimd->on_sample(0.0, 0.1, 100, true);
  CHECK(from_aimd->get_limit() == 90);

  auto from_gradient = make_concurrency_limit(GradientLimitOptions{});
  from_gradient->on_sample(0.0, 0.1, 20, true); // Gradient2 ignores the drop and grows
  CHECK(dynamic_cast<GradientLimit&>(*from_gradient).get_estimated_limit() == Approx(20.8));
}

// ----------------------------------------------------------------------------------------------- HPA

TEST_CASE("capacity::Hpa: defaults are the Kubernetes ones", "[orchestrator][capacity]")
{
  const Hpa::Options options;
  CHECK(options.min_replicas == 1);
  CHECK(options.tolerance == 0.1);
  CHECK(options.sync_period_s == 15.0);
  CHECK(options.scale_up.stabilization_window_s == 0.0);
  CHECK(options.scale_up.policies.size() == 2);
  CHECK(options.scale_down.stabilization_window_s == 300.0);
  CHECK(options.scale_down.policies.size() == 1);
  CHECK(Hpa::check_options(options) == nullptr);
}

TEST_CASE("capacity::Hpa: within the 10 % tolerance band nothing changes", "[orchestrator][capacity]")
{
  CHECK(hpa_with_target(1.0).evaluate(0.0, 10, 1.09) == 10);
  CHECK(hpa_with_target(1.0).evaluate(0.0, 10, 1.11) == 12); // ceil(10 * 1.11 = 11.1)
  CHECK(hpa_with_target(1.0).evaluate(0.0, 10, 0.91) == 10);
  CHECK(hpa_with_target(1.0).evaluate(0.0, 10, 0.89) == 9); // no history yet, so nothing to stabilize on
}

TEST_CASE("capacity::Hpa: desired = ceil(current * metric / target)", "[orchestrator][capacity]")
{
  CHECK(hpa_with_target(0.5).evaluate(0.0, 4, 0.8) == 7);   // ceil(4 * 1.6 = 6.4)
  CHECK(hpa_with_target(1.0).evaluate(0.0, 10, 1.2) == 12); // exactly 12, float round-off forgiven
  CHECK(hpa_with_target(0.8).evaluate(0.0, 3, 1.6) == 6);   // exactly 2 x
}

TEST_CASE("capacity::Hpa: scale-up takes the larger of +100 % and +4 pods per 15 s", "[orchestrator][capacity]")
{
  Hpa hpa = hpa_with_target(1.0, 100);
  CHECK(hpa.evaluate(0.0, 2, 10.0) == 6);   // wants 20; +4 pods (6) beats +100 % (4)
  CHECK(hpa.evaluate(15.0, 6, 10.0) == 12); // +100 % (12) beats +4 pods (10)
  CHECK(hpa.evaluate(30.0, 12, 10.0) == 24);
  CHECK(hpa.evaluate(45.0, 24, 10.0) == 48);
  CHECK(hpa.evaluate(60.0, 48, 10.0) == 96);
  CHECK(hpa.evaluate(75.0, 96, 10.0) == 100); // max_replicas
}

TEST_CASE("capacity::Hpa: the policy limit counts what was added within the period", "[orchestrator][capacity]")
{
  Hpa::Options options;
  options.target_value = 1.0;
  options.max_replicas = 100;
  options.sync_period_s = 5.0;
  Hpa hpa(options);
  CHECK(hpa.evaluate(0.0, 2, 10.0) == 6);
  CHECK(hpa.evaluate(5.0, 6, 10.0) == 6); // the period began at 2 replicas: at most 6
  CHECK(hpa.evaluate(10.0, 6, 10.0) == 6);
  CHECK(hpa.evaluate(15.0, 6, 10.0) == 12); // the t = 0 event is a whole period old
}

TEST_CASE("capacity::Hpa: evaluations closer than the sync period repeat the last one", "[orchestrator][capacity]")
{
  Hpa hpa = hpa_with_target(1.0);
  CHECK(hpa.evaluate(0.0, 10, 1.0) == 10);
  CHECK(hpa.evaluate(5.0, 10, 3.0) == 10);
  CHECK(hpa.evaluate(15.0, 10, 3.0) == 20);
}

TEST_CASE("capacity::Hpa: scale-down waits for the 300 s stabilization window", "[orchestrator][capacity]")
{
  Hpa hpa = hpa_with_target(1.0);
  // Constant total load: the per-replica metric is load / current.
  CHECK(hpa.evaluate(0.0, 10, 10.0 / 10) == 10);
  for (int t = 15; t <= 285; t += 15)
    REQUIRE(hpa.evaluate(t, 10, 5.0 / 10) == 10); // recommends 5, but 10 (t = 0) is in the window
  CHECK(hpa.evaluate(300.0, 10, 5.0 / 10) == 5);  // t = 0 is now exactly 300 s old: out
  CHECK(hpa.evaluate(315.0, 5, 5.0 / 5) == 5);
}

TEST_CASE("capacity::Hpa: scale-down goes to the highest recommendation in the window", "[orchestrator][capacity]")
{
  Hpa hpa = hpa_with_target(1.0);
  CHECK(hpa.evaluate(0.0, 10, 1.0) == 10);
  uint32_t current = 10;
  for (int t = 15; t <= 435; t += 15) {
    const double load = t == 150 ? 8.0 : 5.0;
    current = hpa.evaluate(t, current, load / current);
    if (t < 300)
      REQUIRE(current == 10);
    else
      REQUIRE(current == 8); // the recommendation of 8 at t = 150 is the highest younger than 300 s
  }
  CHECK(hpa.evaluate(450.0, current, 5.0 / current) == 5);
}

TEST_CASE("capacity::Hpa: a scale-down policy caps the fall per period", "[orchestrator][capacity]")
{
  Hpa::Options options;
  options.target_value = 1.0;
  options.scale_down = {0.0, {{Hpa::PolicyType::PODS, 1, 60.0}}, Hpa::SelectPolicy::MAX};
  Hpa hpa(options);
  CHECK(hpa.evaluate(0.0, 10, 0.1) == 9);
  CHECK(hpa.evaluate(15.0, 9, 0.1) == 9); // one pod already removed within 60 s
  CHECK(hpa.evaluate(45.0, 9, 0.1) == 9);
  CHECK(hpa.evaluate(60.0, 9, 0.1) == 8);
}

TEST_CASE("capacity::Hpa: min and max replicas bound the result", "[orchestrator][capacity]")
{
  Hpa::Options options;
  options.target_value = 1.0;
  options.min_replicas = 2;
  options.max_replicas = 5;
  CHECK(Hpa(options).evaluate(0.0, 12, 1.0) == 5); // above max: straight to max
  CHECK(Hpa(options).evaluate(0.0, 0, 1.0) == 2);  // below min: straight to min
  CHECK(Hpa(options).evaluate(0.0, 3, 0.0) == 2);  // no load: min
  CHECK(Hpa(options).evaluate(0.0, 3, 50.0) == 5); // +4 pods would allow 7; max is 5
}

// ------------------------------------------------------------------------------------------ Knative

TEST_CASE("capacity::KnativeAutoscaler: defaults are Knative's config-autoscaler", "[orchestrator][capacity]")
{
  const KnativeAutoscaler kpa;
  CHECK(kpa.get_target_value() == Approx(70.0)); // 100 x 70 %
  CHECK(kpa.get_options().stable_window_s == 60.0);
  CHECK(kpa.get_options().panic_window_percentage == 10.0);
  CHECK(kpa.get_options().panic_threshold_percentage == 200.0);
  CHECK(kpa.get_options().max_scale_up_rate == 1000.0);
  CHECK(kpa.get_options().max_scale_down_rate == 2.0);
  CHECK(kpa.get_options().tick_interval_s == 2.0);
}

TEST_CASE("capacity::KnativeAutoscaler: stable mode asks for ceil(average concurrency / target)",
          "[orchestrator][capacity]")
{
  KnativeAutoscaler kpa;
  feed(kpa, 0, 29, 70.0);
  feed(kpa, 30, 59, 210.0);
  CHECK(kpa.evaluate(59.0, 2) == 2); // 60 s average 140: ceil(140 / 70); the 6 s panic window (3 pods) is < 2 x 2
  CHECK_FALSE(kpa.is_panicking());

  KnativeAutoscaler other;
  feed(other, 0, 59, 150.0);
  CHECK(other.evaluate(59.0, 2) == 3); // ceil(2.14)
}

TEST_CASE("capacity::KnativeAutoscaler: a young window averages only the seconds it has", "[orchestrator][capacity]")
{
  KnativeAutoscaler kpa;
  feed(kpa, 0, 9, 140.0);
  CHECK(kpa.evaluate(9.0, 2) == 2); // 140 over 10 buckets, not 1400 / 60
}

TEST_CASE("capacity::KnativeAutoscaler: panic starts when the panic window wants 2 x the ready instances",
          "[orchestrator][capacity]")
{
  KnativeAutoscaler below;
  feed(below, 0, 59, 210.0);
  CHECK(below.evaluate(59.0, 2) == 3); // ceil(210 / 70) = 3 < 2 x 2
  CHECK_FALSE(below.is_panicking());

  KnativeAutoscaler at;
  feed(at, 0, 59, 211.0);
  CHECK(at.evaluate(59.0, 2) == 4); // ceil(211 / 70) = 4 = 2 x 2
  CHECK(at.is_panicking());
}

TEST_CASE("capacity::KnativeAutoscaler: no scale-down in panic, which ends a stable window after its cause",
          "[orchestrator][capacity]")
{
  KnativeAutoscaler kpa;
  feed(kpa, 0, 59, 211.0);
  REQUIRE(kpa.evaluate(59.0, 2) == 4);
  // The burst is over: one instance's worth from t = 60, read every second, evaluated every 2 s.
  for (int t = 61; t <= 119; t += 2) {
    feed(kpa, t - 1, t, 70.0);
    REQUIRE(kpa.evaluate(t, 4) == 4); // panicking: held at the panic maximum
  }
  CHECK(kpa.is_panicking()); // at 119 the condition last held exactly 60 s ago
  feed(kpa, 120, 121, 70.0);
  CHECK(kpa.evaluate(121.0, 4) == 2); // stable again: wants 1, but at most halves 4
  CHECK_FALSE(kpa.is_panicking());
  feed(kpa, 122, 123, 70.0);
  CHECK(kpa.evaluate(123.0, 2) == 1);
}

TEST_CASE("capacity::KnativeAutoscaler: a new burst during panic extends it", "[orchestrator][capacity]")
{
  KnativeAutoscaler kpa;
  feed(kpa, 0, 59, 211.0);
  REQUIRE(kpa.evaluate(59.0, 2) == 4);
  feed(kpa, 60, 83, 70.0);
  feed(kpa, 84, 89, 600.0); // ceil(600 / 70) = 9 >= 2 x 4
  CHECK(kpa.evaluate(89.0, 4) == 9);
  for (int t = 91; t <= 149; t += 2) {
    feed(kpa, t - 1, t, 70.0);
    REQUIRE(kpa.evaluate(t, 9) == 9);
  }
  CHECK(kpa.is_panicking());
  feed(kpa, 150, 151, 70.0);
  CHECK(kpa.evaluate(151.0, 9) == 4); // 62 s after the last over-threshold tick; floor(9 / 2)
  CHECK_FALSE(kpa.is_panicking());
}

TEST_CASE("capacity::KnativeAutoscaler: scale-down is at most 2 x per evaluation", "[orchestrator][capacity]")
{
  KnativeAutoscaler from_ten;
  feed(from_ten, 0, 59, 70.0);
  CHECK(from_ten.evaluate(59.0, 10) == 5);

  KnativeAutoscaler from_three;
  feed(from_three, 0, 59, 0.0);
  CHECK(from_three.evaluate(59.0, 3) == 1); // floor(3 / 2)
}

TEST_CASE("capacity::KnativeAutoscaler: ticks, missing data and bounds", "[orchestrator][capacity]")
{
  KnativeAutoscaler kpa;
  CHECK(kpa.evaluate(0.0, 3) == 3); // no data: no decision, the ready count stands
  feed(kpa, 0, 59, 150.0);
  CHECK(kpa.evaluate(59.0, 2) == 3);
  CHECK(kpa.evaluate(60.0, 100) == 3); // 1 s later: not a tick
  CHECK(kpa.evaluate(61.0, 100) == 50);

  KnativeAutoscaler::Options options;
  options.min_scale = 2;
  options.max_scale = 3;
  KnativeAutoscaler bounded(options);
  feed(bounded, 0, 59, 700.0);
  CHECK(bounded.evaluate(59.0, 2) == 3); // wants 10
  KnativeAutoscaler idle(options);
  feed(idle, 0, 59, 0.0);
  CHECK(idle.evaluate(59.0, 2) == 2); // wants 1
}
