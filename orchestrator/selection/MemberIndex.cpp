#include "orchestrator/selection/MemberIndex.hpp"

#include <algorithm>

namespace orchsim::orchestrator::selection {

MemberIndex::MemberIndex(std::span<const PoolMember> members)
{
  require(!members.empty(), "a selector needs at least one member");
  instances_.reserve(members.size());
  for (const auto& m : members) {
    require(m.instance != Selector::NONE, "instance id NONE is reserved");
    instances_.push_back(m.instance);
  }
  const auto [lo, hi] = std::minmax_element(instances_.begin(), instances_.end());
  const uint64_t span = static_cast<uint64_t>(*hi) - *lo + 1;
  // A flat table when it costs at most a few words per member.
  if (span <= 4 * static_cast<uint64_t>(instances_.size()) + 1024) {
    base_ = *lo;
    dense_.assign(span, Selector::NONE);
    for (uint32_t slot = 0; slot < size(); ++slot) {
      uint32_t& entry = dense_[instances_[slot] - base_];
      require(entry == Selector::NONE, "instance ids of a pool must be distinct");
      entry = slot;
    }
  } else {
    sparse_.reserve(instances_.size());
    for (uint32_t slot = 0; slot < size(); ++slot)
      require(sparse_.emplace(instances_[slot], slot).second, "instance ids of a pool must be distinct");
  }
}

} // namespace orchsim::orchestrator::selection
