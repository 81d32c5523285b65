// orchestrator/selection/RandomSelector.hpp
#pragma once
#include <vector>

#include "orchestrator/selection/AvailableSet.hpp"
#include "orchestrator/selection/MemberIndex.hpp"
#include "orchestrator/selection/Selector.hpp"

namespace orchsim::orchestrator::selection {

/** random: a member drawn uniformly among the available ones (Envoy's random policy, unweighted).
 *  O(1) per pick and per availability change (AvailableSet). Ignores calls and answers. */
class RandomSelector final : public Selector {
public:
  RandomSelector(const std::vector<PoolMember>& members, sim::Rng rng);

  uint32_t pick(const PickContext& context) override;
  void on_issue(uint32_t, double) override {}
  void on_answer(uint32_t, double, double, bool) override {}
  void on_abandon(uint32_t, double) override {}
  void set_available(uint32_t instance, bool available) override;

private:
  MemberIndex index_;
  AvailableSet available_;
  sim::Rng rng_;
};

} // namespace orchsim::orchestrator::selection
