#include "models/OfferedLoad.hpp"

#include "models/ServiceTime.hpp"

#include <algorithm>
#include <cstdio>

#include "models/WorkloadSource.hpp"

namespace orchsim::models {

namespace {
std::optional<double> mean_of(const DistributionPtr& d)
{
  return d ? d->mean() : std::optional<double>(0.0);
}

std::optional<CallTokens> source_tokens(const SourceSpec& src)
{
  CallTokens t;
  if (src.tokens_from_trace) {
    const auto& rows = src.arrival.trace->get_rows();
    for (const auto& row : rows) {
      t.input += row.input_tokens;
      t.output += row.output_tokens;
    }
    t.input /= static_cast<double>(rows.size());
    t.output /= static_cast<double>(rows.size());
    return t;
  }
  auto in = mean_of(src.input_tokens);
  auto out = mean_of(src.output_tokens);
  if (!in || !out)
    return std::nullopt;
  return CallTokens{*in, *out};
}
} // namespace

OfferedLoad compute_offered_load(const Scenario& s)
{
  OfferedLoad load;
  std::vector<double> busy(s.services.size(), 0.0); // offered work: sum of rate x mean service time
  std::vector<bool> known(s.services.size(), true);
  std::vector<CallTokens> token_sum(s.services.size()); // rate-weighted
  std::vector<bool> tokens_known(s.services.size(), true);
  load.services.resize(s.services.size());
  for (size_t i = 0; i < s.services.size(); ++i) {
    load.services[i].service = s.services[i].name;
    // An autoscaled service can grow to its max: that is its capacity.
    const uint32_t instances =
        s.services[i].autoscaling ? s.services[i].autoscaling->get_max() : s.services[i].instances;
    load.services[i].slots = instances * s.services[i].concurrency;
  }
  for (const auto& src : s.sources) {
    auto rate = WorkloadSource::mean_rate_per_s(src);
    if (!rate) {
      load.complete = false;
      continue;
    }
    auto tokens = source_tokens(src);
    const auto& workflow = s.workflows[src.workflow];
    for (const auto& step : workflow.steps) {
      double instances = 0;
      for (uint32_t c : step.candidates)
        instances += s.services[c].instances;
      std::optional<CallTokens> step_tokens = tokens;
      if (step_tokens && step.input_tokens) {
        auto m = step.input_tokens->mean();
        step_tokens = m ? std::optional<CallTokens>(CallTokens{*m, step_tokens->output}) : std::nullopt;
      }
      if (step_tokens && step.output_tokens) {
        auto m = step.output_tokens->mean();
        step_tokens = m ? std::optional<CallTokens>(CallTokens{step_tokens->input, *m}) : std::nullopt;
      }
      for (uint32_t c : step.candidates) {
        auto& callers = load.services[c].steps;
        const std::string caller = workflow.name + "." + step.name;
        if (std::find(callers.begin(), callers.end(), caller) == callers.end())
          callers.push_back(caller);
        const double calls = *rate * s.services[c].instances / instances;
        load.services[c].calls_per_s += calls;
        if (step_tokens) {
          token_sum[c].input += calls * step_tokens->input;
          token_sum[c].output += calls * step_tokens->output;
        } else {
          tokens_known[c] = false;
        }
        auto mean = step_tokens ? nominal_service_s(s.services[c], *step_tokens) : std::nullopt;
        if (mean)
          busy[c] += calls * *mean;
        else
          known[c] = false;
      }
    }
  }
  for (size_t i = 0; i < s.services.size(); ++i) {
    auto& sl = load.services[i];
    if (sl.calls_per_s <= 0)
      continue;
    if (tokens_known[i])
      sl.mean_tokens = CallTokens{token_sum[i].input / sl.calls_per_s, token_sum[i].output / sl.calls_per_s};
    if (!known[i])
      continue;
    sl.mean_service_s = busy[i] / sl.calls_per_s;
    sl.utilization = busy[i] / sl.slots;
  }
  return load;
}

std::vector<std::string> overload_warnings(const Scenario& s, const OfferedLoad& load)
{
  std::vector<std::string> warnings;
  for (size_t i = 0; i < load.services.size(); ++i) {
    const auto& sl = load.services[i];
    if (!sl.utilization || *sl.utilization < 1.0)
      continue;
    std::string steps;
    for (const auto& step : sl.steps)
      steps += (steps.empty() ? "" : ", ") + step;
    char text[1024];
    std::snprintf(
        text, sizeof text,
        "step%s %s: service '%s' is offered more load than its capacity: utilization %.3g (%.4g calls/s x "
        "%.4g s mean service / %u slots); %s",
        sl.steps.size() > 1 ? "s" : "", steps.c_str(), sl.service.c_str(), *sl.utilization, sl.calls_per_s,
        *sl.mean_service_s, sl.slots,
        s.services[i].queue_capacity ? "its queues will fill and reject calls" : "its queues will grow without bound");
    warnings.emplace_back(text);
  }
  // Diurnal sources: the mean may fit while the peak does not. The same computation at every diurnal
  // source's peak rate, rate x (1 + amplitude), for the services that are fine on average.
  Scenario peak = s;
  bool diurnal = false;
  for (auto& src : peak.sources)
    if (src.arrival.process == ArrivalProcess::DIURNAL && src.arrival.diurnal_amplitude > 0) {
      src.arrival.rate_per_s *= 1.0 + src.arrival.diurnal_amplitude;
      diurnal = true;
    }
  if (!diurnal)
    return warnings;
  const OfferedLoad at_peak = compute_offered_load(peak);
  for (size_t i = 0; i < at_peak.services.size(); ++i) {
    const auto& mean = load.services[i];
    const auto& sl = at_peak.services[i];
    if ((mean.utilization && *mean.utilization >= 1.0) || !sl.utilization || *sl.utilization < 1.0)
      continue;
    char text[512];
    std::snprintf(text, sizeof text,
                  "service '%s' is offered more load than its capacity at the peak of its diurnal load: utilization "
                  "%.3g (%.4g calls/s), %.3g on average; its queues will grow while the load is above %.4g calls/s",
                  sl.service.c_str(), *sl.utilization, sl.calls_per_s, *mean.utilization,
                  sl.calls_per_s / *sl.utilization);
    warnings.emplace_back(text);
  }
  return warnings;
}

} // namespace orchsim::models
