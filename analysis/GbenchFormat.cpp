#include "analysis/GbenchFormat.hpp"

#include <algorithm>
#include <string>
#include <tuple>
#include <vector>

namespace orchsim::analysis {

namespace {

using nlohmann::json;

json context(const std::string& executable, const std::string& date)
{
  // The fields Google Benchmark writes; orchsim's own provenance lives in its result document.
  return {{"date", date},
          {"executable", executable},
          {"num_cpus", 1},
          {"mhz_per_cpu", 0},
          {"caches", json::array()},
          {"cpu_scaling_enabled", false},
          {"load_avg", json::array()},
          {"library_build_type", "release"}};
}

json entry(const std::string& name, int family, int repetitions, int repetition, const json& iterations, double time_ms)
{
  return {{"name", name},
          {"family_index", family},
          {"per_family_instance_index", 0},
          {"run_name", name},
          {"run_type", "iteration"},
          {"repetitions", repetitions},
          {"repetition_index", repetition},
          {"threads", 1},
          {"iterations", iterations},
          {"real_time", time_ms},
          {"cpu_time", time_ms},
          {"time_unit", "ms"}};
}

std::optional<double> metric(const SweepRecord& r, const std::string& name)
{
  const auto& names = sweep_metric_names();
  return r.metrics[static_cast<size_t>(std::find(names.begin(), names.end(), name) - names.begin())];
}

std::string entry_name(const SweepPlan& plan, const SweepRun& run)
{
  std::string name = plan.name + "/" + run.profile;
  for (size_t k = 0; k < plan.parameters.size(); ++k)
    name += (k ? "," : "/") + plan.parameters[k].key + "=" + plan.points[run.point][k];
  return name;
}

} // namespace

json gbench_of_run(const results::RunResult& r)
{
  json benchmarks = json::array();
  int family = 0;
  const std::string scenario = r.context.scenario_name;
  for (const auto& [name, w] : r.workflows) {
    json e = entry(scenario + "/" + name, family++, 1, 0, static_cast<double>(w.completed), w.latency_s.p50 * 1e3);
    e["p95_ms"] = w.latency_s.p95 * 1e3;
    e["p99_ms"] = w.latency_s.p99 * 1e3;
    e["throughput_per_s"] = w.throughput_per_s;
    e["goodput_per_s"] = w.goodput_per_s;
    e["success_ratio"] = w.success_ratio;
    benchmarks.push_back(e);
  }
  const auto& t = r.totals;
  json all = entry(scenario + "/all", family, 1, 0, static_cast<double>(t.completed), t.latency_s.p50 * 1e3);
  all["p95_ms"] = t.latency_s.p95 * 1e3;
  all["p99_ms"] = t.latency_s.p99 * 1e3;
  all["throughput_per_s"] = t.throughput_per_s;
  all["goodput_per_s"] = t.goodput_per_s;
  all["success_ratio"] = t.success_ratio;
  if (r.effectiveness.value)
    all["effectiveness"] = *r.effectiveness.value;
  benchmarks.push_back(all);
  return {{"context", context("orchsim run " + r.context.scenario_path, "")}, {"benchmarks", benchmarks}};
}

json gbench_of_profiles(const results::ProfilesResult& r)
{
  json benchmarks = json::array();
  int family = 0;
  const auto reps = static_cast<int>(r.replications);
  for (const auto& p : r.profiles) {
    auto values = [&](const char* metric) -> const std::vector<double>* {
      auto it = p.metrics.find(metric);
      return it == p.metrics.end() ? nullptr : &it->second.values;
    };
    const auto* p50 = values("latency_p50_s");
    // Only replications where every reported metric exists keep the entries aligned.
    for (int k = 0; p50 && k < static_cast<int>(p50->size()); ++k) {
      json e =
          entry(r.context.scenario_name + "/" + p.name, family, reps, k, 1.0, (*p50)[static_cast<size_t>(k)] * 1e3);
      for (const auto& [metric, field, scale] :
           {std::tuple<const char*, const char*, double>{"latency_p95_s", "p95_ms", 1e3},
            {"latency_p99_s", "p99_ms", 1e3},
            {"throughput_per_s", "throughput_per_s", 1.0},
            {"goodput_per_s", "goodput_per_s", 1.0},
            {"success_ratio", "success_ratio", 1.0},
            {"effectiveness", "effectiveness", 1.0}})
        if (const auto* v = values(metric); v && static_cast<size_t>(k) < v->size())
          e[field] = (*v)[static_cast<size_t>(k)] * scale;
      benchmarks.push_back(e);
    }
    ++family;
  }
  return {{"context", context("orchsim run " + r.context.scenario_path + " --profiles", "")},
          {"benchmarks", benchmarks}};
}

json gbench_of_comparison(const Comparison& comparison)
{
  json report = json::array();
  for (const auto& m : comparison.metrics) {
    const double change = m.change.value_or(0.0);
    json utest = json::object();
    if (m.p_value)
      utest = {{"have_optimal_repetitions", m.base.size() >= 9 && m.current.size() >= 9},
               {"cpu_pvalue", *m.p_value},
               {"time_pvalue", *m.p_value},
               {"nr_of_repetitions", m.base.size()},
               {"nr_of_repetitions_other", m.current.size()}};
    report.push_back({{"name", m.name},
                      {"label", m.verdict},
                      {"measurements",
                       {{{"real_time", m.base_mean},
                         {"cpu_time", m.base_mean},
                         {"real_time_other", m.current_mean},
                         {"cpu_time_other", m.current_mean},
                         {"time", change},
                         {"cpu", change}}}},
                      {"time_unit", ""},
                      {"run_type", "iteration"},
                      {"aggregate_name", ""},
                      {"utest", utest}});
  }
  return report;
}

json gbench_of_sweep(const SweepPlan& plan, const std::vector<SweepRecord>& records)
{
  json benchmarks = json::array();
  int family = 0;
  for (const auto& cell : sweep_cells(plan)) {
    for (size_t i : cell) {
      const auto p50 = metric(records[i], "latency_p50_s");
      if (!p50)
        continue;
      const auto& run = plan.runs[i];
      json e = entry(entry_name(plan, run), family, static_cast<int>(plan.replications),
                     static_cast<int>(run.replication), 1, *p50 * 1e3);
      for (const auto& [from, field, scale] :
           {std::tuple<const char*, const char*, double>{"latency_p95_s", "p95_ms", 1e3},
            {"latency_p99_s", "p99_ms", 1e3},
            {"offered_per_s", "offered_per_s", 1.0},
            {"throughput_per_s", "throughput_per_s", 1.0},
            {"goodput_per_s", "goodput_per_s", 1.0},
            {"success_ratio", "success_ratio", 1.0},
            {"effectiveness", "effectiveness", 1.0}})
        if (const auto v = metric(records[i], from))
          e[field] = *v * scale;
      benchmarks.push_back(std::move(e));
    }
    ++family;
  }
  return {{"context", context("orchsim sweep " + plan.sweep_path, "")}, {"benchmarks", benchmarks}};
}

} // namespace orchsim::analysis
