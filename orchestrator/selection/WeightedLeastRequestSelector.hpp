// orchestrator/selection/WeightedLeastRequestSelector.hpp
#pragma once
#include <cstdint>
#include <map>
#include <vector>

#include "orchestrator/selection/AvailableSet.hpp"
#include "orchestrator/selection/EdfSchedule.hpp"
#include "orchestrator/selection/MemberIndex.hpp"
#include "orchestrator/selection/OutstandingCounts.hpp"
#include "orchestrator/selection/Selector.hpp"

namespace orchsim::orchestrator::selection {

/** weighted_least_request: Envoy's least_request load balancer
 *  (source/extensions/load_balancing_policies/least_request/least_request_lb.cc), two modes chosen
 *  by the weights of the members available at pick time:
 *  - all equal: P2C as Envoy's N_CHOICES with choice_count 2: two uniform draws WITH replacement,
 *    the fewer active (outstanding) requests wins, the first drawn on a tie. O(1).
 *  - not all equal: Envoy's EDF schedule (EdfSchedule) where a member is (re)inserted with the
 *    effective weight  weight / (active + 1)^bias  computed when it is inserted: at construction,
 *    when it is picked (active counted before the call it is picked for is issued, as Envoy does at
 *    pickAndAdd), and when it becomes available again. Deadlines of members not picked are not
 *    revised when their active counts change (Envoy neither). bias 0: weighted round robin.
 *    O(log n) per pick.
 *  Availability changes update both structures incrementally, O(log n) (Envoy rebuilds its schedule
 *  on each host-set change: the shares are the same, the schedule's phase may differ). */
class WeightedLeastRequestSelector final : public Selector {
public:
  /** REQUIRES: bias >= 0; weights positive and finite. */
  WeightedLeastRequestSelector(const std::vector<PoolMember>& members, double bias, sim::Rng rng);

  uint32_t pick(const PickContext& context) override;
  void on_issue(uint32_t instance, double now_s) override;
  void on_answer(uint32_t instance, double now_s, double latency_s, bool success) override;
  void on_abandon(uint32_t instance, double now_s) override;
  void set_available(uint32_t instance, bool available) override;

private:
  double effective_weight(uint32_t slot) const;

  MemberIndex index_;
  std::vector<double> weights_;
  OutstandingCounts outstanding_; // per slot: Envoy's rq_active
  AvailableSet available_;
  EdfSchedule schedule_;                              // the available members
  std::map<double, uint32_t> available_weight_count_; // distinct weights among the available members
  double bias_;
  sim::Rng rng_;
};

} // namespace orchsim::orchestrator::selection
