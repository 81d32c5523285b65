// orchestrator/intelligence/Predictors.hpp
#pragma once
#include <Eigen/Dense>
#include <cstdint>

namespace orchsim::orchestrator::intelligence {

struct EwmaOptions {
  /** Count-based weight of a new observation: value += alpha (y - value). REQUIRES: in (0, 1]. */
  double alpha = 0.1;
  /** > 0: time-based instead; an old value's weight after dt seconds is exp(-dt / decay_s), the new
   *  observation's 1 - exp(-dt / decay_s). 0: count-based. REQUIRES: finite, >= 0. */
  double decay_s = 0.0;
};

/** Exponentially weighted moving average of a stream of observations, count-based (weight alpha per
 *  observation) or time-based (weights decay with elapsed time, as in Finagle's PeakEwma latency estimate).
 *  `value()` is the prior until the first observation, which then sets the value outright; later ones are
 *  blended in. Time-based: an observation at the same instant as the previous one (or earlier) has weight
 *  1 - exp(0) = 0, so it is counted but leaves the value unchanged. Non-finite observations (or times) are
 *  ignored. O(1), no allocation. */
class Ewma {
public:
  using Options = EwmaOptions;

  /** Throws std::invalid_argument unless alpha in (0, 1], decay_s finite and >= 0, prior finite. */
  explicit Ewma(Options options = {}, double prior = 0.0);

  /** Blends in `value` observed at `now_s` (now_s is read only when time-based). */
  void update(double value, double now_s = 0.0);
  /** The average; the prior before any observation. */
  double value() const { return value_; }
  /** Observations accepted so far. */
  uint64_t observations() const { return observations_; }
  bool is_time_based() const { return options_.decay_s > 0.0; }

private:
  Options options_;
  double value_;
  double last_s_ = 0.0;
  uint64_t observations_ = 0;
};

struct RlsOptions {
  /** lambda in (0, 1]: an observation k updates ago weighs lambda^k. 1: ordinary (ridge) least squares. */
  double forgetting = 1.0;
  /** P starts as delta I: the prior on the weights is w ~ N(0, delta I) relative to unit noise, that is a
   *  ridge penalty of (1 / delta) ||w||^2. REQUIRES: finite, > 0. */
  double delta = 1000.0;
};

/** Recursive least squares with exponential forgetting (Haykin, "Adaptive Filter Theory", the chapter on the
 *  RLS algorithm: ch. 9 of the 4th edition, ch. 10 of the 5th): online linear regression y ~ w^T x.
 *  Per observation: k = P x / (lambda + x^T P x); w += k (y - w^T x); P = (P - k x^T P) / lambda.
 *  Exactness: with forgetting 1, after n observations (x_i, y_i), w equals (in exact arithmetic) the ridge
 *  solution argmin_w sum_i (y_i - w^T x_i)^2 + (1 / delta) ||w||^2 = (X^T X + I / delta)^-1 X^T y, and P
 *  equals (X^T X + I / delta)^-1. With forgetting lambda < 1 the i-th of n terms is weighed lambda^(n - i)
 *  (and the penalty lambda^n / delta).
 *  P is updated as P - u u^T with u = P x / sqrt(lambda + x^T P x), which is the same rank-one correction but
 *  exactly symmetric in floating point (so no separate symmetrisation step is needed). Against covariance
 *  wind-up (with lambda < 1, P grows as lambda^-n in directions the inputs do not excite, until it
 *  overflows) every diagonal entry of P is bounded by its initial value delta: row and column i are
 *  scaled by sqrt(delta / P_ii) when P_ii exceeds it (a congruence, so P stays positive semi-definite;
 *  forgetting goes on in the directions the inputs excite). Observations with a non-finite entry are ignored. O(dim^2)
 * per update, no allocation. */
class Rls {
public:
  using Options = RlsOptions;

  /** Throws std::invalid_argument unless dim >= 1, forgetting in (0, 1], delta finite and > 0. */
  explicit Rls(uint32_t dim, Options options = {});

  /** w^T x. REQUIRES: x.size() == dim(), finite. */
  double predict(const Eigen::VectorXd& x) const;
  /** Adds one observation y ~ w^T x. REQUIRES: x.size() == dim(). */
  void update(const Eigen::VectorXd& x, double y) { update(x, y, options_.forgetting); }
  /** The same with this update's own forgetting factor in (0, 1] (time-based forgetting:
   *  exp(-dt / tau) for the time since the previous observation). */
  void update(const Eigen::VectorXd& x, double y, double forgetting);
  const Eigen::VectorXd& weights() const { return weights_; }
  /** The current P, (X^T X + I / delta)^-1 when forgetting == 1. */
  const Eigen::MatrixXd& covariance() const { return p_; }
  uint64_t observations() const { return observations_; }
  uint32_t dim() const { return dim_; }

private:
  Options options_;
  uint32_t dim_;
  Eigen::MatrixXd p_;
  Eigen::VectorXd weights_;
  Eigen::VectorXd scratch_; // P x, then u
  uint64_t observations_ = 0;
};

/** The batch ridge regression solution (X^T X + lambda I)^-1 X^T y, by an LDLT factorisation (reference for
 *  Rls; allocates). Throws std::invalid_argument unless X.rows() == y.size(), X.cols() >= 1, lambda finite
 *  and >= 0 (lambda == 0 also needs X of full column rank). */
Eigen::VectorXd ridge_solution(const Eigen::MatrixXd& X, const Eigen::VectorXd& y, double lambda);

} // namespace orchsim::orchestrator::intelligence
