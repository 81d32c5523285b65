#include "analysis/YamlReader.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <sstream>
#include <vector>

#include "models/Units.hpp"
#include "models/YamlLimits.hpp"

namespace orchsim::analysis {

using sim::InputError;
using sim::InputLocation;

std::string YamlReader::read_text(const std::string& path, const std::string& what)
{
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw InputError(InputLocation{path, 0, 0, ""}, "cannot open " + what);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

YAML::Node YamlReader::parse(const std::string& text) const
{
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw InputError(
        InputLocation{file_, e.mark.is_null() ? 0 : e.mark.line + 1, e.mark.is_null() ? 0 : e.mark.column + 1, ""},
        "malformed YAML: " + e.msg);
  }
  models::check_alias_expansion(root, file_);
  return root;
}

double YamlReader::bounded(const YAML::Node& node, const std::string& path, double min, double max,
                           const std::string& what) const
{
  const auto v = models::parse_number(scalar(node, path, what));
  if (!v || *v < min || *v > max)
    fail(node, path, "expected " + what + ", found '" + node.Scalar() + "'");
  return *v;
}

InputLocation YamlReader::at(const YAML::Node& node, const std::string& path) const
{
  const YAML::Mark m = node.Mark();
  return InputLocation{file_, m.is_null() ? 0 : m.line + 1, m.is_null() ? 0 : m.column + 1, path};
}

void YamlReader::fail(const YAML::Node& node, const std::string& path, const std::string& message) const
{
  throw InputError(at(node, path), message);
}

void YamlReader::check_unique(const YAML::Node& map, const std::string& path) const
{
  if (!map.IsMap())
    fail(map, path, "expected a map");
  std::set<std::string> seen;
  for (const auto& kv : map) {
    const std::string key = scalar(kv.first, path, "a key");
    if (!seen.insert(key).second)
      fail(kv.first, join(path, key), "duplicate key '" + key + "'");
  }
}

void YamlReader::check_keys(const YAML::Node& map, const std::string& path, const std::set<std::string>& known) const
{
  check_unique(map, path);
  for (const auto& kv : map) {
    const std::string key = kv.first.Scalar();
    if (known.count(key))
      continue;
    std::string list;
    for (const auto& k : known)
      list += (list.empty() ? "" : ", ") + k;
    const auto hint = models::did_you_mean(key, std::vector<std::string>(known.begin(), known.end()));
    fail(kv.first, join(path, key),
         "unknown key '" + key + "'" + (hint ? " (did you mean '" + *hint + "'?)" : "") + "; expected one of: " + list);
  }
}

YAML::Node YamlReader::required(const YAML::Node& map, const std::string& path, const char* key) const
{
  if (!map[key])
    fail(map, path, std::string("missing required key '") + key + "'");
  return map[key];
}

std::string YamlReader::scalar(const YAML::Node& node, const std::string& path, const std::string& what) const
{
  if (!node.IsScalar())
    fail(node, path, "expected " + what);
  return node.Scalar();
}

double YamlReader::number(const YAML::Node& node, const std::string& path) const
{
  const std::string text = scalar(node, path, "a number");
  if (const auto v = models::parse_number(text))
    return *v;
  const bool has_unit = !text.empty() && (std::isdigit(static_cast<unsigned char>(text.front())) || text[0] == '.');
  fail(node, path,
       "expected a number, found '" + text + "'" + (has_unit ? " (write the unit once, as the parameter's unit)" : ""));
}

uint64_t YamlReader::count(const YAML::Node& node, const std::string& path, uint64_t min, uint64_t max) const
{
  const auto v = models::parse_number(scalar(node, path, "a whole number"));
  if (!v || *v != std::floor(*v) || *v < static_cast<double>(min) || *v > static_cast<double>(max))
    fail(node, path,
         "expected a whole number in [" + std::to_string(min) + ", " + std::to_string(max) + "], found '" +
             node.Scalar() + "'");
  return static_cast<uint64_t>(*v);
}

bool YamlReader::boolean(const YAML::Node& node, const std::string& path) const
{
  const std::string text = scalar(node, path, "true or false");
  if (text != "true" && text != "false")
    fail(node, path, "expected true or false, found '" + text + "'");
  return text == "true";
}

std::string YamlReader::name(const YAML::Node& node, const std::string& path) const
{
  std::string text = scalar(node, path, "a name");
  if (text.empty() || !std::all_of(text.begin(), text.end(), [](char ch) {
        return std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_' || ch == '.';
      }))
    fail(node, path, "expected a name of letters, digits, '-', '_' and '.', found '" + text + "'");
  return text;
}

} // namespace orchsim::analysis
