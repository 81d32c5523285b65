#include "analysis/Capacity.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>

#include "analysis/ProcessPool.hpp"
#include "analysis/Saturation.hpp"
#include "analysis/Statistics.hpp"
#include "models/ScenarioLoader.hpp"
#include "models/WorkloadSource.hpp"
#include "sim/InputError.hpp"

namespace orchsim::analysis {

namespace {

using nlohmann::json;

constexpr uint32_t MAX_INSTANCES = 1'000'000; // what a scenario accepts

sim::InputError flag_error(const std::string& flag, const std::string& message)
{
  return sim::InputError(sim::InputLocation{flag, 0, 0, ""}, message);
}

/** The shortest text that reads back as exactly `v`: a probe's overrides reproduce its run. */
std::string exact_text(double v)
{
  char buf[64];
  const auto end = std::to_chars(buf, buf + sizeof buf, v).ptr;
  return std::string(buf, end);
}

std::string number_text(double v)
{
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

// ---- planning -----------------------------------------------------------------------------------

/** `wanted` with "all" expanded, in order, without repeats; throws on an unknown name. */
std::vector<std::string> resolve_profiles(const models::Scenario& s, const std::vector<std::string>& wanted)
{
  std::vector<std::string> out;
  auto add = [&](const std::string& name) {
    if (std::find(out.begin(), out.end(), name) == out.end())
      out.push_back(name);
  };
  for (const auto& name : wanted.empty() ? std::vector<std::string>{models::BASELINE_PROFILE} : wanted) {
    if (name == "all") {
      for (const auto& p : s.profiles)
        add(p.name);
      continue;
    }
    if (std::none_of(s.profiles.begin(), s.profiles.end(), [&](const auto& p) { return p.name == name; })) {
      std::string list;
      for (const auto& p : s.profiles)
        list += (list.empty() ? "" : ", ") + p.name;
      throw flag_error("--profiles", "unknown profile '" + name + "'; this scenario has: " + list + " (or all)");
    }
    add(name);
  }
  return out;
}

/** The open-loop arrival rate at load factor 1: the sources' mean rates, unscaled. Null when a source
 *  has none (closed loop, a trace too short to tell). */
std::optional<double> base_rate_per_s(const models::Scenario& s)
{
  double sum = 0;
  for (const auto& source : s.sources) {
    const auto rate = models::WorkloadSource::mean_rate_per_s(source);
    if (!rate)
      return std::nullopt;
    sum += *rate;
  }
  return sum / s.simulation.load_scale;
}

const models::ServiceSpec* find_service(const models::Scenario& s, const std::string& name)
{
  for (const auto& svc : s.services)
    if (svc.name == name)
      return &svc;
  return nullptr;
}

/** The load factor that gives the asked rate; throws when the service or the rate does not fit. */
double instances_load_factor(const models::Scenario& s, const InstancesQuestion& q,
                             const std::optional<double>& base_rate)
{
  if (!find_service(s, q.service)) {
    std::string list;
    for (const auto& svc : s.services)
      list += (list.empty() ? "" : ", ") + svc.name;
    throw flag_error("--instances", "unknown service '" + q.service + "'; this scenario has: " + list);
  }
  if (!base_rate || *base_rate <= 0)
    throw flag_error("--rate",
                     "the scenario's load is not an arrival rate (a closed-loop source, or a trace whose "
                     "rate is unknown): --instances needs open-loop sources only, whose mean rates add up "
                     "to the rate that --rate scales");
  const double factor = q.rate_per_s / *base_rate;
  if (factor < 1e-6 || factor > 1e6)
    throw flag_error("--rate", "expected a rate within [1e-6, 1e6] x the scenario's " + number_text(*base_rate) +
                                   "/s, found " + number_text(q.rate_per_s) + "/s");
  return factor;
}

// ---- one probe ----------------------------------------------------------------------------------

/** The overrides that make the run of one probe: the seed, the load factor, the instance count. */
std::vector<std::string> probe_overrides(const CapacityResult& plan, const models::Scenario& s, uint64_t seed,
                                         double value)
{
  std::vector<std::string> o{"simulation.seed=" + std::to_string(seed)};
  const auto& q = plan.options.instances;
  if (!q) {
    o.push_back("simulation.load_scale=" + exact_text(value));
    return o;
  }
  o.push_back("simulation.load_scale=" + exact_text(plan.instances_load_factor));
  const std::string n = std::to_string(static_cast<uint32_t>(value));
  o.push_back("services." + q->service + ".instances=" + n);
  if (find_service(s, q->service)->autoscaling) { // a fixed count: the autoscaler may neither add nor remove
    o.push_back("services." + q->service + ".autoscaling.min=" + n);
    o.push_back("services." + q->service + ".autoscaling.max=" + n);
  }
  return o;
}

std::string latency_key(const CapacitySlo& slo)
{
  return (slo.workflow.empty() ? "" : slo.workflow + ".") + "latency_" + slo.metric + "_s";
}

std::string success_key(const CapacitySlo& slo)
{
  return (slo.workflow.empty() ? "" : slo.workflow + ".") + "success_ratio";
}

/** A run against the objectives: its metrics, the reasons it fails, whether it passed. */
json judge(const results::RunResult& r, const CapacityOptions& o)
{
  json metrics = json::object(), reasons = json::array();
  for (const auto& slo : o.slos) {
    const auto latency = measured_latency_s(slo, r);
    metrics[latency_key(slo)] = latency ? json(*latency) : json(nullptr);
    if (!latency || *latency > slo.target_s)
      reasons.push_back(slo.text + (latency ? ": measured " + number_text(*latency) + "s" : ": nothing completed"));
    const double success = scope_success_ratio(slo, r);
    metrics[success_key(slo)] = success;
    if (success < o.min_success)
      reasons.push_back(success_key(slo) + " " + number_text(success) + " < " + number_text(o.min_success));
  }
  if (r.run.saturation == saturation_name(Saturation::OVERLOADED))
    reasons.push_back("overloaded: the requests in the system grew by " +
                      number_text(100 * r.run.backlog_growth_share) + "% of the arrival rate");
  const auto& t = r.totals;
  metrics["offered_per_s"] = r.run.window_s > 0 ? static_cast<double>(t.offered) / r.run.window_s : 0.0;
  metrics["throughput_per_s"] = t.throughput_per_s;
  metrics["backlog_growth_share"] = r.run.backlog_growth_share;
  metrics["cost_usd"] = t.cost_usd;
  metrics["cost_per_hour_usd"] = r.run.window_s > 0 ? t.cost_usd / r.run.window_s * 3600 : 0.0;
  metrics["cost_per_success_usd"] = t.cost_per_success_usd ? json(*t.cost_per_success_usd) : json(nullptr);
  if (o.instances)
    metrics["instance_cost_usd"] = r.services.at(o.instances->service).instance_cost_usd;
  return {{"metrics", metrics},
          {"reasons", reasons},
          {"saturation", r.run.saturation},
          {"complete", r.run.complete},
          {"passed", reasons.empty()}};
}

json run_probe(const LoadedScenario& loaded, const CapacityResult& plan, const CapacitySearchRun& unit, double value)
{
  const auto& s = loaded.scenario;
  const auto extra = probe_overrides(plan, s, unit.seed, value);
  auto overrides = s.overrides;
  overrides.insert(overrides.end(), extra.begin(), extra.end());
  const LoadedScenario one{models::load_scenario_text(loaded.text, s.path, overrides, unit.profile), loaded.sha256,
                           loaded.text};
  if (const auto& q = plan.options.instances) {
    const auto& scaling = find_service(one.scenario, q->service)->autoscaling;
    if (scaling && scaling->get_min() != scaling->get_max())
      throw flag_error("--instances", "profile '" + unit.profile + "' sets its own autoscaling of service '" +
                                          q->service + "': a fixed count cannot be searched there");
  }
  json probe = judge(run(one), plan.options);
  probe["profile"] = unit.profile;
  probe["replication"] = unit.replication;
  probe["seed"] = unit.seed;
  probe["overrides"] = extra;
  probe["role"] = "search";
  if (plan.options.instances) {
    probe["instances"] = static_cast<uint32_t>(value);
    probe["factor"] = plan.instances_load_factor;
  } else {
    probe["factor"] = value;
  }
  return probe;
}

// ---- searches -----------------------------------------------------------------------------------

json optional_json(const std::optional<double>& v)
{
  return v ? json(*v) : json(nullptr);
}

std::optional<double> optional_of(const json& j)
{
  return j.is_null() ? std::nullopt : std::optional<double>(j.get<double>());
}

/** One profile in one replication, from start to answer (runs in a child process). */
json run_search(const LoadedScenario& loaded, const CapacityResult& plan, const CapacitySearchRun& unit)
{
  json probes = json::array();
  auto passes = [&](double value) {
    probes.push_back(run_probe(loaded, plan, unit, value));
    return probes.back()["passed"].get<bool>();
  };
  const auto& o = plan.options;
  SearchResult r;
  if (o.instances) {
    const uint32_t start = find_service(loaded.scenario, o.instances->service)->instances;
    const auto reach = static_cast<uint64_t>(start) << std::min(o.limits.max_doublings, 20u);
    r = search_fewest_passing(start, static_cast<uint32_t>(std::min<uint64_t>(MAX_INSTANCES, reach)), o.limits,
                              [&](uint32_t n) { return passes(n); });
  } else {
    r = search_highest_passing(plan.start_factor, o.tolerance, o.limits, passes);
  }
  return {{"outcome", static_cast<int>(r.outcome)},
          {"pass", optional_json(r.pass)},
          {"fail", optional_json(r.fail)},
          {"probes", probes}};
}

void run_searches(const LoadedScenario& loaded, CapacityResult& plan)
{
  const auto values = run_in_processes(
      plan.searches.size(), plan.jobs, [&](size_t i) { return run_search(loaded, plan, plan.searches[i]); },
      [&](size_t i) {
        return "the capacity search of profile '" + plan.searches[i].profile + "', replication " +
               std::to_string(plan.searches[i].replication);
      });
  for (size_t i = 0; i < values.size(); ++i) {
    auto& r = plan.searches[i].result;
    r.outcome = static_cast<SearchOutcome>(values[i].at("outcome").get<int>());
    r.pass = optional_of(values[i].at("pass"));
    r.fail = optional_of(values[i].at("fail"));
    r.probes = static_cast<unsigned>(values[i].at("probes").size());
    for (const auto& p : values[i].at("probes"))
      plan.probes.push_back(p);
  }
}

/** The probe of `unit` at `value` (factor or instances), if it ran. */
const json* find_probe(const CapacityResult& plan, const CapacitySearchRun& unit, double value)
{
  const char* key = plan.options.instances ? "instances" : "factor";
  for (const auto& p : plan.probes)
    if (p["profile"] == unit.profile && p["replication"] == unit.replication && p[key].get<double>() == value)
      return &p;
  return nullptr;
}

// ---- summaries ----------------------------------------------------------------------------------

std::vector<const CapacitySearchRun*> searches_of(const CapacityResult& plan, const std::string& profile)
{
  std::vector<const CapacitySearchRun*> out;
  for (const auto& s : plan.searches)
    if (s.profile == profile)
      out.push_back(&s);
  return out;
}

/** The worst outcome of a profile's searches, and the bound an above or below answer lies beyond, with
 *  what the run there said (failures that do not move with the load show there). */
void set_status(const CapacityResult& plan, ProfileCapacity& p, const std::vector<const CapacitySearchRun*>& searches)
{
  auto has = [&](SearchOutcome o) {
    return std::any_of(searches.begin(), searches.end(), [&](const auto* s) { return s->result.outcome == o; });
  };
  const SearchOutcome worst = has(SearchOutcome::BELOW)         ? SearchOutcome::BELOW
                              : has(SearchOutcome::ABOVE)       ? SearchOutcome::ABOVE
                              : has(SearchOutcome::PROBE_LIMIT) ? SearchOutcome::PROBE_LIMIT
                                                                : SearchOutcome::FOUND;
  p.status = outcome_name(worst);
  for (const auto* s : searches) {
    if (s->result.outcome != worst || (worst != SearchOutcome::ABOVE && worst != SearchOutcome::BELOW))
      continue;
    // Beyond the values tried in every replication that could not bracket.
    const auto v = worst == SearchOutcome::ABOVE ? (s->result.pass ? s->result.pass : s->result.fail)
                                                 : (s->result.fail ? s->result.fail : s->result.pass);
    const bool upward = worst == SearchOutcome::ABOVE;
    if (!v || (p.bound && upward == (*v > *p.bound)))
      continue;
    p.bound = v;
    const json* probe = find_probe(plan, *s, *v);
    const std::string what = plan.options.instances ? number_text(*v) + " instances" : "load factor " + number_text(*v);
    if (!probe || (*probe)["passed"].get<bool>())
      p.note =
          std::string("every run passed, ") + (upward ? "up to " : "down to ") + what + " (the bracketing's reach)";
    else
      p.note = "fails even at " + what + ": " + (*probe)["reasons"][0].get<std::string>();
  }
}

ProfileCapacity summarize_load(const CapacityResult& plan, const std::string& profile)
{
  ProfileCapacity p;
  p.name = profile;
  const auto searches = searches_of(plan, profile);
  set_status(plan, p, searches);
  if (p.status != "found" && p.status != "probe_limit")
    return p;
  std::vector<double> factors, measured_rates;
  for (const auto* s : searches) {
    factors.push_back(*s->result.pass);
    if (const json* probe = find_probe(plan, *s, *s->result.pass))
      measured_rates.push_back((*probe)["metrics"]["offered_per_s"].get<double>());
  }
  p.factor = measured(factors);
  p.measured_rate_per_s = measured(measured_rates);
  if (plan.base_rate_per_s) {
    std::vector<double> rates;
    for (double f : factors)
      rates.push_back(f * *plan.base_rate_per_s);
    p.rate_per_s = measured(rates);
  }
  return p;
}

/** Capacity / the baseline's, paired by replication (when the baseline was searched and found). */
void add_ratios(CapacityResult& plan)
{
  const auto base = std::find_if(plan.profiles.begin(), plan.profiles.end(),
                                 [](const auto& p) { return p.name == models::BASELINE_PROFILE; });
  if (base == plan.profiles.end() || base->factor.values.size() != plan.seeds.size())
    return;
  for (auto& p : plan.profiles) {
    if (p.factor.values.size() != plan.seeds.size())
      continue;
    if (const auto ratio = paired_ratio(p.factor.values, base->factor.values)) {
      results::Measured m;
      for (size_t r = 0; r < p.factor.values.size(); ++r)
        m.values.push_back(p.factor.values[r] / base->factor.values[r]);
      m.mean = ratio->mean;
      m.ci_low = ratio->low;
      m.ci_high = ratio->high;
      p.vs_baseline = m;
    }
  }
}

/** Instances: runs every replication at the answer that its search did not try (for the cost and to
 *  confirm it), in parallel. */
void run_answers(const LoadedScenario& loaded, CapacityResult& plan, const std::vector<ProfileCapacity>& answers)
{
  std::vector<std::pair<CapacitySearchRun, uint32_t>> missing;
  for (const auto& a : answers)
    if (a.instances)
      for (const auto* s : searches_of(plan, a.name))
        if (!find_probe(plan, *s, *a.instances))
          missing.emplace_back(*s, *a.instances);
  const auto probes = run_in_processes(
      missing.size(), plan.jobs, [&](size_t i) { return run_probe(loaded, plan, missing[i].first, missing[i].second); },
      [&](size_t i) {
        return "the run of profile '" + missing[i].first.profile + "' at " + std::to_string(missing[i].second) +
               " instances, replication " + std::to_string(missing[i].first.replication);
      });
  for (auto p : probes) {
    p["role"] = "answer";
    plan.probes.push_back(std::move(p));
  }
}

/** The answer n = the largest of the replications' fewest passing counts: it met the objectives in
 *  every replication (searches assume more instances never hurt). */
ProfileCapacity instances_answer(const CapacityResult& plan, const std::string& profile)
{
  ProfileCapacity p;
  p.name = profile;
  const auto searches = searches_of(plan, profile);
  set_status(plan, p, searches);
  if (p.status != "found" && p.status != "probe_limit")
    return p;
  std::vector<double> counts;
  for (const auto* s : searches)
    counts.push_back(*s->result.pass);
  p.instances_per_replication = measured(counts);
  p.instances = static_cast<uint32_t>(*std::max_element(counts.begin(), counts.end()));
  return p;
}

void add_costs(const CapacityResult& plan, ProfileCapacity& p)
{
  std::vector<double> cost, per_hour, per_success, instance_cost;
  for (const auto* s : searches_of(plan, p.name)) {
    const json* probe = find_probe(plan, *s, *p.instances);
    if (!probe)
      continue;
    const auto& m = (*probe)["metrics"];
    p.confirmed = p.confirmed && (*probe)["passed"].get<bool>();
    cost.push_back(m["cost_usd"].get<double>());
    per_hour.push_back(m["cost_per_hour_usd"].get<double>());
    instance_cost.push_back(m["instance_cost_usd"].get<double>());
    if (!m["cost_per_success_usd"].is_null())
      per_success.push_back(m["cost_per_success_usd"].get<double>());
  }
  p.cost_usd = measured(cost);
  p.cost_per_hour_usd = measured(per_hour);
  p.cost_per_success_usd = measured(per_success);
  p.instance_cost_usd = measured(instance_cost);
}

} // namespace

CapacityResult run_capacity(const LoadedScenario& loaded, const CapacityOptions& options)
{
  const auto& s = loaded.scenario;
  CapacityResult plan;
  plan.options = options;
  if (plan.options.slos.empty())
    plan.options.slos = scenario_capacity_slos(s);
  if (plan.options.slos.empty())
    throw flag_error("--slo", "no objective: give --slo (e.g. 'p99<=2s'), or an `slo:` section in the scenario");
  check_capacity_slos(plan.options.slos, s);
  plan.options.profiles = resolve_profiles(s, options.profiles);
  plan.context = run_context(s, loaded.sha256);
  plan.context.profile.clear();
  plan.context.selection.clear();
  plan.base_rate_per_s = base_rate_per_s(s);
  plan.start_factor = s.simulation.load_scale;
  if (options.instances)
    plan.instances_load_factor = instances_load_factor(s, *options.instances, plan.base_rate_per_s);
  plan.jobs = std::max(options.jobs, 1u);
  for (uint32_t r = 0; r < options.replications; ++r) {
    plan.seeds.push_back(s.simulation.seed + r);
    for (const auto& profile : plan.options.profiles)
      plan.searches.push_back(CapacitySearchRun{profile, r, s.simulation.seed + r, {}});
  }

  const auto start = std::chrono::steady_clock::now();
  run_searches(loaded, plan);
  for (const auto& profile : plan.options.profiles)
    plan.profiles.push_back(options.instances ? instances_answer(plan, profile) : summarize_load(plan, profile));
  if (options.instances) {
    run_answers(loaded, plan, plan.profiles);
    for (auto& p : plan.profiles)
      if (p.instances)
        add_costs(plan, p);
  } else {
    add_ratios(plan);
  }
  plan.wall_time_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return plan;
}

} // namespace orchsim::analysis
