#include "orchestrator/selection/CapabilityScoreSelector.hpp"

#include <algorithm>
#include <limits>
#include <unordered_map>

namespace orchsim::orchestrator::selection {

CapabilityScoreSelector::CapabilityScoreSelector(const std::vector<PoolMember>& members,
                                                 const models::ScoreWeights& weights)
    : index_(members), weights_(weights), service_of_(members.size()), position_in_(members.size())
{
  std::unordered_map<uint32_t, uint32_t> service_index; // scenario service id -> index in services_
  std::vector<std::vector<uint32_t>> slots;
  for (uint32_t slot = 0; slot < members.size(); ++slot) {
    const PoolMember& m = members[slot];
    auto [it, inserted] = service_index.emplace(m.service, static_cast<uint32_t>(slots.size()));
    if (inserted) {
      slots.emplace_back();
      services_.push_back({m.expected_latency_s, m.expected_cost_usd, m.quality, {}, OutstandingBuckets(0)});
    }
    service_of_[slot] = it->second;
    position_in_[slot] = static_cast<uint32_t>(slots[it->second].size());
    slots[it->second].push_back(slot);
  }
  for (uint32_t k = 0; k < services_.size(); ++k) {
    services_[k].buckets = OutstandingBuckets(static_cast<uint32_t>(slots[k].size()));
    services_[k].slots = std::move(slots[k]);
    max_cost_usd_ = std::max(max_cost_usd_, services_[k].cost_usd);
    max_quality_ = std::max(max_quality_, services_[k].quality);
  }
}

uint32_t CapabilityScoreSelector::pick(const PickContext&)
{
  double max_latency_s = 0;
  for (const auto& s : services_)
    max_latency_s = std::max(max_latency_s, s.latency_s);
  const double latency_scale = max_latency_s > 0 ? weights_.latency / max_latency_s : 0.0;
  const double cost_scale = max_cost_usd_ > 0 ? weights_.cost / max_cost_usd_ : 0.0;
  const double quality_scale = max_quality_ > 0 ? weights_.quality / max_quality_ : 0.0;

  Service* best = nullptr;
  double best_score = std::numeric_limits<double>::infinity();
  for (auto& s : services_) {
    if (s.buckets.get_available_count() == 0)
      continue;
    const double score = latency_scale * s.latency_s + cost_scale * s.cost_usd - quality_scale * s.quality;
    if (best == nullptr || score < best_score) {
      best = &s;
      best_score = score;
    }
  }
  if (best == nullptr)
    return NONE;
  return index_.get_instance(best->slots[best->buckets.pick_least()]);
}

void CapabilityScoreSelector::on_issue(uint32_t instance, double)
{
  const uint32_t slot = index_.get_slot(instance);
  services_[service_of_[slot]].buckets.increment(position_in_[slot]);
}

void CapabilityScoreSelector::on_answer(uint32_t instance, double, double latency_s, bool)
{
  const uint32_t slot = index_.get_slot(instance);
  Service& s = services_[service_of_[slot]];
  s.buckets.decrement(position_in_[slot]);
  s.latency_s += LATENCY_ALPHA * (latency_s - s.latency_s);
}

void CapabilityScoreSelector::on_abandon(uint32_t instance, double)
{
  const uint32_t slot = index_.get_slot(instance);
  services_[service_of_[slot]].buckets.decrement(position_in_[slot]);
}

void CapabilityScoreSelector::set_available(uint32_t instance, bool available)
{
  const uint32_t slot = index_.get_slot(instance);
  services_[service_of_[slot]].buckets.set_available(position_in_[slot], available);
}

} // namespace orchsim::orchestrator::selection
