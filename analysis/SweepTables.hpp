// analysis/SweepTables.hpp
#pragma once
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "analysis/SweepPlan.hpp"

namespace orchsim::analysis {

/** What the tables take from one run's result document. */
struct SweepRecord {
  bool complete = true;
  std::optional<std::string> saturation;      // metrics.run.saturation, when the result has one
  std::vector<std::optional<double>> metrics; // in sweep_metric_names() order; empty: undefined
};

/** The metric columns, in order: offered_per_s (measured requests / window), then the headline metrics
 *  (analysis::headline_metrics: latency_p50_s ... effectiveness). */
const std::vector<std::string>& sweep_metric_names();

/** The record of a run result document. Throws sim::InputError naming `file` when it is not one. */
SweepRecord sweep_record(const nlohmann::json& result, const std::string& file);

/** The records of every run of the plan, from DIR/runs/<id>.json. Throws sim::InputError for a missing,
 *  malformed or foreign file. */
std::vector<SweepRecord> read_sweep_records(const std::string& dir, const SweepPlan& plan);

/** The tidy CSV of runs (docs/SWEEPS.md, "runs.csv"): one row per run, in the plan's order. RFC 4180 quoting,
 *  `.` decimals, shortest round-trip numbers, empty cells for undefined values. */
std::string runs_csv(const SweepPlan& plan, const std::vector<SweepRecord>& records);

/** One row per (point, profile): the parameters, n, and per metric its mean over the runs where it is defined
 *  with the Student-t 95 % interval (docs/SWEEPS.md, "summary.csv"). */
std::string summary_csv(const SweepPlan& plan, const std::vector<SweepRecord>& records);

} // namespace orchsim::analysis
