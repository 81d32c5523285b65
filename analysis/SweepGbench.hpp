// analysis/SweepGbench.hpp
#pragma once
#include <vector>

#include <nlohmann/json.hpp>

#include "analysis/SweepPlan.hpp"
#include "analysis/SweepTables.hpp"

namespace orchsim::analysis {

/** A sweep in Google Benchmark's JSON format, as gbench_of_profiles writes a profiles run: a `context` block
 *  and, per (point, profile), one entry per replication named `<sweep>/<profile>/<key>=<value>,...`
 *  (`<sweep>/<profile>` without parameters), run_type iteration, repetition_index the replication, so that
 *  compare.py's U test runs across replications. real_time and cpu_time: the median latency in ms;
 *  counters p95_ms, p99_ms, offered_per_s, throughput_per_s, goodput_per_s, success_ratio, effectiveness
 *  (when defined). A replication without a median latency (nothing completed) has no entry. */
nlohmann::json gbench_of_sweep(const SweepPlan& plan, const std::vector<SweepRecord>& records);

} // namespace orchsim::analysis
