// bench/bench_learners.cpp: cost of one decision of each online learner of the intelligence layer, as a selector
// or autoscaler would pay it. One iteration = one choose (or predict / forecast) + one update with a reward
// drawn from a fixed sim::Rng stream; the learners' state keeps evolving across iterations. Bandits: 4 arms, all
// available; LinUcb and Rls: dimension 6 (argument 1 of the discounted variants: discount < 1).
#include <benchmark/benchmark.h>

#include <array>
#include <cstdint>

#include "orchestrator/intelligence/Bandits.hpp"
#include "orchestrator/intelligence/Forecasters.hpp"
#include "orchestrator/intelligence/Predictors.hpp"
#include "sim/Rng.hpp"

using namespace orchsim;
using namespace orchsim::orchestrator::intelligence;

namespace {

constexpr uint32_t ARMS = 4;
constexpr uint32_t DIM = 6;
const std::array<uint8_t, ARMS> ALL{1, 1, 1, 1};
const std::array<double, ARMS> MEANS{0.2, 0.4, 0.6, 0.8};

// A discount of 0.99 when the benchmark's argument is 1, none otherwise.
double discount_of(const benchmark::State& state)
{
  return state.range(0) != 0 ? 0.99 : 1.0;
}

void BM_Ucb1(benchmark::State& state)
{
  Ucb1 bandit(ARMS, {2.0, discount_of(state)});
  sim::Rng environment(1);
  for (auto _ : state) {
    uint32_t arm = bandit.choose(ALL);
    bandit.update(arm, environment.uniform() < MEANS[arm] ? 1.0 : 0.0);
    benchmark::DoNotOptimize(arm);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Ucb1)->Arg(0)->Arg(1);

void BM_ThompsonSampling(benchmark::State& state)
{
  ThompsonSampling bandit(ARMS, {1.0, 1.0, discount_of(state)});
  sim::Rng rng(2);
  sim::Rng environment(1);
  for (auto _ : state) {
    uint32_t arm = bandit.choose(ALL, rng);
    bandit.update(arm, environment.uniform() < MEANS[arm] ? 1.0 : 0.0);
    benchmark::DoNotOptimize(arm);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ThompsonSampling)->Arg(0)->Arg(1);

void BM_LinUcb(benchmark::State& state)
{
  LinUcb bandit(ARMS, DIM, {1.0, 1.0, discount_of(state)});
  sim::Rng environment(1);
  Eigen::VectorXd x(DIM);
  for (auto _ : state) {
    x[0] = 1.0;
    for (uint32_t i = 1; i < DIM; ++i)
      x[i] = environment.uniform();
    uint32_t arm = bandit.choose(x, ALL);
    bandit.update(arm, x, environment.uniform() < MEANS[arm] * x[1] ? 1.0 : 0.0);
    benchmark::DoNotOptimize(arm);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_LinUcb)->Arg(0)->Arg(1);

void BM_Rls(benchmark::State& state)
{
  Rls rls(DIM, {state.range(0) != 0 ? 0.98 : 1.0, 1000.0});
  sim::Rng environment(1);
  Eigen::VectorXd x(DIM);
  for (auto _ : state) {
    double truth = 0.0;
    for (uint32_t i = 0; i < DIM; ++i) {
      x[i] = environment.uniform();
      truth += (i + 1.0) * x[i];
    }
    double predicted = rls.predict(x);
    rls.update(x, truth + 0.1 * (environment.uniform() - 0.5));
    benchmark::DoNotOptimize(predicted);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Rls)->Arg(0)->Arg(1);

void BM_Ewma(benchmark::State& state)
{
  Ewma ewma({0.1, state.range(0) != 0 ? 5.0 : 0.0}, 0.0);
  sim::Rng environment(1);
  double now_s = 0.0;
  for (auto _ : state) {
    now_s += 0.01;
    ewma.update(environment.uniform(), now_s);
    double value = ewma.value();
    benchmark::DoNotOptimize(value);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Ewma)->Arg(0)->Arg(1);

void BM_HoltWinters(benchmark::State& state)
{
  HoltWintersForecaster forecaster(0.2, 0.05, 0.2, 24);
  sim::Rng environment(1);
  uint64_t t = 0;
  for (auto _ : state) {
    forecaster.observe(10.0 + static_cast<double>(t++ % 24) + environment.uniform());
    double forecast = forecaster.forecast(1);
    benchmark::DoNotOptimize(forecast);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HoltWinters);

} // namespace

BENCHMARK_MAIN();
