// orchestrator/selection/PeakEwmaSelector.hpp
#pragma once
#include <cstdint>
#include <vector>

#include "orchestrator/selection/AvailableSet.hpp"
#include "orchestrator/selection/MemberIndex.hpp"
#include "orchestrator/selection/Selector.hpp"

namespace orchsim::orchestrator::selection {

/** peak_ewma: Finagle's PeakEwma balancer (finagle-core loadbalancer/PeakEwma.scala), as used by
 *  Linkerd (tower's PeakEwma): P2C on  load = cost x (outstanding + 1)  where cost is a peak-sensitive
 *  exponentially weighted moving average of observed latency.
 *  - On an answer with latency L at time t: w = exp(-(t - last)/decay_s); if L > cost then cost = L
 *    (a spike is believed at once) else cost = cost*w + L*(1-w); last = t. `cost` here is the value
 *    stored at the last update (Finagle compares with it too when no pick read the member in between;
 *    Finagle's reads also write back the decay, which makes its average depend on how often a member is
 *    sampled; here reads do not write).
 *  - Read at time t: cost * exp(-(t - last)/decay_s): without answers the estimate decays toward 0,
 *    so an idle member is tried again.
 *  - Prior: cost = the member's expected_latency_s, from the first event the selector sees (its clock
 *    starts then, not at t = 0, so a pool first used late still starts from its prior).
 *  - Finagle's penalty: a member whose cost is exactly 0 (a prior of 0, or decayed to underflow) with
 *    calls in flight loads as a huge constant plus its outstanding count, so it loses to any member
 *    with a cost.
 *  - Pick: two distinct uniformly drawn available members (one when only one is available), the lower
 *    load wins, the first drawn on a tie. O(1) per pick and per event (two or one exp()). */
class PeakEwmaSelector final : public Selector {
public:
  /** REQUIRES: decay_s >= 0 (0: the average keeps only the latest answer). */
  PeakEwmaSelector(const std::vector<PoolMember>& members, double decay_s, sim::Rng rng);

  uint32_t pick(const PickContext& context) override;
  void on_issue(uint32_t instance, double now_s) override;
  void on_answer(uint32_t instance, double now_s, double latency_s, bool success) override;
  void on_abandon(uint32_t instance, double now_s) override;
  void set_available(uint32_t instance, bool available) override;

private:
  /** exp(-elapsed/decay_s), with elapsed clamped at 0. */
  double decay_weight(double elapsed_s) const;
  double load(uint32_t slot, double now_s) const;
  void start_clock(double now_s);
  void end_call(uint32_t slot);

  struct MemberState { // together: one cache miss per member read
    double cost_s;     // as of last_update_s
    double last_update_s;
    uint32_t outstanding;
  };

  MemberIndex index_;
  AvailableSet available_;
  std::vector<MemberState> state_; // per slot
  double decay_s_;
  bool started_ = false;
  sim::Rng rng_;
};

} // namespace orchsim::orchestrator::selection
