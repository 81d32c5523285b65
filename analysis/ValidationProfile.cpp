#include "analysis/ValidationProfile.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "analysis/YamlReader.hpp"
#include "models/Units.hpp"
#include "results/Sha256.hpp"
#include "sim/InputError.hpp"

namespace orchsim::analysis {

namespace {

using sim::InputError;
using sim::InputLocation;

/** A target or threshold: a number, a percentage (99.9% -> 0.999), a duration (2s -> 2) or a rate. */
double target_value(const YamlReader& r, const YAML::Node& node, const std::string& path)
{
  const std::string text = r.scalar(node, path, "a value (0.999, 99.9%, 2s, 120/s)");
  if (auto v = models::parse_number(text))
    return *v;
  if (!text.empty() && text.back() == '%')
    if (auto v = models::parse_number(std::string_view(text).substr(0, text.size() - 1)))
      return *v / 100.0;
  if (auto v = models::parse_duration_s(text))
    return *v;
  if (auto v = models::parse_rate_per_s(text))
    return *v; // cppcheck-suppress missingReturn ; the function ends in YamlReader::fail, [[noreturn]]
  r.fail(node, path,
         "expected a value: a number (1.5), a percentage (99.9%), a duration (2s) or a rate (120/s), found '" + text +
             "'");
}

bool known_context(const std::string& c)
{
  return c == "normal" || c == "peak" || c == "soak" || c == "faults" || c == "profiles" || c == "capacity" ||
         (c.rfind("fault:", 0) == 0 && c.size() > 6);
}

Criterion criterion(const YamlReader& r, const YAML::Node& node, const std::string& path)
{
  r.check_keys(node, path,
               {"name", "category", "context", "metric", "target", "fail", "weight", "critical", "missing"});
  auto required = [&](const char* key) {
    if (!node[key])
      r.fail(node, path, std::string("missing required key '") + key + "'");
    return node[key];
  };
  Criterion c;
  c.line = node.Mark().line + 1;
  c.column = node.Mark().column + 1;
  c.name = r.scalar(required("name"), path + ".name", "a name");
  c.category = r.scalar(required("category"), path + ".category", "a category");
  if (std::find(VALIDATION_CATEGORIES.begin(), VALIDATION_CATEGORIES.end(), c.category) == VALIDATION_CATEGORIES.end())
    r.fail(node["category"], path + ".category",
           "unknown category '" + c.category +
               "'; expected one of: performance, workflows, reliability, resilience, efficiency, amplification");
  c.context = node["context"] ? r.scalar(node["context"], path + ".context", "a context") : "normal";
  if (!known_context(c.context))
    r.fail(node["context"], path + ".context",
           "unknown context '" + c.context +
               "'; expected normal, peak, soak, faults, fault:<name or index>, profiles, capacity");
  c.metric = r.scalar(required("metric"), path + ".metric", "a metric path (metrics.totals.success_ratio)");
  std::stringstream parts(c.metric);
  std::vector<std::string> operands;
  for (std::string part; std::getline(parts, part, '/');) {
    part.erase(0, part.find_first_not_of(' '));
    part.erase(part.find_last_not_of(' ') + 1);
    operands.push_back(part);
  }
  if (operands.empty() || operands.size() > 2 || std::any_of(operands.begin(), operands.end(), [](const auto& o) {
        return o.empty() || o.front() == '.' || o.back() == '.' || o.find("..") != std::string::npos ||
               o.find(' ') != std::string::npos;
      }))
    r.fail(node["metric"], path + ".metric",
           "expected a dotted path (metrics.totals.success_ratio) or a ratio of two (a.b / c.d), found '" + c.metric +
               "'");
  c.target = target_value(r, required("target"), path + ".target");
  c.fail = target_value(r, required("fail"), path + ".fail");
  if (c.fail == c.target)
    r.fail(node["fail"], path + ".fail",
           "expected a fail threshold other than the target: their order says which way is better");
  if (node["weight"])
    c.weight = r.bounded(node["weight"], path + ".weight", 1e-9, 1e9, "a weight > 0");
  if (node["critical"])
    c.critical = r.boolean(node["critical"], path + ".critical");
  if (node["missing"]) {
    const std::string m = r.scalar(node["missing"], path + ".missing", "fail or skip");
    if (m != "fail" && m != "skip")
      r.fail(node["missing"], path + ".missing", "expected fail or skip, found '" + m + "'");
    c.skip_missing = m == "skip";
  }
  return c;
}

} // namespace

ValidationProfile load_validation_profile(const std::string& path)
{
  return load_validation_profile_text(YamlReader::read_text(path, "validation profile"), path);
}

ValidationProfile load_validation_profile_text(const std::string& text, const std::string& path)
{
  const YamlReader r(path);
  const YAML::Node root = r.parse(text);
  if (!root.IsMap())
    r.fail(root, "", "expected a validation profile map {pass_mark, criteria, ...}");
  r.check_keys(root, "", {"name", "description", "pass_mark", "replications", "contexts", "categories", "criteria"});
  ValidationProfile p;
  p.path = path;
  p.sha256 = results::sha256_hex(text);
  p.name = root["name"] ? r.scalar(root["name"], "name", "a name") : std::filesystem::path(path).stem().string();
  if (root["pass_mark"])
    p.pass_mark = r.bounded(root["pass_mark"], "pass_mark", 0, 100, "a score in [0, 100]");
  if (root["replications"])
    p.replications =
        static_cast<uint32_t>(r.bounded(root["replications"], "replications", 1, 1000, "a count in [1, 1000]"));
  if (const auto contexts = root["contexts"]) {
    r.check_keys(contexts, "contexts", {"peak", "soak", "capacity"});
    if (const auto peak = contexts["peak"]) {
      r.check_keys(peak, "contexts.peak", {"load"});
      if (peak["load"])
        p.peak_load = r.bounded(peak["load"], "contexts.peak.load", 1e-3, 1e3, "a load factor in [0.001, 1000]");
    }
    if (const auto soak = contexts["soak"]) {
      r.check_keys(soak, "contexts.soak", {"length"});
      if (soak["length"])
        p.soak_length = r.bounded(soak["length"], "contexts.soak.length", 1, 1000, "a length factor in [1, 1000]");
    }
    if (const auto capacity = contexts["capacity"]) {
      r.check_keys(capacity, "contexts.capacity", {"min_success", "tolerance"});
      if (capacity["min_success"])
        p.capacity_min_success = target_value(r, capacity["min_success"], "contexts.capacity.min_success");
      if (capacity["tolerance"])
        p.capacity_tolerance = target_value(r, capacity["tolerance"], "contexts.capacity.tolerance");
      if (!(p.capacity_min_success >= 0 && p.capacity_min_success <= 1))
        r.fail(capacity["min_success"], "contexts.capacity.min_success", "expected a share in [0, 1] such as 99%");
      if (!(p.capacity_tolerance > 0 && p.capacity_tolerance <= 0.5))
        r.fail(capacity["tolerance"], "contexts.capacity.tolerance", "expected a share in (0, 50%] such as 5%");
    }
  }
  for (const auto& c : VALIDATION_CATEGORIES)
    p.category_weights[c] = 1;
  if (const auto weights = root["categories"]) {
    r.check_keys(weights, "categories",
                 std::set<std::string>(VALIDATION_CATEGORIES.begin(), VALIDATION_CATEGORIES.end()));
    for (const auto& kv : weights) {
      const std::string key = kv.first.as<std::string>();
      p.category_weights[key] = r.bounded(kv.second, "categories." + key, 0, 1e9, "a weight >= 0");
    }
  }
  const auto criteria = root["criteria"];
  if (!criteria)
    r.fail(root, "", "missing required key 'criteria'");
  if (!criteria.IsSequence() || criteria.size() == 0)
    r.fail(criteria, "criteria", "expected a non-empty list of criteria");
  std::set<std::string> names;
  for (size_t i = 0; i < criteria.size(); ++i) {
    const std::string at = "criteria." + std::to_string(i);
    p.criteria.push_back(criterion(r, criteria[i], at));
    if (!names.insert(p.criteria.back().name).second)
      r.fail(criteria[i]["name"], at + ".name", "duplicate criterion name '" + p.criteria.back().name + "'");
  }
  return p;
}

} // namespace orchsim::analysis
