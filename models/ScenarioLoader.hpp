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
 *  are read relative to the scenario file's folder. */
Scenario load_scenario(const std::string& path, const std::vector<std::string>& overrides = {});

/** Same, from text in memory; `path` is used for messages and to resolve trace files. */
Scenario load_scenario_text(const std::string& text, const std::string& path,
                            const std::vector<std::string>& overrides = {});

} // namespace orchsim::models
