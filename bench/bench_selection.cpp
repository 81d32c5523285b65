// bench/bench_selection.cpp: cost of one selection as the simulation pays it, per strategy and pool size.
// One iteration = pick() + on_issue() of the picked member + on_answer() of the call issued `depth`
// iterations earlier, where depth = min(n, 256) calls stay in flight (so outstanding counts are not all
// zero). Time advances 1 ms per iteration; request keys are fresh 64-bit values (ring_hash).
// Pools: n members in 4 services (capability_score chooses among them) with weights 1..4 (weighted
// strategies run their weighted paths; `weighted_least_request_equal` runs the equal-weight P2C path).
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
    const uint32_t chosen = selector->pick({now_s, workload.next_u64()});
    selector->on_issue(chosen, now_s);
    in_flight.push_back(chosen);
    if (in_flight.size() > depth) {
      selector->on_answer(in_flight.front(), now_s, 0.05 + 0.001 * static_cast<double>(in_flight.front() % 7), true);
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

BENCHMARK_MAIN();
