// analysis/Report.hpp
#pragma once
#include <string>

#include "models/Scenario.hpp"
#include "results/ProfilesResult.hpp"
#include "results/RunResult.hpp"

namespace orchsim::analysis {

/** The summary table `orchsim run` prints for people: one row per workflow, then per service. */
std::string summary_table(const results::RunResult& result);

/** The table of a profiles experiment: per profile the headline metrics (means over replications),
 *  the amplification over the baseline with its 95 % interval, and the place between the random floor
 *  (0) and the oracle ceiling (1). */
std::string profiles_table(const results::ProfilesResult& result);

/** What `orchsim explain` prints: the compiled model (services and instances, workflows in topological
 *  order with their candidates, workload sources) and the offered load against capacity per service. */
std::string explain_text(const models::Scenario& scenario);

} // namespace orchsim::analysis
