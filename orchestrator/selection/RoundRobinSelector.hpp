// orchestrator/selection/RoundRobinSelector.hpp
#pragma once
#include <vector>

#include "orchestrator/selection/MemberIndex.hpp"
#include "orchestrator/selection/Selector.hpp"
#include "orchestrator/selection/SlotBitset.hpp"

namespace orchsim::orchestrator::selection {

/** round_robin: the members in their pool order, one after the other, skipping unavailable ones
 *  (the classic policy; Envoy's round robin with equal weights). The next pick starts after the
 *  previous one, so a member made available again takes its turn where it stands in the order.
 *  O(log_64 n) word operations per pick (<= 3 up to 262 144 members): effectively O(1), whatever
 *  the number of unavailable members. Ignores calls and answers. */
class RoundRobinSelector final : public Selector {
public:
  explicit RoundRobinSelector(const std::vector<PoolMember>& members);

  uint32_t pick(const PickContext& context) override;
  void on_issue(uint32_t, double) override {}
  void on_answer(uint32_t, double, double, bool) override {}
  void on_abandon(uint32_t, double) override {}
  void set_available(uint32_t instance, bool available) override;

private:
  MemberIndex index_;
  SlotBitset available_;
  uint32_t cursor_ = 0; // the slot where the next search starts
};

} // namespace orchsim::orchestrator::selection
