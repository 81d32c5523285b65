// tests/TestSupport.hpp: small helpers shared by the tests that run scenarios.
#pragma once
#include <cmath>
#include <string>
#include <vector>

#include "analysis/Runner.hpp"
#include "results/RunResult.hpp"

namespace orchsim::test {

/** Defined in tests/sim/test_platform.cpp: runs the current test case alone in a fresh copy of the test
 *  program when this process's SimGrid has already run (SimGrid allows one platform per process, and a
 *  forked child inherits the used one), and returns true then: the caller returns at once. */
bool ran_in_fresh_process();


inline std::string source_path(const std::string& relative)
{
  return std::string(ORCHSIM_SOURCE_DIR) + "/" + relative;
}

inline results::RunResult run_file(const std::string& relative, const std::vector<std::string>& overrides = {})
{
  return analysis::run(analysis::load(source_path(relative), overrides));
}

/** The result JSON without its `host` block: what must be byte-identical between equal runs. */
inline std::string deterministic_json(const results::RunResult& r)
{
  auto j = results::to_json(r);
  j.erase("host");
  return j.dump(2);
}

/** Mean and 95 % confidence half-width (Student t) of independent replications. */
struct Estimate {
  double mean = 0;
  double half_width = 0;
  bool contains(double v) const { return std::abs(v - mean) <= half_width; }
};

inline Estimate estimate(const std::vector<double>& xs)
{
  // t_{0.975, n-1} for n = 2..30 (two-sided 95 %), from standard tables.
  static const double t975[] = {0,     12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262,
                                2.228, 2.201,  2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093,
                                2.086, 2.080,  2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045};
  const size_t n = xs.size();
  double mean = 0;
  for (double x : xs)
    mean += x;
  mean /= static_cast<double>(n);
  double ss = 0;
  for (double x : xs)
    ss += (x - mean) * (x - mean);
  const double sd = std::sqrt(ss / static_cast<double>(n - 1));
  const double t = n - 1 < 30 ? t975[n - 1] : 1.96;
  return Estimate{mean, t * sd / std::sqrt(static_cast<double>(n))};
}

} // namespace orchsim::test

#include "models/ScenarioLoader.hpp"
#include "orchestrator/Simulation.hpp"

namespace orchsim::test {

/** Runs a scenario written inline (paths resolve against the tests folder). */
inline results::RunResult run_text(const std::string& yaml, const std::vector<std::string>& overrides = {})
{
  const auto scenario = models::load_scenario_text(yaml, source_path("tests/inline.yaml"), overrides);
  orchestrator::Simulation simulation(scenario);
  return analysis::to_result(scenario, "inline", simulation.run());
}

} // namespace orchsim::test
