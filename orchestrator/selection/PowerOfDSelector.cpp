#include "orchestrator/selection/PowerOfDSelector.hpp"

#include <algorithm>

namespace orchsim::orchestrator::selection {

PowerOfDSelector::PowerOfDSelector(const std::vector<PoolMember>& members, uint32_t d, bool with_replacement,
                                   sim::Rng rng)
    : index_(members)
    , available_(static_cast<uint32_t>(members.size()))
    , outstanding_(members.size())
    , d_(d)
    , with_replacement_(with_replacement)
    , rng_(rng)
{
  require(d >= 1, "power_of_d needs d >= 1");
}

uint32_t PowerOfDSelector::pick(const PickContext&)
{
  if (available_.empty())
    return NONE;
  uint32_t best;
  if (with_replacement_) {
    best = available_.sample(rng_);
    for (uint32_t k = 1; k < d_; ++k) {
      const uint32_t candidate = available_.sample(rng_);
      if (outstanding_[candidate] < outstanding_[best])
        best = candidate;
    }
  } else {
    const uint32_t d = std::min(d_, available_.size());
    best = available_.draw_distinct(0, rng_);
    for (uint32_t k = 1; k < d; ++k) {
      const uint32_t candidate = available_.draw_distinct(k, rng_);
      if (outstanding_[candidate] < outstanding_[best])
        best = candidate;
    }
  }
  return index_.get_instance(best);
}

void PowerOfDSelector::on_issue(uint32_t instance, double)
{
  outstanding_.add(index_.get_slot(instance));
}

void PowerOfDSelector::on_answer(uint32_t instance, double, double, bool)
{
  outstanding_.remove(index_.get_slot(instance));
}

void PowerOfDSelector::on_abandon(uint32_t instance, double)
{
  outstanding_.remove(index_.get_slot(instance));
}

void PowerOfDSelector::set_available(uint32_t instance, bool available)
{
  const uint32_t slot = index_.get_slot(instance);
  if (available)
    available_.insert(slot);
  else
    available_.erase(slot);
}

} // namespace orchsim::orchestrator::selection
