// models/ScenarioLoader.hpp
#pragma once
#include <string>
#include <vector>

#include "models/Scenario.hpp"

namespace orchsim::models {

/** Turns a scenario file plus `--set key.path=value` overrides into a validated Scenario: the bridge
 *  from a declarative specification to an executable model.
 *  Throws sim::InputError at the first problem, located `file:line:col: key.path: ...` (or
 *  `--set key.path=value: key.path: ...` for a bad override). Overrides are applied to the document
 *  before validation, so they are checked exactly like the file. Trace files named by the scenario
 *  are read relative to the scenario file's folder.
 *  `profile` names the orchestration profile to apply (empty: `baseline`): the keys a declared
 *  profile's `orchestrator` map names replace the scenario's (`key: ~` removes one), and its
 *  `autoscaling` map replaces services' autoscaling; `random` and `oracle` are the `amplification.bracket`
 *  profile with random or oracle selection. Overrides are applied to the document first, so
 *  `--set profiles.adaptive.orchestrator.timeout=5s` works. */
Scenario load_scenario(const std::string& path, const std::vector<std::string>& overrides = {},
                       const std::string& profile = "");

/** Same, from text in memory; `path` is used for messages and to resolve trace files. */
Scenario load_scenario_text(const std::string& text, const std::string& path,
                            const std::vector<std::string>& overrides = {}, const std::string& profile = "");

/** One item of a scenario's `faults` list, as written (after overrides): its label (its `name`, or
 *  `fault <i> (<type> <service or zone>)`) and the item in one line of flow YAML, so that
 *  `--set 'faults=[<yaml>]'` runs the scenario with that fault alone. Empty without faults.
 *  REQUIRES: the text and overrides load (call load_scenario_text first). */
struct FaultItem {
  std::string label;
  std::string yaml;
};
std::vector<FaultItem> fault_items(const std::string& text, const std::vector<std::string>& overrides);

} // namespace orchsim::models
