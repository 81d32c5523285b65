#include "orchestrator/selection/RoundRobinSelector.hpp"

namespace orchsim::orchestrator::selection {

RoundRobinSelector::RoundRobinSelector(const std::vector<PoolMember>& members)
    : index_(members), available_(static_cast<uint32_t>(members.size()))
{
}

uint32_t RoundRobinSelector::pick(const PickContext&)
{
  uint32_t slot = available_.find_next(cursor_);
  if (slot == NONE)
    slot = available_.find_next(0); // wrap around
  if (slot == NONE)
    return NONE;
  cursor_ = slot + 1;
  return index_.get_instance(slot);
}

void RoundRobinSelector::set_available(uint32_t instance, bool available)
{
  const uint32_t slot = index_.get_slot(instance);
  if (available)
    available_.set(slot);
  else
    available_.clear(slot);
}

} // namespace orchsim::orchestrator::selection
