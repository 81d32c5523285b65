#include "analysis/Profiles.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "analysis/ProcessPool.hpp"
#include "analysis/Statistics.hpp"
#include "models/ScenarioLoader.hpp"
#include "results/AtomicFile.hpp"
#include "sim/InputError.hpp"

namespace orchsim::analysis {

namespace {

using nlohmann::json;

struct Job {
  std::string profile;
  uint32_t replication = 0;
  uint64_t seed = 0;
};

/** What the summary needs of one run. */
struct Digest {
  bool complete = true;
  std::string selection;
  std::map<std::string, std::optional<double>> metrics;
};

json digest_json(const Digest& d)
{
  json metrics = json::object();
  for (const auto& [name, value] : d.metrics)
    metrics[name] = value ? json(*value) : json(nullptr);
  return {{"complete", d.complete}, {"selection", d.selection}, {"metrics", metrics}};
}

Digest digest_of(const json& j)
{
  Digest d;
  d.complete = j.at("complete").get<bool>();
  d.selection = j.at("selection").get<std::string>();
  for (const auto& [name, value] : j.at("metrics").items())
    d.metrics[name] = value.is_null() ? std::nullopt : std::optional<double>(value.get<double>());
  return d;
}

Digest run_job(const LoadedScenario& loaded, const Job& job, const ProfilesOptions& options)
{
  auto overrides = loaded.scenario.overrides;
  overrides.push_back("simulation.seed=" + std::to_string(job.seed));
  const LoadedScenario one{models::load_scenario_text(loaded.text, loaded.scenario.path, overrides, job.profile),
                           loaded.sha256, loaded.text};
  const results::RunResult result = run(one, options.limits);
  if (!options.runs_dir.empty())
    results::write_file_atomic(options.runs_dir + "/" + job.profile + "-r" + std::to_string(job.replication) + ".json",
                               results::to_json_text(result));
  Digest d;
  d.complete = result.run.complete;
  d.selection = result.context.selection;
  for (const auto& [name, value] : headline_metrics(result))
    d.metrics[name] = value;
  return d;
}

/** Runs the jobs `options.jobs` at a time, each in its own process. */
std::vector<Digest> run_jobs(const LoadedScenario& loaded, const std::vector<Job>& jobs, const ProfilesOptions& options)
{
  const auto values = run_in_processes(
      jobs.size(), options.jobs, [&](size_t i) { return digest_json(run_job(loaded, jobs[i], options)); },
      [&](size_t i) {
        return "the run of profile '" + jobs[i].profile + "', replication " + std::to_string(jobs[i].replication);
      });
  std::vector<Digest> digests;
  for (const auto& v : values)
    digests.push_back(digest_of(v));
  return digests;
}

} // namespace

std::vector<std::pair<std::string, std::optional<double>>> headline_metrics(const results::RunResult& r)
{
  const auto& t = r.totals;
  return {{"latency_p50_s", t.latency_s.count ? std::optional<double>(t.latency_s.p50) : std::nullopt},
          {"latency_p95_s", t.latency_s.count ? std::optional<double>(t.latency_s.p95) : std::nullopt},
          {"latency_p99_s", t.latency_s.count ? std::optional<double>(t.latency_s.p99) : std::nullopt},
          {"throughput_per_s", t.throughput_per_s},
          {"goodput_per_s", t.goodput_per_s},
          {"quality_goodput_per_s", t.quality_goodput_per_s},
          {"success_ratio", t.success_ratio},
          {"cost_per_success_usd", t.cost_per_success_usd},
          {"mean_quality", t.mean_quality},
          {"selection_optimal_ratio", t.selection.optimal_ratio},
          {"regret_per_decision", t.selection.regret_per_decision},
          {"effectiveness", r.effectiveness.value}};
}

results::ProfilesResult run_profiles(const LoadedScenario& loaded, const ProfilesOptions& options)
{
  const auto& s = loaded.scenario;
  if (options.replications < 1)
    throw std::invalid_argument("run_profiles: at least one replication");
  std::vector<std::string> names{models::BASELINE_PROFILE};
  const bool all = std::find(options.profiles.begin(), options.profiles.end(), "all") != options.profiles.end();
  for (const auto& p : s.profiles)
    if (p.name != models::BASELINE_PROFILE &&
        (all || std::find(options.profiles.begin(), options.profiles.end(), p.name) != options.profiles.end()))
      names.push_back(p.name);
  for (const auto& wanted : options.profiles) {
    const bool known = wanted == "all" || std::any_of(s.profiles.begin(), s.profiles.end(),
                                                      [&](const auto& p) { return p.name == wanted; });
    if (!known) {
      std::string list;
      for (const auto& p : s.profiles)
        list += (list.empty() ? "" : ", ") + p.name;
      throw sim::InputError(sim::InputLocation{"--profiles", 0, 0, ""},
                            "unknown profile '" + wanted + "'; this scenario has: " + list + " (or all)");
    }
  }

  results::ProfilesResult out;
  const uint64_t seed = s.simulation.seed;
  out.replications = options.replications;
  for (uint32_t r = 0; r < options.replications; ++r)
    out.seeds.push_back(seed + r);
  std::vector<Job> jobs;
  for (uint32_t r = 0; r < options.replications; ++r)
    for (const auto& name : names)
      jobs.push_back(Job{name, r, seed + r});
  if (!options.runs_dir.empty())
    std::filesystem::create_directories(options.runs_dir);

  const auto start = std::chrono::steady_clock::now();
  const std::vector<Digest> digests = run_jobs(loaded, jobs, options);
  out.wall_time_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  out.jobs = std::max(options.jobs, 1u);

  out.context = run_context(s, loaded.sha256);
  out.context.profile.clear();
  out.context.selection.clear();
  out.objective = objective_name(s.amplification.objective);

  const size_t n_profiles = names.size();
  auto digest = [&](size_t profile, uint32_t replication) -> const Digest& {
    return digests[replication * n_profiles + profile];
  };
  std::map<std::string, std::vector<std::optional<double>>> effectiveness;
  for (size_t p = 0; p < n_profiles; ++p) {
    results::ProfileSummary summary;
    summary.name = names[p];
    for (const auto& info : s.profiles)
      if (info.name == names[p])
        summary.description = info.description;
    summary.selection = digest(p, 0).selection;
    std::map<std::string, std::vector<double>> values;
    for (uint32_t r = 0; r < options.replications; ++r) {
      const Digest& d = digest(p, r);
      summary.complete = summary.complete && d.complete;
      for (const auto& [metric, value] : d.metrics)
        if (value)
          values[metric].push_back(*value);
      effectiveness[names[p]].push_back(d.metrics.at("effectiveness"));
    }
    for (const auto& [metric, v] : values)
      summary.metrics[metric] = measured(v);
    out.profiles.push_back(std::move(summary));
  }

  // Amplification: paired by replication, over the replications where both are defined.
  const auto& base = effectiveness[models::BASELINE_PROFILE];
  for (auto& summary : out.profiles) {
    std::vector<double> num, den;
    const auto& mine = effectiveness[summary.name];
    for (uint32_t r = 0; r < options.replications; ++r)
      if (mine[r] && base[r]) {
        num.push_back(*mine[r]);
        den.push_back(*base[r]);
      }
    if (auto ratio = paired_ratio(num, den)) {
      results::Measured m;
      m.mean = ratio->mean;
      m.ci_low = ratio->low;
      m.ci_high = ratio->high;
      for (size_t i = 0; i < num.size(); ++i)
        m.values.push_back(den[i] != 0 ? num[i] / den[i] : 0.0);
      summary.amplification = m;
    }
  }
  auto mean_effectiveness = [&](const std::string& name) -> std::optional<double> {
    for (const auto& summary : out.profiles)
      if (summary.name == name) {
        auto it = summary.metrics.find("effectiveness");
        if (it != summary.metrics.end() && !it->second.values.empty())
          return it->second.mean;
      }
    return std::nullopt;
  };
  // The bracket needs width: the oracle above the random floor beyond noise (the paired interval of
  // their ratio above 1; with one replication, simply above), else positions in it are noise.
  const auto floor = mean_effectiveness(models::RANDOM_PROFILE);
  const auto ceiling = mean_effectiveness(models::ORACLE_PROFILE);
  bool wide = false;
  if (floor && ceiling && *ceiling > *floor) {
    std::vector<double> top, bottom;
    const auto& oracle = effectiveness[models::ORACLE_PROFILE];
    const auto& random = effectiveness[models::RANDOM_PROFILE];
    for (uint32_t r = 0; r < options.replications; ++r)
      if (oracle[r] && random[r]) {
        top.push_back(*oracle[r]);
        bottom.push_back(*random[r]);
      }
    const auto gap = paired_ratio(top, bottom);
    wide = gap && (!gap->low || *gap->low > 1.0);
  }
  if (wide)
    for (auto& summary : out.profiles)
      if (auto e = mean_effectiveness(summary.name))
        summary.bracket_position = (*e - *floor) / (*ceiling - *floor);
  return out;
}

} // namespace orchsim::analysis
