#include "orchestrator/selection/LeastOutstandingSelector.hpp"

namespace orchsim::orchestrator::selection {

LeastOutstandingSelector::LeastOutstandingSelector(const std::vector<PoolMember>& members)
    : index_(members), buckets_(static_cast<uint32_t>(members.size()))
{
}

uint32_t LeastOutstandingSelector::pick(const PickContext&)
{
  const uint32_t slot = buckets_.pick_least();
  return slot == NONE ? NONE : index_.get_instance(slot);
}

void LeastOutstandingSelector::on_issue(uint32_t instance, double)
{
  buckets_.increment(index_.get_slot(instance));
}

void LeastOutstandingSelector::on_answer(uint32_t instance, double, double, bool)
{
  buckets_.decrement(index_.get_slot(instance));
}

void LeastOutstandingSelector::on_abandon(uint32_t instance, double)
{
  buckets_.decrement(index_.get_slot(instance));
}

void LeastOutstandingSelector::set_available(uint32_t instance, bool available)
{
  buckets_.set_available(index_.get_slot(instance), available);
}

} // namespace orchsim::orchestrator::selection
