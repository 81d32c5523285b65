#include "models/ScenarioLoader.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "models/Units.hpp"
#include "models/YamlLimits.hpp"
#include "sim/InputError.hpp"

namespace orchsim::models {

namespace {

using sim::InputError;
using sim::InputLocation;

/** What the loader knows about the document: its file and the overrides applied to it. */
struct Document {
  std::string file;
  std::vector<std::pair<std::string, std::string>> overrides; // key path, "key.path=value"
  /** Key paths a profile wrote, and where they are written: `orchestrator.hedging` came from
   *  `profiles.adaptive.orchestrator.hedging`. */
  std::vector<std::pair<std::string, std::string>> profile_paths;
};

/** A node of the document and its key path. */
struct Cursor {
  YAML::Node node;
  std::string path;
  YAML::Mark key_mark = YAML::Mark::null_mark(); // where the node's own key is written, when it has one
};

std::string join(const std::vector<std::string>& items, const std::string& sep = ", ")
{
  std::string out;
  for (size_t i = 0; i < items.size(); ++i)
    out += (i ? sep : "") + items[i];
  return out;
}

/** The most requests a scenario's duration may bring at its rates (docs/RELIABILITY.md, "Limits"): at
 *  ~1-3 M simulated events per second and several events per request, about a day of computing. */
constexpr double MAX_EXPECTED_ARRIVALS = 1e10;

std::string format_count(double n)
{
  char text[32];
  std::snprintf(text, sizeof text, "%.3g", n);
  return text;
}

std::string describe_found(const YAML::Node& node)
{
  if (!node.IsDefined() || node.IsNull())
    return "nothing";
  if (node.IsMap())
    return "a map";
  if (node.IsSequence())
    return "a list";
  std::string text = node.Scalar();
  if (text.size() > 60)
    text.replace(57, std::string::npos, "...");
  return "'" + text + "'";
}

class Loader {
public:
  explicit Loader(Document doc) : doc_(std::move(doc)) {}

  /** The scenario with `profile` applied (empty: baseline). `root` is modified: the profile's keys
   *  are written into it. */
  Scenario scenario(YAML::Node root, const std::string& profile);

private:
  // ---- locating and reporting -------------------------------------------------------------------
  /** Where the value at `path` was written: the `--set` that wrote it, or its place in the file. */
  InputLocation location(const YAML::Mark& mark, const std::string& written_path) const
  {
    auto under = [](const std::string& path, const std::string& prefix) {
      return path == prefix || path.rfind(prefix + ".", 0) == 0;
    };
    std::string path = written_path;
    for (const auto& [applied, source] : doc_.profile_paths)
      if (under(path, applied)) {
        path = source + path.substr(applied.size());
        break;
      }
    for (const auto& [override_path, text] : doc_.overrides)
      if (under(path, override_path))
        return InputLocation{"--set " + text, 0, 0, path};
    InputLocation where{doc_.file, 0, 0, path};
    if (!mark.is_null()) {
      where.line = mark.line + 1;
      where.column = mark.column + 1;
    }
    return where;
  }
  [[noreturn]] void fail(const YAML::Mark& mark, const std::string& path, const std::string& message) const
  {
    throw InputError(location(mark, path), message);
  }
  [[noreturn]] void fail(const Cursor& c, const std::string& message) const { fail(c.node.Mark(), c.path, message); }
  /** A key missing from the map at `c`: located at the map's own key (`server:`), where it has one. */
  [[noreturn]] void missing(const Cursor& c, const std::string& message) const
  {
    fail(c.key_mark.is_null() ? c.node.Mark() : c.key_mark, c.path, message);
  }
  [[noreturn]] void expected(const Cursor& c, const std::string& what) const
  {
    fail(c, "expected " + what + ", found " + describe_found(c.node));
  }
  /** A key that may not be there (with another, or without a platform): located at the key itself. */
  [[noreturn]] void fail_key(const Cursor& c, const std::string& message) const { missing(c, message); }

  static std::string child_path(const std::string& parent, const std::string& key)
  {
    return parent.empty() ? key : parent + "." + key;
  }

  // ---- structure --------------------------------------------------------------------------------
  void require_map(const Cursor& c, const std::string& what) const
  {
    if (!c.node.IsMap())
      expected(c, what);
    if (c.node.size() == 0)
      fail(c, "expected " + what + ", found an empty map");
  }
  /** The text of a key of the map at `map_path`; a list or a map used as a key is refused. */
  std::string key_text(const YAML::Node& key, const std::string& map_path) const
  {
    if (key.IsSequence() || key.IsMap())
      fail(key.Mark(), map_path, "expected a key name, found " + describe_found(key));
    return key.as<std::string>();
  }
  /** Refuses keys not in `allowed` (with a did-you-mean) and duplicated keys. */
  void check_keys(const Cursor& c, const std::vector<std::string>& allowed) const
  {
    std::set<std::string> seen;
    for (auto it = c.node.begin(); it != c.node.end(); ++it) {
      const std::string key = key_text(it->first, c.path);
      const std::string path = child_path(c.path, key);
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        std::string message = "unknown key '" + key + "'";
        if (auto guess = did_you_mean(key, allowed))
          message += " (did you mean '" + *guess + "'?)";
        else
          message += "; expected one of: " + join(allowed);
        fail(it->first.Mark(), path, message);
      }
      if (!seen.insert(key).second)
        fail(it->first.Mark(), path, "duplicate key '" + key + "'");
    }
  }
  std::optional<Cursor> optional_child(const Cursor& c, const std::string& key) const
  {
    if (!c.node.IsMap())
      return std::nullopt;
    for (auto it = c.node.begin(); it != c.node.end(); ++it)
      if (it->first.IsScalar() && it->first.Scalar() == key)
        return Cursor{it->second, child_path(c.path, key), it->first.Mark()};
    return std::nullopt;
  }
  Cursor child(const Cursor& c, const std::string& key) const
  {
    if (auto found = optional_child(c, key))
      return *found;
    missing(c, "missing required key '" + key + "'");
  }
  /** The key that selects a variant (dist, process, strategy). Checked before the other keys, so when
   *  it is missing, a misspelling of it is named as such rather than reported as a missing key. */
  Cursor selector(const Cursor& c, const std::string& key) const
  {
    if (!c.node[key].IsDefined())
      for (auto it = c.node.begin(); it != c.node.end(); ++it) {
        const std::string written = key_text(it->first, c.path);
        if (did_you_mean(written, {key}))
          fail(it->first.Mark(), child_path(c.path, written),
               "unknown key '" + written + "' (did you mean '" + key + "'?)");
      }
    return child(c, key);
  }

  // ---- scalars ----------------------------------------------------------------------------------
  std::string scalar(const Cursor& c, const std::string& what) const
  {
    if (!c.node.IsScalar())
      expected(c, what);
    return c.node.Scalar();
  }
  std::string name(const Cursor& c) const
  {
    std::string text = scalar(c, "a name");
    bool ok = !text.empty() && std::all_of(text.begin(), text.end(), [](char ch) {
      return std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_';
    });
    if (!ok)
      expected(c, "a name of letters, digits, '-' and '_'");
    return text;
  }
  bool boolean(const Cursor& c) const
  {
    const std::string text = scalar(c, "true or false");
    if (text == "true")
      return true;
    if (text == "false")
      return false;
    expected(c, "true or false");
  }
  double number(const Cursor& c, double min, double max, const std::string& what = "a number") const
  {
    auto value = parse_number(scalar(c, what));
    if (!value)
      expected(c, what);
    if (*value < min || *value > max)
      fail(c, "expected " + what + " in [" + fmt(min) + ", " + fmt(max) + "], found " + describe_found(c.node));
    return *value;
  }
  double positive(const Cursor& c, const std::string& what = "a positive number") const
  {
    auto value = parse_number(scalar(c, what));
    if (!value || *value <= 0)
      expected(c, what);
    return *value;
  }
  uint64_t count(const Cursor& c, uint64_t min, uint64_t max = 1'000'000'000'000ULL,
                 const std::string& what = "a whole number") const
  {
    auto value = parse_number(scalar(c, what));
    if (!value || *value != std::floor(*value))
      expected(c, what);
    if (*value < static_cast<double>(min) || *value > static_cast<double>(max))
      fail(c, "expected " + what + " in [" + std::to_string(min) + ", " + std::to_string(max) + "], found " +
                  describe_found(c.node));
    return static_cast<uint64_t>(*value);
  }
  /** A value written with a unit, parsed by `parse`; `kind` names it in messages ("a duration"). */
  double with_unit(const Cursor& c, std::optional<double> (*parse)(std::string_view), const std::string& kind,
                   const std::string& examples, bool allow_zero) const
  {
    auto value = parse(scalar(c, kind + " " + examples));
    if (!value)
      expected(c, kind + " " + examples);
    if (*value < 0 || (*value == 0 && !allow_zero))
      expected(c, kind + (allow_zero ? " >= 0" : " > 0"));
    return *value;
  }
  double duration(const Cursor& c, bool allow_zero = false) const
  {
    return with_unit(c, parse_duration_s, "a duration", "with a unit (250ms, 1.5s, 2m, 1h)", allow_zero);
  }
  double rate(const Cursor& c, bool allow_zero = false) const
  {
    return with_unit(c, parse_rate_per_s, "a rate", "(120/s, 3000/min, 10/h)", allow_zero);
  }
  double size(const Cursor& c, bool allow_zero = true) const
  {
    return with_unit(c, parse_size_bytes, "a size", "with a unit (512B, 2KB, 1MiB)", allow_zero);
  }
  double bandwidth(const Cursor& c) const
  {
    return with_unit(c, parse_bandwidth_Bps, "a bandwidth", "with a unit (10Gbps, 100Mbps, 125MBps)", false);
  }
  double flops(const Cursor& c, bool allow_zero = true) const
  {
    return with_unit(c, parse_flops, "a flop count", "with a unit (100Mf, 1Gf, 2Tf)", allow_zero);
  }
  double probability(const Cursor& c) const
  {
    auto value = parse_fraction(scalar(c, "a probability in [0, 1] (0.02 or 2%)"));
    if (!value)
      expected(c, "a probability in [0, 1] (0.02 or 2%)");
    return *value;
  }
  template <class Enum>
  Enum choice(const Cursor& c, const std::vector<std::pair<std::string, Enum>>& options) const
  {
    const std::string text = scalar(c, "a name");
    std::vector<std::string> names;
    for (const auto& [option, value] : options) {
      if (option == text)
        return value;
      names.push_back(option);
    }
    std::string message = "expected one of " + join(names) + ", found '" + text + "'";
    if (auto guess = did_you_mean(text, names))
      message += " (did you mean '" + *guess + "'?)";
    fail(c, message);
  }
  static std::string fmt(double v)
  {
    std::ostringstream out;
    out << v;
    return out.str();
  }
  template <class Fn>
  void for_each_item(const Cursor& list, Fn&& fn) const
  {
    for (size_t i = 0; i < list.node.size(); ++i)
      fn(Cursor{list.node[i], child_path(list.path, std::to_string(i))});
  }
  /** Calls fn(key, value) for each entry of a map of names (services, workflows, SLOs); refuses a
   *  name given twice. */
  template <class Fn>
  void for_each_entry(const Cursor& map, Fn&& fn) const
  {
    std::set<std::string> seen;
    for (auto it = map.node.begin(); it != map.node.end(); ++it) {
      const std::string key = key_text(it->first, map.path);
      if (!seen.insert(key).second)
        fail(it->first.Mark(), child_path(map.path, key), "duplicate key '" + key + "'");
      fn(Cursor{it->first, child_path(map.path, key)}, Cursor{it->second, child_path(map.path, key), it->first.Mark()});
    }
  }
  std::vector<Cursor> list(const Cursor& c, const std::string& what) const
  {
    if (!c.node.IsSequence())
      expected(c, what);
    if (c.node.size() == 0)
      fail(c, "expected " + what + ", found an empty list");
    std::vector<Cursor> items;
    for_each_item(c, [&](Cursor item) { items.push_back(std::move(item)); });
    return items;
  }

  // ---- sections ---------------------------------------------------------------------------------
  enum class Quantity { TIME, COUNT, BYTES, FLOPS };
  static std::string quantity_name(Quantity q)
  {
    switch (q) {
      case Quantity::TIME:
        return "a duration";
      case Quantity::BYTES:
        return "a size";
      case Quantity::FLOPS:
        return "a flop count";
      case Quantity::COUNT:
        break;
    }
    return "a number";
  }
  double quantity(const Cursor& c, Quantity q, bool allow_zero) const
  {
    if (q == Quantity::TIME)
      return duration(c, allow_zero);
    if (q == Quantity::BYTES)
      return size(c, allow_zero);
    if (q == Quantity::FLOPS)
      return flops(c, allow_zero);
    auto value = parse_number(scalar(c, "a number >= 0"));
    if (!value || *value < 0 || (!allow_zero && *value == 0))
      expected(c, allow_zero ? "a number >= 0" : "a number > 0");
    return *value;
  }
  DistributionPtr distribution(const Cursor& c, Quantity q, const std::vector<std::string>& extra_keys = {}) const;
  LatencyModelPtr latency(const Cursor& c) const;
  void simulation(const Cursor& c, SimulationSpec& out) const;
  ServiceSpec service(const std::string& service_name, const Cursor& c) const;
  /** How long a call takes: exactly one of `latency`, `work`, `batching`. */
  void call_model(const Cursor& c, ServiceSpec& s) const;
  /** `zones`, `hosts`, `host_kind`: where the instances are, checked against a YAML platform. */
  void placement(const Cursor& c, ServiceSpec& s) const;
  PayloadSpec payload(const Cursor& c) const;
  WorkSpec work(const Cursor& c) const;
  BatchingSpec batching(const Cursor& c) const;

