// analysis/Validation.hpp
#pragma once
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "analysis/Runner.hpp"
#include "analysis/ValidationProfile.hpp"

namespace orchsim::analysis {

/** The validation engine: runs what a validation profile's criteria need, then scores the runs into a
 *  readiness scorecard (docs/METRICS.md, "Readiness score"). Running and scoring are separate: the
 *  scorecard is computed from the files the runs left in a folder, so `--from DIR` re-scores them. */

struct ValidateOptions {
  std::string profile; // the orchestration profile validated (empty: baseline)
  unsigned jobs = 1;   // runs at once, each in its own process
  std::string dir;     // where plan.json, runs/ and profiles.json go
};

/** Runs every context the criteria use, `profile.replications` times (replication r with the
 *  scenario's seed + r), and writes DIR/plan.json (what ran, how to re-run it), DIR/runs/<context>/r<r>.json
 *  and, for the profiles context, DIR/profiles.json with its runs in DIR/runs/profiles/. Every file is
 *  written atomically. Throws sim::InputError for a context the scenario cannot give (fault:<x> unknown). */
void run_validation(const LoadedScenario& loaded, const ValidationProfile& profile, const ValidateOptions& options);

/** One scored item: a criterion in one context instance and one binding of its `*`s. */
struct ScoredItem {
  std::string criterion, name, category, context, metric, unit;
  std::optional<double> value, ci_low, ci_high;
  std::vector<double> values; // per replication (missing ones left out)
  double target = 0, fail = 0;
  double weight = 0; // the criterion's weight shared among its items
  bool critical = false;
  double score = 0;   // 0..100
  std::string status; // met, partial, failed
  bool passed = false;
  std::vector<std::string> runs; // result files, relative to the folder
  std::string rerun;             // the command that reproduces replication 0
  std::string note;
};

struct CategoryScore {
  std::string name;
  double weight = 0;
  std::optional<double> score; // weighted mean of its items; none without items
  size_t items = 0;
};

struct Scorecard {
  nlohmann::json context; // scenario, profile, overrides, validation profile, replications, seeds
  std::vector<ScoredItem> items;
  std::vector<std::pair<std::string, std::string>> skipped; // criterion, why it has no item
  std::vector<CategoryScore> categories;
  std::optional<double> overall;
  double pass_mark = 0;
  bool passed = false;
  std::vector<std::string> reasons; // why the gate failed (empty when it passed)
};

/** Scores the runs in `dir` against `profile`. Throws sim::InputError when the folder has no plan, lacks
 *  a context the profile needs or ran it differently (peak load, soak length, replications), or when a
 *  metric path names no field of the results (at the criterion's line in the profile). */
Scorecard score_validation(const std::string& dir, const ValidationProfile& profile);

/** 100 at or better than `target`, 0 at or worse than `fail`, linear between; the better direction goes
 *  from fail to target. REQUIRES: target != fail (the loader refuses equal ones). */
double criterion_score(double value, double target, double fail);

nlohmann::json to_json(const Scorecard& scorecard);
std::string scorecard_table(const Scorecard& scorecard);

} // namespace orchsim::analysis
