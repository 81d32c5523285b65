// The outputs of a capacity search: its JSON document, its CSV and its table (analysis/Capacity.hpp).
#include <algorithm>
#include <cstdio>

#include "analysis/Capacity.hpp"
#include "analysis/TextFormat.hpp"

namespace orchsim::analysis {

namespace {

using nlohmann::json;

json optional_json(const std::optional<double>& v)
{
  return v ? json(*v) : json(nullptr);
}

json measured_json(const results::Measured& m)
{
  return {{"mean", m.values.empty() ? json(nullptr) : json(m.mean)},
          {"ci_low", optional_json(m.ci_low)},
          {"ci_high", optional_json(m.ci_high)},
          {"values", m.values}};
}

json optional_measured(const std::optional<results::Measured>& m)
{
  return m ? measured_json(*m) : json(nullptr);
}

json context_json(const CapacityResult& r)
{
  const auto& c = r.context;
  const auto& o = r.options;
  json slos = json::array();
  for (const auto& slo : o.slos)
    slos.push_back({{"text", slo.text},
                    {"workflow", slo.workflow.empty() ? json(nullptr) : json(slo.workflow)},
                    {"metric", slo.metric},
                    {"target_s", slo.target_s}});
  json j = {{"orchsim_version", c.orchsim_version},
            {"git_describe", c.git_describe},
            {"simgrid_version", c.simgrid_version},
            {"scenario", {{"name", c.scenario_name}, {"path", c.scenario_path}, {"sha256", c.scenario_sha256}}},
            {"overrides", c.overrides},
            {"mode", o.instances ? "instances" : "load"},
            {"slos", slos},
            {"min_success", o.min_success},
            {"profiles", o.profiles},
            {"replications", o.replications},
            {"seeds", r.seeds},
            {"tolerance", o.tolerance},
            {"max_doublings", o.limits.max_doublings},
            {"max_probes", o.limits.max_probes},
            {"base_rate_per_s", optional_json(r.base_rate_per_s)},
            {"start_factor", r.start_factor}};
  if (o.instances) {
    j["service"] = o.instances->service;
    j["rate_per_s"] = o.instances->rate_per_s;
    j["factor"] = r.instances_load_factor;
  }
  return j;
}

json profile_json(const CapacityResult& r, const ProfileCapacity& p)
{
  json j = {{"name", p.name}, {"status", p.status}, {"bound", optional_json(p.bound)}, {"note", p.note}};
  if (r.options.instances) {
    j["instances"] = p.instances ? json(*p.instances) : json(nullptr);
    j["instances_per_replication"] = measured_json(p.instances_per_replication);
    j["confirmed"] = p.confirmed;
    j["cost_usd"] = measured_json(p.cost_usd);
    j["cost_per_hour_usd"] = measured_json(p.cost_per_hour_usd);
    j["cost_per_success_usd"] = measured_json(p.cost_per_success_usd);
    j["instance_cost_usd"] = measured_json(p.instance_cost_usd);
  } else {
    j["factor"] = measured_json(p.factor);
    j["rate_per_s"] = optional_measured(p.rate_per_s);
    j["measured_rate_per_s"] = measured_json(p.measured_rate_per_s);
    j["vs_baseline"] = optional_measured(p.vs_baseline);
  }
  return j;
}

std::string csv_number(const std::optional<double>& v)
{
  return v ? format("%.10g", *v) : "";
}

/** mean,ci_low,ci_high of a measurement (empty cells where undefined). */
std::string csv_measured(const results::Measured& m)
{
  const bool any = !m.values.empty();
  return csv_number(any ? std::optional<double>(m.mean) : std::nullopt) + "," + csv_number(m.ci_low) + "," +
         csv_number(m.ci_high);
}

/** `1.234 [1.2, 1.27]`, or `-`. */
std::string interval_text(const results::Measured& m, const char* fmt)
{
  if (m.values.empty())
    return "-";
  std::string out = format(fmt, m.mean);
  if (m.ci_low)
    out += " [" + format(fmt, *m.ci_low) + ", " + format(fmt, *m.ci_high) + "]";
  return out;
}

std::string status_text(const ProfileCapacity& p)
{
  if (p.status == "above" || p.status == "below")
    return p.status + " " + (p.bound ? format("%.4g", *p.bound) : std::string("?"));
  return p.status;
}

std::string header(const CapacityResult& r)
{
  std::string slos;
  for (const auto& slo : r.options.slos)
    slos += (slos.empty() ? "" : ", ") + slo.text;
  std::string out =
      format("scenario %s  SLO %s, success >= %.4g  %u replication%s (seeds %llu..%llu)  wall %.3gs on %u job%s\n",
             r.context.scenario_name.c_str(), slos.c_str(), r.options.min_success, r.options.replications,
             r.options.replications == 1 ? "" : "s", static_cast<unsigned long long>(r.seeds.front()),
             static_cast<unsigned long long>(r.seeds.back()), r.wall_time_s, r.jobs, r.jobs == 1 ? "" : "s");
  if (r.options.instances)
    out += format("fewest instances of %s at %.4g/s (load factor %.4g), met in every replication\n",
                  r.options.instances->service.c_str(), r.options.instances->rate_per_s, r.instances_load_factor);
  else
    out += format("highest load factor within the SLO (tolerance %.3g%%, from %.4g; offered rate at factor 1: %s)\n",
                  100 * r.options.tolerance, r.start_factor,
                  r.base_rate_per_s ? format("%.4g/s", *r.base_rate_per_s).c_str() : "not defined (closed loop)");
  return out + "\n";
}

std::string load_rows(const CapacityResult& r)
{
  std::string out = format("%-14s %-30s %-30s %-24s %s\n", "profile", "load factor [95% CI]", "offered req/s [95% CI]",
                           "vs baseline [95% CI]", "status");
  for (const auto& p : r.profiles) {
    const results::Measured rate = p.rate_per_s ? *p.rate_per_s : p.measured_rate_per_s;
    out += format("%-14s %-30s %-30s %-24s %s\n", p.name.c_str(), interval_text(p.factor, "%.4g").c_str(),
                  interval_text(rate, "%.4g").c_str(),
                  p.vs_baseline ? interval_text(*p.vs_baseline, "%.3f").c_str() : "-", status_text(p).c_str());
  }
  return out;
}

std::string instances_rows(const CapacityResult& r)
{
  std::string out = format("%-14s %9s %-16s %-28s %-28s %s\n", "profile", "instances", "per replication",
                           "USD/hour [95% CI]", "USD/success [95% CI]", "status");
  for (const auto& p : r.profiles) {
    std::string per;
    for (double n : p.instances_per_replication.values)
      per += (per.empty() ? "" : ",") + format("%.0f", n);
    std::string status = status_text(p);
    if (p.instances && !p.confirmed)
      status += " (not met in every replication at this count)";
    out += format("%-14s %9s %-16s %-28s %-28s %s\n", p.name.c_str(),
                  p.instances ? std::to_string(*p.instances).c_str() : "-", per.empty() ? "-" : per.c_str(),
                  interval_text(p.cost_per_hour_usd, "%.4g").c_str(),
                  interval_text(p.cost_per_success_usd, "%.4g").c_str(), status.c_str());
  }
  return out;
}

} // namespace

json to_json(const CapacityResult& r)
{
  json searches = json::array();
  for (const auto& s : r.searches)
    searches.push_back({{"profile", s.profile},
                        {"replication", s.replication},
                        {"seed", s.seed},
                        {"outcome", outcome_name(s.result.outcome)},
                        {"pass", optional_json(s.result.pass)},
                        {"fail", optional_json(s.result.fail)},
                        {"probes", s.result.probes}});
  json profiles = json::array();
  for (const auto& p : r.profiles)
    profiles.push_back(profile_json(r, p));
  return {{"schema_version", 1},
          {"kind", "capacity"},
          {"context", context_json(r)},
          {"profiles", profiles},
          {"searches", searches},
          {"probes", r.probes},
          {"host", {{"wall_time_s", r.wall_time_s}, {"jobs", r.jobs}}}};
}

std::string capacity_csv(const CapacityResult& r)
{
  std::string out;
  if (r.options.instances) {
    out =
        "profile,status,bound,service,rate_per_s,instances,instances_min,instances_max,confirmed,"
        "cost_usd,cost_usd_ci_low,cost_usd_ci_high,cost_per_hour_usd,cost_per_hour_usd_ci_low,cost_per_hour_usd_ci_"
        "high,"
        "cost_per_success_usd,cost_per_success_usd_ci_low,"
        "cost_per_success_usd_ci_high,instance_cost_usd,instance_cost_usd_ci_low,instance_cost_usd_ci_high\n";
    for (const auto& p : r.profiles) {
      const auto& per = p.instances_per_replication.values;
      const auto [lo, hi] = std::minmax_element(per.begin(), per.end());
      out += p.name + "," + p.status + "," + csv_number(p.bound) + "," + r.options.instances->service + "," +
             csv_number(r.options.instances->rate_per_s) + "," +
             csv_number(p.instances ? std::optional<double>(*p.instances) : std::nullopt) + "," +
             csv_number(per.empty() ? std::nullopt : std::optional<double>(*lo)) + "," +
             csv_number(per.empty() ? std::nullopt : std::optional<double>(*hi)) + "," +
             (p.confirmed ? "true" : "false") + "," + csv_measured(p.cost_usd) + "," +
             csv_measured(p.cost_per_hour_usd) + "," + csv_measured(p.cost_per_success_usd) + "," +
             csv_measured(p.instance_cost_usd) + "\n";
    }
    return out;
  }
  out =
      "profile,status,bound,replications,factor,factor_ci_low,factor_ci_high,rate_per_s,rate_per_s_ci_low,"
      "rate_per_s_ci_high,measured_rate_per_s,measured_rate_per_s_ci_low,measured_rate_per_s_ci_high,"
      "vs_baseline,vs_baseline_ci_low,vs_baseline_ci_high\n";
  for (const auto& p : r.profiles)
    out += p.name + "," + p.status + "," + csv_number(p.bound) + "," + std::to_string(r.options.replications) + "," +
           csv_measured(p.factor) + "," + csv_measured(p.rate_per_s.value_or(results::Measured{})) + "," +
           csv_measured(p.measured_rate_per_s) + "," + csv_measured(p.vs_baseline.value_or(results::Measured{})) + "\n";
  return out;
}

std::string capacity_table(const CapacityResult& r)
{
  std::string notes;
  for (const auto& p : r.profiles)
    if (!p.note.empty())
      notes += "note: " + p.name + ": " + p.note + "\n";
  return header(r) + (r.options.instances ? instances_rows(r) : load_rows(r)) + (notes.empty() ? "" : "\n" + notes);
}

} // namespace orchsim::analysis
