// orchestrator/selection/CapabilityScoreSelector.hpp
#pragma once
#include <cstdint>
#include <vector>

#include "models/Scenario.hpp"
#include "orchestrator/selection/MemberIndex.hpp"
#include "orchestrator/selection/OutstandingBuckets.hpp"
#include "orchestrator/selection/Selector.hpp"

namespace orchsim::orchestrator::selection {

/** capability_score: chooses among the pool's services (a capability served by several models), then
 *  among the chosen service's instances. Per service
 *    score = w_lat * lat / max_lat + w_cost * cost / max_cost - w_q * quality / max_quality
 *  with the weights of models::ScoreWeights, each maximum taken over all the pool's services (a term is
 *  0 when its maximum is 0). lat: the service's observed latency, an EWMA with alpha 0.1 per answer of
 *  any of its members (lat += 0.1 * (L - lat), failed answers included), starting at its
 *  expected_latency_s; cost: expected_cost_usd; quality: quality. The service's values are its first
 *  member's (members of a service share them).
 *  The lowest score among services with an available member wins (ties: the first in pool order);
 *  within it, the member with the fewest outstanding calls, round robin among ties (OutstandingBuckets).
 *  Per pick: O(S) for S services in the pool, O(1) within the service. O(1) per event. */
class CapabilityScoreSelector final : public Selector {
public:
  CapabilityScoreSelector(const std::vector<PoolMember>& members, const models::ScoreWeights& weights);

  static constexpr double LATENCY_ALPHA = 0.1;

  uint32_t pick(const PickContext& context) override;
  void on_issue(uint32_t instance, double now_s) override;
  void on_answer(uint32_t instance, double now_s, double latency_s, bool success) override;
  void on_abandon(uint32_t instance, double now_s) override;
  void set_available(uint32_t instance, bool available) override;

private:
  struct Service {
    double latency_s;
    double cost_usd;
    double quality;
    std::vector<uint32_t> slots; // the pool's slots of its members, by position in the service
    OutstandingBuckets buckets;  // over positions in `slots`
  };

  MemberIndex index_;
  models::ScoreWeights weights_;
  std::vector<Service> services_;     // in order of first appearance in the pool
  std::vector<uint32_t> service_of_;  // per slot
  std::vector<uint32_t> position_in_; // per slot: its position in its service's `slots`
  double max_cost_usd_ = 0, max_quality_ = 0;
};

} // namespace orchsim::orchestrator::selection
