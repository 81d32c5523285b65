#include "analysis/Compare.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "analysis/JsonFile.hpp"
#include "analysis/Statistics.hpp"
#include "sim/InputError.hpp"

namespace orchsim::analysis {

namespace {

using nlohmann::json;
using sim::InputError;
using sim::InputLocation;

void check_run(const json& j, const std::string& path)
{
  if (!j.is_object() || !j.contains("schema_version"))
    throw InputError(InputLocation{path, 0, 0, ""}, "not an orchsim result (no schema_version)");
  if (j.value("kind", "") == "profiles")
    throw InputError(InputLocation{path, 0, 0, ""},
                     "a profiles document: compare the runs it wrote with --runs-dir, one folder per side");
  if (!j["schema_version"].is_number_integer() || j["schema_version"].get<int>() != 1)
    throw InputError(InputLocation{path, 0, 0, "schema_version"}, "expected schema version 1");
  if (!j.contains("metrics") || !j["metrics"].contains("totals"))
    throw InputError(InputLocation{path, 0, 0, "metrics.totals"},
                     "missing: a run result written by an older orchsim, without totals");
}

/** The number at a dotted path, when it is there and a number. */
std::optional<double> number_at(const json& j, const std::string& path)
{
  const json* at = &j;
  std::stringstream parts(path);
  for (std::string part; std::getline(parts, part, '.');) {
    if (!at->is_object() || !at->contains(part))
      return std::nullopt;
    at = &(*at)[part];
  }
  if (!at->is_number())
    return std::nullopt;
  return at->get<double>();
}

struct MetricSpec {
  std::string name, path;
  bool lower_is_better;
};

std::vector<MetricSpec> metric_specs(const ResultSet& base, const ResultSet& current)
{
  std::vector<MetricSpec> specs = {
      {"p50", "metrics.totals.latency_s.p50", true},
      {"p95", "metrics.totals.latency_s.p95", true},
      {"p99", "metrics.totals.latency_s.p99", true},
      {"throughput", "metrics.totals.throughput_per_s", false},
      {"goodput", "metrics.totals.goodput_per_s", false},
      {"success", "metrics.totals.success_ratio", false},
      {"cost_per_success", "metrics.totals.cost_per_success_usd", true},
      {"quality", "metrics.totals.mean_quality", false},
      {"effectiveness", "metrics.effectiveness.value", false},
  };
  std::set<std::string> workflows;
  for (const auto* side : {&base, &current})
    for (const auto& run : side->runs)
      if (run["metrics"].contains("workflows"))
        for (const auto& [name, w] : run["metrics"]["workflows"].items())
          workflows.insert(name);
  for (const auto& w : workflows) {
    specs.push_back({w + ".p99", "metrics.workflows." + w + ".latency_s.p99", true});
    specs.push_back({w + ".success", "metrics.workflows." + w + ".success_ratio", false});
  }
  return specs;
}

std::string percent(const std::optional<double>& v)
{
  if (!v)
    return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%+.2f%%", 100.0 * *v);
  return buf;
}

} // namespace

ResultSet read_results(const std::string& path)
{
  ResultSet set;
  set.label = path;
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    for (const auto& entry : fs::directory_iterator(path, ec))
      if (entry.is_regular_file() && entry.path().extension() == ".json")
        set.files.push_back(entry.path().string());
    std::sort(set.files.begin(), set.files.end());
    if (set.files.empty())
      throw InputError(InputLocation{path, 0, 0, ""}, "no result files (*.json) in this folder");
  } else if (fs::exists(path, ec)) {
    set.files.push_back(path);
  } else {
    throw InputError(InputLocation{path, 0, 0, ""}, "no such file or folder");
  }
  for (const auto& file : set.files) {
    json j = read_json_file(file);
    check_run(j, file);
    set.runs.push_back(std::move(j));
  }
  return set;
}