  // ---- platform ---------------------------------------------------------------------------------
  sim::PlatformSpec platform(const Cursor& c) const;
  void network(const Cursor& c, sim::PlatformSpec& p) const;
  sim::LinkSpec link(const Cursor& c, sim::LinkSpec defaults) const;
  void regions(const Cursor& c, sim::PlatformSpec& p) const;
  void routes(const Cursor& c, sim::PlatformSpec& p) const;
  /** The places a scenario can name once the platform is read. */
  struct Places {
    bool present = false; // a `platform:` section
    bool yaml = false;    // written in the scenario (names are checked), not an XML file
    std::vector<std::string> regions, zones, hosts;
    std::map<std::string, std::pair<uint32_t, sim::HostKind>> host_zone_kind; // host -> its zone and kind
  };
  static Places index_places(const sim::PlatformSpec& p);
  /** Refuses the key at `c` when the scenario has no platform; `what` names it in the message. */
  void needs_platform(const Cursor& c, const std::string& what) const
  {
    if (!places_.present)
      fail_key(c, what + " needs a `platform:` section (docs/PLATFORM.md)");
  }
  /** A name of a host, zone or region: letters, digits, '-', '_' and '.' (XML platforms' names). */
  std::string place_name(const Cursor& c) const
  {
    std::string text = scalar(c, "a name");
    bool ok = !text.empty() && std::all_of(text.begin(), text.end(), [](char ch) {
      return std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_' || ch == '.';
    });
    if (!ok)
      expected(c, "a name of letters, digits, '-', '_' and '.'");
    return text;
  }
  /** The place named at `c`, with where it is named; with a YAML platform it must be one of `known`
   *  (`kind`: zone, region, host), with a did-you-mean. */
  sim::PlaceRef known_place(const Cursor& c, const std::vector<std::string>& known, const std::string& kind) const;
  /** The index of the workflow named at `c`; unknown names are refused with a did-you-mean. */
  uint32_t workflow_ref(const Cursor& c, const Scenario& s) const
  {
    const std::string workflow_name = name(c);
    auto found = s.find_workflow(workflow_name);
    if (!found) {
      std::vector<std::string> names;
      for (const auto& w : s.workflows)
        names.push_back(w.name);
      std::string message = "unknown workflow '" + workflow_name + "'";
      if (auto guess = did_you_mean(workflow_name, names))
        message += " (did you mean '" + *guess + "'?)";
      fail(c, message);
    }
    return *found;
  }
  /** The index of the service named at `c`; unknown names are refused with a did-you-mean. */
  uint32_t service_ref(const Cursor& c, const Scenario& s, const std::vector<std::string>& all_services) const
  {
    const std::string service_name = name(c);
    auto found = s.find_service(service_name);
    if (!found) {
      std::string message = "unknown service '" + service_name + "'";
      if (auto guess = did_you_mean(service_name, all_services))
        message += " (did you mean '" + *guess + "'?)";
      fail(c, message);
    }
    return *found;
  }
  WorkflowSpec workflow(const std::string& workflow_name, const Cursor& c, const Scenario& s) const;
  void order_steps(const Cursor& c, WorkflowSpec& w) const;
  SourceSpec source(const Cursor& c, const Scenario& s) const;
  ArrivalSpec arrival(const Cursor& c) const;
  void orchestrator(const Cursor& c, OrchestratorSpec& out) const;
  FaultSpec fault(const Cursor& c, const Scenario& s, size_t index) const;
  /** A zone outage (with a platform) or a region outage: one OUTAGE fault on the place. */
  FaultSpec outage(const Cursor& c, size_t index, bool region) const;
  /** `at` and `duration` of a fault. */
  void fault_time(const Cursor& c, FaultSpec& f) const;
  /** One fault, or a zone outage expanded into one crash per service with instances in the zone. */
  std::vector<FaultSpec> faults_of(const Cursor& c, const Scenario& s, size_t index) const;
  void selection(const Cursor& c, SelectionSpec& out) const;
  Objective objective(const Cursor& c) const;
  /** Checks the `profiles` section; returns the declared profiles (baseline first) and their nodes. */
  std::vector<std::pair<ProfileInfo, std::optional<Cursor>>> profiles(const Cursor& top) const;
  AmplificationSpec amplification(const Cursor& c) const;
  /** Writes a declared profile's keys into the document. */
  void apply_profile(YAML::Node& root, const std::string& name, const std::optional<Cursor>& profile);
  uint32_t cause_mask(const Cursor& c) const;
  void retries(const Cursor& c, RetrySpec& out) const;
  void hedging(const Cursor& c, HedgeSpec& out) const;
  AdaptiveTimeoutOptions adaptive_timeout(const Cursor& c) const;
  /** A percentile in (0, 100 %) (99% or 0.99). */
  double percentile(const Cursor& c) const;
  template <class Options>
  void checked(const Cursor& c, const Options& options) const;
  CircuitBreakerOptions circuit_breaker(const Cursor& c) const;
  OutlierDetectorOptions outlier_detection(const Cursor& c) const;
  ConcurrencyLimitOptions concurrency_limit(const Cursor& c) const;
  RateLimiterOptions rate_limit(const Cursor& c) const;
  AutoscalingSpec autoscaling(const Cursor& c) const;
  TargetTuningOptions target_tuning(const Cursor& c) const;
  PredictiveScalingOptions predictive_scaling(const Cursor& c, uint32_t min, uint32_t max) const;
  /** A share in (0, 100 %] (70% or 0.7). */
  double utilization(const Cursor& c) const;
  SloSpec slo(const Cursor& c) const;

