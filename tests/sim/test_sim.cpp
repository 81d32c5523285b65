#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

#include "sim/Engine.hpp"
#include "sim/EventQueue.hpp"
#include "sim/Histogram.hpp"
#include "sim/Rng.hpp"
#include "sim/TimeAverage.hpp"

using namespace orchsim;

TEST_CASE("sim::Histogram: every quantile is within 0.39 % of the exact order statistic", "[sim]")
{
  sim::Rng rng(1, "histogram");
  std::vector<double> values;
  sim::Histogram h;
  for (int i = 0; i < 200000; ++i) {
    // Log-uniform over nine decades: 1 us .. 1000 s.
    const double v = std::pow(10.0, -6.0 + 9.0 * rng.uniform());
    values.push_back(v);
    h.record(v);
  }
  std::sort(values.begin(), values.end());
  for (double q : {0.0, 0.001, 0.1, 0.5, 0.9, 0.95, 0.99, 0.999, 1.0}) {
    const size_t rank = std::max<size_t>(1, static_cast<size_t>(std::ceil(q * values.size())));
    const double exact = values[rank - 1];
    INFO("q = " << q);
    CHECK(std::abs(h.quantile(q) - exact) <= sim::Histogram::MAX_RELATIVE_ERROR * exact);
  }
  CHECK(h.get_min() == values.front());
  CHECK(h.get_max() == values.back());
  CHECK(h.get_count() == 200000);
}

TEST_CASE("sim::Histogram: zero, tiny and huge values are counted, merge adds counts", "[sim]")
{
  sim::Histogram a, b;
  a.record(0.0);
  a.record(1e-12);
  b.record(1e12);
  a.merge(b);
  CHECK(a.get_count() == 3);
  CHECK(a.quantile(0.0) == 0.0);
  CHECK(a.quantile(1.0) == 1e12);
  CHECK(sim::Histogram().quantile(0.5) == 0.0);
}

TEST_CASE("sim::TimeAverage: integrates a level over the window only", "[sim]")
{
  sim::TimeAverage t;
  t.set(0.0, 5.0); // before the window: ignored
  t.start(10.0);
  t.set(12.0, 1.0); // 5 for 2 s
  t.set(16.0, 3.0); // 1 for 4 s
  t.stop(20.0);     // 3 for 4 s
  t.set(30.0, 100.0);
  CHECK(t.mean() == Approx((5 * 2 + 1 * 4 + 3 * 4) / 10.0));
}

TEST_CASE("sim::EventQueue: pops by time, then in insertion order", "[sim]")
{
  sim::EventQueue q;
  q.push(2.0, 0, 1);
  q.push(1.0, 0, 2);
  q.push(2.0, 0, 3);
  q.push(1.0, 0, 4);
  std::vector<uint32_t> order;
  while (!q.empty())
    order.push_back(q.pop().id);
  CHECK(order == std::vector<uint32_t>{2, 4, 1, 3});
}

TEST_CASE("sim::Rng: streams are reproducible and independent of each other's names", "[sim]")
{
  sim::Rng a(42, "source/chat"), b(42, "source/chat"), c(42, "source/rag"), d(43, "source/chat");
  bool all_same = true, any_same_c = false, any_same_d = false;
  for (int i = 0; i < 1000; ++i) {
    const uint64_t x = a.next_u64();
    all_same &= x == b.next_u64();
    any_same_c |= x == c.next_u64();
    any_same_d |= x == d.next_u64();
  }
  CHECK(all_same);
  CHECK_FALSE(any_same_c);
  CHECK_FALSE(any_same_d);
  double sum = 0;
  for (int i = 0; i < 100000; ++i) {
    const double u = a.uniform();
    REQUIRE(u >= 0.0);
    REQUIRE(u < 1.0);
    sum += u;
  }
  CHECK(sum / 100000 == Approx(0.5).epsilon(0.01));
}

namespace {
/** Schedules a chain of events and records when each ran, by the run clock and by SimGrid's. */
struct Recorder : sim::EventHandler {
  sim::Engine* engine = nullptr;
  std::vector<double> times;
  std::vector<double> simgrid_lag;
  double origin = 0;
  void on_event(const sim::Event& e) override
  {
    times.push_back(engine->now_s());
    simgrid_lag.push_back(sim::Engine::simgrid_clock() - origin - engine->now_s());
    if (e.id < 100)
      engine->schedule(engine->now_s() + 0.25 * (1 + e.id % 3), 0, e.id + 1);
  }
};
std::pair<Recorder, uint64_t> run_chain(sim::SyncMode mode)
{
  sim::Engine::Options o;
  o.sync = mode;
  sim::Engine engine(o);
  Recorder r;
  r.engine = &engine;
  r.origin = sim::Engine::simgrid_clock();
  engine.schedule(1.0, 0, 0);
  engine.schedule(1.0, 0, 50);
  const double end = engine.run(r);
  CHECK(end == r.times.back());
  CHECK(sim::Engine::simgrid_clock() - r.origin == Approx(end)); // SimGrid's clock ends at the run's end
  return {r, engine.get_simgrid_timers()};
}
} // namespace

TEST_CASE("sim::Engine: windowed and lockstep dispatch the same events at the same times", "[sim]")
{
  auto [windowed, windowed_timers] = run_chain(sim::SyncMode::WINDOWED);
  auto [lockstep, lockstep_timers] = run_chain(sim::SyncMode::LOCKSTEP);
  CHECK(windowed.times == lockstep.times);
  CHECK(windowed.times.size() == 152); // two chains: ids 0..100 and 50..100
  // Lockstep: SimGrid's clock equals the run's clock at every event, one kernel timer per distinct time.
  for (double lag : lockstep.simgrid_lag)
    CHECK(lag == Approx(0.0).margin(1e-9));
  CHECK(lockstep_timers > 100);
  CHECK(windowed_timers <= 2);
}

TEST_CASE("sim::Engine: a bound on events ends the run and says so", "[sim]")
{
  sim::Engine::Options o;
  o.max_events = 10;
  sim::Engine engine(o);
  Recorder r;
  r.engine = &engine;
  engine.schedule(0.0, 0, 0);
  engine.run(r);
  CHECK(r.times.size() == 10);
  CHECK(engine.is_truncated());
}
