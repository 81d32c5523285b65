#include "analysis/SweepGbench.hpp"

#include <algorithm>
#include <string>
#include <tuple>

namespace orchsim::analysis {

namespace {

using nlohmann::json;

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
      const std::string name = entry_name(plan, run);
      json e = {{"name", name},
                {"family_index", family},
                {"per_family_instance_index", 0},
                {"run_name", name},
                {"run_type", "iteration"},
                {"repetitions", plan.replications},
                {"repetition_index", run.replication},
                {"threads", 1},
                {"iterations", 1},
                {"real_time", *p50 * 1e3},
                {"cpu_time", *p50 * 1e3},
                {"time_unit", "ms"}};
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
  const json context = {{"date", ""},
                        {"executable", "orchsim sweep " + plan.sweep_path},
                        {"num_cpus", 1},
                        {"mhz_per_cpu", 0},
                        {"caches", json::array()},
                        {"cpu_scaling_enabled", false},
                        {"load_avg", json::array()},
                        {"library_build_type", "release"}};
  return {{"context", context}, {"benchmarks", benchmarks}};
}

} // namespace orchsim::analysis
