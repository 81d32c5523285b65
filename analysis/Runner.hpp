// analysis/Runner.hpp
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "models/Scenario.hpp"
#include "orchestrator/RunStats.hpp"
#include "results/RunResult.hpp"

namespace orchsim::analysis {

/** Bounds that end a run early, cleanly, with the result marked incomplete. */
struct RunLimits {
  uint64_t max_events = 0;   // 0: none
  double max_sim_time_s = 0; // <= 0: none
};

/** A loaded scenario with the fingerprint of the exact bytes it came from. */
struct LoadedScenario {
  models::Scenario scenario;
  std::string sha256;
};

/** Reads and validates a scenario file with overrides. Throws sim::InputError on bad input. */
LoadedScenario load(const std::string& path, const std::vector<std::string>& overrides);

/** Runs the scenario once and returns its result (host block included). */
results::RunResult run(const LoadedScenario& loaded, const RunLimits& limits = {});

/** Turns what a run measured into the result document's metrics (no host block). */
results::RunResult to_result(const models::Scenario& scenario, const std::string& sha256,
                             const orchestrator::RunStats& stats);

} // namespace orchsim::analysis
