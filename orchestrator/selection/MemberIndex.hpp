// orchestrator/selection/MemberIndex.hpp
#pragma once
#include <cstdint>
#include <span>
#include <unordered_map>
#include <vector>

#include "orchestrator/selection/Require.hpp"
#include "orchestrator/selection/Selector.hpp"

namespace orchsim::orchestrator::selection {

/** Maps a pool's global instance ids to dense slots 0..n-1 (the members' order) and back.
 *  A flat table when the ids are compact (the usual case: a pool's instances are numbered together),
 *  a hash map otherwise; O(1) either way. Immutable after construction.
 *  REQUIRES: members non-empty, instance ids distinct and different from Selector::NONE. */
class MemberIndex {
public:
  explicit MemberIndex(std::span<const PoolMember> members);

  uint32_t size() const { return static_cast<uint32_t>(instances_.size()); }
  uint32_t get_instance(uint32_t slot) const { return instances_[slot]; }

  /** The slot of `instance`. Aborts when it is not a member (the caller broke the interface). */
  uint32_t get_slot(uint32_t instance) const
  {
    if (!dense_.empty()) {
      const uint32_t offset = instance - base_; // wraps for ids below base_: caught by the bound
      if (offset < dense_.size() && dense_[offset] != Selector::NONE)
        return dense_[offset];
    } else if (auto it = sparse_.find(instance); it != sparse_.end()) {
      return it->second;
    }
    fail_invariant("an instance that is not a member of the pool was reported to its selector");
  }

private:
  std::vector<uint32_t> instances_; // slot -> instance id
  uint32_t base_ = 0;               // smallest instance id (flat table)
  std::vector<uint32_t> dense_;     // instance - base_ -> slot or NONE; empty when ids are sparse
  std::unordered_map<uint32_t, uint32_t> sparse_;
};

} // namespace orchsim::orchestrator::selection
