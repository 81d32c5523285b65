#include "analysis/SweepFile.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <set>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "analysis/SweepSample.hpp"
#include "analysis/YamlReader.hpp"
#include "models/Units.hpp"
#include "results/Sha256.hpp"

namespace orchsim::analysis {

namespace {

using sim::InputError;
using sim::InputLocation;

using Reader = YamlReader;

/** A value as `--set` takes it: the scalar as written when it reads back the same, else one line of YAML. */
std::string one_line(const YAML::Node& node)
{
  if (node.IsScalar() && !node.Scalar().empty()) {
    try {
      const YAML::Node back = YAML::Load(node.Scalar());
      if (back.IsScalar() && back.Scalar() == node.Scalar())
        return node.Scalar();
    } catch (const YAML::Exception&) {
    }
  }
  YAML::Emitter out;
  out.SetMapFormat(YAML::Flow);
  out.SetSeqFormat(YAML::Flow);
  if (node.IsScalar())
    out << YAML::DoubleQuoted;
  out << node;
  return out.c_str();
}

template <typename Parse>
bool all_parse(const std::vector<std::string>& values, Parse parse)
{
  return std::all_of(values.begin(), values.end(), [&](const std::string& v) { return parse(v).has_value(); });
}

std::string si_suffix(const std::vector<std::string>& values)
{
  if (values.empty() || all_parse(values, models::parse_number))
    return "";
  if (all_parse(values, models::parse_duration_s))
    return "_s";
  if (all_parse(values, models::parse_rate_per_s))
    return "_per_s";
  if (all_parse(values, models::parse_fraction))
    return "_fraction";
  return "";
}

/** Numbers as value texts: rounded to whole numbers when asked (refusing repeats), the unit appended. */
std::vector<std::string> value_texts(const Reader& r, const YAML::Node& node, const std::string& path,
                                     std::vector<double> numbers, bool integer, const std::string& unit)
{
  std::vector<std::string> texts;
  for (size_t i = 0; i < numbers.size(); ++i) {
    if (integer)
      numbers[i] = std::round(numbers[i]);
    if (integer && i > 0 && numbers[i] == numbers[i - 1])
      r.fail(node, path,
             "rounding to whole numbers repeats the value " + sweep_number_text(numbers[i]) +
                 ": use a smaller count, or integer: false");
    texts.push_back(sweep_number_text(numbers[i]) + unit);
  }
  return texts;
}

bool whole(double v)
{
  return v == std::floor(v);
}

/** {from, to, step} or {from, to, count}: arithmetic, both ends included (`to` when a step lands on it). */
std::vector<std::string> linear_range(const Reader& r, const YAML::Node& n, const std::string& path,
                                      const std::string& unit)
{
  r.check_keys(n, path, {"from", "to", "step", "count", "integer"});
  const double from = r.number(r.required(n, path, "from"), path + ".from");
  const double to = r.number(r.required(n, path, "to"), path + ".to");
  if (!n["step"] == !n["count"])
    r.fail(n, path, "expected exactly one of step and count");
  std::vector<double> values;
  if (n["step"]) {
    const double step = r.number(n["step"], path + ".step");
    if (step <= 0)
      r.fail(n["step"], path + ".step", "expected a step > 0 (the direction is from `from` to `to`)");
    const double steps = std::floor(std::abs(to - from) / step + 1e-9);
    if (steps >= static_cast<double>(MAX_SWEEP_RUNS))
      r.fail(n["step"], path + ".step", "the range has more than " + std::to_string(MAX_SWEEP_RUNS) + " values");
    const double direction = to < from ? -1.0 : 1.0;
    for (size_t i = 0; i <= static_cast<size_t>(steps); ++i)
      values.push_back(from + direction * static_cast<double>(i) * step);
  } else {
    const auto count = static_cast<size_t>(r.count(n["count"], path + ".count", 2, MAX_SWEEP_RUNS));
    for (size_t i = 0; i < count; ++i)
      values.push_back(i + 1 == count ? to
                                      : from + (to - from) * static_cast<double>(i) / static_cast<double>(count - 1));
  }
  const bool integer = n["integer"] && r.boolean(n["integer"], path + ".integer");
  return value_texts(r, n, path, values, integer, unit);
}

/** {from, to, count}: geometric, both ends included; whole numbers when both ends are (unless integer: false). */
std::vector<std::string> log_range(const Reader& r, const YAML::Node& n, const std::string& path,
                                   const std::string& unit)
{
  r.check_keys(n, path, {"from", "to", "count", "integer"});
  const double from = r.number(r.required(n, path, "from"), path + ".from");
  const double to = r.number(r.required(n, path, "to"), path + ".to");
  if (from <= 0)
    r.fail(n["from"], path + ".from", "expected a number > 0 (a log range)");
  if (to <= 0)
    r.fail(n["to"], path + ".to", "expected a number > 0 (a log range)");
  const auto count = static_cast<size_t>(r.count(r.required(n, path, "count"), path + ".count", 2, MAX_SWEEP_RUNS));
  std::vector<double> values;
  for (size_t i = 0; i < count; ++i)
    values.push_back(
        i + 1 == count ? to : from * std::pow(to / from, static_cast<double>(i) / static_cast<double>(count - 1)));
  const bool integer = n["integer"] ? r.boolean(n["integer"], path + ".integer") : whole(from) && whole(to);
  return value_texts(r, n, path, values, integer, unit);
}

/** The key path of a parameter: dotted segments, as `--set` takes it. */
void check_key_path(const Reader& r, const YAML::Node& key, const std::string& text)
{
  std::stringstream parts(text);
  bool ok = !text.empty() && text.back() != '.' && text.find_first_of("= \t") == std::string::npos;
  for (std::string part; ok && std::getline(parts, part, '.');)
    ok = !part.empty();
  if (!ok)
    r.fail(key, "parameters." + text, "expected a scenario key path (workload.0.arrival.rate), found '" + text + "'");
  if (text == "simulation.seed")
    r.fail(key, "parameters." + text,
           "the sweep sets every run's seed (docs/SWEEPS.md, Seeds): sweep the seed with "
           "replications, or change the sweep's seed");
}

void grid_parameter(const Reader& r, const YAML::Node& spec, SweepParameter& p)
{
  const std::string& path = p.at.key_path;
  if (spec["min"] || spec["max"])
    r.fail(spec, path,
           "an interval {min, max} is sampled: add sample: {method: latin_hypercube, points: N}, or give values, "
           "range or log_range");
  r.check_keys(spec, path, {"values", "range", "log_range", "unit"});
  if ((spec["values"] ? 1 : 0) + (spec["range"] ? 1 : 0) + (spec["log_range"] ? 1 : 0) != 1)
    r.fail(spec, path, "expected exactly one of values, range and log_range");
  if (const auto values = spec["values"]) {
    if (spec["unit"])
      r.fail(spec["unit"], path + ".unit", "unit goes with range and log_range: write values with theirs (2/s)");
    if (!values.IsSequence() || values.size() == 0)
      r.fail(values, path + ".values", "expected a non-empty list of values");
    for (size_t i = 0; i < values.size(); ++i) {
      p.values.push_back(one_line(values[i]));
      p.where.push_back(r.at(values[i], path + ".values." + std::to_string(i)));
    }
  } else {
    const std::string unit = spec["unit"] ? r.scalar(spec["unit"], path + ".unit", "a unit (/s, ms)") : "";
    const bool linear = static_cast<bool>(spec["range"]);
    const YAML::Node range = linear ? spec["range"] : spec["log_range"];
    const std::string at = path + (linear ? ".range" : ".log_range");
    p.values = linear ? linear_range(r, range, at, unit) : log_range(r, range, at, unit);
    p.where.assign(p.values.size(), r.at(range, at));
  }
  p.si_suffix = si_suffix(p.values);
}

void sampled_parameter(const Reader& r, const YAML::Node& spec, SweepParameter& p)
{
  const std::string& path = p.at.key_path;
  if (spec["values"] || spec["range"] || spec["log_range"])
    r.fail(spec, path, "a sampled sweep takes intervals {min, max}: values, range and log_range are for combine");
  r.check_keys(spec, path, {"min", "max", "log", "integer", "unit"});
  p.min = r.number(r.required(spec, path, "min"), path + ".min");
  p.max = r.number(r.required(spec, path, "max"), path + ".max");
  if (p.max <= p.min)
    r.fail(spec["max"], path + ".max", "expected max > min");
  p.log = spec["log"] && r.boolean(spec["log"], path + ".log");
  p.integer = spec["integer"] && r.boolean(spec["integer"], path + ".integer");
  if (p.log && p.min <= 0)
    r.fail(spec["min"], path + ".min", "expected min > 0 on a log scale");
  if (p.integer && std::ceil(p.min) > std::floor(p.max))
    r.fail(spec, path, "no whole number between min and max");
  p.unit = spec["unit"] ? r.scalar(spec["unit"], path + ".unit", "a unit (/s, ms)") : "";
  p.si_suffix = si_suffix({sweep_number_text(p.max) + p.unit});
}

/** A point's value of a sampled parameter from its uniform number u in [0, 1). */
std::string sampled_value(const SweepParameter& p, double u)
{
  double v = 0;
  if (p.log)
    v = std::exp(std::log(p.min) + u * (std::log(p.max) - std::log(p.min)));
  else if (p.integer)
    v = std::floor(std::ceil(p.min) + u * (std::floor(p.max) - std::ceil(p.min) + 1));
  else
    v = p.min + u * (p.max - p.min);
  if (p.integer)
    v = std::clamp(std::round(v), std::ceil(p.min), std::floor(p.max));
  return sweep_number_text(v) + p.unit;
}

void expand_grid(const Reader& r, const YAML::Node& parameters, SweepSpec& s)
{
  double size = 1;
  std::string product;
  for (const auto& p : s.parameters) {
    size *= static_cast<double>(p.values.size());
    product += (product.empty() ? "" : " x ") + std::to_string(p.values.size());
  }
  if (size > static_cast<double>(MAX_SWEEP_RUNS))
    r.fail(parameters, "parameters",
           "the grid has " + product + " points, more than the " + std::to_string(MAX_SWEEP_RUNS) +
               " runs a sweep may have: split it, or sample it");
  const auto n = static_cast<size_t>(size);
  for (size_t i = 0; i < n; ++i) {
    std::vector<std::string> point;
    std::vector<InputLocation> at;
    size_t rest = i;
    for (size_t k = s.parameters.size(); k-- > 0;) { // the last parameter fastest
      const auto& p = s.parameters[k];
      point.insert(point.begin(), p.values[rest % p.values.size()]);
      at.insert(at.begin(), p.where[rest % p.values.size()]);
      rest /= p.values.size();
    }
    s.points.push_back(std::move(point));
    s.point_at.push_back(std::move(at));
  }
}

void expand_zip(const Reader& r, const YAML::Node& parameters, SweepSpec& s)
{
  const auto& first = s.parameters.front();
  for (const auto& p : s.parameters)
    if (p.values.size() != first.values.size())
      r.fail(parameters[p.key], p.at.key_path,
             "zip needs lists of one length: this one has " + std::to_string(p.values.size()) + " values, " +
                 first.at.key_path + " has " + std::to_string(first.values.size()));
  for (size_t i = 0; i < first.values.size(); ++i) {
    s.points.emplace_back();
    s.point_at.emplace_back();
    for (const auto& p : s.parameters) {
      s.points.back().push_back(p.values[i]);
      s.point_at.back().push_back(p.where[i]);
    }
  }
}

void expand_sample(size_t n, SweepSpec& s)
{
  const auto unit = s.design == "latin_hypercube" ? latin_hypercube(n, s.parameters.size(), s.sample_seed)
                                                  : uniform_random(n, s.parameters.size(), s.sample_seed);
  for (const auto& u : unit) {
    s.points.emplace_back();
    s.point_at.emplace_back();
    for (size_t k = 0; k < s.parameters.size(); ++k) {
      s.points.back().push_back(sampled_value(s.parameters[k], u[k]));
      s.point_at.back().push_back(s.parameters[k].at);
    }
  }
}

/** `sample: {method, points, seed}`: sets the design and returns the number of points. */
size_t read_sample(const Reader& r, const YAML::Node& sample, SweepSpec& s)
{
  r.check_keys(sample, "sample", {"method", "points", "seed"});
  s.design = r.scalar(r.required(sample, "sample", "method"), "sample.method", "latin_hypercube or random");
  if (s.design != "latin_hypercube" && s.design != "random")
    r.fail(sample["method"], "sample.method", "expected latin_hypercube or random, found '" + s.design + "'");
  s.sample_seed = sample["seed"] ? r.count(sample["seed"], "sample.seed", 0, 1ULL << 53) : s.seed;
  return static_cast<size_t>(r.count(r.required(sample, "sample", "points"), "sample.points", 1, MAX_SWEEP_RUNS));
}

void read_profiles(const Reader& r, const YAML::Node& node, SweepSpec& s)
{
  s.profiles_at = r.at(node, "profiles");
  s.profiles.clear();
  s.profile_at.clear();
  if (node.IsScalar()) {
    s.profiles.push_back(r.name(node, "profiles"));
    s.profile_at.push_back(s.profiles_at);
    return;
  }
  if (!node.IsSequence() || node.size() == 0)
    r.fail(node, "profiles", "expected a list of profile names, or all");
  for (size_t i = 0; i < node.size(); ++i) {
    const std::string at = "profiles." + std::to_string(i);
    s.profiles.push_back(r.name(node[i], at));
    s.profile_at.push_back(r.at(node[i], at));
    if (std::count(s.profiles.begin(), s.profiles.end(), s.profiles.back()) > 1)
      r.fail(node[i], at, "duplicate profile '" + s.profiles.back() + "'");
  }
}

void read_overrides(const Reader& r, const YAML::Node& node, SweepSpec& s)
{
  if (!node.IsSequence())
    r.fail(node, "overrides", "expected a list of key.path=value");
  for (size_t i = 0; i < node.size(); ++i) {
    const std::string at = "overrides." + std::to_string(i);
    const std::string text = r.scalar(node[i], at, "key.path=value");
    const auto eq = text.find('=');
    if (eq == std::string::npos || eq == 0)
      r.fail(node[i], at, "expected key.path=value, found '" + text + "'");
    if (text.substr(0, eq) == "simulation.seed")
      r.fail(node[i], at, "the sweep sets every run's seed (docs/SWEEPS.md, Seeds): change the sweep's seed instead");
    s.overrides.push_back(text);
    s.override_at.push_back(r.at(node[i], at));
  }
}

void read_parameters(const Reader& r, const YAML::Node& root, SweepSpec& s)
{
  const YAML::Node parameters = root["parameters"];
  const YAML::Node sample = root["sample"];
  if (sample && root["combine"])
    r.fail(root["combine"], "combine", "combine and sample exclude each other: a sample draws its own points");
  const size_t sampled = sample ? read_sample(r, sample, s) : 0;
  if (root["combine"]) {
    s.design = r.scalar(root["combine"], "combine", "grid or zip");
    if (s.design != "grid" && s.design != "zip")
      r.fail(root["combine"], "combine", "expected grid or zip, found '" + s.design + "'");
  }
  if (parameters) {
    s.parameters_at = r.at(parameters, "parameters");
    r.check_unique(parameters, "parameters");
  }
  for (const auto& kv : parameters ? parameters : YAML::Node(YAML::NodeType::Map)) {
    SweepParameter p;
    p.key = kv.first.Scalar();
    check_key_path(r, kv.first, p.key);
    p.at = r.at(kv.first, "parameters." + p.key);
    if (!kv.second.IsMap())
      r.fail(kv.second, p.at.key_path,
             sample ? "expected an interval {min, max}"
                    : "expected {values: [...]}, {range: {...}} or {log_range: {...}}");
    sample ? sampled_parameter(r, kv.second, p) : grid_parameter(r, kv.second, p);
    s.parameters.push_back(std::move(p));
  }
  if (sample && s.parameters.empty())
    r.fail(sample, "sample", "a sample needs parameters with intervals {min, max} to sample");
  if (sample) {
    expand_sample(sampled, s);
  } else if (s.parameters.empty()) {
    s.points.assign(1, {});
    s.point_at.assign(1, {});
  } else if (s.design == "zip") {
    expand_zip(r, parameters, s);
  } else {
    expand_grid(r, parameters, s);
  }
}

} // namespace

std::string sweep_number_text(double v)
{
  char buf[40];
  if (whole(v) && std::abs(v) < 1e15)
    std::snprintf(buf, sizeof buf, "%.0f", v == 0 ? 0.0 : v);
  else
    std::snprintf(buf, sizeof buf, "%.12g", v);
  return buf;
}

SweepSpec load_sweep_file(const std::string& path)
{
  return load_sweep_text(YamlReader::read_text(path, "sweep file"), path);
}

SweepSpec load_sweep_text(const std::string& text, const std::string& path)
{
  const Reader r(path);
  const YAML::Node root = r.parse(text);
  if (!root.IsMap())
    r.fail(root, "", "expected a sweep map {scenario, parameters, ...}");
  r.check_keys(root, "",
               {"name", "description", "scenario", "seed", "replications", "profiles", "overrides", "parameters",
                "combine", "sample"});
  SweepSpec s;
  s.path = path;
  s.sha256 = results::sha256_hex(text);
  s.name = root["name"] ? r.name(root["name"], "name") : std::filesystem::path(path).stem().string();
  if (root["description"])
    s.description = r.scalar(root["description"], "description", "a description");
  const YAML::Node scenario = r.required(root, "", "scenario");
  const std::filesystem::path relative(r.scalar(scenario, "scenario", "the path of a scenario file"));
  s.scenario = relative.is_absolute()
                   ? relative.string()
                   : (std::filesystem::path(path).parent_path() / relative).lexically_normal().string();
  s.scenario_at = r.at(scenario, "scenario");
  if (root["seed"])
    s.seed = r.count(root["seed"], "seed", 0, 1ULL << 53);
  if (root["replications"])
    s.replications = static_cast<uint32_t>(r.count(root["replications"], "replications", 1, 100000));
  s.profiles_at = r.at(root, "profiles");
  s.profile_at = {s.profiles_at};
  if (root["profiles"])
    read_profiles(r, root["profiles"], s);
  if (root["overrides"])
    read_overrides(r, root["overrides"], s);
  read_parameters(r, root, s);
  return s;
}

} // namespace orchsim::analysis
