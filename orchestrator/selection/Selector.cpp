#include "orchestrator/selection/Selector.hpp"

#include "orchestrator/selection/CapabilityScoreSelector.hpp"
#include "orchestrator/selection/LearningSelectors.hpp"
#include "orchestrator/selection/LeastOutstandingSelector.hpp"
#include "orchestrator/selection/LocalitySelector.hpp"
#include "orchestrator/selection/OracleSelector.hpp"
#include "orchestrator/selection/PeakEwmaSelector.hpp"
#include "orchestrator/selection/PowerOfDSelector.hpp"
#include "orchestrator/selection/RandomSelector.hpp"
#include "orchestrator/selection/Require.hpp"
#include "orchestrator/selection/RingHashSelector.hpp"
#include "orchestrator/selection/RoundRobinSelector.hpp"
#include "orchestrator/selection/WeightedLeastRequestSelector.hpp"
#include "orchestrator/selection/WeightedRoundRobinSelector.hpp"

namespace orchsim::orchestrator {

std::unique_ptr<Selector> make_selector(const models::SelectionSpec& spec, const std::vector<PoolMember>& members,
                                        sim::Rng rng, const SelectorEnvironment& environment)
{
  using models::SelectionStrategy;
  using namespace selection;
  require(!members.empty(), "make_selector: a pool needs at least one member");
  switch (spec.strategy) {
    case SelectionStrategy::ROUND_ROBIN:
      return std::make_unique<RoundRobinSelector>(members);
    case SelectionStrategy::WEIGHTED_ROUND_ROBIN:
      return std::make_unique<WeightedRoundRobinSelector>(members);
    case SelectionStrategy::RANDOM:
      return std::make_unique<RandomSelector>(members, rng);
    case SelectionStrategy::LEAST_OUTSTANDING:
      return std::make_unique<LeastOutstandingSelector>(members);
    case SelectionStrategy::POWER_OF_D:
      return std::make_unique<PowerOfDSelector>(members, spec.d, spec.with_replacement, rng);
    case SelectionStrategy::WEIGHTED_LEAST_REQUEST:
      return std::make_unique<WeightedLeastRequestSelector>(members, spec.bias, rng);
    case SelectionStrategy::PEAK_EWMA:
      return std::make_unique<PeakEwmaSelector>(members, spec.decay_s, rng);
    case SelectionStrategy::RING_HASH:
      return std::make_unique<RingHashSelector>(members, spec.ring_size);
    case SelectionStrategy::CAPABILITY_SCORE:
      return std::make_unique<CapabilityScoreSelector>(members, spec.score);
    case SelectionStrategy::UCB1:
    case SelectionStrategy::THOMPSON:
      return std::make_unique<BanditSelector>(members, spec, rng);
    case SelectionStrategy::LINUCB:
      return std::make_unique<LinUcbSelector>(members, spec, environment.workflows);
    case SelectionStrategy::PREDICTIVE:
      return std::make_unique<PredictiveSelector>(members, spec);
    case SelectionStrategy::ORACLE:
      require(environment.truth != nullptr, "make_selector: the oracle needs the simulation's truth");
      return std::make_unique<OracleSelector>(members, spec.objective, *environment.truth);
    case SelectionStrategy::LOCALITY:
      return std::make_unique<LocalitySelector>(members, spec.spill_at);
  }
  fail_invariant("make_selector: unknown selection strategy");
}

} // namespace orchsim::orchestrator
