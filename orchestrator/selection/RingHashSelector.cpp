#include "orchestrator/selection/RingHashSelector.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

namespace orchsim::orchestrator::selection {

uint64_t RingHashSelector::mix64(uint64_t x)
{
  uint64_t z = x + 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

RingHashSelector::RingHashSelector(const std::vector<PoolMember>& members, uint32_t ring_size)
    : index_(members), available_(members.size(), 1), available_count_(static_cast<uint32_t>(members.size()))
{
  double total_weight = 0;
  for (const auto& m : members) {
    require(m.weight > 0 && std::isfinite(m.weight), "a member's weight must be positive and finite");
    total_weight += m.weight;
  }
  // Cumulative rounding: the counts add up to ring_size, except where a member is raised to one point.
  std::vector<std::pair<uint64_t, uint32_t>> points;
  points.reserve(std::max<size_t>(ring_size, members.size()));
  double cumulative = 0;
  uint64_t placed = 0;
  for (uint32_t slot = 0; slot < members.size(); ++slot) {
    cumulative += static_cast<double>(ring_size) * members[slot].weight / total_weight;
    const auto upto = static_cast<uint64_t>(std::llround(cumulative));
    const uint64_t count = std::max<uint64_t>(1, upto > placed ? upto - placed : 0);
    placed = std::max(upto, placed);
    const uint64_t base = static_cast<uint64_t>(members[slot].instance) << 32;
    for (uint64_t replica = 0; replica < count; ++replica)
      points.emplace_back(mix64(base | replica), slot);
  }
  std::sort(points.begin(), points.end());
  point_hash_.reserve(points.size());
  point_slot_.reserve(points.size());
  for (const auto& [hash, slot] : points) {
    point_hash_.push_back(hash);
    point_slot_.push_back(slot);
  }
}

uint32_t RingHashSelector::pick(const PickContext& context)
{
  if (available_count_ == 0)
    return NONE;
  const uint64_t key_hash = mix64(context.request_key);
  size_t i =
      static_cast<size_t>(std::lower_bound(point_hash_.begin(), point_hash_.end(), key_hash) - point_hash_.begin());
  const size_t n = point_hash_.size();
  if (i == n)
    i = 0;
  while (!available_[point_slot_[i]]) // ends: some member is available and owns a point
    i = i + 1 == n ? 0 : i + 1;
  return index_.get_instance(point_slot_[i]);
}

void RingHashSelector::set_available(uint32_t instance, bool available)
{
  uint8_t& flag = available_[index_.get_slot(instance)];
  if ((flag != 0) == available)
    return;
  flag = available ? 1 : 0;
  if (available)
    ++available_count_;
  else
    --available_count_;
}

} // namespace orchsim::orchestrator::selection
