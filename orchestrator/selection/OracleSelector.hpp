// orchestrator/selection/OracleSelector.hpp
#pragma once
#include <cstdint>
#include <vector>

#include "models/Scenario.hpp"
#include "orchestrator/selection/MemberIndex.hpp"
#include "orchestrator/selection/Selector.hpp"

namespace orchsim::orchestrator::selection {

/** oracle: the available member with the lowest true objective (TruthView::true_score: true queue,
 *  true latency model at the call's tokens, faults, error probability, cost, quality). Not a strategy a
 *  real orchestrator can run: the ceiling of the amplification bracket. Ties go to the member with the
 *  fewest outstanding calls per slot, then to the first in pool order. O(n) per pick. */
class OracleSelector final : public Selector {
public:
  OracleSelector(const std::vector<PoolMember>& members, const models::Objective& objective, const TruthView& truth);

  uint32_t pick(const PickContext& context) override;
  void on_issue(uint32_t instance, double now_s) override;
  void on_answer(uint32_t instance, double now_s, double latency_s, bool success) override;
  void on_abandon(uint32_t instance, double now_s) override;
  void set_available(uint32_t instance, bool available) override;

private:
  MemberIndex index_;
  models::Objective objective_;
  const TruthView& truth_;
  std::vector<uint8_t> available_;
  std::vector<uint32_t> outstanding_;
  std::vector<double> slots_;
};

} // namespace orchsim::orchestrator::selection
