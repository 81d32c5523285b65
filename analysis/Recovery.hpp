// analysis/Recovery.hpp
#pragma once
#include <map>
#include <optional>
#include <string>

#include "models/Scenario.hpp"
#include "sim/TimeSeries.hpp"

namespace orchsim::analysis {

/** Time to recover after a fault, per workflow that calls the faulted service: seconds from the
 *  fault's end (its start when it never ends) to the start of the first run of 3 consecutive series
 *  intervals whose success ratio is at least 90 % of, and whose p99 latency at most 110 % of, the
 *  pre-fault baseline (the intervals of the 60 s before the fault starts: outcomes summed, p99 the
 *  median of the intervals' p99). nullopt: no baseline (the fault starts too early), or never back.
 *  docs/METRICS.md has the definition. */
std::map<std::string, std::optional<double>> recovery_times(const models::Scenario& scenario,
                                                            const models::FaultSpec& fault,
                                                            const sim::TimeSeries& series);

/** Time to adapt to a fault, per workflow that calls the faulted service: seconds from the fault's
 *  start to the start of the first run of 3 consecutive series intervals, within the fault, whose share
 *  of selections that picked a truly best candidate (optimal_picks / decisions, summed over the 3) is at
 *  least 95 % of the pre-fault share (the 60 s before the start). nullopt: no decisions before the fault
 *  (nothing to compare with), or not adapted before the fault ends. docs/METRICS.md has the definition. */
std::map<std::string, std::optional<double>> adaptation_times(const models::Scenario& scenario,
                                                              const models::FaultSpec& fault,
                                                              const sim::TimeSeries& series);

} // namespace orchsim::analysis
