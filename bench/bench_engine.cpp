// Simulation speed: the whole harness (scenario file -> results document) on the M/M/4 rho = 0.9
// reference, beside a bare std::priority_queue event loop on the same workload with the same RNG.
// One binary, one run, so the ratio compares like with like on a noisy machine. Figures and the
// command are in docs/PERFORMANCE.md. Memory (peak RSS) is measured on whole processes, see there.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <queue>
#include <string>
#include <vector>

#include "analysis/Runner.hpp"
#include "orchestrator/Simulation.hpp"
#include "results/RunResult.hpp"
#include "sim/Rng.hpp"

using namespace orchsim;

namespace {

const std::string SOURCE = ORCHSIM_SOURCE_DIR;
constexpr int64_t REQUESTS = 2'000'000;

/** The limit: M/M/4 at rho = 0.9 in a bare binary-heap event loop, no orchestration, no recording
 *  beyond a sum. Same exponential draws as the harness (sim::Rng, inversion). */
int64_t bare_mm4(int64_t requests, uint64_t seed)
{
  struct Ev {
    double t;
    int kind;
  };
  struct Later {
    bool operator()(const Ev& a, const Ev& b) const { return a.t > b.t; }
  };
  std::priority_queue<Ev, std::vector<Ev>, Later> q;
  sim::Rng arrivals(seed, "source/job"), service(seed, "instance/server/0");
  auto expo = [](sim::Rng& r, double mean) { return -mean * std::log(r.uniform_pos()); };
  int64_t arrived = 1, done = 0, waiting = 0;
  int busy = 0;
  double latency_sum = 0;
  std::queue<double> arrival_times;
  q.push({expo(arrivals, 1 / 3.6), 0});
  while (!q.empty()) {
    const Ev e = q.top();
    q.pop();
    if (e.kind == 0) {
      if (arrived < requests) {
        q.push({e.t + expo(arrivals, 1 / 3.6), 0});
        ++arrived;
      }
      if (busy < 4) {
        ++busy;
        q.push({e.t + expo(service, 1.0), 1});
      } else {
        ++waiting;
      }
      arrival_times.push(e.t);
    } else {
      ++done;
      latency_sum += e.t - arrival_times.front(); // FIFO bookkeeping, approximate per-request latency
      arrival_times.pop();
      if (waiting > 0) {
        --waiting;
        q.push({e.t + expo(service, 1.0), 1});
      } else {
        --busy;
      }
    }
  }
  benchmark::DoNotOptimize(latency_sum);
  return done;
}

void BM_BareEventLoop_MM4(benchmark::State& state)
{
  int64_t total = 0;
  for (auto _ : state)
    total += bare_mm4(REQUESTS, 1);
  state.SetItemsProcessed(total);
  state.counters["requests_per_s"] = benchmark::Counter(static_cast<double>(total), benchmark::Counter::kIsRate);
}

/** The whole harness: load and validate the scenario file, simulate, build the results document. */
void harness(benchmark::State& state, const std::string& file, const std::vector<std::string>& overrides,
             bool count_calls, const std::string& profile = "")
{
  int64_t requests = 0, calls = 0;
  for (auto _ : state) {
    const auto loaded = analysis::load(SOURCE + "/" + file, overrides, profile);
    const auto result = analysis::run(loaded);
    benchmark::DoNotOptimize(results::to_json_text(result));
    requests += static_cast<int64_t>(result.run.arrivals);
    for (const auto& [name, s] : result.services)
      calls += static_cast<int64_t>(s.served);
  }
  state.SetItemsProcessed(count_calls ? calls : requests);
  state.counters["requests_per_s"] = benchmark::Counter(static_cast<double>(requests), benchmark::Counter::kIsRate);
  if (count_calls)
    state.counters["calls_per_s"] = benchmark::Counter(static_cast<double>(calls), benchmark::Counter::kIsRate);
}

void BM_Harness_MM4_Windowed(benchmark::State& state)
{
  harness(state, "scenarios/reference/mmc.yaml", {"simulation.requests=" + std::to_string(REQUESTS)}, false);
}

void BM_Harness_MM4_Lockstep(benchmark::State& state)
{
  harness(state, "scenarios/reference/mmc.yaml",
          {"simulation.requests=" + std::to_string(REQUESTS), "simulation.engine=lockstep"}, false);
}

void BM_Harness_AiEcosystem(benchmark::State& state)
{
  harness(state, "scenarios/ai-ecosystem.yaml", {}, true);
}

/** The adaptive profile (predictive selection, retries, hedging) on the same workload as the baseline. */
void BM_Harness_AiEcosystem_Adaptive(benchmark::State& state)
{
  harness(state, "scenarios/ai-ecosystem.yaml", {}, true, "adaptive");
}

/** multi-region.yaml (a SimGrid platform, LOCKSTEP) with network contention on (SimGrid's shared links,
 *  one SimGrid Comm per transfer) and off (latency + size / bandwidth on the calendar). A platform run
 *  after the first one in a process runs in a forked child (analysis::run): both arms pay that alike,
 *  and both are timed on the wall clock (the parent's CPU time is not the run's). */
void BM_Harness_MultiRegion_Contention(benchmark::State& state)
{
  harness(state, "scenarios/multi-region.yaml", {}, true);
}

void BM_Harness_MultiRegion_NoContention(benchmark::State& state)
{
  harness(state, "scenarios/multi-region.yaml", {"platform.network.contention=false"}, true);
}

/** Console output plus the harness/bare ratio, which Google Benchmark cannot print by itself. */
class RatioReporter : public benchmark::ConsoleReporter {
public:
  void ReportRuns(const std::vector<Run>& runs) override
  {
    ConsoleReporter::ReportRuns(runs);
    for (const auto& run : runs) {
      auto it = run.counters.find("requests_per_s");
      if (it == run.counters.end())
        continue;
      // With --benchmark_repetitions the median aggregate is what counts; else the single run.
      if (run.run_type == Run::RT_Aggregate && run.aggregate_name == "median")
        medians_[run.run_name.function_name] = it->second.value;
      else if (run.run_type == Run::RT_Iteration)
        rates_[run.run_name.function_name] = it->second.value;
    }
  }
  void Finalize() override
  {
    ConsoleReporter::Finalize();
    const double off = rate("BM_Harness_MultiRegion_NoContention"), on = rate("BM_Harness_MultiRegion_Contention");
    if (off > 0 && on > 0)
      std::printf("slowdown of network contention on multi-region (requests/s without / with) = %.3f\n", off / on);
    const double bare = rate("BM_BareEventLoop_MM4");
    if (bare <= 0)
      return;
    for (const char* name : {"BM_Harness_MM4_Windowed", "BM_Harness_MM4_Lockstep"})
      if (rate(name) > 0)
        std::printf("ratio %s / BM_BareEventLoop_MM4 = %.3f  (target >= 0.25)\n", name, rate(name) / bare);
    const double baseline = rate("BM_Harness_AiEcosystem"), adaptive = rate("BM_Harness_AiEcosystem_Adaptive");
    if (baseline > 0 && adaptive > 0)
      std::printf("slowdown of the adaptive profile on ai-ecosystem (baseline requests/s / adaptive) = %.3f\n",
                  baseline / adaptive);
  }

private:
  double rate(const std::string& name) const
  {
    if (auto it = medians_.find(name); it != medians_.end())
      return it->second;
    auto it = rates_.find(name);
    return it == rates_.end() ? 0.0 : it->second;
  }
  std::map<std::string, double> rates_, medians_;
};

} // namespace

BENCHMARK(BM_BareEventLoop_MM4)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_Harness_MM4_Windowed)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_Harness_MM4_Lockstep)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_Harness_AiEcosystem)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_Harness_AiEcosystem_Adaptive)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_Harness_MultiRegion_Contention)->Unit(benchmark::kMillisecond)->MinTime(2.0)->UseRealTime();
BENCHMARK(BM_Harness_MultiRegion_NoContention)->Unit(benchmark::kMillisecond)->MinTime(2.0)->UseRealTime();

int main(int argc, char** argv)
{
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv))
    return 1;
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
