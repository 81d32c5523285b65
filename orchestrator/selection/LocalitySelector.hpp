// orchestrator/selection/LocalitySelector.hpp
#pragma once
#include <vector>

#include "orchestrator/selection/MemberIndex.hpp"
#include "orchestrator/selection/OutstandingCounts.hpp"
#include "orchestrator/selection/Selector.hpp"

namespace orchsim::orchestrator::selection {

/** locality: prefer instances near the request's clients and spill over when they are overloaded, in
 *  the spirit of Envoy's zone-aware routing and locality priorities. Three tiers: members in the
 *  clients' zone, members in their region, every member. In the first tier that has an available
 *  member, the least loaded one (outstanding calls per concurrency slot, ties in turn) is picked
 *  when its load is below `spill_at`; otherwise the next tier is tried; when every tier is
 *  overloaded, the least loaded member of all. Members without a placement (no platform) are in no
 *  zone: the strategy is then least-outstanding per slot. O(members) per pick. */
class LocalitySelector final : public Selector {
public:
  LocalitySelector(const std::vector<PoolMember>& members, double spill_at);

  uint32_t pick(const PickContext& context) override;
  void on_issue(uint32_t instance, double now_s) override;
  void on_answer(uint32_t instance, double now_s, double latency_s, bool success) override;
  void on_abandon(uint32_t instance, double now_s) override;
  void set_available(uint32_t instance, bool available) override;

private:
  MemberIndex index_;
  std::vector<PoolMember> members_;
  OutstandingCounts outstanding_;
  std::vector<uint8_t> available_;
  double spill_at_;
  uint32_t turn_ = 0; // where the next tie-breaking scan starts
};

} // namespace orchsim::orchestrator::selection
