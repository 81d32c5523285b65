#include "analysis/SweepPlan.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "analysis/ShellQuote.hpp"
#include "analysis/SweepSample.hpp"
#include "models/ScenarioLoader.hpp"
#include "orchsim/Version.hpp"
#include "results/Sha256.hpp"

namespace orchsim::analysis {

namespace {

using nlohmann::json;
using sim::InputError;
using sim::InputLocation;

constexpr int MANIFEST_SCHEMA_VERSION = 1;

std::string padded(size_t value, size_t count)
{
  const std::string text = std::to_string(value), widest = std::to_string(count > 0 ? count - 1 : 0);
  return std::string(widest.size() - text.size(), '0') + text;
}

std::string read_scenario(const SweepSpec& spec)
{
  std::ifstream in(spec.scenario, std::ios::binary);
  if (!in)
    throw InputError(spec.scenario_at, "cannot open scenario file '" + spec.scenario + "': " + std::strerror(errno));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

/** The loader's error `e` about an override, moved to the sweep file's entry `at` that wrote the override. */
InputError located(const InputError& e, const InputLocation& at, const std::string& prefix)
{
  const auto& where = e.get_location();
  return InputError(at, prefix + (where.key_path.empty() ? "" : where.key_path + ": ") + e.get_message());
}

/** The scenario's profiles the sweep runs: `all`, or the names given (each checked). */
std::vector<std::string> resolve_profiles(const SweepSpec& spec, const models::Scenario& base)
{
  std::vector<std::string> known;
  for (const auto& p : base.profiles)
    known.push_back(p.name);
  if (spec.profiles == std::vector<std::string>{"all"})
    return known;
  for (size_t i = 0; i < spec.profiles.size(); ++i)
    if (std::find(known.begin(), known.end(), spec.profiles[i]) == known.end()) {
      std::string list;
      for (const auto& k : known)
        list += (list.empty() ? "" : ", ") + k;
      throw InputError(spec.profile_at[i],
                       "unknown profile '" + spec.profiles[i] + "'; the scenario has: " + list + " (or all)");
    }
  return spec.profiles;
}

/** Loads point `i` with `profile`. A failure is located in the sweep file: at the value of the parameter or at
 *  the override the loader blames, else at `parameters` (a combination), naming the point and the profile. */
models::Scenario load_point(const SweepSpec& spec, const SweepPlan& plan, size_t i, const std::string& profile,
                            bool name_profile)
{
  const auto own = point_overrides(plan, i);
  auto overrides = spec.overrides;
  overrides.insert(overrides.end(), own.begin(), own.end());
  try {
    return models::load_scenario_text(plan.scenario_text, plan.scenario_path, overrides, profile);
  } catch (const InputError& e) {
    const std::string& file = e.get_location().file;
    const std::string point =
        own.empty() ? "" : "point " + std::to_string(i) + (name_profile ? ", profile " + profile : "") + ": ";
    for (size_t k = 0; k < own.size(); ++k)
      if (file == "--set " + own[k])
        throw located(e, spec.point_at[i][k], point);
    for (size_t k = 0; k < spec.overrides.size(); ++k)
      if (file == "--set " + spec.overrides[k])
        throw located(e, spec.override_at[k], point);
    if (own.empty())
      throw;
    std::string values;
    for (const auto& o : own)
      values += (values.empty() ? "" : ", ") + o;
    throw InputError(spec.parameters_at, point + "the scenario does not load with " + values + ": " + e.what());
  }
}

/** Loads every point with every profile of the scenario, as `orchsim run` would (the sweep's first). */
void check_points(const SweepSpec& spec, const SweepPlan& plan, const models::Scenario& first)
{
  std::vector<std::string> order = plan.profiles;
  for (const auto& p : first.profiles)
    if (std::find(order.begin(), order.end(), p.name) == order.end())
      order.push_back(p.name);
  for (size_t i = 0; i < plan.points.size(); ++i)
    for (const auto& profile : order)
      load_point(spec, plan, i, profile, profile != order.front());
}

std::vector<SweepRun> list_runs(const SweepPlan& plan)
{
  std::vector<SweepRun> runs;
  for (size_t i = 0; i < plan.points.size(); ++i)
    for (const auto& profile : plan.profiles)
      for (uint32_t r = 0; r < plan.replications; ++r)
        runs.push_back(
            SweepRun{"p" + padded(i, plan.points.size()) + "-" + profile + "-r" + padded(r, plan.replications), i,
                     profile, r, sweep_run_seed(plan.seed, i, r)});
  return runs;
}

json head_json(const SweepPlan& p)
{
  json design = p.design == "grid" || p.design == "zip"
                    ? json{{"combine", p.design}}
                    : json{{"sample", p.design}, {"points", p.points.size()}, {"seed", p.sample_seed}};
  json parameters = json::array();
  for (const auto& c : p.parameters)
    parameters.push_back(
        {{"key", c.key}, {"si_column", c.si_suffix.empty() ? json(nullptr) : json(c.key + c.si_suffix)}});
  return {{"schema_version", MANIFEST_SCHEMA_VERSION},
          {"kind", "sweep"},
          {"name", p.name},
          {"description", p.description},
          {"sweep", {{"path", p.sweep_path}, {"sha256", p.sweep_sha256}}},
          {"scenario", {{"name", p.scenario_name}, {"path", p.scenario_path}, {"sha256", p.scenario_sha256}}},
          {"orchsim", {{"version", p.orchsim_version}, {"git_describe", p.git_describe}}},
          {"seed", p.seed},
          {"replications", p.replications},
          {"profiles", p.profiles},
          {"overrides", p.overrides},
          {"design", design},
          {"parameters", parameters}};
}

/** `items` as lines of a JSON list, indented for a member of the top-level object. */
std::string list_text(const std::vector<json>& items)
{
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i)
    out += (i ? ",\n    " : "\n    ") + items[i].dump();
  return out + (items.empty() ? "]" : "\n  ]");
}

} // namespace

uint64_t sweep_run_seed(uint64_t sweep_seed, uint64_t point, uint64_t replication)
{
  return splitmix64(splitmix64(splitmix64(sweep_seed) ^ point) ^ replication) >> 11;
}

SweepPlan plan_sweep(const SweepSpec& spec)
{
  SweepPlan plan;
  plan.name = spec.name;
  plan.description = spec.description;
  plan.sweep_path = spec.path;
  plan.sweep_sha256 = spec.sha256;
  plan.scenario_path = spec.scenario;
  plan.scenario_text = read_scenario(spec);
  plan.scenario_sha256 = results::sha256_hex(plan.scenario_text);
  plan.orchsim_version = VERSION;
  plan.git_describe = GIT_DESCRIBE;
  plan.seed = spec.seed;
  plan.replications = spec.replications;
  plan.design = spec.design;
  plan.sample_seed = spec.sample_seed;
  plan.overrides = spec.overrides;
  for (const auto& p : spec.parameters)
    plan.parameters.push_back(SweepColumn{p.key, p.si_suffix});
  plan.points = spec.points;
  const models::Scenario first = load_point(spec, plan, 0, "", false);
  plan.scenario_name = first.name;
  plan.profiles = resolve_profiles(spec, first);
  const double runs = static_cast<double>(plan.points.size()) * static_cast<double>(plan.profiles.size()) *
                      static_cast<double>(plan.replications);
  if (runs > static_cast<double>(MAX_SWEEP_RUNS))
    throw InputError(spec.parameters_at.line ? spec.parameters_at : spec.profiles_at,
                     "the sweep has " + std::to_string(plan.points.size()) + " points x " +
                         std::to_string(plan.profiles.size()) + " profile(s) x " + std::to_string(plan.replications) +
                         " replications, more than the " + std::to_string(MAX_SWEEP_RUNS) +
                         " runs a sweep may have: split it into several sweeps");
  check_points(spec, plan, first);
  plan.runs = list_runs(plan);
  return plan;
}

std::vector<std::string> point_overrides(const SweepPlan& plan, size_t point)
{
  std::vector<std::string> out;
  for (size_t k = 0; k < plan.parameters.size(); ++k)
    out.push_back(plan.parameters[k].key + "=" + plan.points[point][k]);
  return out;
}

std::vector<std::string> run_overrides(const SweepPlan& plan, const SweepRun& run)
{
  auto out = plan.overrides;
  for (auto& o : point_overrides(plan, run.point))
    out.push_back(std::move(o));
  out.push_back("simulation.seed=" + std::to_string(run.seed));
  return out;
}

std::string run_command(const SweepPlan& plan, const SweepRun& run)
{
  std::string cmd = "orchsim run " + shell_quote(plan.scenario_path) + " --profile " + shell_quote(run.profile);
  auto overrides = run_overrides(plan, run);
  overrides.pop_back(); // the seed, written as --seed
  for (const auto& o : overrides)
    cmd += " --set " + shell_quote(o);
  return cmd + " --seed " + std::to_string(run.seed);
}

std::string run_file(const SweepRun& run)
{
  return "runs/" + run.id + ".json";
}

std::vector<std::vector<size_t>> sweep_cells(const SweepPlan& plan)
{
  std::vector<std::vector<size_t>> cells;
  for (size_t i = 0; i < plan.runs.size(); ++i) {
    const auto& r = plan.runs[i];
    if (cells.empty() || plan.runs[cells.back().front()].point != r.point ||
        plan.runs[cells.back().front()].profile != r.profile)
      cells.emplace_back();
    cells.back().push_back(i);
  }
  return cells;
}

std::string manifest_text(const SweepPlan& plan)
{
  std::vector<json> points, runs;
  for (size_t i = 0; i < plan.points.size(); ++i)
    points.push_back({{"point", i}, {"values", plan.points[i]}, {"overrides", point_overrides(plan, i)}});
  for (const auto& r : plan.runs)
    runs.push_back({{"id", r.id},
                    {"point", r.point},
                    {"profile", r.profile},
                    {"replication", r.replication},
                    {"seed", r.seed},
                    {"file", run_file(r)},
                    {"command", run_command(plan, r)}});
  std::string text = head_json(plan).dump(2);
  text.resize(text.size() - 2); // the closing "\n}"
  return text + ",\n  \"points\": " + list_text(points) + ",\n  \"runs\": " + list_text(runs) + "\n}\n";
}

std::string manifest_difference(const json& a, const json& b)
{
  auto get = [](const json& m, const char* section, const char* key) {
    return m.contains(section) && m[section].contains(key) ? m[section][key].dump() : std::string("none");
  };
  auto pair = [&](const char* section, const char* key) {
    return get(a, section, key) + " and " + get(b, section, key);
  };
  if (get(a, "sweep", "sha256") != get(b, "sweep", "sha256"))
    return "another sweep file (sha256 " + pair("sweep", "sha256") + ")";
  if (get(a, "scenario", "sha256") != get(b, "scenario", "sha256"))
    return "another base scenario (sha256 " + pair("scenario", "sha256") + ")";
  if (get(a, "orchsim", "git_describe") != get(b, "orchsim", "git_describe") ||
      get(a, "orchsim", "version") != get(b, "orchsim", "version"))
    return "another orchsim build (" + pair("orchsim", "git_describe") + ")";
  if (get(a, "sweep", "path") != get(b, "sweep", "path") || get(a, "scenario", "path") != get(b, "scenario", "path"))
    return "the same sweep given by other paths (sweep " + pair("sweep", "path") + ", scenario " +
           pair("scenario", "path") + "): run it from the same folder with the same path";
  return a == b ? "" : "another plan";
}

SweepPlan plan_of_manifest(const json& m, const std::string& path)
{
  if (!m.is_object() || m.value("kind", "") != "sweep" || m.value("schema_version", 0) != MANIFEST_SCHEMA_VERSION)
    throw InputError(InputLocation{path, 0, 0, ""}, "not a sweep manifest (kind sweep, schema_version " +
                                                        std::to_string(MANIFEST_SCHEMA_VERSION) + ")");
  try {
    SweepPlan p;
    p.name = m.at("name");
    p.description = m.at("description");
    p.sweep_path = m.at("sweep").at("path");
    p.sweep_sha256 = m.at("sweep").at("sha256");
    p.scenario_name = m.at("scenario").at("name");
    p.scenario_path = m.at("scenario").at("path");
    p.scenario_sha256 = m.at("scenario").at("sha256");
    p.orchsim_version = m.at("orchsim").at("version");
    p.git_describe = m.at("orchsim").at("git_describe");
    p.seed = m.at("seed");
    p.replications = m.at("replications");
    const json& design = m.at("design");
    p.design = design.contains("combine") ? design.at("combine") : design.at("sample");
    p.sample_seed = design.value("seed", uint64_t{0});
    p.profiles = m.at("profiles").get<std::vector<std::string>>();
    p.overrides = m.at("overrides").get<std::vector<std::string>>();
    for (const auto& c : m.at("parameters")) {
      const std::string key = c.at("key");
      p.parameters.push_back(
          SweepColumn{key, c.at("si_column").is_null() ? "" : c.at("si_column").get<std::string>().substr(key.size())});
    }
    for (const auto& point : m.at("points"))
      p.points.push_back(point.at("values").get<std::vector<std::string>>());
    for (const auto& r : m.at("runs"))
      p.runs.push_back(SweepRun{r.at("id"), r.at("point"), r.at("profile"), r.at("replication"), r.at("seed")});
    return p;
  } catch (const json::exception& e) {
    throw InputError(InputLocation{path, 0, 0, ""}, std::string("not a sweep manifest: ") + e.what());
  }
}

} // namespace orchsim::analysis
