// Accuracy against queueing theory. Every reference value is computed from its formula here, with the
// formula named; scenarios/reference/*.yaml state the same answers. Each estimate comes from 10
// independent replications (seeds 1..10); a test passes when the analytic value lies inside the 95 %
// confidence interval AND that interval is narrow (so a wide, uninformative interval cannot pass).
#include <catch2/catch.hpp>

#include <cmath>
#include <functional>

#include "tests/TestSupport.hpp"

using namespace orchsim;

namespace {

constexpr int REPLICATIONS = 10;

test::Estimate replicate(const std::string& file, const std::function<double(const results::RunResult&)>& metric,
                         std::vector<std::string> overrides = {})
{
  std::vector<double> values;
  for (int seed = 1; seed <= REPLICATIONS; ++seed) {
    auto o = overrides;
    o.push_back("simulation.seed=" + std::to_string(seed));
    values.push_back(metric(test::run_file(file, o)));
  }
  return test::estimate(values);
}

double mean_latency(const results::RunResult& r)
{
  return r.workflows.at("job").latency_s.mean;
}

/** Erlang C: probability that an arrival waits in M/M/c with offered load a = lambda/mu. */
double erlang_c(int c, double a)
{
  double term = 1, sum = 0;
  for (int k = 0; k < c; ++k) {
    sum += term;
    term *= a / (k + 1);
  } // term = a^c / c!
  const double rho = a / c;
  const double top = term / (1 - rho);
  return top / (sum + top);
}

void require_matches(const test::Estimate& e, double analytic, double max_relative_half_width)
{
  INFO("estimate " << e.mean << " +- " << e.half_width << " (95% CI), analytic " << analytic);
  CHECK(e.half_width <= max_relative_half_width * analytic);
  CHECK(e.contains(analytic));
}

} // namespace

TEST_CASE("accuracy: M/M/1 mean sojourn time is 1/(mu - lambda)", "[accuracy]")
{
  // M/M/1 (Kleinrock vol. 1, sec. 3.2): W = 1 / (mu - lambda), lambda = 0.8, mu = 1 -> 5 s.
  const double analytic = 1.0 / (1.0 - 0.8);
  require_matches(replicate("scenarios/reference/mm1.yaml", mean_latency), analytic, 0.03);
}

TEST_CASE("accuracy: M/M/1 sojourn p99 is ln(100)/(mu - lambda)", "[accuracy]")
{
  // The M/M/1 FIFO sojourn time is exponential with rate mu - lambda (Kleinrock vol. 1, eq. 3.28):
  // its q-quantile is -ln(1 - q) / (mu - lambda); p99 = ln(100) / 0.2 = 23.03 s. Within 3 %.
  const double analytic = std::log(100.0) / (1.0 - 0.8);
  const auto e = replicate("scenarios/reference/mm1.yaml",
                           [](const results::RunResult& r) { return r.workflows.at("job").latency_s.p99; });
  INFO("p99 " << e.mean << " +- " << e.half_width << ", analytic " << analytic);
  CHECK(std::abs(e.mean - analytic) <= 0.03 * analytic);
}

TEST_CASE("accuracy: M/M/1 utilization and Little's law L = lambda W", "[accuracy]")
{
  // Utilization rho = lambda / mu = 0.8; mean number in system L = rho / (1 - rho) = 4 (Kleinrock 3.24).
  const auto r = test::run_file("scenarios/reference/mm1.yaml");
  const auto& job = r.workflows.at("job");
  const auto& server = r.services.at("server");
  CHECK(server.utilization == Approx(0.8).epsilon(0.02));
  CHECK(job.mean_in_flight == Approx(job.throughput_per_s * job.latency_s.mean).epsilon(0.02));
}

TEST_CASE("accuracy: M/M/c mean sojourn time follows Erlang C", "[accuracy]")
{
  // M/M/c (Erlang C; Kleinrock vol. 1, sec. 3.5): W = C(c, a) / (c mu - lambda) + 1/mu,
  // c = 4, lambda = 3.6, mu = 1: C = 0.78775, W = 2.9694 s.
  const double c_wait = erlang_c(4, 3.6);
  CHECK(c_wait == Approx(0.78775).epsilon(1e-4));
  const double analytic = c_wait / (4.0 - 3.6) + 1.0;
  require_matches(replicate("scenarios/reference/mmc.yaml", mean_latency), analytic, 0.03);
}

