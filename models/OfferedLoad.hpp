// models/OfferedLoad.hpp
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "models/Scenario.hpp"

namespace orchsim::models {

/** The load a scenario offers each service, from its arrival rates and mean service times, before
 *  anything runs: what `explain` prints and what `check` warns about (utilization >= 1 means the
 *  queues grow without bound). Capability steps are split over the capable services in proportion
 *  to their instances, as the baseline strategies spread them. Closed-loop sources have no fixed
 *  rate and are left out (`complete` is then false). */
struct ServiceLoad {
  std::string service;
  double calls_per_s = 0.0;
  std::optional<double> mean_service_s; // over the calls offered, where known
  std::optional<double> utilization;    // calls_per_s x mean_service_s / slots
  uint32_t slots = 0;
  std::vector<std::string> steps; // `workflow.step` that call the service
  std::optional<CallTokens> mean_tokens; // over the calls offered, where known
};

struct OfferedLoad {
  std::vector<ServiceLoad> services; // scenario order
  bool complete = true;              // false when some source's rate is unknown (closed loop)
};

OfferedLoad compute_offered_load(const Scenario& scenario);

/** One warning per service whose utilization is at least 1 (queues that grow without bound). */
std::vector<std::string> overload_warnings(const Scenario& scenario, const OfferedLoad& load);

} // namespace orchsim::models
