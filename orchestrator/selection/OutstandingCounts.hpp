// orchestrator/selection/OutstandingCounts.hpp
#pragma once
#include <cstdint>
#include <vector>

namespace orchsim::orchestrator::selection {

/** Calls sent to each member slot and not yet ended, as a selector sees them: a call's issue adds one,
 *  its answer or abandonment takes one. Never below zero: a second end reported for one call is
 *  ignored. Shared by the strategies that compare outstanding counts of sampled members. */
class OutstandingCounts {
public:
  explicit OutstandingCounts(size_t slots) : counts_(slots, 0) {}
  void add(uint32_t slot) { ++counts_[slot]; }
  void remove(uint32_t slot)
  {
    if (counts_[slot] > 0)
      --counts_[slot];
  }
  uint32_t operator[](uint32_t slot) const { return counts_[slot]; }

private:
  std::vector<uint32_t> counts_;
};

} // namespace orchsim::orchestrator::selection
