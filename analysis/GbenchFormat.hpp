// analysis/GbenchFormat.hpp
#pragma once
#include <nlohmann/json.hpp>

#include "analysis/Compare.hpp"
#include "analysis/SweepPlan.hpp"
#include "analysis/SweepTables.hpp"
#include "results/ProfilesResult.hpp"
#include "results/RunResult.hpp"

namespace orchsim::analysis {

/** A run in Google Benchmark's JSON output format, so that tools reading Google Benchmark results
 *  (its compare.py among them) read orchsim's: a `context` block and one benchmark entry per workflow
 *  plus one for all workflows (`<scenario>/<workflow>`, `<scenario>/all`). real_time and cpu_time are the
 *  median latency in milliseconds (what compare.py compares); iterations the completed requests;
 *  counters: p95_ms, p99_ms, throughput_per_s, goodput_per_s, success_ratio, and effectiveness for `all`. */
nlohmann::json gbench_of_run(const results::RunResult& result);

/** A profiles run: one entry per profile and replication (`<scenario>/<profile>`, run_type iteration,
 *  repetition_index r), so compare.py's U test runs across replications; the same fields from the
 *  totals of each replication. */
nlohmann::json gbench_of_profiles(const results::ProfilesResult& result);

/** A comparison in the format of Google Benchmark's difference report (what its compare.py writes with
 *  --dump_to_json, and its gbench.report.print_difference_report reads): one entry per metric, named
 *  as the compare table names it, with the base and new means as `real_time`/`cpu_time` and
 *  `real_time_other`/`cpu_time_other` (the metric's own unit, `time_unit` empty), `time` and `cpu` the
 *  relative change, and `utest` the p-value of the test that ran (empty without one). */
nlohmann::json gbench_of_comparison(const Comparison& comparison);

/** A sweep in Google Benchmark's JSON format, as gbench_of_profiles writes a profiles run: a `context` block
 *  and, per (point, profile), one entry per replication named `<sweep>/<profile>/<key>=<value>,...`
 *  (`<sweep>/<profile>` without parameters), run_type iteration, repetition_index the replication, so that
 *  compare.py's U test runs across replications. real_time and cpu_time: the median latency in ms;
 *  counters p95_ms, p99_ms, offered_per_s, throughput_per_s, goodput_per_s, success_ratio, effectiveness
 *  (when defined). A replication without a median latency (nothing completed) has no entry. */
nlohmann::json gbench_of_sweep(const SweepPlan& plan, const std::vector<SweepRecord>& records);

} // namespace orchsim::analysis
