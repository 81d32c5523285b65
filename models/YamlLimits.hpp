// models/YamlLimits.hpp
#pragma once
#include <cstdint>
#include <string>

#include <yaml-cpp/yaml.h>

namespace orchsim::models {

/** The most nodes a YAML document may expand to through its anchors and aliases (docs/RELIABILITY.md).
 *  yaml-cpp shares an aliased node instead of copying it, so parsing stays linear; but anything that
 *  walks the tree (profile merges, overrides, loaders) would visit an alias of an alias of ... as many
 *  times as it is referenced: nine levels of nine aliases is a billion nodes ("billion laughs"). */
inline constexpr uint64_t MAX_EXPANDED_YAML_NODES = 1'000'000;

/** Throws sim::InputError (at `file`, the first alias's line) when `root`, its aliases expanded, has
 *  more than MAX_EXPANDED_YAML_NODES nodes. Linear in the document's distinct nodes. */
void check_alias_expansion(const YAML::Node& root, const std::string& file);

} // namespace orchsim::models
