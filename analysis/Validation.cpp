#include "analysis/Validation.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "analysis/Capacity.hpp"
#include "analysis/JsonFile.hpp"
#include "analysis/ProcessPool.hpp"
#include "analysis/Profiles.hpp"
#include "analysis/ShellQuote.hpp"
#include "analysis/Statistics.hpp"
#include "models/ScenarioLoader.hpp"
#include "results/AtomicFile.hpp"
#include "sim/InputError.hpp"
#include "sim/Interrupt.hpp"

namespace orchsim::analysis {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using sim::InputError;
using sim::InputLocation;

constexpr const char* PLAN_FILE = "plan.json";
constexpr const char* PROFILES_FILE = "profiles.json";
constexpr const char* CAPACITY_FILE = "capacity.json";

std::string number_text(double v)
{
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

InputError profile_error(const ValidationProfile& p, const Criterion& c, const std::string& key,
                         const std::string& message)
{
  const size_t index = static_cast<size_t>(&c - p.criteria.data());
  return InputError(InputLocation{p.path, c.line, c.column, "criteria." + std::to_string(index) + "." + key}, message);
}

// ---- planning and running ----------------------------------------------------------------------

/** A context to run: its name in criteria and plan, its folder under runs/, its overrides. */
struct ContextRun {
  std::string key, folder, label;
  std::vector<std::string> overrides; // on top of the scenario's own
};

/** The contexts `profile`'s criteria use, with the overrides that make each. */
std::vector<ContextRun> plan_contexts(const LoadedScenario& loaded, const ValidationProfile& profile,
                                      std::set<std::string>& experiments)
{
  const auto& s = loaded.scenario;
  const auto faults = models::fault_items(loaded.text, s.overrides);
  const std::string no_faults = faults.empty() ? "" : "faults=~";
  std::set<std::string> wanted;
  std::set<size_t> wanted_faults;
  for (const auto& c : profile.criteria) {
    if (c.context == "faults") {
      for (size_t i = 0; i < faults.size(); ++i)
        wanted_faults.insert(i);
    } else if (c.context.rfind("fault:", 0) == 0) {
      const std::string which = c.context.substr(6);
      size_t found = faults.size();
      for (size_t i = 0; i < faults.size(); ++i)
        if (faults[i].label == which || std::to_string(i) == which)
          found = i;
      if (found == faults.size()) {
        std::string list;
        for (size_t i = 0; i < faults.size(); ++i)
          list += (list.empty() ? "" : ", ") + std::to_string(i) + " '" + faults[i].label + "'";
        throw profile_error(
            profile, c, "context",
            "no fault '" + which + "' in " + s.path + (list.empty() ? " (it has none)" : "; it has: " + list));
      }
      wanted_faults.insert(found);
    } else if (c.context == "profiles" || c.context == "capacity") {
      experiments.insert(c.context); // not runs of their own: the profiles experiment, the capacity search
    } else {
      wanted.insert(c.context);
    }
  }
  std::vector<ContextRun> runs;
  auto plain = [&](std::vector<std::string> extra) {
    std::vector<std::string> o;
    if (!no_faults.empty())
      o.push_back(no_faults);
    o.insert(o.end(), extra.begin(), extra.end());
    return o;
  };
  if (wanted.count("normal"))
    runs.push_back({"normal", "normal", "normal load, no faults", plain({})});
  if (wanted.count("peak"))
    runs.push_back({"peak", "peak", "peak load (" + number_text(profile.peak_load) + " x), no faults",
                    plain({"simulation.load_scale=" + number_text(s.simulation.load_scale * profile.peak_load)})});
  if (wanted.count("soak")) {
    const std::string length =
        s.simulation.requests
            ? "simulation.requests=" + std::to_string(static_cast<uint64_t>(std::llround(
                                           static_cast<double>(*s.simulation.requests) * profile.soak_length)))
            : "simulation.duration=" + number_text(*s.simulation.duration_s * profile.soak_length) + "s";
    runs.push_back(
        {"soak", "soak", "soak (" + number_text(profile.soak_length) + " x as long), no faults", plain({length})});
  }
  for (size_t i : wanted_faults)
    runs.push_back({"fault:" + std::to_string(i),
                    "fault-" + std::to_string(i),
                    faults[i].label,
                    {"faults=[" + faults[i].yaml + "]"}});
  return runs;
}

/** The capacity context: the highest load the validated profile sustains within the scenario's own SLOs,
 *  faults removed, one search per replication; writes DIR/capacity.json. Nothing (the context is skipped)
 *  when the scenario has no SLO. */
std::optional<json> run_capacity_context(const LoadedScenario& loaded, const ValidationProfile& profile,
                                         const std::string& validated, const ValidateOptions& options)
{
  const auto& s = loaded.scenario;
  if (scenario_capacity_slos(s).empty())
    return std::nullopt;
  auto overrides = s.overrides;
  if (!s.faults.empty())
    overrides.push_back("faults=~");
  const LoadedScenario calm{models::load_scenario_text(loaded.text, s.path, overrides, validated), loaded.sha256,
                            loaded.text};
  CapacityOptions o;
  o.min_success = profile.capacity_min_success;
  o.tolerance = profile.capacity_tolerance;
  o.profiles = {validated};
  o.replications = profile.replications;
  o.jobs = options.jobs;
  const auto result = run_capacity(calm, o);
  results::write_file_atomic(options.dir + "/" + CAPACITY_FILE, to_json(result).dump(2) + "\n");
  std::string cmd = "orchsim capacity " + shell_quote(s.path) + " --profile " + shell_quote(validated);
  for (const auto& o : overrides)
    cmd += " --set " + shell_quote(o);
  return json{{"label", "capacity search of " + validated + " within the scenario's SLOs, no faults"},
              {"document", CAPACITY_FILE},
              {"rerun", cmd + " --min-success " + number_text(profile.capacity_min_success) + " --tolerance " +
                            number_text(profile.capacity_tolerance) + " --replications " +
                            std::to_string(profile.replications)}};
}

std::string rerun_command(const LoadedScenario& loaded, const std::string& profile,
                          const std::vector<std::string>& extra, uint64_t seed)
{
  std::string cmd = "orchsim run " + shell_quote(loaded.scenario.path);
  if (!profile.empty() && profile != models::BASELINE_PROFILE)
    cmd += " --profile " + shell_quote(profile);
  for (const auto& o : loaded.scenario.overrides)
    cmd += " --set " + shell_quote(o);
  for (const auto& o : extra)
    cmd += " --set " + shell_quote(o);
  return cmd + " --seed " + std::to_string(seed);
}

} // namespace

void run_validation(const LoadedScenario& loaded, const ValidationProfile& profile, const ValidateOptions& options)
{
  const auto& s = loaded.scenario;
  const std::string validated = options.profile.empty() ? std::string(models::BASELINE_PROFILE) : options.profile;
  std::set<std::string> experiments;
  const auto contexts = plan_contexts(loaded, profile, experiments);
  const uint32_t replications = profile.replications;
  const uint64_t seed = s.simulation.seed;

  struct Job {
    size_t context;
    uint32_t replication;
  };
  std::vector<Job> jobs;
  for (size_t c = 0; c < contexts.size(); ++c)
    for (uint32_t r = 0; r < replications; ++r)
      jobs.push_back({c, r});
  auto file_of = [&](const Job& j) {
    return "runs/" + contexts[j.context].folder + "/r" + std::to_string(j.replication) + ".json";
  };
  fs::create_directories(options.dir);
  fs::remove(fs::path(options.dir) / "scorecard.json"); // an earlier verdict must not outlive its runs
  fs::remove(fs::path(options.dir) / PLAN_FILE);
  run_in_processes(
      jobs.size(), options.jobs,
      [&](size_t i) {
        const Job& j = jobs[i];
        auto overrides = s.overrides;
        overrides.insert(overrides.end(), contexts[j.context].overrides.begin(), contexts[j.context].overrides.end());
        overrides.push_back("simulation.seed=" + std::to_string(seed + j.replication));
        const LoadedScenario one{models::load_scenario_text(loaded.text, s.path, overrides, validated), loaded.sha256,
                                 loaded.text};
        const auto result = run(one);
        if (sim::stop_requested()) // an interrupted run is not scored: no file, and no scorecard below
          throw sim::Interrupted("interrupted");
        results::write_file_atomic(options.dir + "/" + file_of(j), results::to_json_text(result));
        return json{{"complete", result.run.complete}};
      },
      [&](size_t i) {
        return "the run of context " + contexts[jobs[i].context].key + ", replication " +
               std::to_string(jobs[i].replication);
      });

  json plan = {{"schema_version", 1},
               {"kind", "validation_plan"},
               {"scenario", {{"name", s.name}, {"path", s.path}, {"sha256", loaded.sha256}}},
               {"overrides", s.overrides},
               {"profile", validated},
               {"replications", replications},
               {"peak_load", profile.peak_load},
               {"soak_length", profile.soak_length},
               {"capacity_min_success", profile.capacity_min_success},
               {"capacity_tolerance", profile.capacity_tolerance},
               {"validation", profile.path},
               {"contexts", json::object()}};
  for (uint32_t r = 0; r < replications; ++r)
    plan["seeds"].push_back(seed + r);
  for (size_t c = 0; c < contexts.size(); ++c) {
    json runs = json::array();
    for (uint32_t r = 0; r < replications; ++r)
      runs.push_back(file_of({c, r}));
    plan["contexts"][contexts[c].key] = {{"label", contexts[c].label},
                                         {"overrides", contexts[c].overrides},
                                         {"runs", runs},
                                         {"rerun", rerun_command(loaded, validated, contexts[c].overrides, seed)}};
  }
  if (experiments.count("profiles") && validated != models::BASELINE_PROFILE) {
    ProfilesOptions po;
    po.profiles = {validated, models::RANDOM_PROFILE, models::ORACLE_PROFILE};
    po.replications = replications;
    po.jobs = options.jobs;
    po.runs_dir = options.dir + "/runs/profiles";
    const auto result = run_profiles(loaded, po);
    results::write_file_atomic(options.dir + "/" + PROFILES_FILE, results::to_json_text(result));
    std::string cmd = "orchsim run " + shell_quote(s.path) + " --profiles " + validated + ",random,oracle";
    for (const auto& o : s.overrides)
      cmd += " --set " + shell_quote(o);
    plan["contexts"]["profiles"] = {
        {"label", "profiles " + validated + ", baseline, random, oracle (scenario as written)"},
        {"document", PROFILES_FILE},
        {"rerun", cmd + " --replications " + std::to_string(replications)}};
  }
  if (experiments.count("capacity")) {
    if (auto capacity = run_capacity_context(loaded, profile, validated, options))
      plan["contexts"]["capacity"] = *capacity;
    else
      plan["skipped"]["capacity"] = "the scenario declares no SLO: no objective to search the load against";
  }
  results::write_file_atomic(options.dir + "/" + PLAN_FILE, plan.dump(2) + "\n");
}

namespace {

// ---- reading the runs back ---------------------------------------------------------------------

/** Sums a series column over the given intervals; nothing when the column is missing. */
double column_sum(const json& columns, const std::string& name, size_t from, size_t to)
{
  double sum = 0;
  if (columns.contains(name))
    for (size_t i = from; i < to && i < columns[name].size(); ++i)
      sum += columns[name][i].get<double>();
  return sum;
}

/** Measurements the validation derives from a run's series (docs/METRICS.md, "Readiness score"):
 *  `fault.*` over the fault's window, `trend.*` between the first and last quarter of the window. */
json derived_view(const json& run)
{
  json view = json::object();
  const json& m = run["metrics"];
  const json& series = m["series"];
  const json& faults = m["run"]["faults"];
  if (faults.is_array() && !faults.empty()) {
    double start = faults[0]["start_s"].get<double>(), end = start, worst_recovery = 0;
    bool open_ended = false, any_recovery = false, all_recovered = true;
    for (const auto& f : faults) {
      start = std::min(start, f["start_s"].get<double>());
      if (f["end_s"].is_null())
        open_ended = true;
      else
        end = std::max(end, f["end_s"].get<double>());
      for (const auto& [w, r] : f["recovery_s"].items()) {
        any_recovery = true;
        if (r.is_null())
          all_recovered = false;
        else
          worst_recovery = std::max(worst_recovery, r.get<double>());
      }
    }
    if (open_ended)
      end = m["run"]["end_s"].get<double>();
    json fault = {{"duration_s", end - start}, {"recovery_s", nullptr}, {"success_ratio", nullptr}};
    if (any_recovery && all_recovered)
      fault["recovery_s"] = worst_recovery;
    if (series.is_object()) {
      const double dt = series["interval_s"].get<double>();
      const auto from = static_cast<size_t>(start / dt), to = static_cast<size_t>(std::ceil(end / dt));
      double completed = 0, failed = 0;
      for (const auto& [w, columns] : series["workflows"].items()) {
        completed += column_sum(columns, "completed", from, to);
        failed += column_sum(columns, "failed", from, to);
      }
      if (completed + failed > 0)
        fault["success_ratio"] = completed / (completed + failed);
    }
    view["fault"] = fault;
  }
  json trend = {{"in_flight_growth", nullptr}, {"p99_growth", nullptr}};
  if (series.is_object()) {
    const double dt = series["interval_s"].get<double>();
    const auto first = static_cast<size_t>(std::ceil(m["run"]["window_start_s"].get<double>() / dt));
    const auto last =
        std::min(static_cast<size_t>(m["run"]["window_end_s"].get<double>() / dt), series["points"].get<size_t>());
    if (last > first + 8) {
      const size_t quarter = (last - first) / 4;
      auto mean_over = [&](size_t from, size_t to, bool p99) {
        double sum = 0;
        for (size_t i = from; i < to; ++i) {
          double v = 0;
          for (const auto& [w, columns] : series["workflows"].items())
            v = p99 ? std::max(v, columns["p99_s"][i].get<double>()) : v + columns["in_flight"][i].get<double>();
          sum += v;
        }
        return sum / static_cast<double>(to - from);
      };
      for (const bool p99 : {false, true}) {
        const double early = mean_over(first, first + quarter, p99), late = mean_over(last - quarter, last, p99);
        if (early > 0)
          trend[p99 ? "p99_growth" : "in_flight_growth"] = late / early;
      }
    }
  }
  view["trend"] = trend;
  return view;
}

/** A context instance as the scorer sees it: one document per replication. */
struct Instance {
  std::string key, label, rerun;
  std::vector<json> documents;
  std::vector<std::string> files;
};

/** The documents of the profiles context: per replication, the validated profile's summary with the
 *  baseline's beside it (one document: a summary already holds every replication). */
Instance profiles_instance(const std::string& dir, const json& plan)
{
  const json doc = read_json_file(dir + "/" + PROFILES_FILE);
  const std::string validated = plan["profile"];
  if (!doc.contains("profiles") || !doc["profiles"].contains(validated))
    throw InputError(InputLocation{dir + "/" + PROFILES_FILE, 0, 0, "profiles." + validated},
                     "no summary of the validated profile");
  json view = doc["profiles"][validated];
  view["baseline"] = doc["profiles"][models::BASELINE_PROFILE];
  view["profiles"] = doc["profiles"];
  Instance in{"profiles",
              plan["contexts"]["profiles"]["label"],
              plan["contexts"]["profiles"]["rerun"],
              {view},
              {PROFILES_FILE}};
  const auto replications = plan["replications"].get<uint32_t>();
  for (uint32_t r = 0; r < replications; ++r)
    in.files.push_back("runs/profiles/" + validated + "-r" + std::to_string(r) + ".json");
  return in;
}

/** The document of the capacity context: the validated profile's answer in the capacity document, with
 *  `headroom`, its capacity over the scenario's own load (factor / start factor), per replication. */
Instance capacity_instance(const std::string& dir, const json& plan)
{
  const json doc = read_json_file(dir + "/" + CAPACITY_FILE);
  const std::string validated = plan["profile"];
  json view;
  for (const auto& p : doc.at("profiles"))
    if (p.at("name") == validated)
      view = p;
  if (view.is_null())
    throw InputError(InputLocation{dir + "/" + CAPACITY_FILE, 0, 0, "profiles"}, "no answer for the validated profile");
  const double start = doc.at("context").at("start_factor").get<double>();
  json headroom = {{"values", json::array()}};
  for (const auto& v : view["factor"]["values"])
    headroom["values"].push_back(v.get<double>() / start);
  for (const char* key : {"mean", "ci_low", "ci_high"})
    headroom[key] = view["factor"][key].is_number() ? json(view["factor"][key].get<double>() / start) : json(nullptr);
  view["headroom"] = headroom;
  return Instance{"capacity",
                  plan["contexts"]["capacity"]["label"],
                  plan["contexts"]["capacity"]["rerun"],
                  {view},
                  {CAPACITY_FILE}};
}

Instance run_instance(const std::string& dir, const std::string& key, const json& context)
{
  Instance in{key, context["label"], context["rerun"], {}, {}};
  for (const auto& f : context["runs"]) {
    json doc = read_json_file(dir + "/" + f.get<std::string>());
    if (!doc.contains("metrics") || !doc["metrics"].contains("run"))
      throw InputError(InputLocation{dir + "/" + f.get<std::string>(), 0, 0, "metrics.run"},
                       "not an orchsim run result");
    const json view = derived_view(doc);
    for (const auto& [k, v] : view.items())
      doc[k] = v;
    in.documents.push_back(std::move(doc));
    in.files.push_back(f);
  }
  return in;
}

// ---- metric paths ------------------------------------------------------------------------------

std::vector<std::string> split(const std::string& text, char by)
{
  std::vector<std::string> parts;
  std::stringstream in(text);
  for (std::string part; std::getline(in, part, by);) {
    part.erase(0, part.find_first_not_of(' '));
    part.erase(part.find_last_not_of(' ') + 1);
    parts.push_back(part);
  }
  return parts;
}

const json* child(const json& at, const std::string& key)
{
  if (at.is_object())
    return at.contains(key) ? &at[key] : nullptr;
  if (at.is_array() && !key.empty() && key.find_first_not_of("0123456789") == std::string::npos) {
    const size_t i = std::stoul(key);
    return i < at.size() ? &at[i] : nullptr;
  }
  return nullptr;
}

/** Expansion of a path's `*`s over a document: the bindings found, and what stopped the others. */
struct Expansion {
  std::vector<std::vector<std::string>> bindings;
  std::optional<std::string> absent; // the first segment that was not there, with what was
  bool hit_null = false;             // a branch ended on a null before its last segment
};

void expand(const json& at, const std::vector<std::string>& path, size_t i, std::vector<std::string>& binding,
            std::string walked, Expansion& out)
{
  if (i == path.size()) {
    out.bindings.push_back(binding);
    return;
  }
  if (at.is_null()) {
    out.hit_null = true;
    return;
  }
  const std::string& segment = path[i];
  auto next = [&](const std::string& key, const json& value) {
    expand(value, path, i + 1, binding, walked.empty() ? key : walked + "." + key, out);
  };
  if (segment == "*") {
    if (at.is_object()) {
      for (const auto& [key, value] : at.items()) {
        binding.push_back(key);
        next(key, value);
        binding.pop_back();
      }
    } else if (at.is_array()) {
      for (size_t k = 0; k < at.size(); ++k) {
        binding.push_back(std::to_string(k));
        next(std::to_string(k), at[k]);
        binding.pop_back();
      }
    }
    return;
  }
  if (const json* c = child(at, segment)) {
    next(segment, *c);
  } else if (!out.absent) {
    std::string there;
    if (at.is_object())
      for (const auto& [key, value] : at.items())
        there += (there.empty() ? "" : ", ") + key;
    out.absent = "no '" + segment + "'" + (walked.empty() ? "" : " under '" + walked + "'") +
                 (there.empty() ? "" : " (there: " + there + ")");
  }
}

std::vector<std::string> bound_path(const std::vector<std::string>& path, const std::vector<std::string>& binding)
{
  std::vector<std::string> out;
  size_t k = 0;
  for (const auto& segment : path)
    out.push_back(segment == "*" && k < binding.size() ? binding[k++] : segment);
  return out;
}

/** The value at a bound path: a number (true/false: 1/0), a summary over replications, or nothing. */
struct Value {
  std::optional<double> number;
  const json* measured = nullptr; // {mean, ci_low, ci_high, values}
};

Value value_at(const json& doc, const std::vector<std::string>& path)
{
  const json* at = &doc;
  for (const auto& segment : path)
    if (!(at = child(*at, segment)))
      return {};
  if (at->is_number())
    return {at->get<double>(), nullptr};
  if (at->is_boolean())
    return {at->get<bool>() ? 1.0 : 0.0, nullptr};
  if (at->is_object() && at->contains("mean") && at->contains("values"))
    return {std::nullopt, at};
  return {};
}

std::string unit_of(const std::vector<std::vector<std::string>>& operands)
{
  if (operands.size() == 2)
    return "ratio";
  const auto& path = operands[0];
  const std::string& last = path.back();
  auto ends = [&](const std::string& suffix) {
    return last.size() >= suffix.size() && last.compare(last.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (ends("_per_s"))
    return "1/s";
  if (ends("_s") || (path.size() >= 2 && path[path.size() - 2] == "latency_s"))
    return "s";
  if (ends("_usd"))
    return "USD";
  if (ends("ratio") || last == "attainment" || last == "availability" || last == "utilization" || last == "met" ||
      last == "mean_quality")
    return "0..1";
  if (last == "amplification" || last == "headroom" || last == "factor" || ends("_growth"))
    return "ratio";
  return "";
}

// ---- scoring -----------------------------------------------------------------------------------

std::string short_number(double v)
{
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

void score_item(ScoredItem& item)
{
  if (!item.value) {
    item.score = 0;
    item.status = "failed";
    item.passed = false;
    return;
  }
  item.score = criterion_score(*item.value, item.target, item.fail);
  item.status = item.score >= 100 ? "met" : item.score <= 0 ? "failed" : "partial";
  item.passed = item.status != "failed";
  if (item.ci_low && item.ci_high) {
    for (const auto& [bound, name] : {std::pair{item.fail, "fail threshold"}, std::pair{item.target, "target"}})
      if (*item.ci_low < bound && bound < *item.ci_high) {
        item.note += std::string(item.note.empty() ? "" : "; ") + "the 95 % interval crosses the " + name +
                     ": more replications would settle it";
        break;
      }
  }
}

/** Fills value, interval and values of `item` from the per-replication values of its operands. */
void measure(ScoredItem& item, const std::vector<std::vector<Value>>& operands, size_t replications)
{
  const auto& a = operands[0];
  const bool ratio = operands.size() == 2;
  if (!ratio && a.size() == 1 && a[0].measured) { // a summary over replications, with its own interval
    const json& m = *a[0].measured;
    item.value = m["mean"].is_number() ? std::optional<double>(m["mean"].get<double>()) : std::nullopt;
    if (m.contains("ci_low") && m["ci_low"].is_number())
      item.ci_low = m["ci_low"].get<double>();
    if (m.contains("ci_high") && m["ci_high"].is_number())
      item.ci_high = m["ci_high"].get<double>();
    item.values = m["values"].get<std::vector<double>>();
    if (item.values.empty())
      item.value.reset();
    return;
  }
  auto values_of = [](const std::vector<Value>& side) {
    std::vector<std::optional<double>> out;
    for (const auto& v : side) {
      if (v.measured)
        for (const auto& x : (*v.measured)["values"])
          out.push_back(x.get<double>());
      else
        out.push_back(v.number);
    }
    return out;
  };
  const auto num = values_of(a);
  const auto den = ratio ? values_of(operands[1]) : std::vector<std::optional<double>>();
  if (ratio && num.size() != den.size()) {
    item.note = "the two sides have different numbers of values: no value";
    return;
  }
  for (size_t i = 0; i < num.size(); ++i) {
    if (!num[i] || (ratio && (!den[i] || *den[i] == 0)))
      continue;
    item.values.push_back(ratio ? *num[i] / *den[i] : *num[i]);
  }
  if (item.values.empty()) {
    item.note = "no value in any of the " + std::to_string(replications) +
                " runs (null in the result: undefined, e.g. never recovered, or nothing to divide)";
    return;
  }
  if (item.values.size() < num.size())
    item.note = std::to_string(num.size() - item.values.size()) + " of " + std::to_string(num.size()) +
                " values undefined and left out";
  const Estimate e = mean_estimate(item.values);
  item.value = e.mean;
  item.ci_low = e.low;
  item.ci_high = e.high;
}

/** The items of criterion `c` in one context instance. */
void score_criterion(const ValidationProfile& profile, const Criterion& c, const Instance& in, size_t replications,
                     std::vector<ScoredItem>& items, std::vector<std::pair<std::string, std::string>>& skipped)
{
  std::vector<std::vector<std::string>> operands;
  for (const auto& text : split(c.metric, '/'))
    operands.push_back(split(text, '.'));
  const auto stars = [](const std::vector<std::string>& p) { return std::count(p.begin(), p.end(), "*"); };
  if (operands.size() == 2 && stars(operands[1]) != 0 && stars(operands[1]) != stars(operands[0]))
    throw profile_error(profile, c, "metric", "the second path must have no '*' or as many as the first");
  Expansion ex;
  std::vector<std::string> binding;
  expand(in.documents.front(), operands[0], 0, binding, "", ex);
  if (ex.bindings.empty()) {
    if (ex.absent && !ex.hit_null)
      throw profile_error(profile, c, "metric",
                          *ex.absent + " in the results of context " + in.key + " (" + in.files.front() + ")");
    skipped.emplace_back(c.name + " [" + in.key + "]",
                         "not applicable: the path ends on null (e.g. a workflow without SLO)");
    return;
  }
  for (const auto& b : ex.bindings) {
    ScoredItem item;
    item.criterion = c.name;
    item.name = c.name;
    for (const auto& key : b)
      item.name += " [" + key + "]";
    item.category = c.category;
    item.context = in.key;
    item.metric = c.metric;
    if (!b.empty()) {
      item.metric.clear();
      for (const auto& op : operands) {
        std::string path;
        for (const auto& seg : bound_path(op, b))
          path += (path.empty() ? "" : ".") + seg;
        item.metric += (item.metric.empty() ? "" : " / ") + path;
      }
    }
    item.unit = unit_of(operands);
    item.target = c.target;
    item.fail = c.fail;
    item.critical = c.critical;
    item.runs = in.files;
    item.rerun = in.rerun;
    std::vector<std::vector<Value>> values(operands.size());
    for (size_t k = 0; k < operands.size(); ++k)
      for (const auto& doc : in.documents)
        values[k].push_back(value_at(doc, bound_path(operands[k], b)));
    measure(item, values, replications);
    if (!item.value && c.skip_missing) {
      skipped.emplace_back(item.name + " [" + in.key + "]", "no value (missing: skip): " + item.note);
      continue;
    }
    score_item(item);
    items.push_back(std::move(item));
  }
}

void check_plan(const std::string& dir, const json& plan, const ValidationProfile& profile)
{
  const InputLocation at{dir + "/" + PLAN_FILE, 0, 0, ""};
  if (plan.value("kind", "") != "validation_plan")
    throw InputError(at, "not a validation plan (kind validation_plan)");
  if (plan["replications"].get<uint32_t>() != profile.replications)
    throw InputError(at, "ran " + std::to_string(plan["replications"].get<uint32_t>()) + " replications, the profile " +
                             profile.path + " asks for " + std::to_string(profile.replications) +
                             ": run orchsim validate again without --from");
  for (const auto& [key, value] :
       {std::pair{"peak_load", profile.peak_load}, std::pair{"soak_length", profile.soak_length},
        std::pair{"capacity_min_success", profile.capacity_min_success},
        std::pair{"capacity_tolerance", profile.capacity_tolerance}})
    if (plan[key].get<double>() != value)
      throw InputError(at, std::string("ran with ") + key + " " + number_text(plan[key].get<double>()) +
                               ", the profile asks for " + number_text(value) +
                               ": run orchsim validate again without --from");
}

} // namespace

double criterion_score(double value, double target, double fail)
{
  const double position = (value - fail) / (target - fail); // 0 at the threshold, 1 at the target
  return 100.0 * std::clamp(position, 0.0, 1.0);
}

namespace {

Scorecard score_runs(const std::string& dir, const ValidationProfile& profile)
{
  const json plan = read_json_file(dir + "/" + PLAN_FILE);
  check_plan(dir, plan, profile);
  const auto replications = plan["replications"].get<size_t>();
  Scorecard card;
  card.pass_mark = profile.pass_mark;
  card.context = {{"scenario", plan["scenario"]},
                  {"overrides", plan["overrides"]},
                  {"profile", plan["profile"]},
                  {"replications", plan["replications"]},
                  {"seeds", plan["seeds"]},
                  {"folder", dir},
                  {"validation", {{"name", profile.name}, {"path", profile.path}, {"sha256", profile.sha256}}}};
  std::map<std::string, Instance> instances;
  auto instance = [&](const std::string& key) -> const Instance& {
    auto it = instances.find(key);
    if (it == instances.end())
      it = instances
               .emplace(key, key == "profiles"   ? profiles_instance(dir, plan)
                             : key == "capacity" ? capacity_instance(dir, plan)
                                                 : run_instance(dir, key, plan["contexts"][key]))
               .first;
    return it->second;
  };
  const json& contexts = plan["contexts"];
  for (const auto& c : profile.criteria) {
    const size_t first = card.items.size();
    std::vector<std::string> keys;
    if (c.context == "faults" || c.context.rfind("fault:", 0) == 0) {
      const std::string which = c.context == "faults" ? "" : c.context.substr(6);
      for (const auto& [key, value] : contexts.items())
        if (key.rfind("fault:", 0) == 0 && (which.empty() || key == "fault:" + which || value["label"] == which))
          keys.push_back(key);
      if (keys.empty() && c.context == "faults") {
        card.skipped.emplace_back(c.name, "the scenario declares no faults");
        continue;
      }
    } else if (c.context == "capacity" && plan.contains("skipped") && plan["skipped"].contains("capacity")) {
      card.skipped.emplace_back(c.name, plan["skipped"]["capacity"]);
      continue;
    } else if (c.context == "profiles" && plan["profile"] == models::BASELINE_PROFILE) {
      card.skipped.emplace_back(c.name, "the validated profile is the baseline: nothing to amplify over");
      continue;
    } else {
      keys.push_back(c.context);
    }
    for (const auto& key : keys) {
      if (!contexts.contains(key))
        throw InputError(
            InputLocation{dir + "/" + PLAN_FILE, 0, 0, "contexts"},
            "no runs of context " + key + " (criterion '" + c.name + "'): run orchsim validate again without --from");
      score_criterion(profile, c, instance(key), replications, card.items, card.skipped);
    }
    const size_t n = card.items.size() - first;
    for (size_t i = first; i < card.items.size(); ++i)
      card.items[i].weight = c.weight / static_cast<double>(n);
  }

  double total = 0, total_weight = 0;
  for (const auto& name : VALIDATION_CATEGORIES) {
    CategoryScore cat{name, profile.category_weights.at(name), std::nullopt, 0};
    double sum = 0, weight = 0;
    for (const auto& item : card.items)
      if (item.category == name) {
        sum += item.weight * item.score;
        weight += item.weight;
        ++cat.items;
      }
    if (weight > 0) {
      cat.score = sum / weight;
      if (cat.weight > 0) {
        total += cat.weight * *cat.score;
        total_weight += cat.weight;
      }
    }
    card.categories.push_back(cat);
  }
  if (total_weight > 0)
    card.overall = total / total_weight;
  if (!card.overall)
    card.reasons.push_back("nothing was scored");
  else if (*card.overall < card.pass_mark)
    card.reasons.push_back("overall score " + short_number(*card.overall) + " below the pass mark " +
                           short_number(card.pass_mark));
  for (const auto& item : card.items)
    if (item.critical && !item.passed)
      card.reasons.push_back("critical criterion failed: " + item.name + " (" + item.context + ")");
  card.passed = card.reasons.empty();
  return card;
}

} // namespace

Scorecard score_validation(const std::string& dir, const ValidationProfile& profile)
{
  try {
    return score_runs(dir, profile);
  } catch (const json::exception& e) { // a plan or result edited by hand, or of another version
    throw InputError(InputLocation{dir, 0, 0, ""},
                     std::string("not the runs of an orchsim validate of this version: ") + e.what());
  }
}

nlohmann::json to_json(const Scorecard& card)
{
  auto optional = [](const std::optional<double>& v) { return v ? json(*v) : json(nullptr); };
  json items = json::array();
  for (const auto& i : card.items)
    items.push_back({{"name", i.name},
                     {"criterion", i.criterion},
                     {"category", i.category},
                     {"context", i.context},
                     {"metric", i.metric},
                     {"unit", i.unit},
                     {"value", optional(i.value)},
                     {"ci_low", optional(i.ci_low)},
                     {"ci_high", optional(i.ci_high)},
                     {"values", i.values},
                     {"target", i.target},
                     {"fail", i.fail},
                     {"weight", i.weight},
                     {"critical", i.critical},
                     {"score", i.score},
                     {"status", i.status},
                     {"passed", i.passed},
                     {"runs", i.runs},
                     {"rerun", i.rerun},
                     {"note", i.note}});
  json categories = json::array();
  for (const auto& c : card.categories)
    categories.push_back({{"name", c.name}, {"weight", c.weight}, {"score", optional(c.score)}, {"criteria", c.items}});
  json skipped = json::array();
  for (const auto& [name, why] : card.skipped)
    skipped.push_back({{"criterion", name}, {"reason", why}});
  return {{"schema_version", 1},
          {"kind", "scorecard"},
          {"context", card.context},
          {"criteria", items},
          {"skipped", skipped},
          {"categories", categories},
          {"overall", {{"score", optional(card.overall)}, {"pass_mark", card.pass_mark}}},
          {"verdict", card.passed ? "pass" : "fail"},
          {"reasons", card.reasons}};
}

std::string scorecard_table(const Scorecard& card)
{
  auto line = [](const char* fmt, auto... args) {
    char buf[512];
    std::snprintf(buf, sizeof buf, fmt, args...);
    return std::string(buf);
  };
  auto num = [](const std::optional<double>& v) { return v ? short_number(*v) : std::string("-"); };
  std::string out =
      line("validation %s of %s, profile %s, %zu replications\n\n",
           card.context["validation"]["name"].get<std::string>().c_str(),
           card.context["scenario"]["name"].get<std::string>().c_str(),
           card.context["profile"].get<std::string>().c_str(), card.context["replications"].get<size_t>());
  out += line("%-44s %-14s %-26s %9s %9s %6s %-8s\n", "criterion", "context", "value [95% CI]", "target", "fail",
              "score", "status");
  for (const auto& i : card.items) {
    std::string value = num(i.value);
    if (i.ci_low && i.ci_high)
      value += " [" + short_number(*i.ci_low) + ", " + short_number(*i.ci_high) + "]";
    if (!i.unit.empty() && i.unit != "ratio" && i.unit != "0..1" && i.value)
      value += " " + i.unit;
    std::string status = i.status + (i.critical ? " (critical)" : "");
    std::string name = i.name.size() > 44 ? i.name.substr(0, 41) + "..." : i.name;
    std::string context = i.context.size() > 14 ? i.context.substr(0, 11) + "..." : i.context;
    out += line("%-44s %-14s %-26s %9s %9s %6.1f %s\n", name.c_str(), context.c_str(), value.c_str(),
                short_number(i.target).c_str(), short_number(i.fail).c_str(), i.score, status.c_str());
    if (!i.note.empty())
      out += "    note: " + i.note + "\n";
  }
  for (const auto& [name, why] : card.skipped)
    out += "    skipped: " + name + ": " + why + "\n";
  out += "\nruns (in " + card.context["folder"].get<std::string>() + "; replication r: seed + r)\n";
  std::set<std::string> shown;
  for (const auto& i : card.items)
    if (shown.insert(i.context).second) {
      std::string files = i.runs.front();
      if (i.runs.size() > 1)
        files += " .. " + i.runs.back();
      out += line("  %-10s %s\n             %s\n", i.context.c_str(), files.c_str(), i.rerun.c_str());
    }
  out += line("\n%-16s %7s %7s %6s\n", "category", "weight", "score", "items");
  for (const auto& c : card.categories)
    out += line("%-16s %7.3g %7s %6zu\n", c.name.c_str(), c.weight, c.score ? line("%.1f", *c.score).c_str() : "-",
                c.items);
  out += line("\noverall %s (pass mark %s): %s\n", card.overall ? line("%.1f", *card.overall).c_str() : "-",
              short_number(card.pass_mark).c_str(), card.passed ? "PASS" : "FAIL");
  for (const auto& r : card.reasons)
    out += "  " + r + "\n";
  return out;
}

} // namespace orchsim::analysis
