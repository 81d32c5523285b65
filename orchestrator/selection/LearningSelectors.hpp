// orchestrator/selection/LearningSelectors.hpp
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include <Eigen/Dense>

#include "models/Scenario.hpp"
#include "orchestrator/intelligence/Bandits.hpp"
#include "orchestrator/intelligence/Predictors.hpp"
#include "orchestrator/selection/MemberIndex.hpp"
#include "orchestrator/selection/Selector.hpp"
#include "sim/Rng.hpp"

namespace orchsim::orchestrator::selection {

/** The reward bandits learn from: exp(-latency / scale) for a successful answer, 0 for a failure or a
 *  timeout, so that in [0, 1] faster is better and failing is worst. */
double bandit_reward(const CallOutcome& outcome, double scale_s);

/** The members a bandit may choose: available ones with a free slot by the orchestrator's own count of
 *  calls in flight, or every available one when none has. A bandit's feedback is delayed (calls in
 *  flight) and its estimates converge on one best arm, so unconstrained it sends every call to that arm
 *  and overloads it; the constraint leaves the bandit the choice among members that can take the call. */
class BanditBase : public Selector {
public:
  BanditBase(const std::vector<PoolMember>& members, const models::SelectionSpec& spec);

  void on_issue(uint32_t instance, double) override { ++outstanding_[index_.get_slot(instance)]; }
  void on_answer(uint32_t instance, double, double, bool) override { --outstanding_[index_.get_slot(instance)]; }
  void on_abandon(uint32_t instance, double) override { --outstanding_[index_.get_slot(instance)]; }
  void set_available(uint32_t instance, bool available) override
  {
    available_[index_.get_slot(instance)] = available ? 1 : 0;
  }
  bool learns() const override { return true; }

protected:
  /** The eligibility mask for this pick. */
  const std::vector<uint8_t>& eligible();
  /** bandit_reward with the pool's scale. */
  double reward(const CallOutcome& outcome) const { return bandit_reward(outcome, scale_s_); }
  /** The chosen arm's instance, or NONE. */
  uint32_t instance_of(uint32_t arm) const { return arm == intelligence::NONE ? NONE : index_.get_instance(arm); }

  MemberIndex index_;

private:
  std::vector<uint8_t> available_, eligible_;
  std::vector<uint32_t> outstanding_, slots_;
  double scale_s_;
};

/** ucb1 and thompson: a multi-armed bandit whose arms are the pool's members, learning from each
 *  call's reward (bandit_reward), choosing among the eligible ones (BanditBase). O(n) per pick and per
 *  update. */
class BanditSelector final : public BanditBase {
public:
  BanditSelector(const std::vector<PoolMember>& members, const models::SelectionSpec& spec, sim::Rng rng);

  uint32_t pick(const PickContext& context) override;
  void on_outcome(uint32_t instance, const CallOutcome& outcome) override;

private:
  std::optional<intelligence::Ucb1> ucb_;
  std::optional<intelligence::ThompsonSampling> thompson_;
  sim::Rng rng_;
};

/** The features contextual learners see for a call: [1, input tokens / 1000, sin and cos of the time of
 *  day, one-hot workflow]. Output tokens are not among them: an orchestrator does not know them yet. */
class CallFeatures {
public:
  explicit CallFeatures(uint32_t workflows) : x_(Eigen::VectorXd::Zero(4 + workflows)) {}
  uint32_t dim() const { return static_cast<uint32_t>(x_.size()); }
  const Eigen::VectorXd& of(const PickContext& context);

private:
  Eigen::VectorXd x_;
};

/** linucb: disjoint LinUCB over the pool's members on CallFeatures, rewarded by bandit_reward, choosing
 *  among the eligible ones (BanditBase). O(n d^2) per pick. */
class LinUcbSelector final : public BanditBase {
public:
  LinUcbSelector(const std::vector<PoolMember>& members, const models::SelectionSpec& spec, uint32_t workflows);

  uint32_t pick(const PickContext& context) override;
  void on_outcome(uint32_t instance, const CallOutcome& outcome) override;

private:
  CallFeatures features_;
  intelligence::LinUcb bandit_;
};

/** predictive: the member with the least predicted objective (models::Objective), the same formula
 *  the oracle computes from the truth, here from what the orchestrator observes:
 *  - completion = (wait + service) / success;
 *  - service: per service, a predictor of a call's service time from its input tokens, trained on
 *    successful calls' latency less the wait that the orchestrator's own count of calls in flight
 *    implied when the call was issued (at least a tenth of the latency is kept). rls: recursive least
 *    squares on [1, input tokens / 1000], forgetting by time (factor exp(-dt / 30 s) for the time
 *    since the service's previous update); ewma: a time-decayed average, decay 30 s. Before any
 *    observation: the latency model's mean at mean tokens (the declared figure). A service not
 *    observed for a while drifts back to that prior, prediction = prior + (learned - prior) x
 *    exp(-age / 60 s), so that a service avoided after a bad spell is tried again;
 *  - wait: (outstanding - slots + 1) / slots x the service's mean observed service time when the
 *    orchestrator's own calls in flight fill the instance's slots, 0 otherwise;
 *  - success: per service, (decayed successes + 1) / (decayed calls + 1), decay 30 s; timeouts count;
 *  - cost: per service, a time-decayed average (30 s) of what its successful calls were billed,
 *    starting from the expected cost per call at mean tokens (a price change shows in the bills);
 *  - quality: the service's declared quality.
 *  O(n) per pick, O(d^2) per answer. */
class PredictiveSelector final : public Selector {
public:
  PredictiveSelector(const std::vector<PoolMember>& members, const models::SelectionSpec& spec);

  static constexpr double DECAY_S = 30.0;
  static constexpr double STALE_S = 60.0;
  static constexpr double MIN_FORGETTING = 1e-3; // after a long silence the next answer counts almost alone

  uint32_t pick(const PickContext& context) override;
  void on_issue(uint32_t instance, double now_s) override;
  void on_answer(uint32_t instance, double now_s, double latency_s, bool success) override;
  void on_abandon(uint32_t instance, double now_s) override;
  void set_available(uint32_t instance, bool available) override;
  bool learns() const override { return true; }
  void on_outcome(uint32_t instance, const CallOutcome& outcome) override;

  /** The predicted service time of a call with `input_tokens` to `instance`'s service at `now_s`. */
  double predict_service_s(uint32_t instance, double input_tokens, double now_s) const;

private:
  /** (time-decayed successes + 1) / (time-decayed calls + 1): a prior of one success that does not
   *  fade, so that old evidence gives way to it. */
  struct SuccessRate {
    double successes = 0.0, calls = 0.0, last_s = 0.0;
    void update(bool success, double now_s);
    double value(double now_s) const;
  };
  struct Service {
    std::optional<intelligence::Rls> rls;
    std::optional<intelligence::Ewma> ewma;
    SuccessRate success;
    intelligence::Ewma service_mean; // of observed service times: the wait's unit
    intelligence::Ewma billed;       // of what successful calls cost
    double prior_s;
    double quality;
    double observed_s = -1; // when the service time was last observed; < 0: never
  };
  double predict(const Service& service, double input_tokens, double now_s) const;

  MemberIndex index_;
  models::Objective objective_;
  std::vector<uint8_t> available_;
  std::vector<uint32_t> outstanding_, slots_;
  std::vector<uint32_t> service_of_; // per slot: index into services_
  std::vector<Service> services_;
  mutable Eigen::VectorXd x_;
};

} // namespace orchsim::orchestrator::selection
