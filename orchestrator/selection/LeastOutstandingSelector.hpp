// orchestrator/selection/LeastOutstandingSelector.hpp
#pragma once
#include <vector>

#include "orchestrator/selection/MemberIndex.hpp"
#include "orchestrator/selection/OutstandingBuckets.hpp"
#include "orchestrator/selection/Selector.hpp"

namespace orchsim::orchestrator::selection {

/** least_outstanding: the available member with the fewest outstanding calls (join the shortest
 *  queue, as the orchestrator sees it: calls issued minus calls answered or abandoned).
 *  Ties: round robin within the set of members at the minimum (OutstandingBuckets: the minimum
 *  bucket's head, which then moves on; members enter a bucket at its tail). With idle members and each
 *  pick followed by its on_issue, the order is plain round robin in pool order.
 *  O(1) per pick, per call event and per availability change (making a member unavailable may scan
 *  up to the next non-empty count: O(1 + gap)). */
class LeastOutstandingSelector final : public Selector {
public:
  explicit LeastOutstandingSelector(const std::vector<PoolMember>& members);

  uint32_t pick(const PickContext& context) override;
  void on_issue(uint32_t instance, double now_s) override;
  void on_answer(uint32_t instance, double now_s, double latency_s, bool success) override;
  void on_abandon(uint32_t instance, double now_s) override;
  void set_available(uint32_t instance, bool available) override;

private:
  MemberIndex index_;
  OutstandingBuckets buckets_;
};

} // namespace orchsim::orchestrator::selection
