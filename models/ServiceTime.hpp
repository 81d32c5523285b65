// models/ServiceTime.hpp
#pragma once
#include <optional>

#include "models/Scenario.hpp"

namespace orchsim::models {

/** The mean time one call with `tokens` takes at a service when served alone, from its model alone:
 *  the latency model's mean; for a batching server, one sequence alone (its prefill in
 *  ceil(input / max_batch_tokens) iterations, then one iteration per further output token); none for
 *  a work service (its time depends on the host it is placed on) or a latency model without a
 *  closed-form mean. Priors, capacity estimates and `explain` use it. */
std::optional<double> nominal_service_s(const ServiceSpec& service, const CallTokens& tokens);

} // namespace orchsim::models
