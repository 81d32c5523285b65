// analysis/Compare.hpp
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace orchsim::analysis {

/** Run results read back for comparison: the documents as written (readers ignore unknown fields). */
struct ResultSet {
  std::string label; // the path given
  std::vector<nlohmann::json> runs;
  std::vector<std::string> files;
};

/** Reads a run result file, or every `*.json` run result in a folder (replications, e.g. a profiles
 *  run's --runs-dir), in file-name order. Throws sim::InputError (file:line:col for malformed JSON) for
 *  a missing file, an empty folder, or a document that is not a run result of this schema. */
ResultSet read_results(const std::string& path);

struct CompareOptions {
  double alpha = 0.05;                          // significance level of the tests
  double default_max_regression = 0.05;         // relative change tolerated in the worse direction
  std::map<std::string, double> max_regression; // per metric name (`p99`, `success`, `rag.p99`, ...)
};

/** One metric, base against new. Changes are relative to the base mean. */
struct MetricComparison {
  std::string name, path;
  bool lower_is_better = true;
  std::vector<double> base, current;
  double base_mean = 0, current_mean = 0;
  std::optional<double> change;          // (new - base) / |base|; none when base is 0
  std::optional<double> ci_low, ci_high; // Welch 95 % interval of the change (relative)
  std::string test;                      // welch, mann_whitney, or none (a side with one run)
  std::optional<double> p_value;
  bool significant = false;
  double threshold = 0;
  std::string verdict; // regression, improvement, unchanged
};

struct Comparison {
  std::string base_label, current_label;
  size_t base_runs = 0, current_runs = 0;
  std::vector<MetricComparison> metrics;
  std::vector<std::string> notes;
  bool regression = false; // any metric's verdict is regression
};

/** Compares the headline metrics (totals and per workflow; docs/METRICS.md, "Compare"). A metric is a
 *  regression when it moved in its worse direction by more than its threshold and the move is
 *  significant: p < alpha by Welch's t-test, or by the Mann-Whitney U test when a side has fewer than
 *  5 runs or a skewness above 1 in absolute value; with a single run on a side there is no test and
 *  any difference counts (equal inputs give equal results: the difference is the build's). */
Comparison compare(const ResultSet& base, const ResultSet& current, const CompareOptions& options);

std::string comparison_table(const Comparison& comparison);
nlohmann::json to_json(const Comparison& comparison);

} // namespace orchsim::analysis
