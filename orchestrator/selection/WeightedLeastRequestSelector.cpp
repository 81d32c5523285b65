#include "orchestrator/selection/WeightedLeastRequestSelector.hpp"

#include <cmath>

namespace orchsim::orchestrator::selection {

WeightedLeastRequestSelector::WeightedLeastRequestSelector(const std::vector<PoolMember>& members, double bias,
                                                           sim::Rng rng)
    : index_(members)
    , outstanding_(members.size())
    , available_(static_cast<uint32_t>(members.size()))
    , schedule_(static_cast<uint32_t>(members.size()))
    , bias_(bias)
    , rng_(rng)
{
  require(bias >= 0 && std::isfinite(bias), "weighted_least_request needs a finite bias >= 0");
  weights_.reserve(members.size());
  for (const auto& m : members) {
    require(m.weight > 0 && std::isfinite(m.weight), "a member's weight must be positive and finite");
    weights_.push_back(m.weight);
    ++available_weight_count_[m.weight];
  }
  for (uint32_t slot = 0; slot < index_.size(); ++slot)
    schedule_.add(slot, effective_weight(slot));
}

double WeightedLeastRequestSelector::effective_weight(uint32_t slot) const
{
  // Envoy's hostWeight(): weight / (active + 1)^bias, with the same shortcuts for bias 1 and 0.
  const double active_plus_one = static_cast<double>(outstanding_[slot]) + 1.0;
  if (bias_ == 1.0)
    return weights_[slot] / active_plus_one;
  if (bias_ == 0.0)
    return weights_[slot];
  return weights_[slot] / std::pow(active_plus_one, bias_);
}

uint32_t WeightedLeastRequestSelector::pick(const PickContext&)
{
  if (available_.empty())
    return NONE;
  if (available_weight_count_.size() == 1) { // all available weights equal: P2C
    const uint32_t first = available_.sample(rng_);
    const uint32_t second = available_.sample(rng_);
    return index_.get_instance(outstanding_[second] < outstanding_[first] ? second : first);
  }
  const uint32_t slot = schedule_.top();
  schedule_.reschedule_top(effective_weight(slot));
  return index_.get_instance(slot);
}

void WeightedLeastRequestSelector::on_issue(uint32_t instance, double)
{
  outstanding_.add(index_.get_slot(instance));
}

void WeightedLeastRequestSelector::on_answer(uint32_t instance, double, double, bool)
{
  outstanding_.remove(index_.get_slot(instance));
}

void WeightedLeastRequestSelector::on_abandon(uint32_t instance, double)
{
  outstanding_.remove(index_.get_slot(instance));
}

void WeightedLeastRequestSelector::set_available(uint32_t instance, bool available)
{
  const uint32_t slot = index_.get_slot(instance);
  const double weight = weights_[slot];
  if (available) {
    if (!available_.insert(slot))
      return;
    schedule_.add(slot, effective_weight(slot));
    ++available_weight_count_[weight];
    return;
  }
  if (!available_.erase(slot))
    return;
  schedule_.remove(slot);
  auto it = available_weight_count_.find(weight);
  if (--it->second == 0)
    available_weight_count_.erase(it);
}

} // namespace orchsim::orchestrator::selection
