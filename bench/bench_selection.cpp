// bench/bench_selection.cpp: cost of one selection as the simulation pays it, per strategy and pool size.
// One iteration = pick() + on_issue() of the picked member + on_answer() of the call issued `depth`
// iterations earlier, where depth = min(n, 256) calls stay in flight (so outstanding counts are not all
// zero). Time advances 1 ms per iteration; request keys are fresh 64-bit values (ring_hash).
// Pools: n members in 4 services (capability_score chooses among them) with weights 1..4 (weighted
// strategies run their weighted paths; `weighted_least_request_equal` runs the equal-weight P2C path).
// Learning strategies also get the answer's outcome (on_outcome: latency, success, 1,000 input tokens)
// and run on small pools only: they are O(n) per pick by design (docs/STRATEGIES.md).
#include <benchmark/benchmark.h>

#include <deque>
#include <vector>

#include "orchestrator/selection/Selector.hpp"

using namespace orchsim;
using models::SelectionStrategy;
using orchestrator::PoolMember;

namespace {

std::vector<PoolMember> make_pool(uint32_t n, bool equal_weights)
{
  std::vector<PoolMember> members(n);
  for (uint32_t i = 0; i < n; ++i) {
    const uint32_t service = i % 4;
    members[i].instance = 1000 + i;
    members[i].service = service;
    members[i].weight = equal_weights ? 1.0 : 1.0 + service;
    members[i].expected_latency_s = 0.05 * (service + 1);
    members[i].expected_cost_usd = 0.001 * (4 - service);
    members[i].quality = 0.6 + 0.1 * service;
    members[i].concurrency = 4;
  }
  return members;
}

void run(benchmark::State& state, SelectionStrategy strategy, bool equal_weights)
{
  const auto n = static_cast<uint32_t>(state.range(0));
  models::SelectionSpec spec;
  spec.strategy = strategy;
  spec.score = {1.0, 1.0, 1.0};
  auto selector = orchestrator::make_selector(spec, make_pool(n, equal_weights), sim::Rng(1, "bench"));
  sim::Rng workload(2, "bench-workload");
  const size_t depth = std::min<size_t>(n, 256);
  std::deque<uint32_t> in_flight;
  double now_s = 0;
  for (auto _ : state) {
    now_s += 0.001;
    orchestrator::PickContext context;
    context.now_s = now_s;
    context.request_key = workload.next_u64();
    context.tokens = {1000.0, 100.0};
    const uint32_t chosen = selector->pick(context);
    selector->on_issue(chosen, now_s);
    in_flight.push_back(chosen);
    if (in_flight.size() > depth) {
      const double latency_s = 0.05 + 0.001 * static_cast<double>(in_flight.front() % 7);
      selector->on_answer(in_flight.front(), now_s, latency_s, true);
      if (selector->learns()) {
        orchestrator::CallOutcome outcome;
        outcome.context.now_s = now_s - latency_s;
        outcome.context.tokens = {1000.0, 100.0};
        outcome.latency_s = latency_s;
        outcome.cost_usd = 0.001;
        selector->on_outcome(in_flight.front(), outcome);
      }
      in_flight.pop_front();
    }
    benchmark::DoNotOptimize(chosen);
  }
  state.SetItemsProcessed(state.iterations());
}

void sizes(benchmark::internal::Benchmark* b)
{
  b->Arg(10)->Arg(1'000)->Arg(100'000);
}

void small_sizes(benchmark::internal::Benchmark* b)
{
  b->Arg(4)->Arg(10)->Arg(100);
}

} // namespace

BENCHMARK_CAPTURE(run, round_robin, SelectionStrategy::ROUND_ROBIN, false)->Apply(sizes);
BENCHMARK_CAPTURE(run, weighted_round_robin, SelectionStrategy::WEIGHTED_ROUND_ROBIN, false)->Apply(sizes);
BENCHMARK_CAPTURE(run, random, SelectionStrategy::RANDOM, false)->Apply(sizes);
BENCHMARK_CAPTURE(run, least_outstanding, SelectionStrategy::LEAST_OUTSTANDING, false)->Apply(sizes);
BENCHMARK_CAPTURE(run, power_of_d, SelectionStrategy::POWER_OF_D, false)->Apply(sizes);
BENCHMARK_CAPTURE(run, weighted_least_request, SelectionStrategy::WEIGHTED_LEAST_REQUEST, false)->Apply(sizes);
BENCHMARK_CAPTURE(run, weighted_least_request_equal, SelectionStrategy::WEIGHTED_LEAST_REQUEST, true)->Apply(sizes);
BENCHMARK_CAPTURE(run, peak_ewma, SelectionStrategy::PEAK_EWMA, false)->Apply(sizes);
BENCHMARK_CAPTURE(run, ring_hash, SelectionStrategy::RING_HASH, false)->Apply(sizes);
BENCHMARK_CAPTURE(run, capability_score, SelectionStrategy::CAPABILITY_SCORE, false)->Apply(sizes);
BENCHMARK_CAPTURE(run, ucb1, SelectionStrategy::UCB1, false)->Apply(small_sizes);
BENCHMARK_CAPTURE(run, thompson, SelectionStrategy::THOMPSON, false)->Apply(small_sizes);
BENCHMARK_CAPTURE(run, linucb, SelectionStrategy::LINUCB, false)->Apply(small_sizes);
BENCHMARK_CAPTURE(run, predictive, SelectionStrategy::PREDICTIVE, false)->Apply(small_sizes);

BENCHMARK_MAIN();
