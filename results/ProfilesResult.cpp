#include "results/ProfilesResult.hpp"

namespace orchsim::results {

namespace {
using nlohmann::json;

json optional_number(const std::optional<double>& v)
{
  return v ? json(*v) : json(nullptr);
}

json measured_json(const Measured& m)
{
  return {{"mean", m.mean},
          {"ci_low", optional_number(m.ci_low)},
          {"ci_high", optional_number(m.ci_high)},
          {"values", m.values}};
}
} // namespace

json to_json(const ProfilesResult& r)
{
  json profiles = json::object();
  json order = json::array();
  for (const auto& p : r.profiles) {
    json metrics = json::object();
    for (const auto& [name, m] : p.metrics)
      metrics[name] = measured_json(m);
    profiles[p.name] = {{"description", p.description},
                        {"selection", p.selection},
                        {"complete", p.complete},
                        {"metrics", metrics},
                        {"amplification", p.amplification ? measured_json(*p.amplification) : json(nullptr)},
                        {"bracket_position", optional_number(p.bracket_position)}};
    order.push_back(p.name);
  }
  return {
      {"schema_version", r.schema_version},
      {"kind", "profiles"},
      {"context",
       {{"orchsim_version", r.context.orchsim_version},
        {"git_describe", r.context.git_describe},
        {"simgrid_version", r.context.simgrid_version},
        {"scenario",
         {{"name", r.context.scenario_name}, {"path", r.context.scenario_path}, {"sha256", r.context.scenario_sha256}}},
        {"overrides", r.context.overrides},
        {"objective", r.objective},
        {"replications", r.replications},
        {"seeds", r.seeds},
        {"profiles", order}}},
      {"profiles", profiles},
      {"host", {{"wall_time_s", r.wall_time_s}, {"jobs", r.jobs}}}};
}

std::string to_json_text(const ProfilesResult& result)
{
  return to_json(result).dump(2) + "\n";
}

} // namespace orchsim::results
