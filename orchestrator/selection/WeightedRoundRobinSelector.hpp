// orchestrator/selection/WeightedRoundRobinSelector.hpp
#pragma once
#include <vector>

#include "orchestrator/selection/EdfSchedule.hpp"
#include "orchestrator/selection/MemberIndex.hpp"
#include "orchestrator/selection/Selector.hpp"

namespace orchsim::orchestrator::selection {

/** weighted_round_robin: Envoy's weighted round robin, an earliest-deadline-first schedule on the
 *  members' weights (EdfSchedule): each member has a virtual deadline that advances by 1/weight when it
 *  is picked. Shares of picks are proportional to weights (for integer weights, exactly after every
 *  sum-of-weights picks); with equal weights the order is plain round robin in pool order.
 *  A member made available again is scheduled at the current virtual time + 1/weight. Deterministic:
 *  unlike recent Envoy versions, the schedule does not start at a random offset. O(log n) per pick and
 *  per availability change. Ignores calls and answers. */
class WeightedRoundRobinSelector final : public Selector {
public:
  explicit WeightedRoundRobinSelector(const std::vector<PoolMember>& members);

  uint32_t pick(const PickContext& context) override;
  void on_issue(uint32_t, double) override {}
  void on_answer(uint32_t, double, double, bool) override {}
  void on_abandon(uint32_t, double) override {}
  void set_available(uint32_t instance, bool available) override;

private:
  MemberIndex index_;
  std::vector<double> weights_;
  EdfSchedule schedule_;
};

} // namespace orchsim::orchestrator::selection
