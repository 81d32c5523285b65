#include "analysis/CapacitySlo.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <iterator>

#include "models/Units.hpp"
#include "sim/InputError.hpp"

namespace orchsim::analysis {

namespace {

sim::InputError slo_error(const std::string& message)
{
  return sim::InputError(sim::InputLocation{"--slo", 0, 0, ""}, message);
}

std::string without_spaces(const std::string& text)
{
  std::string out;
  std::copy_if(text.begin(), text.end(), std::back_inserter(out), [](unsigned char c) { return !std::isspace(c); });
  return out;
}

bool known_metric(const std::string& metric)
{
  return std::find(LATENCY_METRICS.begin(), LATENCY_METRICS.end(), metric) != LATENCY_METRICS.end();
}

const results::LatencySummary* scope_latency(const CapacitySlo& slo, const results::RunResult& r)
{
  if (slo.workflow.empty())
    return &r.totals.latency_s;
  const auto it = r.workflows.find(slo.workflow);
  return it == r.workflows.end() ? nullptr : &it->second.latency_s;
}

} // namespace

CapacitySlo parse_capacity_slo(const std::string& text)
{
  const std::string compact = without_spaces(text);
  const std::string expected =
      "expected [WORKFLOW.]METRIC<=DURATION with METRIC one of mean, p50, p90, p95, p99, p999 and a duration with a "
      "unit, e.g. 'p99<=2s' or 'rag_answer.p95<=800ms'; found '" +
      text + "'";
  const auto op = compact.find("<=");
  if (op == std::string::npos || op == 0)
    throw slo_error(expected);
  CapacitySlo slo;
  slo.text = compact;
  std::string subject = compact.substr(0, op);
  if (const auto dot = subject.rfind('.'); dot != std::string::npos) {
    slo.workflow = subject.substr(0, dot);
    subject = subject.substr(dot + 1);
  }
  slo.metric = subject;
  const auto target = models::parse_duration_s(compact.substr(op + 2));
  if (!known_metric(slo.metric) || (slo.workflow.empty() && compact.find('.') < op) || !target || *target <= 0)
    throw slo_error(expected);
  slo.target_s = *target;
  return slo;
}

std::vector<CapacitySlo> scenario_capacity_slos(const models::Scenario& s)
{
  std::vector<CapacitySlo> out;
  for (size_t w = 0; w < s.workflows.size(); ++w) {
    if (!s.slos[w])
      continue;
    const auto& spec = *s.slos[w];
    const std::string metric = spec.key.substr(spec.key.find('_') + 1); // latency_p99 -> p99
    if (!known_metric(metric))
      throw slo_error("the scenario's SLO of workflow '" + s.workflows[w].name + "' (" + spec.key +
                      ") has no capacity metric (mean, p50, p90, p95, p99, p999): give --slo");
    char target[32];
    std::snprintf(target, sizeof target, "%.10gs", spec.latency_s);
    out.push_back(
        CapacitySlo{s.workflows[w].name, metric, spec.latency_s, s.workflows[w].name + "." + metric + "<=" + target});
  }
  return out;
}

void check_capacity_slos(const std::vector<CapacitySlo>& slos, const models::Scenario& s)
{
  for (const auto& slo : slos) {
    if (slo.workflow.empty())
      continue;
    std::vector<std::string> names;
    for (const auto& w : s.workflows)
      names.push_back(w.name);
    if (std::find(names.begin(), names.end(), slo.workflow) != names.end())
      continue;
    std::string list;
    for (const auto& n : names)
      list += (list.empty() ? "" : ", ") + n;
    throw slo_error("'" + slo.text + "': unknown workflow '" + slo.workflow + "'; the scenario has: " + list);
  }
}

std::optional<double> measured_latency_s(const CapacitySlo& slo, const results::RunResult& r)
{
  const results::LatencySummary* l = scope_latency(slo, r);
  if (!l || l->count == 0)
    return std::nullopt;
  if (slo.metric == "mean")
    return l->mean;
  if (slo.metric == "p50")
    return l->p50;
  if (slo.metric == "p90")
    return l->p90;
  if (slo.metric == "p95")
    return l->p95;
  if (slo.metric == "p99")
    return l->p99;
  return l->p999;
}

double scope_success_ratio(const CapacitySlo& slo, const results::RunResult& r)
{
  if (slo.workflow.empty())
    return r.totals.success_ratio;
  const auto it = r.workflows.find(slo.workflow);
  return it == r.workflows.end() ? 0.0 : it->second.success_ratio;
}

} // namespace orchsim::analysis
