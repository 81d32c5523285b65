// orchsim compare: the statistics against known answers, verdicts, and bad inputs.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "analysis/Compare.hpp"
#include "analysis/Statistics.hpp"
#include "sim/InputError.hpp"

using namespace orchsim;
namespace fs = std::filesystem;

namespace {

/** A minimal run result: what compare reads. */
nlohmann::json run_with(double p99, double success)
{
  return {{"schema_version", 1},
          {"context", {{"scenario", {{"sha256", "abc"}}}}},
          {"metrics",
           {{"totals", {{"latency_s", {{"p99", p99}}}, {"success_ratio", success}}},
            {"effectiveness", {{"value", success * 10}}}}}};
}

analysis::ResultSet set_of(const std::vector<double>& p99s, double scale = 1.0)
{
  analysis::ResultSet s;
  s.label = "mem";
  for (double p : p99s)
    s.runs.push_back(run_with(p * scale, 0.99));
  return s;
}

const analysis::MetricComparison& metric(const analysis::Comparison& c, const std::string& name)
{
  for (const auto& m : c.metrics)
    if (m.name == name)
      return m;
  FAIL("no metric " << name);
  throw std::logic_error("unreachable");
}

const std::vector<double> P99{1.00, 1.12, 0.93, 1.05, 0.97, 1.08, 0.95, 1.02, 0.99, 1.10};

} // namespace

TEST_CASE("statistics: Welch's t-test matches a published example", "[analysis][compare]")
{
  // Wikipedia, "Welch's t-test", example 1: t = 2.46 (as b - a), df = 24.9, p = 0.021; scipy 1.10
  // ttest_ind(equal_var=False): t = 2.455356, p = 0.021378.
  const std::vector<double> a{27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4};
  const std::vector<double> b{27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4};
  const auto r = analysis::welch_test(a, b);
  CHECK(r.statistic == Approx(2.455356).epsilon(1e-6));
  CHECK(*r.df == Approx(24.98853).epsilon(1e-6));
  CHECK(r.p_value == Approx(0.021378).epsilon(1e-3));
  CHECK((*r.low + *r.high) / 2 == Approx(2.166667).epsilon(1e-6)); // mean(b) - mean(a) = 32.5 / 15
  CHECK(*r.low > 0.0);                                             // its interval excludes 0
  // Equal samples: nothing to see; a noiseless shift: certain.
  CHECK(analysis::welch_test(a, a).p_value == Approx(1.0));
  const std::vector<double> c{2, 2, 2}, d{3, 3, 3};
  CHECK(analysis::welch_test(c, c).p_value == 1.0);
  CHECK(analysis::welch_test(c, d).p_value == 0.0);
}

TEST_CASE("statistics: the Mann-Whitney U test, exact and approximate", "[analysis][compare]")
{
  // Exact: two separated samples of 5 are one of the 2 most extreme of C(10, 5) = 252 arrangements
  // (scipy 1.10 mannwhitneyu, exact: 0.0079365).
  const std::vector<double> lo{1, 2, 3, 4, 5}, hi{6, 7, 8, 9, 10};
  const auto r = analysis::mann_whitney_test(lo, hi);
  CHECK(r.statistic == 0.0);
  CHECK(r.p_value == Approx(2.0 / 252.0).epsilon(1e-12));
  // Interleaved: U at its mean, p = 1.
  const std::vector<double> odd{1, 3, 5, 7}, even{2, 4, 6, 8};
  CHECK(analysis::mann_whitney_test(odd, even).p_value == Approx(0.6857142857)); // scipy 1.10, method exact
  // Ties: the normal approximation with tie and continuity corrections (scipy 1.10, asymptotic: 0.0316334).
  const std::vector<double> ta{1, 1, 2, 2, 3}, tb{2, 3, 3, 4, 4, 5};
  CHECK(analysis::mann_whitney_test(ta, tb).statistic == 3.0);
  CHECK(analysis::mann_whitney_test(ta, tb).p_value == Approx(0.031633423).epsilon(1e-6));
  // Identical samples (all ties): never significant.
  CHECK(analysis::mann_whitney_test(lo, lo).p_value == Approx(1.0));
  // Normal approximation (n = 24 > 20): separated samples of 12, U = 0; z = (72 - 0.5) / sqrt(300).
  std::vector<double> a, b;
  for (int i = 0; i < 12; ++i) {
    a.push_back(i);
    b.push_back(100 + i);
  }
  CHECK(analysis::mann_whitney_test(a, b).p_value == Approx(std::erfc(71.5 / std::sqrt(300.0) / std::sqrt(2.0))));
}

