#include "models/YamlLimits.hpp"

#include <algorithm>
#include <unordered_map>

#include "sim/InputError.hpp"

namespace orchsim::models {

namespace {

/** Expanded size of `node`, memoised per distinct node (an alias is the node it names, at the same
 *  mark), saturating just above the limit. */
uint64_t expanded(const YAML::Node& node, std::unordered_map<size_t, uint64_t>& memo, uint32_t depth)
{
  if (depth > 10'000) // deeper than any real document; and beyond it the walk itself would be the risk
    return MAX_EXPANDED_YAML_NODES + 1;
  const auto id = static_cast<size_t>(node.Mark().pos); // an alias has its anchor's mark
  if (!node.IsDefined() || node.IsScalar() || node.IsNull())
    return 1;
  if (auto it = memo.find(id); it != memo.end())
    return it->second;
  uint64_t total = 1;
  if (node.IsSequence()) {
    for (const auto& child : node)
      total = std::min(MAX_EXPANDED_YAML_NODES + 1, total + expanded(child, memo, depth + 1));
  } else if (node.IsMap()) {
    for (const auto& item : node) {
      total = std::min(MAX_EXPANDED_YAML_NODES + 1, total + expanded(item.first, memo, depth + 1));
      total = std::min(MAX_EXPANDED_YAML_NODES + 1, total + expanded(item.second, memo, depth + 1));
    }
  }
  memo[id] = total;
  return total;
}

} // namespace

void check_alias_expansion(const YAML::Node& root, const std::string& file)
{
  std::unordered_map<size_t, uint64_t> memo;
  if (expanded(root, memo, 0) > MAX_EXPANDED_YAML_NODES)
    throw sim::InputError(sim::InputLocation{file, 1, 1, ""},
                          "the document expands through its anchors and aliases to more than " +
                              std::to_string(MAX_EXPANDED_YAML_NODES) +
                              " nodes (a \"billion laughs\" document, or nesting deeper than 10,000 levels): refused");
}

} // namespace orchsim::models
