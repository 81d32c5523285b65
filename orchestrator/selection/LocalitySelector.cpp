#include "orchestrator/selection/LocalitySelector.hpp"

#include <limits>

namespace orchsim::orchestrator::selection {

LocalitySelector::LocalitySelector(const std::vector<PoolMember>& members, double spill_at)
    : index_(members), members_(members), outstanding_(members.size()), available_(members.size(), 1),
      spill_at_(spill_at)
{
}

uint32_t LocalitySelector::pick(const PickContext& context)
{
  const auto n = static_cast<uint32_t>(members_.size());
  // tier 0: the clients' zone, 1: their region, 2: anywhere
  auto tier_of = [&](const PoolMember& m) -> uint32_t {
    if (m.zone != NO_PLACE && m.zone == context.origin_zone)
      return 0;
    if (m.region != NO_PLACE && m.region == context.origin_region)
      return 1;
    return 2;
  };
  double best_load[3] = {std::numeric_limits<double>::infinity(), std::numeric_limits<double>::infinity(),
                         std::numeric_limits<double>::infinity()};
  uint32_t best[3] = {NONE, NONE, NONE};
  double overall_load = std::numeric_limits<double>::infinity();
  uint32_t overall = NONE;
  for (uint32_t k = 0; k < n; ++k) {
    const uint32_t slot = (turn_ + k) % n;
    if (!available_[slot])
      continue;
    const PoolMember& m = members_[slot];
    const double load = static_cast<double>(outstanding_[slot]) / static_cast<double>(m.concurrency);
    const uint32_t t = tier_of(m);
    if (load < best_load[t])
      best_load[t] = load, best[t] = slot;
    if (load < overall_load)
      overall_load = load, overall = slot;
  }
  if (overall == NONE)
    return NONE;
  uint32_t chosen = overall;
  // A tier covers the tiers nearer than it: the region's best includes the zone's members.
  double covered = std::numeric_limits<double>::infinity();
  uint32_t covered_best = NONE;
  for (int t = 0; t < 3; ++t) {
    if (best[t] != NONE && best_load[t] < covered)
      covered = best_load[t], covered_best = best[t];
    if (covered_best != NONE && covered < spill_at_) {
      chosen = covered_best;
      break;
    }
  }
  turn_ = (chosen + 1) % n;
  return members_[chosen].instance;
}

void LocalitySelector::on_issue(uint32_t instance, double)
{
  outstanding_.add(index_.get_slot(instance));
}

void LocalitySelector::on_answer(uint32_t instance, double, double, bool)
{
  outstanding_.remove(index_.get_slot(instance));
}

void LocalitySelector::on_abandon(uint32_t instance, double)
{
  outstanding_.remove(index_.get_slot(instance));
}

void LocalitySelector::set_available(uint32_t instance, bool available)
{
  available_[index_.get_slot(instance)] = available ? 1 : 0;
}

} // namespace orchsim::orchestrator::selection