  Document doc_;
  Places places_; // set once the platform is read, before the sections that name places
  mutable std::map<std::string, std::shared_ptr<const Trace>> traces_;
};

// ---- distributions ------------------------------------------------------------------------------

DistributionPtr Loader::distribution(const Cursor& c, Quantity q, const std::vector<std::string>& extra_keys) const
{
  if (c.node.IsScalar())
    return make_constant(quantity(c, q, true));
  if (!c.node.IsMap())
    expected(c, quantity_name(q) + " or a distribution map {dist: ...}");
  const Cursor kind = selector(c, "dist");
  auto allow = [&](std::vector<std::string> keys) {
    keys.push_back("dist");
    keys.insert(keys.end(), extra_keys.begin(), extra_keys.end());
    check_keys(c, keys);
  };
  auto given = [&](const std::vector<std::string>& keys) {
    std::vector<std::string> present;
    for (const auto& key : keys)
      if (c.node[key].IsDefined())
        present.push_back(key);
    return "{" + join(present) + "}";
  };
  enum Kind { CONSTANT, EXPONENTIAL, LOGNORMAL, GAMMA, WEIBULL, PARETO, UNIFORM, EMPIRICAL, HISTOGRAM, MIXTURE };
  const Kind k = choice<Kind>(kind, {{"constant", CONSTANT},
                                     {"exponential", EXPONENTIAL},
                                     {"lognormal", LOGNORMAL},
                                     {"gamma", GAMMA},
                                     {"weibull", WEIBULL},
                                     {"pareto", PARETO},
                                     {"uniform", UNIFORM},
                                     {"empirical", EMPIRICAL},
                                     {"histogram", HISTOGRAM},
                                     {"mixture", MIXTURE}});
  switch (k) {
    case CONSTANT:
      allow({"value"});
      return make_constant(quantity(child(c, "value"), q, true));
    case EXPONENTIAL:
      allow({"mean"});
      return make_exponential(quantity(child(c, "mean"), q, false));
    case LOGNORMAL: {
      allow({"mean", "median", "sigma", "p99"});
      auto mean = optional_child(c, "mean");
      auto median = optional_child(c, "median");
      auto sigma = optional_child(c, "sigma");
      auto p99 = optional_child(c, "p99");
      if (mean && sigma && !median && !p99)
        return make_lognormal_mean_sigma(quantity(*mean, q, false), number(*sigma, 0, 20, "a sigma"));
      if (median && sigma && !mean && !p99)
        return make_lognormal(std::log(quantity(*median, q, false)), number(*sigma, 0, 20, "a sigma"));
      if (median && p99 && !mean && !sigma) {
        const double m = quantity(*median, q, false);
        const double p = quantity(*p99, q, false);
        if (p < m)
          fail(*p99, "expected p99 >= median (" + median->node.Scalar() + "), found " + describe_found(p99->node));
        return make_lognormal_median_p99(m, p);
      }
      fail(c, "expected lognormal parameters {mean, sigma}, {median, sigma} or {median, p99}, found " +
                  given({"mean", "median", "sigma", "p99"}));
    }
    case GAMMA: {
      allow({"shape", "mean", "scale"});
      const double shape = positive(child(c, "shape"), "a shape > 0");
      auto mean = optional_child(c, "mean");
      auto scale = optional_child(c, "scale");
      if (mean && !scale)
        return make_gamma(shape, quantity(*mean, q, false) / shape);
      if (scale && !mean)
        return make_gamma(shape, quantity(*scale, q, false));
      fail(c, "expected gamma parameters {shape, mean} or {shape, scale}, found " + given({"shape", "mean", "scale"}));
    }
    case WEIBULL:
      allow({"shape", "scale"});
      return make_weibull(positive(child(c, "shape"), "a shape > 0"), quantity(child(c, "scale"), q, false));
    case PARETO:
      allow({"shape", "scale"});
      return make_pareto(positive(child(c, "shape"), "a shape > 0"), quantity(child(c, "scale"), q, false));
    case UNIFORM: {
      allow({"min", "max"});
      const Cursor min_cursor = child(c, "min");
      const double lo = quantity(min_cursor, q, true);
      const Cursor max_cursor = child(c, "max");
      const double hi = quantity(max_cursor, q, true);
      if (hi < lo)
        fail(max_cursor,
             "expected max >= min (" + min_cursor.node.Scalar() + "), found " + describe_found(max_cursor.node));
      return make_uniform(lo, hi);
    }
    case EMPIRICAL: {
      allow({"samples"});
      std::vector<double> samples;
      for (const auto& item : list(child(c, "samples"), "a list of samples"))
        samples.push_back(quantity(item, q, true));
      return make_empirical(std::move(samples));
    }
    case HISTOGRAM: {
      allow({"edges", "weights"});
      const Cursor edges_cursor = child(c, "edges");
      const Cursor weights_cursor = child(c, "weights");
      std::vector<double> edges, weights;
      const auto edge_items = list(edges_cursor, "a list of bin edges");
      for (size_t i = 0; i < edge_items.size(); ++i) {
        edges.push_back(quantity(edge_items[i], q, true));
        if (i > 0 && edges[i] < edges[i - 1])
          fail(edge_items[i], "expected bin edges in increasing order, found " + describe_found(edge_items[i].node) +
                                  " after " + describe_found(edge_items[i - 1].node));
      }
      double total = 0;
      for (const auto& item : list(weights_cursor, "a list of bin weights")) {
        weights.push_back(number(item, 0, INF, "a weight >= 0"));
        total += weights.back();
      }
      if (edges.size() != weights.size() + 1)
        fail(weights_cursor, "expected " + std::to_string(edges.size() - 1) + " weights (one per bin between " +
                                 std::to_string(edges.size()) + " edges), found " + std::to_string(weights.size()));
      if (total <= 0)
        fail(weights_cursor, "expected at least one positive weight");
      return make_histogram(std::move(edges), weights);
    }
    case MIXTURE: {
      allow({"components"});
      std::vector<double> weights;
      std::vector<DistributionPtr> parts;
      double total = 0;
      for (const auto& item : list(child(c, "components"), "a list of components {weight: w, dist: ...}")) {
        if (!item.node.IsMap())
          expected(item, "a component map {weight: w, dist: ...}");
        weights.push_back(number(child(item, "weight"), 0, INF, "a weight >= 0"));
        total += weights.back();
        parts.push_back(distribution(item, q, {"weight"}));
      }
      if (total <= 0)
        fail(c, "expected at least one component with a positive weight");
      return make_mixture(weights, std::move(parts));
    }
  }
  fail(c, "unreachable distribution kind");
}

LatencyModelPtr Loader::latency(const Cursor& c) const
{
  if (c.node.IsMap() && c.node["model"].IsDefined()) {
    const Cursor model = child(c, "model");
    enum Model { LLM };
    choice<Model>(model, {{"llm", LLM}});
    check_keys(c, {"model", "ttft", "ttft_per_input_token", "tpot"});
    double per_input = 0;
    if (auto per = optional_child(c, "ttft_per_input_token"))
      per_input = duration(*per, true);
    return make_llm_latency(distribution(child(c, "ttft"), Quantity::TIME), per_input,
                            distribution(child(c, "tpot"), Quantity::TIME));
  }
  return make_distribution_latency(distribution(c, Quantity::TIME));
}

// ---- sections -----------------------------------------------------------------------------------

void Loader::simulation(const Cursor& c, SimulationSpec& out) const
{
  require_map(c, "the simulation map {seed, requests or duration, warmup}");
  check_keys(c, {"seed", "requests", "duration", "warmup", "engine", "series", "load_scale"});
  if (auto seed = optional_child(c, "seed"))
    out.seed = count(*seed, 0, (1ULL << 53), "a seed (a whole number >= 0)");
  auto requests = optional_child(c, "requests");
  auto duration_c = optional_child(c, "duration");
  if (requests && duration_c)
    fail(*duration_c, "expected either 'requests' or 'duration', not both");
  if (!requests && !duration_c)
    missing(c, "missing required key 'requests' or 'duration' (how long to run)");
  if (requests)
    out.requests = count(*requests, 1, 10'000'000'000ULL, "a request count");
  if (duration_c)
    out.duration_s = duration(*duration_c);
  if (auto warmup = optional_child(c, "warmup")) {
    const std::string text = scalar(*warmup, "a warm-up share (10%) or duration (60s)");
    if (auto fraction = parse_fraction(text)) {
      if (*fraction >= 1.0)
        fail(*warmup, "expected a warm-up below 100% (something must be measured), found '" + text + "'");
      out.warmup_fraction = *fraction;
    } else if (auto seconds = parse_duration_s(text)) {
      if (*seconds < 0)
        expected(*warmup, "a warm-up >= 0");
      if (out.duration_s && *seconds >= *out.duration_s)
        fail(*warmup,
             "expected a warm-up shorter than the duration (" + fmt(*out.duration_s) + " s), found '" + text + "'");
      out.warmup_s = *seconds;
    } else {
      expected(*warmup, "a warm-up share (10%) or duration (60s)");
    }
  }
  if (auto series = optional_child(c, "series")) {
    if (series->node.IsScalar() && series->node.Scalar() == "none") {
      out.series_interval_s = 0;
    } else {
      require_map(*series, "'none' or a series map {interval: 1s, max_points: 2000}");
      check_keys(*series, {"interval", "max_points"});
      if (auto v = optional_child(*series, "interval"))
        out.series_interval_s = duration(*v);
      if (auto v = optional_child(*series, "max_points")) {
        out.series_max_points = static_cast<uint32_t>(count(*v, 2, 1'000'000, "a number of points"));
        if (out.series_max_points % 2)
          expected(*v, "an even number of points (points merge in pairs)");
      }
    }
  }
  if (auto scale = optional_child(c, "load_scale"))
    out.load_scale = number(*scale, 1e-6, 1e6, "a load factor in [1e-6, 1e6] (2: twice the arrival rates)");
  if (auto engine = optional_child(c, "engine"))
    out.engine = choice<EngineSync>(*engine, {{"windowed", EngineSync::WINDOWED}, {"lockstep", EngineSync::LOCKSTEP}});
}

ServiceSpec Loader::service(const std::string& service_name, const Cursor& c) const
{
  require_map(c, "a service map {instances, concurrency, latency, ...}");
  check_keys(
      c, {"description", "capabilities", "instances", "concurrency", "queue", "latency", "errors", "cost", "quality",
          "weight", "rate_limit", "autoscaling", "zones", "hosts", "host_kind", "payload", "work", "batching"});
  ServiceSpec s;
  s.name = service_name;
  if (auto caps = optional_child(c, "capabilities")) {
    std::set<std::string> seen;
    for (const auto& item : list(*caps, "a list of capability names")) {
      s.capabilities.push_back(name(item));
      if (!seen.insert(s.capabilities.back()).second)
        fail(item, "duplicate capability '" + s.capabilities.back() + "'");
    }
  }
  if (auto instances = optional_child(c, "instances"))
    s.instances = static_cast<uint32_t>(count(*instances, 1, 1'000'000, "an instance count"));
  if (auto concurrency = optional_child(c, "concurrency"))
    s.concurrency = static_cast<uint32_t>(count(*concurrency, 1, 1'000'000, "a concurrency (slots per instance)"));
  if (auto queue = optional_child(c, "queue")) {
    if (queue->node.IsScalar() && queue->node.Scalar() == "unbounded")
      s.queue_capacity.reset();
    else
      s.queue_capacity = static_cast<uint32_t>(count(*queue, 0, 100'000'000, "'unbounded' or a queue capacity"));
  }
  call_model(c, s);
  if (auto errors = optional_child(c, "errors")) {
    if (errors->node.IsMap()) {
      check_keys(*errors, {"probability"});
      s.error_probability = probability(child(*errors, "probability"));
    } else {
      s.error_probability = probability(*errors);
    }
  }
  if (auto cost = optional_child(c, "cost")) {
    require_map(*cost, "a cost map {per_call, per_input_token, per_output_token} in USD");
    check_keys(*cost, {"per_call", "per_input_token", "per_output_token"});
    if (auto v = optional_child(*cost, "per_call"))
      s.cost.per_call_usd = number(*v, 0, 1e9, "a cost in USD");
    if (auto v = optional_child(*cost, "per_input_token"))
      s.cost.per_input_token_usd = number(*v, 0, 1e9, "a cost in USD");
    if (auto v = optional_child(*cost, "per_output_token"))
      s.cost.per_output_token_usd = number(*v, 0, 1e9, "a cost in USD");
  }
  if (auto limit = optional_child(c, "rate_limit"))
    s.rate_limit = rate_limit(*limit);
  placement(c, s);
  if (auto p = optional_child(c, "payload"))
    s.payload = payload(*p);
  if (auto scaling = optional_child(c, "autoscaling")) {
    s.autoscaling = autoscaling(*scaling);
    const uint32_t lo = s.autoscaling->get_min(), hi = s.autoscaling->get_max();
    if (s.instances < lo || s.instances > hi)
      fail(optional_child(c, "instances") ? *optional_child(c, "instances") : c,
           "expected a starting instance count in [" + std::to_string(lo) + ", " + std::to_string(hi) +
               "] (the autoscaler's min and max), found " + std::to_string(s.instances));
  }
  if (auto weight = optional_child(c, "weight"))
    s.weight = positive(*weight, "a weight > 0");
  if (auto quality = optional_child(c, "quality")) {
    if (quality->node.IsMap()) {
      // A quality model: each answer's quality is drawn from it, clamped to [0, 1].
      s.quality_model = distribution(*quality, Quantity::COUNT);
      auto mean = s.quality_model->mean();
      if (!mean || *mean > 1)
        fail(*quality, "expected a quality distribution with a known mean in [0, 1]");
      s.quality = *mean;
    } else {
      s.quality = number(*quality, 0, 1, "a quality score");
    }
  }
  return s;
}

void Loader::call_model(const Cursor& c, ServiceSpec& s) const
{
  const auto latency_c = optional_child(c, "latency");
  const auto work_c = optional_child(c, "work");
  const auto batching_c = optional_child(c, "batching");
  if (latency_c && work_c)
    fail_key(*work_c, "expected either 'latency' or 'work', not both");
  if (latency_c && batching_c)
    fail_key(*batching_c, "expected either 'latency' or 'batching', not both");
  if (work_c && batching_c)
    fail_key(*batching_c, "expected either 'work' or 'batching', not both");
  if (!latency_c && !work_c && !batching_c)
    missing(c, "missing required key 'latency' (or 'work' or 'batching': how long a call takes)");
  if (latency_c)
    s.latency = latency(*latency_c);
  if (work_c)
    s.work = work(*work_c);
  if (batching_c) {
    if (auto concurrency = optional_child(c, "concurrency"))
      fail_key(*concurrency,
               "expected either 'concurrency' or 'batching', not both (a batching server serves "
               "max_batch sequences at once)");
    s.batching = batching(*batching_c);
    s.concurrency = s.batching->max_batch;
  }
}

void Loader::placement(const Cursor& c, ServiceSpec& s) const
{
  const auto zones_c = optional_child(c, "zones");
  const auto hosts_c = optional_child(c, "hosts");
  const auto kind_c = optional_child(c, "host_kind");
  if (zones_c && hosts_c)
    fail_key(*hosts_c, "expected either 'zones' or 'hosts', not both");
  std::vector<Cursor> zone_items, host_items;
  if (zones_c) {
    zone_items = list(*zones_c, "a list of zone names");
    for (const auto& item : zone_items) {
      if (!places_.present) {
        s.zones.push_back(name(item));
        continue;
      }
      s.zone_refs.push_back(known_place(item, places_.zones, "zone"));
      s.zones.push_back(s.zone_refs.back().name);
    }
  }
  if (hosts_c) {
    needs_platform(*hosts_c, "`hosts`");
    host_items = list(*hosts_c, "a list of host names");
    for (const auto& item : host_items)
      s.hosts.push_back(known_place(item, places_.hosts, "host"));
  }
  if (!kind_c)
    return;
  needs_platform(*kind_c, "`host_kind`");
  const auto kind = choice<sim::HostKind>(*kind_c, {{"cpu", sim::HostKind::CPU}, {"gpu", sim::HostKind::GPU}});
  s.host_kind = kind;
  if (!places_.yaml)
    return;
  const std::string kind_text = kind_c->node.Scalar();
  for (size_t i = 0; i < host_items.size(); ++i)
    if (places_.host_zone_kind.at(s.hosts[i].name).second != kind)
      fail(host_items[i],
           "host '" + s.hosts[i].name + "' is not a " + kind_text + " host (host_kind: " + kind_text + ")");
  auto has_kind = [&](const std::string& zone) {
    for (const auto& [host, zone_kind] : places_.host_zone_kind)
      if (places_.zones[zone_kind.first] == zone && zone_kind.second == kind)
        return true;
    return false;
  };
  for (size_t i = 0; i < zone_items.size(); ++i)
    if (!has_kind(s.zones[i]))
      fail(zone_items[i], "zone '" + s.zones[i] + "' has no " + kind_text + " host (host_kind: " + kind_text + ")");
  if (!zones_c && !hosts_c)
    for (const auto& zone : places_.zones)
      if (!has_kind(zone))
        fail(*kind_c, "zone '" + zone + "' has no " + kind_text +
                          " host; without `zones` or `hosts` the instances are placed in every zone");
}

PayloadSpec Loader::payload(const Cursor& c) const
{
  needs_platform(c, "`payload`");
  require_map(c, "a payload map {request, response, per_input_token, per_output_token}");
  check_keys(c, {"request", "response", "per_input_token", "per_output_token"});
  PayloadSpec p;
  if (auto v = optional_child(c, "request"))
    p.request_bytes = distribution(*v, Quantity::BYTES);
  if (auto v = optional_child(c, "response"))
    p.response_bytes = distribution(*v, Quantity::BYTES);
  if (auto v = optional_child(c, "per_input_token"))
    p.request_bytes_per_input_token = size(*v);
  if (auto v = optional_child(c, "per_output_token"))
    p.response_bytes_per_output_token = size(*v);
  return p;
}

WorkSpec Loader::work(const Cursor& c) const
{
  needs_platform(c, "`work`");
  require_map(c, "a work map {flops, per_input_token, per_output_token}");
  check_keys(c, {"flops", "per_input_token", "per_output_token"});
  WorkSpec w;
  if (auto v = optional_child(c, "flops"))
    w.flops = distribution(*v, Quantity::FLOPS);
  if (auto v = optional_child(c, "per_input_token"))
    w.flops_per_input_token = flops(*v);
  if (auto v = optional_child(c, "per_output_token"))
    w.flops_per_output_token = flops(*v);
  return w;
}

BatchingSpec Loader::batching(const Cursor& c) const
{
  require_map(c,
              "a batching map {max_batch, max_batch_tokens, base, per_sequence, per_prefill_token, "
              "per_context_token}");
  check_keys(c, {"max_batch", "max_batch_tokens", "base", "per_sequence", "per_prefill_token", "per_context_token"});
  BatchingSpec b;
  const auto max_batch_c = optional_child(c, "max_batch");
  if (max_batch_c)
    b.max_batch = static_cast<uint32_t>(count(*max_batch_c, 1, 1'000'000, "a batch size (sequences)"));
  const auto tokens_c = optional_child(c, "max_batch_tokens");
  if (tokens_c)
    b.max_batch_tokens = static_cast<uint32_t>(count(*tokens_c, 1, 1'000'000'000, "a token budget per iteration"));
  // Every decoding sequence in the batch takes one token of each iteration's budget.
  if (b.max_batch_tokens < b.max_batch) {
    if (tokens_c)
      fail(*tokens_c, "expected max_batch_tokens >= max_batch (" + std::to_string(b.max_batch) + "), found " +
                          describe_found(tokens_c->node));
    fail(*max_batch_c, "expected max_batch <= max_batch_tokens (" + std::to_string(b.max_batch_tokens) +
                           ", the default), found " + describe_found(max_batch_c->node));
  }
  if (auto v = optional_child(c, "base"))
    b.base_s = duration(*v, true);
  if (auto v = optional_child(c, "per_sequence"))
    b.per_sequence_s = duration(*v, true);
  if (auto v = optional_child(c, "per_prefill_token"))
    b.per_prefill_token_s = duration(*v, true);
  if (auto v = optional_child(c, "per_context_token"))
    b.per_context_token_s = duration(*v, true);
  if (b.base_s + b.per_sequence_s <= 0)
    fail_key(c, "expected base + per_sequence > 0 (an iteration takes time whatever its tokens), found 0 s");
  return b;
}

// ---- platform -----------------------------------------------------------------------------------

sim::PlatformSpec Loader::platform(const Cursor& c) const
{
  require_map(c, "a platform map {network, regions, routes} or {file, network}");
  check_keys(c, {"file", "network", "regions", "routes"});
  sim::PlatformSpec p;
  const auto file = optional_child(c, "file");
  const auto regions_c = optional_child(c, "regions");
  const auto routes_c = optional_child(c, "routes");
  if (file && regions_c)
    fail_key(*regions_c, "expected either 'file' or 'regions', not both");
  if (file && routes_c)
    fail_key(*routes_c, "expected either 'file' or 'routes', not both (an XML platform holds its routes)");
  if (!file && !regions_c)
    missing(c, "missing required key 'regions' or 'file' (the platform's zones and hosts)");
  if (file) {
    const std::string relative = scalar(*file, "a SimGrid platform XML file path");
    if (relative.empty())
      expected(*file, "a SimGrid platform XML file path");
    namespace fs = std::filesystem;
    fs::path full = relative;
    if (full.is_relative())
      full = fs::path(doc_.file).parent_path() / full;
    p.xml_path = full.lexically_normal().string();
    p.xml_where = location(file->node.Mark(), file->path);
    std::ifstream in(p.xml_path);
    if (!in || fs::is_directory(p.xml_path))
      fail(*file, "cannot open platform file '" + p.xml_path +
                      "': " + (in ? std::string("it is a directory") : std::string(std::strerror(errno))));
  }
  if (auto n = optional_child(c, "network"))
    network(*n, p);
  if (regions_c)
    regions(*regions_c, p);
  if (routes_c)
    routes(*routes_c, p);
  return p;
}

void Loader::network(const Cursor& c, sim::PlatformSpec& p) const
{
  require_map(c, "a network map {model, contention, egress_usd_per_gb, intra_region, inter_region}");
  check_keys(c, {"model", "contention", "egress_usd_per_gb", "intra_region", "inter_region"});
  if (auto v = optional_child(c, "model"))
    p.model = choice<sim::NetworkModel>(*v, {{"lv08", sim::NetworkModel::LV08}, {"cm02", sim::NetworkModel::CM02}});
  if (auto v = optional_child(c, "contention"))
    p.contention = boolean(*v);
  if (auto v = optional_child(c, "egress_usd_per_gb"))
    p.egress_usd_per_gb = number(*v, 0, 1e6, "a price per GB in USD");
  auto default_link = [&](const std::string& key, sim::LinkSpec& out) {
    if (auto v = optional_child(c, key)) {
      if (!p.xml_path.empty())
        fail_key(*v, "an XML platform's links are in its file: expected no '" + key + "' beside 'file'");
      out = link(*v, out);
    }
  };
  default_link("intra_region", p.intra_region);
  default_link("inter_region", p.inter_region);
}

sim::LinkSpec Loader::link(const Cursor& c, sim::LinkSpec l) const
{
  require_map(c, "a link map {bandwidth: 10Gbps, latency: 1ms}");
  check_keys(c, {"bandwidth", "latency"});
  if (auto v = optional_child(c, "bandwidth"))
    l.bandwidth_Bps = bandwidth(*v);
  if (auto v = optional_child(c, "latency"))
    l.latency_s = duration(*v, true);
  return l;
}

void Loader::regions(const Cursor& c, sim::PlatformSpec& p) const
{
  require_map(c, "a map of regions {name: {zones: {...}}}");
  std::map<std::string, std::string> owner; // every name of the platform -> what it names
  auto claim = [&](const Cursor& at, const std::string& taken, const std::string& what) {
    auto [it, fresh] = owner.emplace(taken, what);
    if (!fresh)
      fail(at, "duplicate name '" + taken + "': already " + it->second +
                   " (regions, zones and hosts need names unique in the platform)");
  };
  for_each_entry(c, [&](const Cursor& region_key, const Cursor& region) {
    const std::string region_name = name(region_key);
    claim(region_key, region_name, "the name of region '" + region_name + "'");
    const auto region_index = static_cast<uint32_t>(p.regions.size());
    p.regions.push_back(sim::RegionSpec{region_name});
    require_map(region, "a region map {zones: {name: {hosts: [...]}}}");
    check_keys(region, {"zones"});
    const Cursor zones = child(region, "zones");
    require_map(zones, "a map of zones {name: {hosts: [...], host_link, client_link}}");
    for_each_entry(zones, [&](const Cursor& zone_key, const Cursor& zone_c) {
      sim::ZoneSpec zone;
      zone.name = name(zone_key);
      zone.region = region_index;
      claim(zone_key, zone.name, "the name of zone '" + zone.name + "' (region '" + region_name + "')");
      require_map(zone_c, "a zone map {hosts: [...], host_link, client_link}");
      check_keys(zone_c, {"hosts", "host_link", "client_link"});
      for (const auto& item :
           list(child(zone_c, "hosts"), "a list of host groups [{name, count, kind, speed, cores}]")) {
        require_map(item, "a host group map {name, count, kind, speed, cores}");
        check_keys(item, {"name", "count", "kind", "speed", "cores"});
        const Cursor name_c = child(item, "name");
        sim::HostGroupSpec group;
        group.name = name(name_c);
        if (auto v = optional_child(item, "count"))
          group.count = static_cast<uint32_t>(count(*v, 1, 1'000'000, "a host count"));
        if (auto v = optional_child(item, "kind"))
          group.kind = choice<sim::HostKind>(*v, {{"cpu", sim::HostKind::CPU}, {"gpu", sim::HostKind::GPU}});
        if (auto v = optional_child(item, "speed"))
          group.speed_flops =
              with_unit(*v, parse_flops, "a speed in flop/s per core", "with a unit (1Gf, 100Gf, 312Tf)", false);
        if (auto v = optional_child(item, "cores"))
          group.cores = static_cast<uint32_t>(count(*v, 1, 1'000'000, "a core count"));
        claim(name_c, group.name, "the name of host group '" + group.name + "' in zone '" + zone.name + "'");
        for (uint32_t i = 0; group.count > 1 && i < group.count; ++i) {
          const std::string host = group.name + "-" + std::to_string(i);
          auto [it, fresh] = owner.emplace(host, "the name of host " + std::to_string(i) + " of group '" + group.name +
                                                     "' in zone '" + zone.name + "'");
          if (!fresh)
            fail(name_c, "duplicate name '" + host + "' (host " + std::to_string(i) + " of group '" + group.name +
                             "'): already " + it->second +
                             " (regions, zones and hosts need names unique in the platform)");
        }
        zone.hosts.push_back(std::move(group));
      }
      if (auto v = optional_child(zone_c, "host_link"))
        zone.host_link = link(*v, zone.host_link);
      if (auto v = optional_child(zone_c, "client_link"))
        zone.client_link = link(*v, zone.client_link);
      p.zones.push_back(std::move(zone));
    });
  });
}

void Loader::routes(const Cursor& c, sim::PlatformSpec& p) const
{
  std::vector<std::string> names; // zones and regions, for did-you-mean
  for (const auto& z : p.zones)
    names.push_back(z.name);
  for (const auto& r : p.regions)
    names.push_back(r.name);
  auto zones_of = [&](const Cursor& end) {
    const std::string end_name = name(end);
    std::vector<uint32_t> zones;
    for (uint32_t z = 0; z < p.zones.size(); ++z)
      if (p.zones[z].name == end_name || p.regions[p.zones[z].region].name == end_name)
        zones.push_back(z);
    if (zones.empty()) {
      std::string message = "unknown zone or region '" + end_name + "'";
      if (auto guess = did_you_mean(end_name, names))
        message += " (did you mean '" + *guess + "'?)";
      fail(end, message);
    }
    return zones;
  };
  std::map<std::pair<uint32_t, uint32_t>, std::string> linked; // zone pair (low, high) -> its route
  const auto items = list(c, "a list of routes [{between: [a, b], bandwidth, latency}]");
  for (size_t i = 0; i < items.size(); ++i) {
    const Cursor& item = items[i];
    require_map(item, "a route map {between: [a, b], bandwidth, latency}");
    check_keys(item, {"between", "bandwidth", "latency"});
    const Cursor between = child(item, "between");
    if (!between.node.IsSequence() || between.node.size() != 2)
      expected(between, "a list of two zone or region names [a, b]");
    const Cursor a_c{between.node[0], child_path(between.path, "0")};
    const Cursor b_c{between.node[1], child_path(between.path, "1")};
    sim::RouteSpec route;
    route.from_zones = zones_of(a_c);
    route.to_zones = zones_of(b_c);
    const std::string a = a_c.node.Scalar(), b = b_c.node.Scalar();
    if (a == b)
      fail(b_c, "expected two different ends, found '" + a + "' twice");
    for (uint32_t z : route.from_zones)
      if (std::find(route.to_zones.begin(), route.to_zones.end(), z) != route.to_zones.end())
        fail(b_c, "the ends overlap: zone '" + p.zones[z].name + "' is in both '" + a + "' and '" + b + "'");
    route.link.bandwidth_Bps = bandwidth(child(item, "bandwidth"));
    route.link.latency_s = duration(child(item, "latency"), true);
    route.name = "route " + std::to_string(i) + " (" + a + " - " + b + ")";
    for (uint32_t x : route.from_zones)
      for (uint32_t y : route.to_zones) {
        auto [it, fresh] = linked.emplace(std::minmax(x, y), route.name);
        if (!fresh)
          fail(between, "zones '" + p.zones[x].name + "' and '" + p.zones[y].name + "' are already linked by " +
                            it->second + ": a zone pair takes one route at most");
      }
    p.routes.push_back(std::move(route));
  }
}

Loader::Places Loader::index_places(const sim::PlatformSpec& p)
{
  Places places;
  places.present = !p.empty();
  places.yaml = !p.zones.empty();
  for (const auto& r : p.regions)
    places.regions.push_back(r.name);
  for (uint32_t z = 0; z < p.zones.size(); ++z) {
    places.zones.push_back(p.zones[z].name);
    for (const auto& g : p.zones[z].hosts)
      for (uint32_t i = 0; i < g.count; ++i) {
        places.hosts.push_back(g.count == 1 ? g.name : g.name + "-" + std::to_string(i));
        places.host_zone_kind[places.hosts.back()] = {z, g.kind};
      }
  }
  return places;
}

sim::PlaceRef Loader::known_place(const Cursor& c, const std::vector<std::string>& known, const std::string& kind) const
{
  sim::PlaceRef ref{places_.yaml ? name(c) : place_name(c), location(c.node.Mark(), c.path)};
  if (!places_.yaml || std::find(known.begin(), known.end(), ref.name) != known.end())
    return ref;
  std::string message = "unknown " + kind + " '" + ref.name + "'";
  if (auto guess = did_you_mean(ref.name, known))
    message += " (did you mean '" + *guess + "'?)";
  else if (known.size() <= 12)
    message += "; the platform's " + kind + "s: " + join(known);
  fail(c, message);
}

WorkflowSpec Loader::workflow(const std::string& workflow_name, const Cursor& c, const Scenario& s) const
{
  require_map(c, "a workflow map {steps: [...]}");
  check_keys(c, {"description", "steps"});
  WorkflowSpec w;
  w.name = workflow_name;
  const Cursor steps = child(c, "steps");
  const auto items = list(steps, "a list of steps");
  std::map<std::string, uint32_t> index;
  for (const auto& item : items) {
    require_map(item, "a step map {name, service or capability, after}");
    const std::string step_name = name(child(item, "name"));
    if (!index.emplace(step_name, static_cast<uint32_t>(index.size())).second)
      fail(child(item, "name"), "duplicate step name '" + step_name + "'");
  }
  std::vector<std::string> all_services, all_capabilities;
  for (const auto& svc : s.services) {
    all_services.push_back(svc.name);
    for (const auto& cap : svc.capabilities)
      if (std::find(all_capabilities.begin(), all_capabilities.end(), cap) == all_capabilities.end())
        all_capabilities.push_back(cap);
  }
  for (const auto& item : items) {
    check_keys(item, {"name", "service", "capability", "after", "optional", "input_tokens", "output_tokens", "fallback",
                      "cascade"});
    StepSpec step;
    step.name = item.node["name"].Scalar();
    auto service_c = optional_child(item, "service");
    auto capability_c = optional_child(item, "capability");
    if (service_c && capability_c)
      fail(*capability_c, "expected either 'service' or 'capability', not both");
    if (!service_c && !capability_c)
      missing(item, "missing required key 'service' or 'capability' (what the step calls)");
    if (service_c) {
      step.target = name(*service_c);
      step.candidates.push_back(service_ref(*service_c, s, all_services));
    } else {
      step.by_capability = true;
      step.target = name(*capability_c);
      for (uint32_t i = 0; i < s.services.size(); ++i) {
        const auto& caps = s.services[i].capabilities;
        if (std::find(caps.begin(), caps.end(), step.target) != caps.end())
          step.candidates.push_back(i);
      }
      if (step.candidates.empty()) {
        std::string message = "no service offers capability '" + step.target + "'";
        if (auto guess = did_you_mean(step.target, all_capabilities))
          message += " (did you mean '" + *guess + "'?)";
        fail(*capability_c, message);
      }
    }
    if (auto after = optional_child(item, "after")) {
      std::vector<Cursor> deps;
      if (after->node.IsScalar())
        deps.push_back(*after);
      else if (after->node.IsSequence())
        for_each_item(*after, [&](Cursor d) { deps.push_back(std::move(d)); });
      else
        expected(*after, "a step name or a list of step names");
      for (const auto& dep : deps) {
        const std::string dep_name = name(dep);
        auto it = index.find(dep_name);
        if (it == index.end()) {
          std::vector<std::string> names;
          for (const auto& [n, i] : index)
            names.push_back(n);
          std::string message = "unknown step '" + dep_name + "' in workflow '" + workflow_name + "'";
          if (auto guess = did_you_mean(dep_name, names))
            message += " (did you mean '" + *guess + "'?)";
          fail(dep, message);
        }
        if (dep_name == step.name)
          fail(dep, "a step cannot wait for itself ('" + dep_name + "')");
        if (std::find(step.after.begin(), step.after.end(), it->second) != step.after.end())
          fail(dep, "duplicate dependency '" + dep_name + "'");
        step.after.push_back(it->second);
      }
    }
    if (auto optional = optional_child(item, "optional"))
      step.optional = boolean(*optional);
    if (auto tokens = optional_child(item, "input_tokens"))
      step.input_tokens = distribution(*tokens, Quantity::COUNT);
    if (auto tokens = optional_child(item, "output_tokens"))
      step.output_tokens = distribution(*tokens, Quantity::COUNT);
    if (auto fallback = optional_child(item, "fallback"))
      step.fallback = service_ref(*fallback, s, all_services);
    if (auto cascade = optional_child(item, "cascade")) {
      require_map(*cascade, "a cascade map {threshold: 0.8}");
      check_keys(*cascade, {"threshold"});
      if (!step.by_capability)
        fail(*cascade, "a cascade escalates among the services of a capability: use `capability:`, not `service:`");
      step.cascade_threshold = number(child(*cascade, "threshold"), 0, 1, "a quality threshold");
      for (uint32_t c : step.candidates)
        if (!s.services[c].quality)
          fail(*cascade, "service '" + s.services[c].name + "' offers '" + step.target +
                             "' but declares no quality: a cascade needs every candidate's quality");
    }
    w.steps.push_back(std::move(step));
  }
  order_steps(steps, w);
  return w;
}

/** Kahn's algorithm, lowest index first among ready steps; a leftover means a cycle, which is printed. */
void Loader::order_steps(const Cursor& c, WorkflowSpec& w) const
{
  const size_t n = w.steps.size();
  std::vector<uint32_t> waiting(n, 0);
  std::vector<std::vector<uint32_t>> dependents(n);
  for (uint32_t i = 0; i < n; ++i)
    for (uint32_t dep : w.steps[i].after) {
      ++waiting[i];
      dependents[dep].push_back(i);
    }
  std::set<uint32_t> ready;
  for (uint32_t i = 0; i < n; ++i)
    if (waiting[i] == 0)
      ready.insert(i);
  while (!ready.empty()) {
    const uint32_t i = *ready.begin();
    ready.erase(ready.begin());
    w.topological_order.push_back(i);
    for (uint32_t d : dependents[i])
      if (--waiting[d] == 0)
        ready.insert(d);
  }
  if (w.topological_order.size() == n)
    return;
  // Walk back along unfinished dependencies from any unfinished step until a step repeats.
  uint32_t at = 0;
  while (waiting[at] == 0)
    ++at;
  std::vector<uint32_t> walk;
  std::vector<int> position(n, -1);
  while (position[at] < 0) {
    position[at] = static_cast<int>(walk.size());
    walk.push_back(at);
    for (uint32_t dep : w.steps[at].after)
      if (waiting[dep] > 0) {
        at = dep;
        break;
      }
  }
  std::vector<std::string> cycle;
  for (size_t k = walk.size(); k-- > static_cast<size_t>(position[at]);)
    cycle.push_back(w.steps[walk[k]].name);
  cycle.push_back(cycle.front());
  fail(c, "workflow '" + w.name + "' has a dependency cycle (A -> B: B runs after A): " + join(cycle, " -> "));
}

ArrivalSpec Loader::arrival(const Cursor& c) const
{
  require_map(c, "an arrival map {process: poisson|closed_loop|bursty|ramp|diurnal|trace, ...}");
  ArrivalSpec a;
  a.process = choice<ArrivalProcess>(selector(c, "process"), {{"poisson", ArrivalProcess::POISSON},
                                                              {"closed_loop", ArrivalProcess::CLOSED_LOOP},
                                                              {"bursty", ArrivalProcess::BURSTY},
                                                              {"ramp", ArrivalProcess::RAMP},
                                                              {"diurnal", ArrivalProcess::DIURNAL},
                                                              {"trace", ArrivalProcess::TRACE}});
  switch (a.process) {
    case ArrivalProcess::POISSON:
      check_keys(c, {"process", "rate"});
      a.rate_per_s = rate(child(c, "rate"));
      break;
    case ArrivalProcess::CLOSED_LOOP:
      check_keys(c, {"process", "users", "think_time"});
      a.users = static_cast<uint32_t>(count(child(c, "users"), 1, 10'000'000, "a number of users"));
      a.think_time_s = distribution(child(c, "think_time"), Quantity::TIME);
      break;
    case ArrivalProcess::RAMP:
      check_keys(c, {"process", "from", "to", "over"});
      a.ramp_from_per_s = rate(child(c, "from"), true);
      a.ramp_to_per_s = rate(child(c, "to"), true);
      a.ramp_s = duration(child(c, "over"));
      if (a.ramp_from_per_s <= 0 && a.ramp_to_per_s <= 0)
        fail(c, "expected a ramp with a rate > 0 at one end at least");
      break;
    case ArrivalProcess::DIURNAL:
      check_keys(c, {"process", "rate", "amplitude", "period", "phase"});
      a.rate_per_s = rate(child(c, "rate"));
      a.diurnal_amplitude = number(child(c, "amplitude"), 0, 1, "an amplitude (a share of the mean rate)");
      if (auto v = optional_child(c, "period"))
        a.diurnal_period_s = duration(*v);
      if (auto v = optional_child(c, "phase"))
        a.diurnal_phase_s = duration(*v, true);
      break;
    case ArrivalProcess::BURSTY:
      check_keys(c, {"process", "rate_on", "rate_off", "mean_on", "mean_off"});
      a.rate_on_per_s = rate(child(c, "rate_on"));
      a.rate_off_per_s = rate(child(c, "rate_off"), true);
      a.mean_on_s = duration(child(c, "mean_on"));
      a.mean_off_s = duration(child(c, "mean_off"));
      break;
    case ArrivalProcess::TRACE: {
      check_keys(c, {"process", "file", "columns", "time_format", "time_scale", "loop"});
      const Cursor file = child(c, "file");
      const std::string relative = scalar(file, "a trace file path");
      if (relative.empty())
        expected(file, "a trace file path");
      namespace fs = std::filesystem;
      fs::path full = relative;
      if (full.is_relative())
        full = fs::path(doc_.file).parent_path() / full;
      TraceColumns columns;
      if (auto cols = optional_child(c, "columns")) {
        require_map(*cols, "a column map {time, input_tokens, output_tokens}");
        check_keys(*cols, {"time", "input_tokens", "output_tokens"});
        if (auto v = optional_child(*cols, "time"))
          columns.time = v->node.IsNull() ? "" : scalar(*v, "a column name");
        if (auto v = optional_child(*cols, "input_tokens"))
          columns.input_tokens = v->node.IsNull() ? "" : scalar(*v, "a column name");
        if (auto v = optional_child(*cols, "output_tokens"))
          columns.output_tokens = v->node.IsNull() ? "" : scalar(*v, "a column name");
      }
      if (auto v = optional_child(c, "time_format"))
        columns.time_format = choice<TraceTimeFormat>(*v, {{"auto", TraceTimeFormat::AUTO},
                                                           {"datetime", TraceTimeFormat::DATETIME},
                                                           {"seconds", TraceTimeFormat::SECONDS}});
      if (auto v = optional_child(c, "time_scale"))
        a.time_scale = positive(*v, "a time scale > 0");
      if (auto v = optional_child(c, "loop"))
        a.loop = boolean(*v);
      const std::string key = full.lexically_normal().string() + "|" + columns.time + "|" + columns.input_tokens + "|" +
                              columns.output_tokens + "|" + std::to_string(int(columns.time_format));
      auto& cached = traces_[key];
      if (!cached) {
        const InputLocation from = location(file.node.Mark(), file.path);
        cached = std::make_shared<const Trace>(Trace::load(full.lexically_normal().string(), columns, {}, from));
      }
      a.trace = cached;
      if (a.loop && a.trace->get_span_s() <= 0)
        fail(c, "a looping trace needs a time span > 0; this trace's rows all share one time");
      break;
    }
  }
  return a;
}

SourceSpec Loader::source(const Cursor& c, const Scenario& s) const
{
  require_map(c, "a workload source map {workflow, arrival}");
  check_keys(c, {"name", "workflow", "arrival", "tokens", "sessions", "location"});
  SourceSpec src;
  const Cursor workflow_c = child(c, "workflow");
  const std::string workflow_name = name(workflow_c);
  src.workflow = workflow_ref(workflow_c, s);
  src.name = workflow_name;
  if (auto n = optional_child(c, "name"))
    src.name = name(*n);
  src.arrival = arrival(child(c, "arrival"));
  if (auto location_c = optional_child(c, "location")) {
    needs_platform(*location_c, "`location`");
    src.location = known_place(*location_c, places_.zones, "zone");
  }
  if (auto sessions = optional_child(c, "sessions"))
    src.sessions = count(*sessions, 1, 1'000'000'000'000ULL, "a number of sessions");
  if (auto tokens = optional_child(c, "tokens")) {
    require_map(*tokens, "a token map {input, output}");
    check_keys(*tokens, {"input", "output"});
    if (auto v = optional_child(*tokens, "input"))
      src.input_tokens = distribution(*v, Quantity::COUNT);
    if (auto v = optional_child(*tokens, "output"))
      src.output_tokens = distribution(*v, Quantity::COUNT);
  } else if (src.arrival.process == ArrivalProcess::TRACE) {
    src.tokens_from_trace = true;
  }
  return src;
}

void Loader::selection(const Cursor& c, SelectionSpec& out) const
{
  require_map(c, "a selection map {strategy, ...}");
  const Cursor strategy_c = selector(c, "strategy");
  out.strategy =
      choice<SelectionStrategy>(strategy_c, {{"round_robin", SelectionStrategy::ROUND_ROBIN},
                                             {"weighted_round_robin", SelectionStrategy::WEIGHTED_ROUND_ROBIN},
                                             {"random", SelectionStrategy::RANDOM},
                                             {"least_outstanding", SelectionStrategy::LEAST_OUTSTANDING},
                                             {"power_of_d", SelectionStrategy::POWER_OF_D},
                                             {"weighted_least_request", SelectionStrategy::WEIGHTED_LEAST_REQUEST},
                                             {"peak_ewma", SelectionStrategy::PEAK_EWMA},
                                             {"ring_hash", SelectionStrategy::RING_HASH},
                                             {"capability_score", SelectionStrategy::CAPABILITY_SCORE},
                                             {"ucb1", SelectionStrategy::UCB1},
                                             {"thompson", SelectionStrategy::THOMPSON},
                                             {"linucb", SelectionStrategy::LINUCB},
                                             {"predictive", SelectionStrategy::PREDICTIVE},
                                             {"oracle", SelectionStrategy::ORACLE},
                                             {"locality", SelectionStrategy::LOCALITY}});
  auto bandit_keys = [&](const Cursor& at) {
    if (auto v = optional_child(at, "discount"))
      out.discount = number(*v, 0.5, 1, "a discount factor per update");
    if (auto v = optional_child(at, "reward_scale"))
      out.reward_scale_s = duration(*v);
  };
  switch (out.strategy) {
    case SelectionStrategy::POWER_OF_D:
      check_keys(c, {"strategy", "d", "with_replacement"});
      if (auto d = optional_child(c, "d"))
        out.d = static_cast<uint32_t>(count(*d, 1, 1'000'000, "d (instances sampled per pick)"));
      if (auto r = optional_child(c, "with_replacement"))
        out.with_replacement = boolean(*r);
      break;
    case SelectionStrategy::WEIGHTED_LEAST_REQUEST:
      check_keys(c, {"strategy", "bias"});
      if (auto b = optional_child(c, "bias"))
        out.bias = number(*b, 0, 100, "a bias (Envoy active_request_bias)");
      break;
    case SelectionStrategy::PEAK_EWMA:
      check_keys(c, {"strategy", "decay"});
      if (auto d = optional_child(c, "decay"))
        out.decay_s = duration(*d);
      break;
    case SelectionStrategy::RING_HASH:
      check_keys(c, {"strategy", "ring_size"});
      if (auto r = optional_child(c, "ring_size"))
        out.ring_size = static_cast<uint32_t>(count(*r, 1, 8'388'608, "a ring size"));
      break;
    case SelectionStrategy::CAPABILITY_SCORE:
      check_keys(c, {"strategy", "weights"});
      if (auto w = optional_child(c, "weights")) {
        require_map(*w, "a weight map {latency, cost, quality}");
        check_keys(*w, {"latency", "cost", "quality"});
        out.score = ScoreWeights{0, 0, 0};
        if (auto v = optional_child(*w, "latency"))
          out.score.latency = number(*v, 0, 1e6, "a weight >= 0");
        if (auto v = optional_child(*w, "cost"))
          out.score.cost = number(*v, 0, 1e6, "a weight >= 0");
        if (auto v = optional_child(*w, "quality"))
          out.score.quality = number(*v, 0, 1e6, "a weight >= 0");
        if (out.score.latency + out.score.cost + out.score.quality <= 0)
          fail(*w, "expected at least one positive weight");
      }
      break;
    case SelectionStrategy::UCB1:
      check_keys(c, {"strategy", "exploration", "discount", "reward_scale"});
      if (auto v = optional_child(c, "exploration"))
        out.exploration = number(*v, 0, 100, "an exploration constant c >= 0");
      bandit_keys(c);
      break;
    case SelectionStrategy::THOMPSON:
      check_keys(c, {"strategy", "discount", "reward_scale"});
      bandit_keys(c);
      break;
    case SelectionStrategy::LINUCB:
      check_keys(c, {"strategy", "alpha", "ridge", "discount", "reward_scale"});
      out.exploration = 1.0;
      if (auto v = optional_child(c, "alpha"))
        out.exploration = number(*v, 0, 100, "an exploration width alpha >= 0");
      if (auto v = optional_child(c, "ridge"))
        out.ridge = number(*v, 1e-6, 1e6, "a ridge (regularisation) > 0");
      bandit_keys(c);
      break;
    case SelectionStrategy::PREDICTIVE:
      check_keys(c, {"strategy", "predictor", "objective"});
      if (auto v = optional_child(c, "predictor"))
        out.predictor = choice<PredictorKind>(*v, {{"ewma", PredictorKind::EWMA}, {"rls", PredictorKind::RLS}});
      if (auto v = optional_child(c, "objective"))
        out.objective = objective(*v);
      break;
    case SelectionStrategy::ORACLE:
      check_keys(c, {"strategy", "objective"});
      if (auto v = optional_child(c, "objective"))
        out.objective = objective(*v);
      break;
    case SelectionStrategy::LOCALITY:
      needs_platform(strategy_c, "`strategy: locality`");
      check_keys(c, {"strategy", "spill_at"});
      if (auto v = optional_child(c, "spill_at"))
        out.spill_at = positive(*v, "a load per slot > 0 (outstanding calls per concurrency slot)");
      break;
    default:
      check_keys(c, {"strategy"});
  }
}

Objective Loader::objective(const Cursor& c) const
{
  require_map(c, "an objective map {latency, cost, quality}");
  check_keys(c, {"latency", "cost", "quality"});
  Objective o{0, 0, 0};
  if (auto v = optional_child(c, "latency"))
    o.latency = number(*v, 0, 1e9, "a weight per second >= 0");
  if (auto v = optional_child(c, "cost"))
    o.cost = number(*v, 0, 1e9, "a weight per USD >= 0");
  if (auto v = optional_child(c, "quality"))
    o.quality = number(*v, 0, 1e9, "a weight per quality point >= 0");
  if (o.latency <= 0 && o.cost <= 0 && o.quality <= 0)
    fail(c, "expected at least one positive weight");
  return o;
}

uint32_t Loader::cause_mask(const Cursor& c) const
{
  std::vector<Cursor> items;
  if (c.node.IsScalar())
    items.push_back(c);
  else
    items = list(c, "a list of failure causes");
  uint32_t mask = 0;
  for (const auto& item : items) {
    const auto cause = choice<FailureCause>(item, {{"error", FailureCause::ERROR},
                                                   {"timeout", FailureCause::TIMEOUT},
                                                   {"rejected", FailureCause::REJECTED},
                                                   {"rate_limited", FailureCause::RATE_LIMITED},
                                                   {"shed", FailureCause::SHED},
                                                   {"circuit_open", FailureCause::CIRCUIT_OPEN}});
    mask |= 1u << static_cast<int>(cause);
  }
  return mask;
}

void Loader::retries(const Cursor& c, RetrySpec& out) const
{
  require_map(c, "a retry map {max_attempts, retry_on, backoff, budget, throttle}");
  check_keys(c, {"max_attempts", "retry_on", "backoff", "budget", "throttle"});
  out.max_attempts = static_cast<uint32_t>(count(child(c, "max_attempts"), 1, 100, "a number of attempts"));
  out.retry_on = (1u << int(FailureCause::ERROR)) | (1u << int(FailureCause::TIMEOUT)) |
                 (1u << int(FailureCause::REJECTED)) | (1u << int(FailureCause::RATE_LIMITED));
  if (auto on = optional_child(c, "retry_on"))
    out.retry_on = cause_mask(*on);
  if (auto b = optional_child(c, "backoff")) {
    require_map(*b, "a backoff map {initial, max, multiplier}");
    check_keys(*b, {"initial", "max", "multiplier"});
    if (auto v = optional_child(*b, "initial"))
      out.backoff.initial_backoff_s = duration(*v); // gRPC: initialBackoff and maxBackoff must be > 0
    if (auto v = optional_child(*b, "max"))
      out.backoff.max_backoff_s = duration(*v);
    else
      out.backoff.max_backoff_s = 10 * out.backoff.initial_backoff_s; // Envoy: max_interval defaults to 10 x base
    if (auto v = optional_child(*b, "multiplier"))
      out.backoff.multiplier = number(*v, 1, 100, "a multiplier >= 1");
    if (out.backoff.max_backoff_s < out.backoff.initial_backoff_s)
      fail(*b, "expected max >= initial backoff, found max " + fmt(out.backoff.max_backoff_s) + " s < initial " +
                   fmt(out.backoff.initial_backoff_s) + " s");
    checked(*b, out.backoff);
  }
  if (auto b = optional_child(c, "budget")) {
    require_map(*b, "a budget map {kind: envoy|finagle, percent, ...}");
    RetryBudgetOptions budget;
    if (auto k = optional_child(*b, "kind"))
      budget.kind =
          choice<RetryBudgetKind>(*k, {{"envoy", RetryBudgetKind::ENVOY}, {"finagle", RetryBudgetKind::FINAGLE}});
    const bool finagle = budget.kind == RetryBudgetKind::FINAGLE;
    if (finagle)
      check_keys(*b, {"kind", "percent", "min_per_s", "ttl"});
    else
      check_keys(*b, {"kind", "percent", "min_concurrency"});
    if (auto v = optional_child(*b, "percent")) {
      const double percent = number(*v, 0, finagle ? 100000 : 100, "a percentage");
      budget.budget_percent = percent;
      budget.percent_can_retry = percent / 100.0;
    }
    if (auto v = optional_child(*b, "min_concurrency"))
      budget.min_retry_concurrency = static_cast<uint32_t>(count(*v, 0, 1'000'000, "a retry concurrency"));
    if (auto v = optional_child(*b, "min_per_s"))
      budget.min_retries_per_s = static_cast<uint32_t>(count(*v, 0, 1'000'000, "retries per second"));
    if (auto v = optional_child(*b, "ttl"))
      budget.ttl_s = duration(*v);
    checked(*b, budget);
    out.budget = budget;
  }
  if (auto t = optional_child(c, "throttle")) {
    require_map(*t, "a throttle map {max_tokens, token_ratio}");
    check_keys(*t, {"max_tokens", "token_ratio"});
    RetryThrottleOptions throttle;
    throttle.max_tokens = number(child(*t, "max_tokens"), 0, 1000, "max_tokens (gRPC: (0, 1000])");
    if (auto v = optional_child(*t, "token_ratio"))
      throttle.token_ratio = number(*v, 0, 1000, "a token ratio");
    checked(*t, throttle);
    out.throttle = throttle;
  }
}

void Loader::hedging(const Cursor& c, HedgeSpec& out) const
{
  require_map(c, "a hedging map {max_extra, delay or percentile}");
  check_keys(c, {"max_extra", "delay", "percentile", "min_samples"});
  out.max_extra = static_cast<uint32_t>(count(child(c, "max_extra"), 0, 10, "extra copies per step"));
  auto delay = optional_child(c, "delay");
  auto percentile = optional_child(c, "percentile");
  if (!delay && !percentile)
    missing(c, "missing required key 'delay' or 'percentile' (when to send an extra copy)");
  if (delay)
    out.delay_s = duration(*delay, true);
  if (percentile) {
    auto p = parse_fraction(scalar(*percentile, "a percentile (95% or 0.95)"));
    if (!p || *p <= 0 || *p >= 1)
      expected(*percentile, "a percentile in (0, 100%) (95% or 0.95)");
    out.percentile = *p;
  }
  if (auto m = optional_child(c, "min_samples"))
    out.min_samples = static_cast<uint32_t>(count(*m, 1, 1'000'000, "a number of samples"));
}

double Loader::percentile(const Cursor& c) const
{
  auto p = parse_fraction(scalar(c, "a percentile (99% or 0.99)"));
  if (!p || *p <= 0 || *p >= 1)
    expected(c, "a percentile in (0, 100%) (99% or 0.99)");
  return *p;
}

AdaptiveTimeoutOptions Loader::adaptive_timeout(const Cursor& c) const
{
  require_map(c, "an adaptive timeout map {max, percentile, multiplier, min, min_samples, window}");
  check_keys(c, {"percentile", "multiplier", "min", "max", "min_samples", "window"});
  AdaptiveTimeoutOptions o;
  o.max_s = duration(child(c, "max"));
  if (auto v = optional_child(c, "percentile"))
    o.percentile = percentile(*v);
  if (auto v = optional_child(c, "multiplier"))
    o.multiplier = number(*v, 1, 1000, "a multiplier");
  if (auto v = optional_child(c, "min")) {
    o.min_s = duration(*v, true);
    if (o.min_s > o.max_s)
      fail(*v, "expected min <= max (" + fmt(o.max_s) + " s), found " + describe_found(v->node));
  }
  if (auto v = optional_child(c, "window"))
    o.window_samples = static_cast<uint32_t>(count(*v, 1, 1'000'000, "a number of answers"));
  if (auto v = optional_child(c, "min_samples")) {
    o.min_samples = static_cast<uint32_t>(count(*v, 1, 1'000'000, "a number of answers"));
    if (o.min_samples > o.window_samples)
      fail(*v, "expected min_samples <= window (" + std::to_string(o.window_samples) + "), found " +
                   describe_found(v->node));
  }
  checked(c, o);
  return o;
}

/** Refuses options that break a policy's own rules (models/Policies.cpp), located at the section. */
template <class Options>
void Loader::checked(const Cursor& c, const Options& options) const
{
  if (const char* problem = check(options))
    fail(c, std::string("invalid parameters: ") + problem);
}

CircuitBreakerOptions Loader::circuit_breaker(const Cursor& c) const
{
  require_map(c, "a circuit breaker map {consecutive_failures or failure_rate, open_duration, ...}");
  check_keys(c,
             {"consecutive_failures", "failure_rate", "window", "minimum_calls", "open_duration", "half_open_calls"});
  CircuitBreakerOptions o;
  auto consecutive = optional_child(c, "consecutive_failures");
  auto rate = optional_child(c, "failure_rate");
  if (consecutive) {
    o.consecutive_failures = static_cast<uint32_t>(count(*consecutive, 1, 1'000'000, "a number of failures"));
    o.failure_rate_threshold_percent.reset(); // consecutive mode only, unless a rate is given too
  }
  if (rate) {
    auto share = parse_fraction(scalar(*rate, "a failure rate (50%)"));
    if (!share || *share <= 0)
      expected(*rate, "a failure rate in (0, 100%] (50%)");
    o.failure_rate_threshold_percent = 100.0 * *share;
  }
  if (auto v = optional_child(c, "window"))
    o.window_s = static_cast<uint32_t>(std::ceil(duration(*v)));
  if (auto v = optional_child(c, "minimum_calls"))
    o.minimum_calls = static_cast<uint32_t>(count(*v, 1, 1'000'000'000, "a number of calls"));
  if (auto v = optional_child(c, "open_duration"))
    o.open_duration_s = duration(*v, true);
  if (auto v = optional_child(c, "half_open_calls"))
    o.permitted_calls_in_half_open = static_cast<uint32_t>(count(*v, 1, 1'000'000, "a number of probe calls"));
  checked(c, o);
  return o;
}

OutlierDetectorOptions Loader::outlier_detection(const Cursor& c) const
{
  require_map(c, "an outlier detection map {consecutive_errors, interval, base_ejection_time, ...}");
  check_keys(c, {"consecutive_errors", "interval", "base_ejection_time", "max_ejection_time", "max_ejection_percent",
                 "always_eject_one_host"});
  OutlierDetectorOptions o;
  if (auto v = optional_child(c, "consecutive_errors"))
    o.consecutive_5xx = static_cast<uint32_t>(count(*v, 1, 1'000'000, "a number of errors"));
  if (auto v = optional_child(c, "interval"))
    o.interval_s = duration(*v);
  if (auto v = optional_child(c, "base_ejection_time"))
    o.base_ejection_time_s = duration(*v);
  if (auto v = optional_child(c, "max_ejection_time"))
    o.max_ejection_time_s = duration(*v);
  if (auto v = optional_child(c, "max_ejection_percent"))
    o.max_ejection_percent = static_cast<uint32_t>(count(*v, 0, 100, "a percentage"));
  if (auto v = optional_child(c, "always_eject_one_host"))
    o.always_eject_one_host = boolean(*v);
  checked(c, o);
  return o;
}

ConcurrencyLimitOptions Loader::concurrency_limit(const Cursor& c) const
{
  require_map(c, "a concurrency limit map {algorithm: aimd|gradient, ...}");
  const bool gradient = choice<bool>(child(c, "algorithm"), {{"aimd", false}, {"gradient", true}});
  auto whole = [&](const char* key, uint32_t& field) {
    if (auto v = optional_child(c, key))
      field = static_cast<uint32_t>(count(*v, 1, 1'000'000, "a whole number >= 1"));
  };
  if (!gradient) {
    check_keys(c, {"algorithm", "initial_limit", "min_limit", "max_limit", "backoff_ratio", "timeout"});
    AimdLimitOptions o;
    whole("initial_limit", o.initial_limit);
    whole("min_limit", o.min_limit);
    whole("max_limit", o.max_limit);
    if (auto v = optional_child(c, "backoff_ratio"))
      o.backoff_ratio = number(*v, 0, 1, "a ratio");
    if (auto v = optional_child(c, "timeout"))
      o.timeout_s = duration(*v);
    checked(c, o);
    return o;
  }
  check_keys(c, {"algorithm", "initial_limit", "min_limit", "max_concurrency", "smoothing", "rtt_tolerance",
                 "long_window", "queue_size"});
  GradientLimitOptions o;
  whole("initial_limit", o.initial_limit);
  whole("min_limit", o.min_limit);
  whole("max_concurrency", o.max_concurrency);
  whole("long_window", o.long_window);
  whole("queue_size", o.queue_size);
  if (auto v = optional_child(c, "smoothing"))
    o.smoothing = number(*v, 0, 1, "a smoothing factor");
  if (auto v = optional_child(c, "rtt_tolerance"))
    o.rtt_tolerance = number(*v, 0, 100, "an rtt tolerance");
  checked(c, o);
  return o;
}

RateLimiterOptions Loader::rate_limit(const Cursor& c) const
{
  require_map(c, "a rate limit map {requests: 500/min, tokens: 30000/min}");
  check_keys(c, {"requests", "tokens"});
  RateLimiterOptions o;
  if (auto v = optional_child(c, "requests"))
    o.requests_per_minute = 60.0 * rate(*v);
  if (auto v = optional_child(c, "tokens"))
    o.tokens_per_minute = 60.0 * rate(*v);
  if (!o.requests_per_minute && !o.tokens_per_minute)
    missing(c, "missing required key 'requests' or 'tokens' (a limit per time unit)");
  checked(c, o);
  return o;
}

AutoscalingSpec Loader::autoscaling(const Cursor& c) const
{
  require_map(c, "an autoscaling map {policy: hpa|knative|predictive, min, max, ...}");
  enum class Policy { HPA, KNATIVE, PREDICTIVE };
  const Policy policy = choice<Policy>(
      child(c, "policy"), {{"hpa", Policy::HPA}, {"knative", Policy::KNATIVE}, {"predictive", Policy::PREDICTIVE}});
  AutoscalingSpec spec;
  const auto min_c = child(c, "min");
  const auto max_c = child(c, "max");
  const auto lo = static_cast<uint32_t>(count(min_c, 1, 100'000, "a minimum instance count"));
  const auto hi = static_cast<uint32_t>(count(max_c, 1, 100'000, "a maximum instance count"));
  if (hi < lo)
    fail(max_c, "expected max >= min (" + std::to_string(lo) + "), found " + std::to_string(hi));
  if (auto v = optional_child(c, "cold_start"))
    spec.cold_start_s = duration(*v, true);
  if (auto v = optional_child(c, "instance_hour_usd"))
    spec.instance_hour_usd = number(*v, 0, 1e6, "a price in USD");
  if (policy == Policy::PREDICTIVE) {
    spec.policy = predictive_scaling(c, lo, hi);
    return spec;
  }
  if (policy == Policy::HPA) {
    check_keys(c, {"policy", "min", "max", "cold_start", "instance_hour_usd", "target_utilization", "tolerance",
                   "sync_period", "scale_down_stabilization", "target_tuning"});
    HpaOptions o;
    o.min_replicas = lo;
    o.max_replicas = hi;
    if (auto v = optional_child(c, "target_utilization"))
      o.target_value = utilization(*v);
    if (auto v = optional_child(c, "tolerance"))
      o.tolerance = number(*v, 0, 10, "a tolerance");
    if (auto v = optional_child(c, "sync_period"))
      o.sync_period_s = duration(*v);
    if (auto v = optional_child(c, "scale_down_stabilization"))
      o.scale_down.stabilization_window_s = duration(*v, true);
    checked(c, o);
    spec.policy = o;
    if (auto v = optional_child(c, "target_tuning")) {
      spec.target_tuning = target_tuning(*v);
      if (o.target_value < spec.target_tuning->min_target || o.target_value > spec.target_tuning->max_target) {
        const auto at = optional_child(c, "target_utilization");
        fail(at ? *at : *v, "expected a target utilization in [" + fmt(spec.target_tuning->min_target) + ", " +
                                fmt(spec.target_tuning->max_target) + "] (target_tuning's min and max), found " +
                                (at ? describe_found(at->node) : fmt(o.target_value) + " (the default)"));
      }
    }
  } else {
    check_keys(c, {"policy", "min", "max", "cold_start", "instance_hour_usd", "target_concurrency", "stable_window",
                   "panic_window_percentage", "panic_threshold_percentage"});
    KnativeOptions o;
    o.min_scale = lo;
    o.max_scale = hi;
    if (auto v = optional_child(c, "target_concurrency")) {
      o.container_concurrency_target = positive(*v, "a concurrency per instance > 0");
      o.target_utilization = 1.0; // the target is given as it is aimed at
    }
    if (auto v = optional_child(c, "stable_window"))
      o.stable_window_s = duration(*v);
    if (auto v = optional_child(c, "panic_window_percentage"))
      o.panic_window_percentage = number(*v, 0, 100, "a percentage");
    if (auto v = optional_child(c, "panic_threshold_percentage"))
      o.panic_threshold_percentage = number(*v, 0, 10000, "a percentage");
    checked(c, o);
    spec.policy = o;
  }
  return spec;
}

double Loader::utilization(const Cursor& c) const
{
  auto share = parse_fraction(scalar(c, "a utilization (70%)"));
  if (!share || *share <= 0)
    expected(c, "a target utilization in (0, 100%] (70%)");
  return *share;
}

TargetTuningOptions Loader::target_tuning(const Cursor& c) const
{
  require_map(c, "a target tuning map {latency, percentile, step, min, max}");
  check_keys(c, {"latency", "percentile", "step", "min", "max"});
  TargetTuningOptions o;
  o.latency_s = duration(child(c, "latency"));
  if (auto v = optional_child(c, "percentile"))
    o.percentile = percentile(*v);
  if (auto v = optional_child(c, "step"))
    o.step = number(*v, 1e-6, 1, "a step of the target utilization");
  if (auto v = optional_child(c, "min"))
    o.min_target = utilization(*v);
  if (auto v = optional_child(c, "max"))
    o.max_target = utilization(*v);
  if (o.max_target < o.min_target) {
    const Cursor at = optional_child(c, "max") ? child(c, "max") : child(c, "min");
    fail(at, "expected max >= min (" + fmt(o.min_target) + "), found " + describe_found(at.node));
  }
  checked(c, o);
  return o;
}

PredictiveScalingOptions Loader::predictive_scaling(const Cursor& c, uint32_t min, uint32_t max) const
{
  check_keys(c, {"policy", "min", "max", "cold_start", "instance_hour_usd", "target", "interval", "forecaster",
                 "season", "alpha", "beta", "gamma"});
  PredictiveScalingOptions o;
  o.min_replicas = min;
  o.max_replicas = max;
  if (auto v = optional_child(c, "target"))
    o.target_utilization = utilization(*v);
  if (auto v = optional_child(c, "interval"))
    o.interval_s = duration(*v);
  if (auto v = optional_child(c, "forecaster"))
    o.forecaster = choice<ForecasterKind>(*v, {{"holt_winters", ForecasterKind::HOLT_WINTERS},
                                               {"holt", ForecasterKind::HOLT},
                                               {"ewma", ForecasterKind::EWMA}});
  const auto season = optional_child(c, "season");
  if (season) {
    if (o.forecaster != ForecasterKind::HOLT_WINTERS)
      fail(*season, "a season is for the holt_winters forecaster only");
    o.season_s = duration(*season);
  }
  const auto smoothing = [&](const char* key, double& field) {
    if (auto v = optional_child(c, key)) {
      field = number(*v, 0, 1, "a smoothing factor in (0, 1]");
      if (field <= 0)
        expected(*v, "a smoothing factor in (0, 1]");
    }
  };
  smoothing("alpha", o.alpha);
  smoothing("beta", o.beta);
  smoothing("gamma", o.gamma);
  if (o.forecaster == ForecasterKind::HOLT_WINTERS) {
    const double ratio = o.season_s / o.interval_s;
    const uint32_t m = season_intervals(o);
    if (m < 2 || std::abs(ratio - m) > 1e-6 * m)
      fail(season ? *season : c, "expected a season of a whole number of intervals (" + fmt(o.interval_s) +
                                     " s), at least 2, found " +
                                     (season ? describe_found(season->node) : fmt(o.season_s) + " s (the default)"));
  }
  checked(c, o);
  return o;
}

void Loader::orchestrator(const Cursor& c, OrchestratorSpec& out) const
{
  require_map(c, "the orchestrator map {selection, timeout, deadline, retries, hedging}");
  check_keys(c, {"selection", "timeout", "deadline", "retries", "hedging", "circuit_breaker", "outlier_detection",
                 "concurrency_limit"});
  if (auto sel = optional_child(c, "selection"))
    selection(*sel, out.selection);
  auto none_or_duration = [&](const Cursor& v) {
    return v.node.IsScalar() && v.node.Scalar() == "none" ? INF : duration(v);
  };
  if (auto timeout = optional_child(c, "timeout")) {
    if (timeout->node.IsMap()) {
      check_keys(*timeout, {"adaptive"});
      out.adaptive_timeout = adaptive_timeout(child(*timeout, "adaptive"));
      out.call_timeout_s = INF;
    } else {
      out.call_timeout_s = none_or_duration(*timeout);
    }
  }
  if (auto deadline = optional_child(c, "deadline"))
    out.deadline_s = none_or_duration(*deadline);
  if (auto r = optional_child(c, "retries"))
    retries(*r, out.retry);
  if (auto h = optional_child(c, "hedging"))
    hedging(*h, out.hedge);
  if (auto b = optional_child(c, "circuit_breaker"))
    out.circuit_breaker = circuit_breaker(*b);
  if (auto o = optional_child(c, "outlier_detection"))
    out.outlier_detection = outlier_detection(*o);
  if (auto l = optional_child(c, "concurrency_limit"))
    out.concurrency_limit = concurrency_limit(*l);
}

std::vector<FaultSpec> Loader::faults_of(const Cursor& c, const Scenario& s, size_t index) const
{
  require_map(c, "a fault map {type, service, at, duration, ...}");
  const auto type = optional_child(c, "type"); // a missing type is reported by fault()
  const std::string type_text = type && type->node.IsScalar() ? type->node.Scalar() : "";
  if (type_text == "region_outage" || (type_text == "zone_outage" && places_.present))
    return {outage(c, index, type_text == "region_outage")};
  if (type_text != "zone_outage")
    return {fault(c, s, index)};
  check_keys(c, {"type", "name", "zone", "at", "duration"});
  const Cursor zone_c = child(c, "zone");
  const std::string zone = name(zone_c);
  std::vector<FaultSpec> out;
  std::vector<std::string> known;
  FaultSpec base;
  base.kind = FaultSpec::Kind::CRASH;
  base.name = "fault " + std::to_string(index) + " (zone_outage " + zone + ")";
  if (auto n = optional_child(c, "name"))
    base.name = name(*n);
  fault_time(c, base);
  for (uint32_t svc = 0; svc < s.services.size(); ++svc) {
    const auto& zones = s.services[svc].zones;
    for (const auto& z : zones)
      if (std::find(known.begin(), known.end(), z) == known.end())
        known.push_back(z);
    FaultSpec f = base;
    f.service = svc;
    for (uint32_t i = 0; !zones.empty() && i < s.services[svc].instances; ++i)
      if (zones[i % zones.size()] == zone)
        f.instances.push_back(i);
    if (!f.instances.empty())
      out.push_back(std::move(f));
  }
  if (out.empty()) {
    std::string message = "no instance is placed in zone '" + zone + "'";
    if (auto guess = did_you_mean(zone, known))
      message += " (did you mean '" + *guess + "'?)";
    fail(zone_c, message);
  }
  return out;
}

void Loader::fault_time(const Cursor& c, FaultSpec& f) const
{
  f.start_s = duration(child(c, "at"), true);
  if (auto d = optional_child(c, "duration"))
    f.duration_s = d->node.IsScalar() && d->node.Scalar() == "forever" ? INF : duration(*d);
}

FaultSpec Loader::outage(const Cursor& c, size_t index, bool region) const
{
  const std::string type = region ? "region_outage" : "zone_outage";
  const std::string key = region ? "region" : "zone";
  needs_platform(child(c, "type"), "`" + type + "`");
  check_keys(c, {"type", "name", key, "at", "duration"});
  FaultSpec f;
  f.kind = FaultSpec::Kind::OUTAGE;
  f.place = known_place(child(c, key), region ? places_.regions : places_.zones, key);
  f.place_is_region = region;
  f.name = "fault " + std::to_string(index) + " (" + type + " " + f.place.name + ")";
  if (auto n = optional_child(c, "name"))
    f.name = name(*n);
  fault_time(c, f);
  return f;
}

FaultSpec Loader::fault(const Cursor& c, const Scenario& s, size_t index) const
{
  require_map(c, "a fault map {type, service, at, duration, ...}");
  FaultSpec f;
  f.kind = choice<FaultSpec::Kind>(child(c, "type"), {{"crash", FaultSpec::Kind::CRASH},
                                                      {"zone_outage", FaultSpec::Kind::CRASH},
                                                      {"region_outage", FaultSpec::Kind::OUTAGE},
                                                      {"latency", FaultSpec::Kind::LATENCY},
                                                      {"errors", FaultSpec::Kind::ERRORS},
                                                      {"rate_limit", FaultSpec::Kind::RATE_LIMIT},
                                                      {"price", FaultSpec::Kind::PRICE}});
  std::vector<std::string> keys = {"type", "name", "service", "at", "duration"};
  switch (f.kind) {
    case FaultSpec::Kind::CRASH:
      keys.push_back("instances");
      break;
    case FaultSpec::Kind::LATENCY:
    case FaultSpec::Kind::PRICE:
      keys.push_back("multiplier");
      break;
    case FaultSpec::Kind::ERRORS:
      keys.push_back("probability");
      break;
    case FaultSpec::Kind::RATE_LIMIT:
      keys.insert(keys.end(), {"requests", "tokens"});
      break;
    case FaultSpec::Kind::OUTAGE: // outage() reads outages
      break;
  }
  check_keys(c, keys);
  std::vector<std::string> all_services;
  for (const auto& svc : s.services)
    all_services.push_back(svc.name);
  f.service = service_ref(child(c, "service"), s, all_services);
  const auto& svc = s.services[f.service];
  f.name = "fault " + std::to_string(index) + " (" + child(c, "type").node.Scalar() + " " + svc.name + ")";
  if (auto n = optional_child(c, "name"))
    f.name = name(*n);
  fault_time(c, f);
  switch (f.kind) {
    case FaultSpec::Kind::CRASH:
      if (auto list_c = optional_child(c, "instances")) {
        std::set<uint32_t> seen;
        for (const auto& item : list(*list_c, "a list of instance indices")) {
          const auto i = static_cast<uint32_t>(count(item, 0, svc.instances - 1, "an instance index"));
          if (!seen.insert(i).second)
            fail(item, "duplicate instance " + std::to_string(i));
          f.instances.push_back(i);
        }
      } else {
        for (uint32_t i = 0; i < svc.instances; ++i)
          f.instances.push_back(i);
      }
      break;
    case FaultSpec::Kind::LATENCY:
      f.latency_multiplier = positive(child(c, "multiplier"), "a latency multiplier > 0");
      break;
    case FaultSpec::Kind::PRICE:
      f.price_multiplier = positive(child(c, "multiplier"), "a price multiplier > 0");
      break;
    case FaultSpec::Kind::ERRORS:
      f.error_probability = probability(child(c, "probability"));
      break;
    case FaultSpec::Kind::RATE_LIMIT: {
      if (auto v = optional_child(c, "requests"))
        f.rate_limit.requests_per_minute = 60.0 * rate(*v);
      if (auto v = optional_child(c, "tokens"))
        f.rate_limit.tokens_per_minute = 60.0 * rate(*v);
      if (!f.rate_limit.requests_per_minute && !f.rate_limit.tokens_per_minute)
        missing(c, "missing required key 'requests' or 'tokens' (the limit during the fault)");
      checked(c, f.rate_limit);
      break;
    }
    case FaultSpec::Kind::OUTAGE:
      break;
  }
  return f;
}

/** Faults of one kind may not overlap on one service (crashes: on one instance): what would the state
 *  be when the first one ends? */
void check_fault_overlaps(const std::vector<FaultSpec>& faults, const std::vector<Cursor>& items,
                          const std::function<void(const Cursor&, const std::string&)>& fail_at)
{
  for (size_t a = 0; a < faults.size(); ++a)
    for (size_t b = a + 1; b < faults.size(); ++b) {
      const auto& x = faults[a];
      const auto& y = faults[b];
      if (x.kind != y.kind || x.service != y.service)
        continue;
      const bool outage = x.kind == FaultSpec::Kind::OUTAGE;
      if (outage && (x.place.name != y.place.name || x.place_is_region != y.place_is_region))
        continue;
      const bool overlap = x.start_s < y.start_s + y.duration_s && y.start_s < x.start_s + x.duration_s;
      if (!overlap)
        continue;
      if (x.kind == FaultSpec::Kind::CRASH) {
        bool shared = false;
        for (uint32_t i : x.instances)
          shared |= std::find(y.instances.begin(), y.instances.end(), i) != y.instances.end();
        if (!shared)
          continue;
      }
      const std::string what = x.kind == FaultSpec::Kind::CRASH ? "instances"
                               : outage                         ? (x.place_is_region ? "region" : "zone")
                                                                : "service";
      fail_at(items[b],
              "overlaps " + x.name + " on the same " + what + ": faults of one kind must not overlap in time");
    }
}

SloSpec Loader::slo(const Cursor& c) const
{
  require_map(c, "an SLO map {latency_p99: 2s}");
  if (c.node.size() != 1)
    fail(c, "expected one latency target per workflow (latency_p50, latency_p95, latency_p99, latency_p999)");
  auto it = c.node.begin();
  const std::string key = key_text(it->first, c.path);
  const Cursor value{it->second, child_path(c.path, key)};
  const std::string prefix = "latency_p";
  std::string digits = key.rfind(prefix, 0) == 0 ? key.substr(prefix.size()) : "";
  bool ok = digits.size() >= 2 && std::all_of(digits.begin(), digits.end(), ::isdigit);
  // Digits after the second are decimals (p999 is 99.9%), so p100 would read as 10.0%: refuse a trailing
  // zero there, and p00, which measures nothing.
  ok = ok && digits != "00" && (digits.size() == 2 || digits.back() != '0');
  if (!ok) {
    std::string message = "unknown key '" + key + "'; expected latency_pNN (latency_p50, latency_p99, latency_p999)";
    fail(it->first.Mark(), value.path, message);
  }
  SloSpec slo;
  slo.key = key;
  // latency_p99 -> 0.99, latency_p999 -> 0.999, latency_p50 -> 0.50
  slo.percentile = std::stod("0." + digits);
  slo.latency_s = duration(value);
  return slo;
}

std::vector<std::pair<ProfileInfo, std::optional<Cursor>>> Loader::profiles(const Cursor& top) const
{
  std::vector<std::pair<ProfileInfo, std::optional<Cursor>>> out;
  auto section = optional_child(top, "profiles");
  if (!section) {
    out.push_back({ProfileInfo{BASELINE_PROFILE, "the scenario's orchestrator, as written"}, std::nullopt});
    return out;
  }
  require_map(*section, "a map of profiles {baseline: {...}, name: {orchestrator: {...}}}");
  const Cursor services = child(top, "services");
  std::vector<std::string> service_names;
  if (services.node.IsMap())
    for (auto it = services.node.begin(); it != services.node.end(); ++it)
      service_names.push_back(key_text(it->first, "services"));
  std::set<std::string> seen;
  for_each_entry(*section, [&](const Cursor& key, const Cursor& value) {
    const std::string profile_name = name(key);
    if (profile_name == RANDOM_PROFILE || profile_name == ORACLE_PROFILE)
      fail(key, "the profile name '" + profile_name + "' is reserved: every scenario has it without declaring it");
    if (!seen.insert(profile_name).second)
      fail(key, "duplicate profile '" + profile_name + "'");
    ProfileInfo info{profile_name, ""};
    if (!value.node.IsNull()) {
      if (!value.node.IsMap())
        expected(value, "a profile map {description, orchestrator, autoscaling}");
      check_keys(value, {"description", "orchestrator", "autoscaling"});
      if (auto d = optional_child(value, "description"))
        info.description = scalar(*d, "a description");
      if (auto o = optional_child(value, "orchestrator"))
        require_map(*o, "an orchestrator map: the keys it names replace the scenario's");
      if (auto a = optional_child(value, "autoscaling")) {
        require_map(*a, "a map {service: autoscaling map, or ~ for none}");
        for (auto it = a->node.begin(); it != a->node.end(); ++it) {
          const Cursor service_key{it->first, child_path(a->path, key_text(it->first, a->path))};
          const std::string service_name = name(service_key);
          if (std::find(service_names.begin(), service_names.end(), service_name) == service_names.end()) {
            std::string message = "unknown service '" + service_name + "'";
            if (auto guess = did_you_mean(service_name, service_names))
              message += " (did you mean '" + *guess + "'?)";
            fail(service_key, message);
          }
        }
      }
    }
    out.push_back({info, value.node.IsNull() ? std::nullopt : std::optional<Cursor>(value)});
  });
  auto baseline = std::find_if(out.begin(), out.end(), [](const auto& p) { return p.first.name == BASELINE_PROFILE; });
  if (baseline == out.end())
    missing(*section, "missing required profile 'baseline' (the reference the others are measured against)");
  std::rotate(out.begin(), baseline, baseline + 1);
  return out;
}

AmplificationSpec Loader::amplification(const Cursor& c) const
{
  require_map(c, "an amplification map {objective, bracket}");
  check_keys(c, {"objective", "bracket"});
  AmplificationSpec a;
  if (auto o = optional_child(c, "objective"))
    a.objective = choice<EffectivenessObjective>(*o, {{"quality_goodput", EffectivenessObjective::QUALITY_GOODPUT},
                                                      {"goodput", EffectivenessObjective::GOODPUT},
                                                      {"goodput_per_usd", EffectivenessObjective::GOODPUT_PER_USD}});
  if (auto b = optional_child(c, "bracket"))
    a.bracket = name(*b);
  return a;
}

/** Whether `map[key]` is a map that keys can be written into, making it one when it is missing or null.
 *  REQUIRES: `map` is a map. */
bool writable_map(YAML::Node map, const std::string& key)
{
  if (!map[key].IsDefined() || map[key].IsNull())
    map[key] = YAML::Node(YAML::NodeType::Map);
  return map[key].IsMap();
}

void Loader::apply_profile(YAML::Node& root, const std::string& profile_name, const std::optional<Cursor>& profile)
{
  if (!profile)
    return;
  const std::string from = "profiles." + profile_name;
  // A profile writes into maps only: a scalar or list where a map belongs is left as written, for its
  // check to refuse with its location (yaml-cpp throws its own error for a key set on a scalar).
  if (auto o = optional_child(*profile, "orchestrator"); o && writable_map(root, "orchestrator")) {
    YAML::Node orch = root["orchestrator"];
    for (auto it = o->node.begin(); it != o->node.end(); ++it) {
      const std::string key = it->first.Scalar();
      if (it->second.IsNull())
        orch.remove(key); // `key: ~` drops what the scenario sets
      else
        orch[key] = it->second;
      doc_.profile_paths.emplace_back("orchestrator." + key, from + ".orchestrator." + key);
    }
  }
  if (auto a = optional_child(*profile, "autoscaling"))
    for (auto it = a->node.begin(); it != a->node.end(); ++it) {
      const std::string service = it->first.Scalar();
      YAML::Node services = root["services"];
      if (!writable_map(services, service))
        continue;
      YAML::Node spec = services[service];
      if (it->second.IsNull())
        spec.remove("autoscaling");
      else
        spec["autoscaling"] = it->second;
      doc_.profile_paths.emplace_back("services." + service + ".autoscaling", from + ".autoscaling." + service);
    }
}

/** Multiplies a source's offered rate by `k` (`simulation.load_scale`): rates times k, trace gaps
 *  divided by k, closed-loop users times k (rounded, at least 1). */
void scale_arrivals(ArrivalSpec& a, double k)
{
  a.rate_per_s *= k;
  a.ramp_from_per_s *= k;
  a.ramp_to_per_s *= k;
  a.rate_on_per_s *= k;
  a.rate_off_per_s *= k;
  a.time_scale /= k;
  if (a.process == ArrivalProcess::CLOSED_LOOP)
    a.users = static_cast<uint32_t>(std::max(1.0, std::round(static_cast<double>(a.users) * k)));
}

Scenario Loader::scenario(YAML::Node root, const std::string& requested_profile)
{
  const Cursor top{root, ""};
  if (!root.IsMap())
    expected(top, "a scenario map {simulation, services, workflows, workload}");
  check_keys(top, {"name", "description", "simulation", "platform", "services", "workflows", "workload", "orchestrator",
                   "slo", "faults", "profiles", "amplification"});
  Scenario s;
  const auto declared = profiles(top);
  for (const auto& [info, node] : declared)
    s.profiles.push_back(info);
  if (auto a = optional_child(top, "amplification"))
    s.amplification = amplification(*a);
  auto find_declared = [&](const std::string& wanted) {
    return std::find_if(declared.begin(), declared.end(), [&](const auto& p) { return p.first.name == wanted; });
  };
  const auto bracket = find_declared(s.amplification.bracket);
  if (bracket == declared.end()) {
    const Cursor b = child(child(top, "amplification"), "bracket");
    std::vector<std::string> names;
    for (const auto& p : s.profiles)
      names.push_back(p.name);
    fail(b, "unknown profile '" + s.amplification.bracket + "'; expected one of: " + join(names));
  }
  s.profiles.push_back(
      ProfileInfo{RANDOM_PROFILE, "the '" + s.amplification.bracket + "' profile with random selection: a floor"});
  s.profiles.push_back(ProfileInfo{ORACLE_PROFILE, "the '" + s.amplification.bracket +
                                                       "' profile selecting by the simulator's true state: a ceiling"});

  s.profile = requested_profile.empty() ? std::string(BASELINE_PROFILE) : requested_profile;
  const bool bracketing = s.profile == RANDOM_PROFILE || s.profile == ORACLE_PROFILE;
  const auto chosen = bracketing ? bracket : find_declared(s.profile);
  if (chosen == declared.end()) {
    std::vector<std::string> names;
    for (const auto& p : s.profiles)
      names.push_back(p.name);
    throw InputError(InputLocation{"--profile " + s.profile, 0, 0, ""},
                     "unknown profile '" + s.profile + "'; this scenario has: " + join(names));
  }
  // The oracle judges by the bracket profile's objective where its selection has one.
  auto bracket_selection = [&]() -> std::optional<Cursor> {
    if (bracket->second)
      if (auto o = optional_child(*bracket->second, "orchestrator"))
        if (auto sel = optional_child(*o, "selection"))
          return sel;
    if (auto o = optional_child(top, "orchestrator"))
      return optional_child(*o, "selection");
    return std::nullopt;
  }();
  std::optional<YAML::Node> oracle_objective_node;
  if (bracket_selection && bracket_selection->node.IsMap())
    if (auto obj = optional_child(*bracket_selection, "objective")) {
      s.oracle_objective = objective(*obj);
      oracle_objective_node = obj->node;
    }

  apply_profile(root, chosen->first.name, chosen->second);
  if (bracketing) {
    YAML::Node sel(YAML::NodeType::Map);
    sel["strategy"] = s.profile;
    if (s.profile == ORACLE_PROFILE && oracle_objective_node)
      sel["objective"] = *oracle_objective_node;
    if (writable_map(root, "orchestrator"))
      root["orchestrator"]["selection"] = sel;
  }

  s.path = doc_.file;
  s.name = std::filesystem::path(doc_.file).stem().string();
  if (auto n = optional_child(top, "name"))
    s.name = scalar(*n, "a scenario name");
  if (auto d = optional_child(top, "description"))
    s.description = scalar(*d, "a description");
  simulation(child(top, "simulation"), s.simulation);
  if (auto p = optional_child(top, "platform")) {
    s.platform = platform(*p);
    places_ = index_places(s.platform);
  }

  const Cursor services = child(top, "services");
  require_map(services, "a map of services {name: {...}}");
  for_each_entry(services,
                 [&](const Cursor& key, const Cursor& value) { s.services.push_back(service(name(key), value)); });

  const Cursor workflows = child(top, "workflows");
  require_map(workflows, "a map of workflows {name: {steps: [...]}}");
  // Names first, so that errors inside a workflow can tell known from unknown workflows.
  for_each_entry(workflows, [&](const Cursor& key, const Cursor&) {
    s.workflows.push_back(WorkflowSpec{name(key), {}, {}});
  });
  {
    size_t i = 0;
    for_each_entry(workflows, [&](const Cursor& key, const Cursor& value) {
      s.workflows[i] = workflow(key.node.Scalar(), value, s);
      ++i;
    });
  }

  const Cursor workload = child(top, "workload");
  std::map<std::string, int> source_names;
  for (const auto& item : list(workload, "a list of workload sources")) {
    s.sources.push_back(source(item, s));
    if (++source_names[s.sources.back().name] > 1)
      fail(item, "duplicate source name '" + s.sources.back().name +
                     "': give each source of the same workflow its own 'name'");
  }
  if (s.simulation.load_scale != 1.0)
    for (auto& source : s.sources)
      scale_arrivals(source.arrival, s.simulation.load_scale);
  if (s.simulation.duration_s) {
    // Refused up front: a run the machine could not finish (docs/RELIABILITY.md, "Limits").
    double expected = 0.0;
    const double d = *s.simulation.duration_s;
    for (const auto& src : s.sources) {
      const auto& a = src.arrival;
      switch (a.process) {
        case ArrivalProcess::POISSON:
        case ArrivalProcess::DIURNAL:
          expected += a.rate_per_s * d;
          break;
        case ArrivalProcess::RAMP:
          expected += std::max(a.ramp_from_per_s, a.ramp_to_per_s) * d;
          break;
        case ArrivalProcess::BURSTY:
          expected += std::max(a.rate_on_per_s, a.rate_off_per_s) * d;
          break;
        case ArrivalProcess::TRACE: {
          const double rows = static_cast<double>(a.trace->get_rows().size());
          const double span = a.trace->get_span_s() * a.time_scale;
          expected += a.loop && span > 0 ? rows * std::ceil(d / span) : rows;
          break;
        }
        case ArrivalProcess::CLOSED_LOOP:
          break; // bounded by its users and their think and response times
      }
    }
    if (expected > MAX_EXPECTED_ARRIVALS)
      fail(child(child(top, "simulation"), "duration"),
           format_count(expected) + " requests would arrive in this duration at these rates, more than the " +
               format_count(MAX_EXPECTED_ARRIVALS) +
               " a run may simulate: shorten the duration or lower the rates (docs/RELIABILITY.md)");
  }

  if (auto orch = optional_child(top, "orchestrator")) {
    orchestrator(*orch, s.orchestrator);
    // d is capped at each step's candidates (a step with one instance has no choice), but a d above
    // every step's candidates can only be a mistake.
    const auto& sel = s.orchestrator.selection;
    if (sel.strategy == SelectionStrategy::POWER_OF_D) {
      uint32_t largest = 0;
      for (const auto& w : s.workflows)
        for (const auto& step : w.steps) {
          uint32_t n = 0;
          for (uint32_t c : step.candidates)
            n += s.services[c].instances;
          largest = std::max(largest, n);
        }
      if (sel.d > largest) {
        const Cursor d = child(child(*orch, "selection"), "d");
        fail(d, "expected d <= " + std::to_string(largest) + " (the most instances any step can choose from), found " +
                    std::to_string(sel.d));
      }
    }
  }

  if (auto faults = optional_child(top, "faults")) {
    const auto items = list(*faults, "a list of faults");
    std::vector<Cursor> origins; // the item each (expanded) fault comes from
    for (size_t i = 0; i < items.size(); ++i)
      for (auto& f : faults_of(items[i], s, i)) {
        s.faults.push_back(std::move(f));
        origins.push_back(items[i]);
      }
    check_fault_overlaps(s.faults, origins, [this](const Cursor& c, const std::string& m) { fail(c, m); });
    std::stable_sort(s.faults.begin(), s.faults.end(),
                     [](const FaultSpec& a, const FaultSpec& b) { return a.start_s < b.start_s; });
  }

  s.slos.resize(s.workflows.size());
  if (auto slos = optional_child(top, "slo")) {
    require_map(*slos, "a map of SLOs {workflow: {latency_p99: 2s}}");
    for_each_entry(*slos, [&](const Cursor& key, const Cursor& value) {
      const uint32_t found = workflow_ref(key, s);
      s.slos[found] = slo(value);
    });
  }
  return s;
}

// ---- document and overrides ---------------------------------------------------------------------

YAML::Node parse_yaml(const std::string& text, const std::string& where, int line_offset = 0)
{
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    InputLocation loc{where, e.mark.is_null() ? 0 : e.mark.line + 1 + line_offset,
                      e.mark.is_null() ? 0 : e.mark.column + 1, ""};
    throw InputError(loc, "malformed YAML: " + e.msg);
  }
  check_alias_expansion(root, where); // before anything walks it (docs/RELIABILITY.md)
  return root;
}

/** Applies `key.path=value` to the document, creating maps on the way. Returns the key path. */
std::string apply_override(YAML::Node& root, const std::string& text)
{
  const InputLocation where{"--set " + text, 0, 0, ""};
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0)
    throw InputError(where, "expected key.path=value, found '" + text + "'");
  std::string path = text.substr(0, eq); // not const: returned (moved)
  const std::string value_text = text.substr(eq + 1);
  YAML::Node value;
  try {
    value = YAML::Load(value_text.empty() ? "''" : value_text);
  } catch (const YAML::Exception& e) { // a line:col inside the one-line value would read as part of it
    throw InputError(InputLocation{"--set " + text, 0, 0, path}, "malformed YAML: " + e.msg);
  }
  std::vector<std::string> parts;
  std::stringstream split(path);
  for (std::string part; std::getline(split, part, '.');) {
    if (part.empty())
      throw InputError(InputLocation{"--set " + text, 0, 0, path}, "empty segment in key path '" + path + "'");
    parts.push_back(part);
  }
  if (!root.IsDefined() || root.IsNull())
    root = YAML::Node(YAML::NodeType::Map);
  YAML::Node at;
  at.reset(root);
  std::string walked;
  for (size_t i = 0; i < parts.size(); ++i) {
    const std::string& part = parts[i];
    walked = walked.empty() ? part : walked + "." + part;
    const bool last = i + 1 == parts.size();
    if (at.IsSequence()) {
      auto index = parse_number(part);
      if (!index || *index < 0 || *index != std::floor(*index) || *index >= static_cast<double>(at.size()))
        throw InputError(
            InputLocation{"--set " + text, 0, 0, walked},
            "expected an index in [0, " + std::to_string(at.size()) + ") into the list, found '" + part + "'");
      const auto k = static_cast<size_t>(*index);
      if (last) {
        at[k] = value;
        return path;
      }
      YAML::Node next = at[k];
      at.reset(next);
      continue;
    }
    if (!at.IsMap()) {
      if (at.IsNull()) {
        at = YAML::Node(YAML::NodeType::Map);
      } else {
        throw InputError(InputLocation{"--set " + text, 0, 0, walked},
                         "cannot set a key inside a value that is not a map");
      }
    }
    if (last) {
      if (value.IsNull())
        at.remove(part); // `--set key=~` removes the key (to switch between alternatives)
      else
        at[part] = value;
      return path;
    }
    if (!at[part].IsDefined() || at[part].IsNull())
      at[part] = YAML::Node(YAML::NodeType::Map);
    YAML::Node next = at[part];
    at.reset(next);
  }
  return path;
}

} // namespace

uint32_t AutoscalingSpec::get_min() const
{
  if (const auto* hpa = std::get_if<HpaOptions>(&policy))
    return hpa->min_replicas;
  if (const auto* predictive = std::get_if<PredictiveScalingOptions>(&policy))
    return predictive->min_replicas;
  return std::get<KnativeOptions>(policy).min_scale;
}

uint32_t AutoscalingSpec::get_max() const
{
  if (const auto* hpa = std::get_if<HpaOptions>(&policy))
    return hpa->max_replicas;
  if (const auto* predictive = std::get_if<PredictiveScalingOptions>(&policy))
    return predictive->max_replicas;
  return std::get<KnativeOptions>(policy).max_scale;
}

const char* to_string(FailureCause cause)
{
  switch (cause) {
    case FailureCause::ERROR:
      return "error";
    case FailureCause::TIMEOUT:
      return "timeout";
    case FailureCause::REJECTED:
      return "rejected";
    case FailureCause::RATE_LIMITED:
      return "rate_limited";
    case FailureCause::SHED:
      return "shed";
    case FailureCause::CIRCUIT_OPEN:
      return "circuit_open";
  }
  return "unknown";
}

bool Scenario::uses_simgrid_activities() const
{
  if (platform.empty())
    return false;
  return platform.contention ||
         std::any_of(services.begin(), services.end(), [](const ServiceSpec& s) { return s.work.has_value(); });
}

std::optional<uint32_t> Scenario::find_service(const std::string& name) const
{
  for (uint32_t i = 0; i < services.size(); ++i)
    if (services[i].name == name)
      return i;
  return std::nullopt;
}

std::optional<uint32_t> Scenario::find_workflow(const std::string& name) const
{
  for (uint32_t i = 0; i < workflows.size(); ++i)
    if (workflows[i].name == name)
      return i;
  return std::nullopt;
}

Scenario load_scenario_text(const std::string& text, const std::string& path, const std::vector<std::string>& overrides,
                            const std::string& profile)
{
  YAML::Node root = parse_yaml(text, path);
  Document doc{path, {}, {}};
  for (const auto& o : overrides)
    doc.overrides.emplace_back(apply_override(root, o), o);
  Loader loader(doc);
  Scenario s = loader.scenario(root, profile);
  s.overrides = overrides;
  return s;
}

std::vector<FaultItem> fault_items(const std::string& text, const std::vector<std::string>& overrides)
{
  YAML::Node root = parse_yaml(text, "");
  for (const auto& o : overrides)
    apply_override(root, o);
  std::vector<FaultItem> items;
  const YAML::Node faults = root["faults"];
  if (!faults || !faults.IsSequence())
    return items;
  for (size_t i = 0; i < faults.size(); ++i) {
    const YAML::Node f = faults[i];
    std::string label = "fault " + std::to_string(i);
    if (f["name"] && f["name"].IsScalar()) {
      label = f["name"].Scalar();
    } else if (f["type"] && f["type"].IsScalar()) {
      const YAML::Node target = f["service"] ? f["service"] : f["zone"] ? f["zone"] : f["region"];
      label += " (" + f["type"].Scalar() + (target && target.IsScalar() ? " " + target.Scalar() : "") + ")";
    }
    YAML::Emitter out;
    out << YAML::Flow << f;
    items.push_back(FaultItem{label, out.c_str()});
  }
  return items;
}

Scenario load_scenario(const std::string& path, const std::vector<std::string>& overrides, const std::string& profile)
{
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw InputError(InputLocation{path, 0, 0, ""}, std::string("cannot open scenario file: ") + std::strerror(errno));
  if (std::filesystem::is_directory(path))
    throw InputError(InputLocation{path, 0, 0, ""}, "expected a scenario file, found a directory");
  std::stringstream buffer;
  buffer << in.rdbuf();
  return load_scenario_text(buffer.str(), path, overrides, profile);
}

} // namespace orchsim::models
