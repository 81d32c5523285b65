#include "orchestrator/selection/LearningSelectors.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace orchsim::orchestrator::selection {

namespace {

/** The reward's scale: as configured, or the pool's mean expected latency. */
double reward_scale(const std::vector<PoolMember>& members, const models::SelectionSpec& spec)
{
  if (spec.reward_scale_s > 0)
    return spec.reward_scale_s;
  double sum = 0;
  for (const auto& m : members)
    sum += m.expected_latency_s;
  return std::max(sum / static_cast<double>(members.size()), 1e-6);
}

} // namespace

void PredictiveSelector::SuccessRate::update(bool success, double now_s)
{
  const double keep = std::exp(-std::max(now_s - last_s, 0.0) / DECAY_S);
  successes = successes * keep + (success ? 1.0 : 0.0);
  calls = calls * keep + 1.0;
  last_s = std::max(last_s, now_s);
}

double PredictiveSelector::SuccessRate::value(double now_s) const
{
  const double keep = std::exp(-std::max(now_s - last_s, 0.0) / DECAY_S);
  return (successes * keep + 1.0) / (calls * keep + 1.0);
}

double bandit_reward(const CallOutcome& outcome, double scale_s)
{
  if (outcome.end != CallOutcome::End::SUCCESS)
    return 0.0;
  return std::exp(-std::max(outcome.latency_s, 0.0) / scale_s);
}

BanditBase::BanditBase(const std::vector<PoolMember>& members, const models::SelectionSpec& spec)
    : index_(members)
    , available_(members.size(), 1)
    , eligible_(members.size(), 0)
    , outstanding_(members.size(), 0)
    , slots_(members.size())
    , scale_s_(reward_scale(members, spec))
{
  for (size_t i = 0; i < members.size(); ++i)
    slots_[i] = std::max<uint32_t>(members[i].concurrency, 1);
}

const std::vector<uint8_t>& BanditBase::eligible()
{
  bool any = false;
  for (size_t i = 0; i < available_.size(); ++i) {
    eligible_[i] = available_[i] && outstanding_[i] < slots_[i];
    any = any || eligible_[i];
  }
  return any ? eligible_ : available_;
}

// ---- ucb1, thompson -------------------------------------------------------------------------------

BanditSelector::BanditSelector(const std::vector<PoolMember>& members, const models::SelectionSpec& spec, sim::Rng rng)
    : BanditBase(members, spec), rng_(rng)
{
  const auto arms = static_cast<uint32_t>(members.size());
  if (spec.strategy == models::SelectionStrategy::UCB1)
    ucb_.emplace(arms, intelligence::Ucb1::Options{spec.exploration, spec.discount});
  else
    thompson_.emplace(arms, intelligence::ThompsonSampling::Options{1.0, 1.0, spec.discount});
}

uint32_t BanditSelector::pick(const PickContext&)
{
  const auto& mask = eligible();
  return instance_of(ucb_ ? ucb_->choose(mask) : thompson_->choose(mask, rng_));
}

void BanditSelector::on_outcome(uint32_t instance, const CallOutcome& outcome)
{
  const uint32_t arm = index_.get_slot(instance);
  if (ucb_)
    ucb_->update(arm, reward(outcome));
  else
    thompson_->update(arm, reward(outcome));
}

// ---- linucb ---------------------------------------------------------------------------------------

const Eigen::VectorXd& CallFeatures::of(const PickContext& context)
{
  constexpr double DAY_S = 86400.0;
  const double phase = 2.0 * std::numbers::pi * std::fmod(context.now_s, DAY_S) / DAY_S;
  x_.setZero();
  x_[0] = 1.0;
  x_[1] = context.tokens.input / 1000.0;
  x_[2] = std::sin(phase);
  x_[3] = std::cos(phase);
  if (4 + context.workflow < x_.size())
    x_[4 + context.workflow] = 1.0;
  return x_;
}

LinUcbSelector::LinUcbSelector(const std::vector<PoolMember>& members, const models::SelectionSpec& spec,
                               uint32_t workflows)
    : BanditBase(members, spec)
    , features_(workflows)
    , bandit_(static_cast<uint32_t>(members.size()), features_.dim(),
              intelligence::LinUcb::Options{spec.exploration, spec.ridge, spec.discount})
{
}

uint32_t LinUcbSelector::pick(const PickContext& context)
{
  return instance_of(bandit_.choose(features_.of(context), eligible()));
}

void LinUcbSelector::on_outcome(uint32_t instance, const CallOutcome& outcome)
{
  bandit_.update(index_.get_slot(instance), features_.of(outcome.context), reward(outcome));
}

// ---- predictive -----------------------------------------------------------------------------------

