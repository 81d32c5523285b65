#include "orchestrator/selection/WeightedRoundRobinSelector.hpp"

#include <cmath>

namespace orchsim::orchestrator::selection {

WeightedRoundRobinSelector::WeightedRoundRobinSelector(const std::vector<PoolMember>& members)
    : index_(members), schedule_(static_cast<uint32_t>(members.size()))
{
  weights_.reserve(members.size());
  for (const auto& m : members) {
    require(m.weight > 0 && std::isfinite(m.weight), "a member's weight must be positive and finite");
    weights_.push_back(m.weight);
  }
  for (uint32_t slot = 0; slot < index_.size(); ++slot)
    schedule_.add(slot, weights_[slot]);
}

uint32_t WeightedRoundRobinSelector::pick(const PickContext&)
{
  if (schedule_.empty())
    return NONE;
  const uint32_t slot = schedule_.top();
  schedule_.reschedule_top(weights_[slot]);
  return index_.get_instance(slot);
}

void WeightedRoundRobinSelector::set_available(uint32_t instance, bool available)
{
  const uint32_t slot = index_.get_slot(instance);
  if (!available)
    schedule_.remove(slot);
  else if (!schedule_.contains(slot))
    schedule_.add(slot, weights_[slot]);
}

} // namespace orchsim::orchestrator::selection
