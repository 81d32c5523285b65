#include "orchestrator/selection/RandomSelector.hpp"

namespace orchsim::orchestrator::selection {

RandomSelector::RandomSelector(const std::vector<PoolMember>& members, sim::Rng rng)
    : index_(members), available_(static_cast<uint32_t>(members.size())), rng_(rng)
{
}

uint32_t RandomSelector::pick(const PickContext&)
{
  if (available_.empty())
    return NONE;
  return index_.get_instance(available_.sample(rng_));
}

void RandomSelector::set_available(uint32_t instance, bool available)
{
  const uint32_t slot = index_.get_slot(instance);
  if (available)
    available_.insert(slot);
  else
    available_.erase(slot);
}

} // namespace orchsim::orchestrator::selection
