// analysis/CapacitySlo.hpp
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "models/Scenario.hpp"
#include "results/RunResult.hpp"

namespace orchsim::analysis {

/** One latency objective a capacity search holds every run to: `[WORKFLOW.]METRIC<=DURATION`, METRIC one
 *  of LATENCY_METRICS of the end-to-end latency of successful requests, over all workflows
 *  (metrics.totals) or one workflow. Plain value. */
struct CapacitySlo {
  std::string workflow; // empty: all workflows
  std::string metric;   // mean, p50, p90, p95, p99, p999
  double target_s = 0;
  std::string text; // as written, without spaces: rag_answer.p99<=2s
};

inline const std::vector<std::string> LATENCY_METRICS = {"mean", "p50", "p90", "p95", "p99", "p999"};

/** Parses one `--slo`. Throws sim::InputError (at `--slo`) naming what was expected. */
CapacitySlo parse_capacity_slo(const std::string& text);

/** The scenario's own `slo:` objectives, one per workflow that has one (`latency_p99: 2s` ->
 *  `w.p99<=2s`). Throws sim::InputError when one uses a percentile outside LATENCY_METRICS. */
std::vector<CapacitySlo> scenario_capacity_slos(const models::Scenario& scenario);

/** Throws sim::InputError (at `--slo`) when an objective names a workflow the scenario does not have. */
void check_capacity_slos(const std::vector<CapacitySlo>& slos, const models::Scenario& scenario);

/** The objective's latency in `result` (seconds); nothing when its scope completed no request. */
std::optional<double> measured_latency_s(const CapacitySlo& slo, const results::RunResult& result);

/** The success ratio of the objective's scope (all workflows, or its workflow) in `result`. */
double scope_success_ratio(const CapacitySlo& slo, const results::RunResult& result);

} // namespace orchsim::analysis
