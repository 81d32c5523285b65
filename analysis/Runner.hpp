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
  /** The process's resident memory at which a run ends, marked incomplete; 0: three quarters of the
   *  machine's physical memory (default_memory_bound()). */
  uint64_t max_memory_bytes = 0;
};

/** Three quarters of the machine's physical memory, in bytes. */
uint64_t default_memory_bound();

/** A loaded scenario with the fingerprint of the exact bytes it came from. */
struct LoadedScenario {
  models::Scenario scenario;
  std::string sha256;
  std::string text; // the file's bytes, to load other profiles of the same document
};

/** Reads and validates a scenario file with overrides and applies `profile` (empty: baseline); every
 *  other profile of the scenario is validated too. Throws sim::InputError on bad input. */
LoadedScenario load(const std::string& path, const std::vector<std::string>& overrides,
                    const std::string& profile = "");

/** The same document and overrides with another profile applied. */
LoadedScenario with_profile(const LoadedScenario& loaded, const std::string& profile);

/** Runs the scenario once and returns its result (host block included). */
results::RunResult run(const LoadedScenario& loaded, const RunLimits& limits = {});

/** The provenance block of a result: versions, scenario, seed, overrides, selection, profile. */
results::RunContext run_context(const models::Scenario& scenario, const std::string& sha256);

/** The name of an effectiveness objective as results carry it: quality_goodput, goodput, goodput_per_usd. */
const char* objective_name(models::EffectivenessObjective objective);

/** Turns what a run measured into the result document's metrics (no host block). */
results::RunResult to_result(const models::Scenario& scenario, const std::string& sha256,
                             const orchestrator::RunStats& stats);

} // namespace orchsim::analysis
