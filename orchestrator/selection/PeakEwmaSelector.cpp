#include "orchestrator/selection/PeakEwmaSelector.hpp"

#include <cmath>

namespace orchsim::orchestrator::selection {

namespace {
// Finagle's Penalty is Double.MaxValue / 2; this one leaves room to add an outstanding count.
constexpr double PENALTY = 1e300;
constexpr double PENALTY_PER_CALL = 1e285;
} // namespace

PeakEwmaSelector::PeakEwmaSelector(const std::vector<PoolMember>& members, double decay_s, sim::Rng rng)
    : index_(members), available_(static_cast<uint32_t>(members.size())), decay_s_(decay_s), rng_(rng)
{
  require(decay_s >= 0 && !std::isnan(decay_s), "peak_ewma needs decay_s >= 0");
  state_.reserve(members.size());
  for (const auto& m : members)
    state_.push_back({m.expected_latency_s > 0 ? m.expected_latency_s : 0.0, 0.0, 0});
}

double PeakEwmaSelector::decay_weight(double elapsed_s) const
{
  if (!(elapsed_s > 0))
    return 1.0;
  if (decay_s_ == 0)
    return 0.0;
  return std::exp(-elapsed_s / decay_s_);
}

void PeakEwmaSelector::start_clock(double now_s)
{
  if (started_)
    return;
  started_ = true;
  for (auto& member : state_)
    member.last_update_s = now_s;
}

double PeakEwmaSelector::load(uint32_t slot, double now_s) const
{
  const MemberState& member = state_[slot];
  const double cost = member.cost_s * decay_weight(now_s - member.last_update_s);
  const auto outstanding = static_cast<double>(member.outstanding);
  if (cost == 0 && member.outstanding != 0)
    return PENALTY + outstanding * PENALTY_PER_CALL; // ordered by outstanding among penalised members
  return cost * (outstanding + 1.0);
}

uint32_t PeakEwmaSelector::pick(const PickContext& context)
{
  const uint32_t m = available_.size();
  if (m == 0)
    return NONE;
  start_clock(context.now_s);
  if (m == 1)
    return index_.get_instance(available_.at(0));
  const auto i = static_cast<uint32_t>(rng_.below(m));
  auto j = static_cast<uint32_t>(rng_.below(m - 1));
  if (j >= i)
    ++j;
  const uint32_t first = available_.at(i), second = available_.at(j);
  const bool second_wins = load(second, context.now_s) < load(first, context.now_s);
  return index_.get_instance(second_wins ? second : first);
}

void PeakEwmaSelector::on_issue(uint32_t instance, double now_s)
{
  start_clock(now_s);
  ++state_[index_.get_slot(instance)].outstanding;
}

void PeakEwmaSelector::end_call(uint32_t slot)
{
  if (state_[slot].outstanding > 0)
    --state_[slot].outstanding;
}

void PeakEwmaSelector::on_answer(uint32_t instance, double now_s, double latency_s, bool)
{
  start_clock(now_s);
  const uint32_t slot = index_.get_slot(instance);
  end_call(slot);
  MemberState& member = state_[slot];
  if (latency_s > member.cost_s) {
    member.cost_s = latency_s;
  } else {
    const double w = decay_weight(now_s - member.last_update_s);
    member.cost_s = member.cost_s * w + latency_s * (1.0 - w);
  }
  member.last_update_s = now_s;
}

void PeakEwmaSelector::on_abandon(uint32_t instance, double now_s)
{
  start_clock(now_s);
  end_call(index_.get_slot(instance));
}

void PeakEwmaSelector::set_available(uint32_t instance, bool available)
{
  const uint32_t slot = index_.get_slot(instance);
  if (available)
    available_.insert(slot);
  else
    available_.erase(slot);
}

} // namespace orchsim::orchestrator::selection