TEST_CASE("accuracy: M/D/1 mean sojourn time follows Pollaczek-Khinchine", "[accuracy]")
{
  // Pollaczek-Khinchine (Kleinrock vol. 1, eq. 5.105) with deterministic service:
  // Wq = lambda E[S^2] / (2 (1 - rho)) = 0.8 * 1 / 0.4 = 2 s, W = 3 s.
  const double analytic = 0.8 * 1.0 / (2 * (1 - 0.8)) + 1.0;
  require_matches(replicate("scenarios/reference/md1.yaml", mean_latency), analytic, 0.03);
}

TEST_CASE("accuracy: M/G/1 (lognormal service) mean sojourn time follows Pollaczek-Khinchine", "[accuracy]")
{
  // Pollaczek-Khinchine: Wq = lambda E[S^2] / (2 (1 - rho)). Lognormal with mean 1, sigma 0.8:
  // E[S^2] = mean^2 exp(sigma^2) = 1.8965; lambda = 0.7: W = 0.7 * 1.8965 / 0.6 + 1 = 3.2126 s.
  const double second_moment = std::exp(0.8 * 0.8);
  const double analytic = 0.7 * second_moment / (2 * (1 - 0.7)) + 1.0;
  require_matches(replicate("scenarios/reference/mg1.yaml", mean_latency), analytic, 0.03);
}

TEST_CASE("accuracy: M/M/1/K blocking probability", "[accuracy]")
{
  // M/M/1/K (Kleinrock vol. 1, sec. 3.6): P_K = (1 - rho) rho^K / (1 - rho^(K+1)), rho = 1.2, K = 5
  // (queue 4 + 1 in service): 0.25058.
  const double rho = 1.2;
  const double analytic = (1 - rho) * std::pow(rho, 5) / (1 - std::pow(rho, 6));
  const auto e = replicate("scenarios/reference/mm1k.yaml", [](const results::RunResult& r) {
    const auto& job = r.workflows.at("job");
    return static_cast<double>(job.failures.rejected) / static_cast<double>(job.offered);
  });
  require_matches(e, analytic, 0.02);
}

TEST_CASE("accuracy: Little's law holds on a workflow with parallel steps", "[accuracy]")
{
  // Little's law L = lambda W (Little 1961) for a fan-out/fan-in workflow over four services.
  const auto r = test::run_file("tests/data/little-workflow.yaml");
  const auto& w = r.workflows.at("fanout");
  REQUIRE(w.failed == 0);
  INFO("L = " << w.mean_in_flight << ", lambda W = " << w.throughput_per_s * w.latency_s.mean);
  CHECK(w.mean_in_flight == Approx(w.throughput_per_s * w.latency_s.mean).epsilon(0.02));
}

TEST_CASE("accuracy: power_of_d approaches the supermarket model's mean sojourn time", "[accuracy]")
{
  // Supermarket model (Mitzenmacher, "The Power of Two Choices in Randomized Load Balancing", IEEE TPDS
  // 12(10), 2001): n -> infinity FIFO servers with exponential service (mu = 1) and Poisson arrivals at
  // rate lambda n, each arrival joining the shortest of d queues sampled with replacement. The fraction
  // of queues with at least i jobs is s_i = lambda^((d^i - 1)/(d - 1)), so by Little's law the mean
  // sojourn time is T = sum_{i>=1} s_i / lambda = sum_{i>=1} lambda^((d^i - d)/(d - 1)).
  // lambda = 0.9: T = 2.6141 s for d = 2 and 2.0279 s for d = 3 (M/M/1 alone: 10 s). n = 200 is
  // finite, so a small excess is expected: within 2 %.
  const std::string yaml = R"(
simulation: {seed: 1, requests: 1000000, warmup: 10%}
services:
  s: {instances: 200, concurrency: 1, latency: {dist: exponential, mean: 1s}}
workflows:
  w: {steps: [{name: only, service: s}]}
workload:
  - {workflow: w, arrival: {process: poisson, rate: 180/s}}
orchestrator:
  selection: {strategy: power_of_d, with_replacement: true}
)";
  for (int d : {2, 3}) {
    double analytic = 0;
    for (int i = 1; i < 40; ++i)
      analytic += std::pow(0.9, (std::pow(d, i) - d) / (d - 1));
    const auto r = test::run_text(yaml, {"orchestrator.selection.d=" + std::to_string(d)});
    const double measured = r.workflows.at("w").latency_s.mean;
    INFO("d = " << d << ": measured " << measured << " s, supermarket model " << analytic << " s");
    CHECK(measured == Approx(analytic).epsilon(0.02));
  }
}
