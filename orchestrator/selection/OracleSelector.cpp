#include "orchestrator/selection/OracleSelector.hpp"

namespace orchsim::orchestrator::selection {

OracleSelector::OracleSelector(const std::vector<PoolMember>& members, const models::Objective& objective,
                               const TruthView& truth)
    : index_(members)
    , objective_(objective)
    , truth_(truth)
    , available_(members.size(), 1)
    , outstanding_(members.size(), 0)
    , slots_(members.size())
{
  for (size_t i = 0; i < members.size(); ++i)
    slots_[i] = members[i].concurrency;
}

uint32_t OracleSelector::pick(const PickContext& context)
{
  uint32_t best = NONE;
  double best_score = 0, best_load = 0;
  for (uint32_t slot = 0; slot < index_.size(); ++slot) {
    if (!available_[slot])
      continue;
    const double score = truth_.true_score(index_.get_instance(slot), context.tokens, objective_);
    const double load = outstanding_[slot] / slots_[slot];
    if (best == NONE || score < best_score || (score == best_score && load < best_load)) {
      best = slot;
      best_score = score;
      best_load = load;
    }
  }
  return best == NONE ? NONE : index_.get_instance(best);
}

void OracleSelector::on_issue(uint32_t instance, double)
{
  ++outstanding_[index_.get_slot(instance)];
}

void OracleSelector::on_answer(uint32_t instance, double, double, bool)
{
  --outstanding_[index_.get_slot(instance)];
}

void OracleSelector::on_abandon(uint32_t instance, double)
{
  --outstanding_[index_.get_slot(instance)];
}

void OracleSelector::set_available(uint32_t instance, bool available)
{
  available_[index_.get_slot(instance)] = available ? 1 : 0;
}

} // namespace orchsim::orchestrator::selection