Comparison compare(const ResultSet& base, const ResultSet& current, const CompareOptions& options)
{
  Comparison out;
  out.base_label = base.label;
  out.current_label = current.label;
  out.base_runs = base.runs.size();
  out.current_runs = current.runs.size();
  auto scenario_of = [](const ResultSet& s) {
    std::set<std::string> names;
    for (const auto& run : s.runs)
      names.insert(run["context"]["scenario"].value("sha256", ""));
    return names;
  };
  if (scenario_of(base) != scenario_of(current))
    out.notes.push_back("the two sides ran different scenario files (their SHA-256 differ)");
  for (const auto& spec : metric_specs(base, current)) {
    MetricComparison m;
    m.name = spec.name;
    m.path = spec.path;
    m.lower_is_better = spec.lower_is_better;
    for (const auto& run : base.runs)
      if (auto v = number_at(run, spec.path))
        m.base.push_back(*v);
    for (const auto& run : current.runs)
      if (auto v = number_at(run, spec.path))
        m.current.push_back(*v);
    if (m.base.empty() || m.current.empty()) {
      out.notes.push_back(spec.name + ": not measured on " + (m.base.empty() ? "the base" : "the new") + " side");
      continue;
    }
    m.base_mean = mean_estimate(m.base).mean;
    m.current_mean = mean_estimate(m.current).mean;
    const double scale = std::abs(m.base_mean);
    if (scale > 0)
      m.change = (m.current_mean - m.base_mean) / scale;
    auto it = options.max_regression.find(spec.name);
    m.threshold = it != options.max_regression.end() ? it->second : options.default_max_regression;
    if (m.base.size() >= 2 && m.current.size() >= 2) {
      const bool few = std::min(m.base.size(), m.current.size()) < 5;
      const bool skewed = std::abs(skewness(m.base)) > 1 || std::abs(skewness(m.current)) > 1;
      const TestResult welch = welch_test(m.base, m.current);
      if (scale > 0 && welch.low) {
        m.ci_low = *welch.low / scale;
        m.ci_high = *welch.high / scale;
      }
      const TestResult chosen = few || skewed ? mann_whitney_test(m.base, m.current) : welch;
      m.test = few || skewed ? "mann_whitney" : "welch";
      m.p_value = chosen.p_value;
      m.significant = chosen.p_value < options.alpha;
    } else {
      m.test = "none";
      m.significant = m.current_mean != m.base_mean;
    }
    const double delta = m.current_mean - m.base_mean;
    const bool worse = m.lower_is_better ? delta > 0 : delta < 0;
    const double size = m.change ? std::abs(*m.change) : (delta != 0 ? INFINITY : 0.0);
    if (m.significant && size > m.threshold)
      m.verdict = worse ? "regression" : "improvement";
    else
      m.verdict = "unchanged";
    out.regression = out.regression || m.verdict == "regression";
    out.metrics.push_back(std::move(m));
  }
  return out;
}

std::string comparison_table(const Comparison& c)
{
  std::string out;
  char line[512];
  std::snprintf(line, sizeof line, "base %s (%zu run%s)  new %s (%zu run%s)\n\n", c.base_label.c_str(), c.base_runs,
                c.base_runs == 1 ? "" : "s", c.current_label.c_str(), c.current_runs, c.current_runs == 1 ? "" : "s");
  out += line;
  std::snprintf(line, sizeof line, "%-28s %12s %12s %9s %-21s %-12s %8s %10s  %s\n", "metric", "base", "new", "change",
                "95% CI of change", "test", "p", "threshold", "verdict");
  out += line;
  for (const auto& m : c.metrics) {
    std::string ci = "-";
    if (m.ci_low)
      ci = "[" + percent(m.ci_low) + ", " + percent(m.ci_high) + "]";
    char p[32] = "-";
    if (m.p_value)
      std::snprintf(p, sizeof p, "%.3g", *m.p_value);
    std::snprintf(line, sizeof line, "%-28s %12.5g %12.5g %9s %-21s %-12s %8s %9.3g%%  %s\n", m.name.c_str(),
                  m.base_mean, m.current_mean, percent(m.change).c_str(), ci.c_str(), m.test.c_str(), p,
                  100.0 * m.threshold, m.verdict == "regression" ? "REGRESSION" : m.verdict.c_str());
    out += line;
  }
  for (const auto& n : c.notes)
    out += "note: " + n + "\n";
  out += c.regression ? "\nverdict: regression\n" : "\nverdict: no significant regression beyond thresholds\n";
  return out;
}

nlohmann::json to_json(const Comparison& c)
{
  auto opt = [](const std::optional<double>& v) { return v ? json(*v) : json(nullptr); };
  json metrics = json::array();
  for (const auto& m : c.metrics)
    metrics.push_back({{"name", m.name},
                       {"path", m.path},
                       {"lower_is_better", m.lower_is_better},
                       {"base", {{"mean", m.base_mean}, {"values", m.base}}},
                       {"new", {{"mean", m.current_mean}, {"values", m.current}}},
                       {"change", opt(m.change)},
                       {"change_ci_low", opt(m.ci_low)},
                       {"change_ci_high", opt(m.ci_high)},
                       {"test", m.test},
                       {"p_value", opt(m.p_value)},
                       {"significant", m.significant},
                       {"threshold", m.threshold},
                       {"verdict", m.verdict}});
  return {{"schema_version", 1},
          {"kind", "compare"},
          {"base", {{"path", c.base_label}, {"runs", c.base_runs}}},
          {"new", {{"path", c.current_label}, {"runs", c.current_runs}}},
          {"metrics", metrics},
          {"notes", c.notes},
          {"regression", c.regression}};
}

} // namespace orchsim::analysis
