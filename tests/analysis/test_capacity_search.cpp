// The capacity search: the saturation verdict, the SLO syntax, bracketing and bisection, the capacity
// found against queueing theory (Erlang C), and `orchsim capacity` end to end.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "analysis/Capacity.hpp"
#include "analysis/Report.hpp"
#include "analysis/Saturation.hpp"
#include "orchestrator/QuarterAverage.hpp"
#include "sim/InputError.hpp"
#include "sim/TimeAverage.hpp"
#include "tests/CliSupport.hpp"
#include "tests/TestSupport.hpp"

using namespace orchsim;
namespace fs = std::filesystem;
using orchsim::test::run_cli;
using orchsim::test::slurp;

namespace {

/** Erlang C: the probability that an arrival waits in M/M/c with offered load a = lambda / mu
 *  (Kleinrock, Queueing Systems vol. 1, sec. 3.5). */
double erlang_c(int c, double a)
{
  double term = 1, sum = 0;
  for (int k = 0; k < c; ++k) {
    sum += term;
    term *= a / (k + 1);
  } // term = a^c / c!
  const double top = term / (1 - a / c);
  return top / (sum + top);
}

/** M/M/c mean sojourn time with mu = 1: W = C(c, a) / (c - lambda) + 1 (Erlang C); infinite at rho >= 1. */
double mmc_mean_sojourn_s(int c, double lambda)
{
  return lambda >= c ? INFINITY : erlang_c(c, lambda) / (c - lambda) + 1.0;
}

/** The rate lambda* with W(lambda*) = target: bisection on the closed form, W rising with lambda. */
double mmc_rate_for(int c, double target_s)
{
  double lo = 0, hi = c;
  for (int i = 0; i < 100; ++i)
    (mmc_mean_sojourn_s(c, (lo + hi) / 2) <= target_s ? lo : hi) = (lo + hi) / 2;
  return lo;
}

/** M/M/1 (mu = 1/s) at utilization rho, or with deterministic service (M/D/1). */
std::string single_server(double rho, int requests, const std::string& latency = "{dist: exponential, mean: 1s}")
{
  return "simulation: {seed: 1, requests: " + std::to_string(requests) +
         ", warmup: 10%, series: none}\n"
         "services:\n  server: {instances: 1, concurrency: 1, latency: " +
         latency +
         "}\n"
         "workflows:\n  job: {steps: [{name: serve, service: server}]}\n"
         "workload:\n  - {workflow: job, arrival: {process: poisson, rate: " +
         std::to_string(rho) + "/s}}\n";
}

analysis::CapacityResult capacity(const std::string& relative, analysis::CapacityOptions options)
{
  return analysis::run_capacity(analysis::load(test::source_path(relative), {}), options);
}

/** Checks a searched capacity against the analytic one: the interval is narrow, and the analytic value lies
 *  in it, widened above by the bisection's tolerance (a search reports the highest load that passed,
 *  which is below the true crossing by less than the bracket's width). */
void require_capacity(const results::Measured& found, double analytic, double tolerance)
{
  INFO("found " << found.mean << " [" << *found.ci_low << ", " << *found.ci_high << "] (95% CI, " << found.values.size()
                << " replications), analytic " << analytic);
  CHECK((*found.ci_high - *found.ci_low) / 2 <= 0.03 * analytic);
  CHECK(analytic >= *found.ci_low);
  CHECK(analytic <= *found.ci_high + tolerance * analytic);
}

fs::path temp_dir()
{
  const fs::path dir = fs::temp_directory_path() / ("orchsim-capacity-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  return dir;
}

} // namespace

// ---- the saturation verdict -------------------------------------------------------------------------

TEST_CASE("orchestrator::QuarterAverage: quarter means of a rising level, across many bucket doublings",
          "[capacity-search]")
{
  // The level is k on [k, k + 1) for 4000 s from an offset start: quarter q averages 1000 q + 499.5.
  orchestrator::QuarterAverage quarters;
  sim::TimeAverage whole;
  const double t0 = 12345.0;
  quarters.set(0.0, 7.0); // before the window: not counted
  quarters.start(t0);
  whole.start(t0);
  for (int k = 0; k < 4000; ++k) {
    quarters.set(t0 + k, k);
    whole.set(t0 + k, k);
  }
  quarters.stop(t0 + 4000);
  whole.stop(t0 + 4000);
  const auto m = quarters.means();
  for (int q = 0; q < 4; ++q)
    CHECK(m[q] == Approx(1000.0 * q + 499.5).epsilon(1e-3));
  CHECK((m[0] + m[1] + m[2] + m[3]) / 4 == Approx(whole.mean()).epsilon(1e-9));
}

TEST_CASE("analysis::backlog_trend: the verdict follows the backlog's growth against the arrival rate",
          "[capacity-search]")
{
  // 1000 arrivals in 100 s (10/s); the growth is (last - first quarter) / 75 s.
  using analysis::Saturation;
  CHECK(analysis::backlog_trend({10, 12, 9, 10}, 100, 1000).verdict == Saturation::STABLE);
  CHECK(analysis::backlog_trend({0, 1, 2, 3}, 100, 1000).verdict == Saturation::STABLE); // 0.4 % of arrivals
  const auto slow = analysis::backlog_trend({0, 10, 20, 30}, 100, 1000);                 // 4 %
  CHECK(slow.verdict == Saturation::BACKLOGGED);
  CHECK(slow.growth_per_s == Approx(0.4));
  CHECK(slow.growth_share == Approx(0.04));
  CHECK(analysis::backlog_trend({0, 40, 80, 120}, 100, 1000).verdict == Saturation::OVERLOADED); // 16 %
  CHECK(analysis::backlog_trend({50, 30, 10, 0}, 100, 1000).verdict == Saturation::STABLE);      // draining
  CHECK(analysis::backlog_trend({0, 0, 0, 5}, 100, 0).verdict == Saturation::STABLE);            // no arrivals
}

TEST_CASE("analysis::Saturation: M/M/1 at rho 0.5 is stable and at rho 1.5 overloaded, without a time series",
          "[capacity-search]")
{
  const auto stable = test::run_text(single_server(0.5, 20000));
  CHECK(stable.run.saturation == "stable");
  CHECK(std::abs(stable.run.backlog_growth_share) < analysis::BACKLOGGED_SHARE);
  CHECK(!stable.series);

  // Past capacity the backlog grows at lambda - mu: a third of the arrivals pile up.
  const auto overloaded = test::run_text(single_server(1.5, 20000));
  CHECK(overloaded.run.saturation == "overloaded");
  CHECK(overloaded.run.backlog_growth_share == Approx(1.0 / 3).margin(0.05));
  CHECK(overloaded.run.in_flight_quarters[3] > 4 * overloaded.run.in_flight_quarters[0]);
  CHECK(analysis::summary_table(overloaded).find("OVERLOADED") != std::string::npos);
  CHECK(analysis::summary_table(stable).find("OVERLOADED") == std::string::npos);
}

TEST_CASE("analysis::Saturation: a queue that fills slowly is backlogged, not overloaded", "[capacity-search]")
{
  // M/D/1 at rho = 1.03: the backlog drifts up at lambda - mu = 0.03/s, 2.9 % of the arrivals, against
  // fluctuations of about sqrt(lambda T) ~ 300 requests over the run (0.4 % of the 100000 arrivals).
  const auto r = test::run_text(single_server(1.03, 100000, "1s"));
  INFO("growth share " << r.run.backlog_growth_share);
  CHECK(r.run.saturation == "backlogged");
}

// ---- the SLO syntax and the search --------------------------------------------------------------------

TEST_CASE("analysis::parse_capacity_slo: METRIC<=DURATION, optionally WORKFLOW.METRIC, and one clear message otherwise",
          "[capacity-search]")
{
  const auto all = analysis::parse_capacity_slo("p99<=2s");
  CHECK(all.workflow.empty());
  CHECK(all.metric == "p99");
  CHECK(all.target_s == 2.0);
  const auto one = analysis::parse_capacity_slo("rag_answer.p95 <= 800ms");
  CHECK(one.workflow == "rag_answer");
  CHECK(one.metric == "p95");
  CHECK(one.target_s == Approx(0.8));
  CHECK(one.text == "rag_answer.p95<=800ms");
  CHECK(analysis::parse_capacity_slo("mean<=1.5s").metric == "mean");
  for (const char* bad : {"p99<2s", "p98<=2s", "p99<=2", "p99<=fast", "<=2s", "p99<=0s", ".p99<=2s", "p99"}) {
    INFO(bad);
    try {
      analysis::parse_capacity_slo(bad);
      FAIL("accepted");
    } catch (const sim::InputError& e) {
      const std::string what = e.what();
      CHECK(what.rfind("--slo: expected [WORKFLOW.]METRIC<=DURATION", 0) == 0);
      CHECK(what.find(std::string("found '") + bad + "'") != std::string::npos);
    }
  }
  const auto s = analysis::load(test::source_path("tests/data/capacity/mm1.yaml"), {});
  CHECK_THROWS_WITH(analysis::check_capacity_slos({analysis::parse_capacity_slo("jbo.p99<=2s")}, s.scenario),
                    Catch::Contains("unknown workflow 'jbo'; the scenario has: job"));
  const auto own = analysis::scenario_capacity_slos(s.scenario); // slo: job: {latency_p99: 25s}
  REQUIRE(own.size() == 1);
  CHECK(own[0].text == "job.p99<=25s");
}

TEST_CASE(
    "analysis::search_highest_passing: brackets by doubling or halving, bisects to the tolerance, and "
    "stops at its bounds",
    "[capacity-search]")
{
  analysis::SearchLimits limits;
  for (double threshold : {0.8, 3.3}) {
    const auto r = analysis::search_highest_passing(1.0, 0.01, limits, [&](double x) { return x <= threshold; });
    INFO("threshold " << threshold);
    CHECK(r.outcome == analysis::SearchOutcome::FOUND);
    CHECK(*r.pass <= threshold);
    CHECK(*r.fail > threshold);
    CHECK((*r.fail - *r.pass) / *r.pass <= 0.01);
    CHECK(r.probes <= 12);
  }
  const auto above = analysis::search_highest_passing(1.0, 0.01, limits, [](double) { return true; });
  CHECK(above.outcome == analysis::SearchOutcome::ABOVE);
  CHECK(*above.pass == 1024.0);
  const auto below = analysis::search_highest_passing(1.0, 0.01, limits, [](double) { return false; });
  CHECK(below.outcome == analysis::SearchOutcome::BELOW);
  CHECK(*below.fail == 1.0 / 1024);
  limits.max_probes = 5;
  const auto capped = analysis::search_highest_passing(1.0, 1e-9, limits, [](double x) { return x <= 0.8; });
  CHECK(capped.outcome == analysis::SearchOutcome::PROBE_LIMIT);
  CHECK(capped.probes == 5);
}

TEST_CASE("analysis::search_fewest_passing: the smallest whole count, from above or below", "[capacity-search]")
{
  const analysis::SearchLimits limits;
  for (uint32_t start : {1u, 2u, 8u, 100u}) {
    const auto r = analysis::search_fewest_passing(start, 1000, limits, [](uint32_t n) { return n >= 5; });
    INFO("start " << start);
    CHECK(r.outcome == analysis::SearchOutcome::FOUND);
    CHECK(*r.pass == 5);
    CHECK(*r.fail == 4);
  }
  const auto one = analysis::search_fewest_passing(8, 1000, limits, [](uint32_t) { return true; });
  CHECK(one.outcome == analysis::SearchOutcome::FOUND);
  CHECK(*one.pass == 1);
  CHECK(!one.fail);
  const auto never = analysis::search_fewest_passing(8, 100, limits, [](uint32_t) { return false; });
  CHECK(never.outcome == analysis::SearchOutcome::ABOVE);
  CHECK(*never.fail == 100);
}

// ---- accuracy against Erlang C ---------------------------------------------------------------------------

TEST_CASE("accuracy: the capacity of M/M/1 for a mean sojourn time of 5 s is mu - 1/W = 0.8/s", "[capacity-search]")
{
  // M/M/1 (Kleinrock vol. 1, sec. 3.2): W = 1 / (mu - lambda) <= 5 s up to lambda* = 1 - 1/5 = 0.8/s;
  // the scenario's rate at factor 1 is 1/s, so the load factor is lambda. 10 replications of 100000
  // requests per run; tolerance 1 %.
  analysis::CapacityOptions o;
  o.slos = {analysis::parse_capacity_slo("mean<=5s")};
  o.replications = 10;
  o.tolerance = 0.01;
  o.jobs = 2;
  const auto r = capacity("tests/data/capacity/mm1.yaml", o);
  REQUIRE(r.profiles.size() == 1);
  const auto& p = r.profiles[0];
  REQUIRE(p.status == "found");
  CHECK(mmc_rate_for(1, 5.0) == Approx(0.8).epsilon(1e-9));
  require_capacity(p.factor, mmc_rate_for(1, 5.0), o.tolerance);
  REQUIRE(p.rate_per_s);
  CHECK(p.rate_per_s->mean == Approx(p.factor.mean)); // 1/s at factor 1
  CHECK(p.measured_rate_per_s.mean == Approx(p.factor.mean).epsilon(0.02));
}

TEST_CASE("accuracy: the capacity of M/M/4 for a mean sojourn time of 2 s follows Erlang C", "[capacity-search]")
{
  // M/M/c (Erlang C; Kleinrock vol. 1, sec. 3.5): W = C(4, lambda) / (4 - lambda) + 1 <= 2 s up to
  // lambda* = 3.3394/s; the scenario offers 4/s at factor 1, so the load factor is rho* = 0.8349.
  analysis::CapacityOptions o;
  o.slos = {analysis::parse_capacity_slo("job.mean<=2s")};
  o.replications = 10;
  o.tolerance = 0.01;
  o.jobs = 2;
  const auto r = capacity("tests/data/capacity/mmc.yaml", o);
  REQUIRE(r.profiles[0].status == "found");
  const double rate = mmc_rate_for(4, 2.0);
  CHECK(rate == Approx(3.3394).epsilon(1e-4));
  require_capacity(r.profiles[0].factor, rate / 4, o.tolerance);
  require_capacity(*r.profiles[0].rate_per_s, rate, o.tolerance);
}

TEST_CASE("accuracy: the fewest servers for a mean sojourn time of 1.4 s at 3/s follows Erlang C", "[capacity-search]")
{
  // Erlang C at lambda = 3/s, mu = 1/s: W = 1.509 s with 4 servers, 1.118 s with 5 (Kleinrock vol. 1,
  // sec. 3.5), so 5 is the fewest for W <= 1.4 s. The scenario's 8 join-the-shortest-queue servers are
  // close to M/M/n (separate queues wait a little longer, well inside the gap).
  int analytic = 1;
  while (mmc_mean_sojourn_s(analytic, 3.0) > 1.4)
    ++analytic;
  REQUIRE(analytic == 5);
  analysis::CapacityOptions o;
  o.slos = {analysis::parse_capacity_slo("mean<=1.4s")};
  o.replications = 3;
  o.jobs = 2;
  o.instances = analysis::InstancesQuestion{"server", 3.0};
  const auto r = capacity("tests/data/capacity/servers.yaml", o);
  CHECK(r.instances_load_factor == Approx(1.0));
  const auto& p = r.profiles[0];
  REQUIRE(p.instances);
  CHECK(*p.instances == static_cast<uint32_t>(analytic));
  CHECK(p.confirmed);
  REQUIRE(p.cost_per_success_usd.values.size() == 3);
  CHECK(p.cost_per_success_usd.mean == Approx(0.01)); // one $0.01 call per request
  CHECK(p.cost_per_hour_usd.mean == Approx(0.01 * 3 * 3600).epsilon(0.03));
  bool four_failed = false;
  for (const auto& probe : r.probes)
    four_failed = four_failed || (probe["instances"] == 4 && !probe["passed"].get<bool>());
  CHECK(four_failed);
}

TEST_CASE("analysis::run_capacity: a search that cannot bracket says how far it reached, and why", "[capacity-search]")
{
  analysis::CapacityOptions o;
  o.slos = {analysis::parse_capacity_slo("p99<=1ms")}; // below any service time: never met
  o.limits.max_doublings = 3;
  const auto below = capacity("tests/data/capacity/mm1.yaml", o);
  CHECK(below.profiles[0].status == "below");
  CHECK(*below.profiles[0].bound == 1.0 / 8);
  CHECK(below.profiles[0].note.find("fails even at load factor 0.125: p99<=1ms: measured") == 0);
  CHECK(below.probes.size() == 4);
  CHECK(analysis::capacity_table(below).find("below 0.125") != std::string::npos);
}

// ---- the command ------------------------------------------------------------------------------------------

TEST_CASE("cli: capacity writes capacity.json with every probe and capacity.csv, and prints the table",
          "[capacity-search]")
{
  const fs::path dir = temp_dir() / "capacity-out";
  fs::remove_all(dir);
  const auto r =
      run_cli("capacity tests/data/capacity/mm1.yaml --slo 'p99<=20s' --tolerance 10% -j 1 --out " + dir.string());
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(r.out.find("baseline") != std::string::npos);
  const auto j = nlohmann::json::parse(slurp(dir / "capacity.json"));
  CHECK(j["kind"] == "capacity");
  CHECK(j["context"]["slos"][0]["text"] == "p99<=20s");
  REQUIRE(j["probes"].size() >= 3);
  for (const auto& probe : j["probes"]) {
    CHECK(probe.contains("factor"));
    CHECK(probe["metrics"].contains("latency_p99_s"));
    CHECK(probe["saturation"].is_string());
    CHECK(probe["passed"].is_boolean());
  }
  // p99 of M/M/1 = ln(100) / (mu - lambda) <= 20 s up to lambda* = 1 - ln(100)/20 = 0.770/s.
  const double found = j["profiles"][0]["factor"]["mean"].get<double>();
  CHECK(found <= 0.77 * 1.1);
  CHECK(found >= 0.77 * 0.85);
  const std::string csv = slurp(dir / "capacity.csv");
  CHECK(csv.rfind("profile,status,bound,replications,factor,", 0) == 0);
  CHECK(std::count(csv.begin(), csv.end(), '\n') == 2);
}

TEST_CASE("cli: capacity refuses a malformed --slo and a rate that the scenario cannot be scaled to",
          "[capacity-search]")
{
  const auto slo = run_cli("capacity tests/data/capacity/mm1.yaml --slo 'p99<2s'");
  CHECK(slo.code == 2);
  CHECK(slo.err.find("--slo: expected [WORKFLOW.]METRIC<=DURATION") != std::string::npos);
  const auto closed = run_cli(
      "capacity tests/data/capacity/closed-loop.yaml --slo 'p99<=1s' --instances server "
      "--rate 10/s");
  CHECK(closed.code == 2);
  CHECK(closed.err.find("--rate: the scenario's load is not an arrival rate") != std::string::npos);
  const auto service = run_cli("capacity tests/data/capacity/mm1.yaml --slo 'p99<=1s' --instances sever --rate 1/s");
  CHECK(service.code == 2);
  CHECK(service.err.find("unknown service 'sever'") != std::string::npos);
  const auto alone = run_cli("capacity tests/data/capacity/mm1.yaml --slo 'p99<=1s' --instances server");
  CHECK(alone.code == 2);
  CHECK(alone.err.find("--instances and --rate go together") != std::string::npos);
}