TEST_CASE("compare: identical results are never a regression, shifted ones are detected", "[analysis][compare]")
{
  analysis::CompareOptions options;
  const auto same = analysis::compare(set_of(P99), set_of(P99), options);
  CHECK_FALSE(same.regression);
  CHECK(metric(same, "p99").verdict == "unchanged");
  CHECK(metric(same, "p99").p_value == Approx(1.0));
  CHECK(metric(same, "p99").test == "welch"); // 10 runs a side, not skewed

  const auto slower = analysis::compare(set_of(P99), set_of(P99, 1.2), options);
  CHECK(slower.regression);
  CHECK(metric(slower, "p99").verdict == "regression");
  CHECK(*metric(slower, "p99").change == Approx(0.2));
  CHECK(*metric(slower, "p99").ci_low > 0.05);

  const auto faster = analysis::compare(set_of(P99), set_of(P99, 0.8), options);
  CHECK_FALSE(faster.regression);
  CHECK(metric(faster, "p99").verdict == "improvement");

  // +3 % within these samples' noise (sd ~6 %): not significant, whatever the threshold.
  options.max_regression["p99"] = 0.01;
  const auto noisy = analysis::compare(set_of(P99), set_of(P99, 1.03), options);
  CHECK_FALSE(metric(noisy, "p99").significant);
  CHECK(metric(noisy, "p99").verdict == "unchanged");
  // +3 % on quiet samples: significant; within a 5 % threshold it passes, beyond a 1 % one it fails.
  const std::vector<double> quiet{1.000, 1.001, 0.999, 1.002, 0.998, 1.000, 1.001, 0.999, 1.000, 1.000};
  options.max_regression.clear();
  const auto tolerated = analysis::compare(set_of(quiet), set_of(quiet, 1.03), options);
  CHECK(metric(tolerated, "p99").significant);
  CHECK(metric(tolerated, "p99").verdict == "unchanged");
  options.max_regression["p99"] = 0.01;
  const auto strict = analysis::compare(set_of(quiet), set_of(quiet, 1.03), options);
  CHECK(metric(strict, "p99").verdict == "regression");

  // Few runs: Mann-Whitney; one run a side: no test, any difference beyond the threshold counts.
  const auto few = analysis::compare(set_of({1.0, 1.1, 0.9}), set_of({2.0, 2.1, 1.9}), {});
  CHECK(metric(few, "p99").test == "mann_whitney");
  CHECK_FALSE(metric(few, "p99").significant); // 3 vs 3: the smallest two-sided p is 0.1
  const auto single = analysis::compare(set_of({1.0}), set_of({1.2}), {});
  CHECK(metric(single, "p99").test == "none");
  CHECK(single.regression);
}

TEST_CASE("compare: bad inputs are refused with the file and what is wrong", "[analysis][compare]")
{
  using Catch::Matchers::Contains;
  const fs::path dir = fs::temp_directory_path() / ("orchsim-compare-" + std::to_string(::getpid()));
  fs::create_directories(dir / "empty");
  std::ofstream(dir / "broken.json") << "{\n  \"schema_version\": 1,\n  oops\n}\n";
  std::ofstream(dir / "profiles.json") << R"({"schema_version": 1, "kind": "profiles"})";
  std::ofstream(dir / "old.json") << R"({"schema_version": 1, "metrics": {"workflows": {}}})";
  REQUIRE_THROWS_WITH(analysis::read_results((dir / "broken.json").string()),
                      Contains("broken.json:3:3: malformed JSON"));
  REQUIRE_THROWS_WITH(analysis::read_results((dir / "profiles.json").string()), Contains("a profiles document"));
  REQUIRE_THROWS_WITH(analysis::read_results((dir / "old.json").string()), Contains("metrics.totals: missing"));
  REQUIRE_THROWS_WITH(analysis::read_results((dir / "empty").string()), Contains("no result files"));
  REQUIRE_THROWS_WITH(analysis::read_results((dir / "nothing.json").string()), Contains("no such file or folder"));
  fs::remove_all(dir);
}