PredictiveSelector::PredictiveSelector(const std::vector<PoolMember>& members, const models::SelectionSpec& spec)
    : index_(members)
    , objective_(spec.objective)
    , available_(members.size(), 1)
    , outstanding_(members.size(), 0)
    , slots_(members.size())
    , service_of_(members.size())
    , x_(2)
{
  using intelligence::Ewma;
  for (size_t i = 0; i < members.size(); ++i)
    slots_[i] = std::max<uint32_t>(members[i].concurrency, 1);
  // Members of one service share its predictors; services in order of first appearance.
  std::vector<uint32_t> service_ids;
  for (size_t i = 0; i < members.size(); ++i) {
    const auto& m = members[i];
    auto it = std::find(service_ids.begin(), service_ids.end(), m.service);
    if (it == service_ids.end()) {
      service_ids.push_back(m.service);
      Service svc{std::nullopt,
                  std::nullopt,
                  SuccessRate{},
                  Ewma(Ewma::Options{0.1, DECAY_S}, m.expected_latency_s),
                  Ewma(Ewma::Options{0.1, DECAY_S}, m.expected_cost_usd),
                  m.expected_latency_s,
                  m.quality};
      if (spec.predictor == models::PredictorKind::RLS)
        svc.rls.emplace(2, intelligence::Rls::Options{1.0, 1000.0});
      else
        svc.ewma.emplace(Ewma::Options{0.1, DECAY_S}, m.expected_latency_s);
      services_.push_back(std::move(svc));
      it = service_ids.end() - 1;
    }
    service_of_[i] = static_cast<uint32_t>(it - service_ids.begin());
  }
}

double PredictiveSelector::predict(const Service& service, double input_tokens, double now_s) const
{
  if (service.observed_s < 0)
    return service.prior_s;
  double learned = service.prior_s;
  if (service.rls) {
    if (service.rls->observations() >= 4) {
      x_[0] = 1.0;
      x_[1] = input_tokens / 1000.0;
      learned = std::max(service.rls->predict(x_), 0.0);
    }
  } else {
    learned = service.ewma->value();
  }
  const double fresh = std::exp(-std::max(now_s - service.observed_s, 0.0) / STALE_S);
  return service.prior_s + (learned - service.prior_s) * fresh;
}

double PredictiveSelector::predict_service_s(uint32_t instance, double input_tokens, double now_s) const
{
  return predict(services_[service_of_[index_.get_slot(instance)]], input_tokens, now_s);
}

uint32_t PredictiveSelector::pick(const PickContext& context)
{
  uint32_t best = NONE;
  double best_score = 0, best_load = 0;
  for (uint32_t slot = 0; slot < index_.size(); ++slot) {
    if (!available_[slot])
      continue;
    const Service& svc = services_[service_of_[slot]];
    const double service_s = predict(svc, context.tokens.input, context.now_s);
    const double ahead = static_cast<double>(outstanding_[slot]) + 1.0 - slots_[slot];
    const double wait_s = ahead > 0 ? ahead * svc.service_mean.value() / slots_[slot] : 0.0;
    const double success = std::max(svc.success.value(context.now_s), 1e-3);
    const double score = objective_.latency * (wait_s + service_s) / success + objective_.cost * svc.billed.value() -
                         objective_.quality * svc.quality;
    const double load = outstanding_[slot] / static_cast<double>(slots_[slot]);
    if (best == NONE || score < best_score || (score == best_score && load < best_load)) {
      best = slot;
      best_score = score;
      best_load = load;
    }
  }
  return best == NONE ? NONE : index_.get_instance(best);
}

void PredictiveSelector::on_issue(uint32_t instance, double)
{
  ++outstanding_[index_.get_slot(instance)];
}

void PredictiveSelector::on_answer(uint32_t instance, double, double, bool)
{
  --outstanding_[index_.get_slot(instance)];
}

void PredictiveSelector::on_abandon(uint32_t instance, double)
{
  --outstanding_[index_.get_slot(instance)];
}

void PredictiveSelector::set_available(uint32_t instance, bool available)
{
  available_[index_.get_slot(instance)] = available ? 1 : 0;
}

void PredictiveSelector::on_outcome(uint32_t instance, const CallOutcome& outcome)
{
  const uint32_t slot = index_.get_slot(instance);
  Service& svc = services_[service_of_[slot]];
  const double now_s = outcome.context.now_s + outcome.latency_s;
  const bool success = outcome.end == CallOutcome::End::SUCCESS;
  svc.success.update(success, now_s);
  if (!success)
    return;
  svc.billed.update(outcome.cost_usd, now_s);
  // A call issued while the orchestrator's own calls filled the instance waited about `ahead` service
  // times over the slots: take that out, so that a saturated service still teaches its service time.
  const double ahead = static_cast<double>(outcome.outstanding) + 1.0 - slots_[slot];
  const double wait_s = ahead > 0 ? ahead * svc.service_mean.value() / slots_[slot] : 0.0;
  const double service_s = std::max(outcome.latency_s - wait_s, 0.1 * outcome.latency_s);
  svc.service_mean.update(service_s, now_s);
  const double since_s = svc.observed_s < 0 ? 0.0 : std::max(now_s - svc.observed_s, 0.0);
  svc.observed_s = std::max(svc.observed_s, now_s);
  if (svc.rls) {
    x_[0] = 1.0;
    x_[1] = outcome.context.tokens.input / 1000.0;
    // Forgetting by time, like the EWMA: what was learned 30 s ago weighs 1/e.
    svc.rls->update(x_, service_s, std::max(std::exp(-since_s / DECAY_S), MIN_FORGETTING));
  } else {
    svc.ewma->update(service_s, now_s);
  }
}

} // namespace orchsim::orchestrator::selection
