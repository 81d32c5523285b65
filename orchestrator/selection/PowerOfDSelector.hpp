// orchestrator/selection/PowerOfDSelector.hpp
#pragma once
#include <cstdint>
#include <vector>

#include "orchestrator/selection/AvailableSet.hpp"
#include "orchestrator/selection/MemberIndex.hpp"
#include "orchestrator/selection/OutstandingCounts.hpp"
#include "orchestrator/selection/Selector.hpp"

namespace orchsim::orchestrator::selection {

/** power_of_d: the power of d choices (Mitzenmacher, "The Power of Two Choices in Randomized Load
 *  Balancing", 2001; Azar et al. 1994): sample d available members uniformly and take the one with the
 *  fewest outstanding calls; ties: the first sampled.
 *  Distinct sampling (default): min(d, available) different members, by a partial Fisher-Yates shuffle
 *  of the available set (AvailableSet::draw_distinct), so d >= available is a full scan that returns the
 *  global minimum. With replacement: d independent uniform draws (a member may be drawn twice, as in
 *  Envoy's least_request). O(d) per pick; O(1) per call event and availability change. */
class PowerOfDSelector final : public Selector {
public:
  /** REQUIRES: d >= 1. */
  PowerOfDSelector(const std::vector<PoolMember>& members, uint32_t d, bool with_replacement, sim::Rng rng);

  uint32_t pick(const PickContext& context) override;
  void on_issue(uint32_t instance, double now_s) override;
  void on_answer(uint32_t instance, double now_s, double latency_s, bool success) override;
  void on_abandon(uint32_t instance, double now_s) override;
  void set_available(uint32_t instance, bool available) override;

private:
  MemberIndex index_;
  AvailableSet available_;
  OutstandingCounts outstanding_; // per slot
  uint32_t d_;
  bool with_replacement_;
  sim::Rng rng_;
};

} // namespace orchsim::orchestrator::selection
