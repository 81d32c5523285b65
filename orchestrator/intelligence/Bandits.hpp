// orchestrator/intelligence/Bandits.hpp
#pragma once
#include <Eigen/Dense>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "sim/Rng.hpp"

namespace orchsim::orchestrator::intelligence {

// Multi-armed bandits for choosing among n arms (indices 0..n-1) from rewards in [0, 1].
// Each class owns all of its state, allocates it at construction and never afterwards, and is deterministic
// for a given sequence of calls (and, for ThompsonSampling, a given sim::Rng stream). `choose` takes an
// availability mask: `available[a] != 0` means arm a may be chosen; it never returns an unavailable arm and
// returns NONE when no arm is available. Rewards outside [0, 1] are clamped into it and a NaN reward counts
// as 0. An arm index out of range, or a mask of the wrong size, is a broken invariant and aborts.
// Not thread-safe.

/** What `choose` returns when no arm is available. */
inline constexpr uint32_t NONE = UINT32_MAX;

struct Ucb1Options {
  /** c in mean_i + sqrt(c ln N / n_i); 2 is Auer et al.'s UCB1. REQUIRES: finite, >= 0. */
  double exploration = 2.0;
  /** gamma in (0, 1]: each update first multiplies every arm's (pull count, reward sum) by gamma, so a
   *  reward observed k updates ago weighs gamma^k (Discounted UCB). 1 is plain UCB1. */
  double discount = 1.0;
};

/** UCB1 (Auer, Cesa-Bianchi and Fischer 2002, "Finite-time Analysis of the Multiarmed Bandit Problem",
 *  Fig. 1) with the optional discounting of Discounted UCB (Garivier and Moulines 2011, "On Upper-Confidence
 *  Bound Policies for Switching Bandit Problems"). Index of arm i: mean_i + sqrt(c ln N / n_i), where
 *  n_i is the arm's discounted pull count and N = max(1, sum_i n_i) (so the logarithm is never negative).
 *  An available arm that was never played (n_i == 0) is chosen first; ties go to the lowest index.
 *  choose: O(n); update: O(n) (discounting touches every arm), O(1) when discount == 1. */
class Ucb1 {
public:
  using Options = Ucb1Options;

  /** Throws std::invalid_argument unless arms >= 1, exploration is finite and >= 0, discount in (0, 1]. */
  explicit Ucb1(uint32_t arms, Options options = {});

  /** The available arm with the largest index, or NONE. REQUIRES: available.size() == arms(). */
  uint32_t choose(std::span<const uint8_t> available) const;
  /** Records `reward` (clamped to [0, 1]) for `arm`, after discounting every arm. REQUIRES: arm < arms(). */
  void update(uint32_t arm, double reward);
  /** The arm's (discounted) mean reward, 0 while it has never been played. REQUIRES: arm < arms(). */
  double mean(uint32_t arm) const;
  /** The arm's discounted pull count (the plain count when discount == 1). REQUIRES: arm < arms(). */
  double count(uint32_t arm) const;
  uint32_t arms() const { return static_cast<uint32_t>(counts_.size()); }

private:
  Options options_;
  std::vector<double> counts_; // discounted pulls per arm
  std::vector<double> sums_;   // discounted reward sums per arm
  double total_ = 0;           // sum of counts_
};

struct ThompsonSamplingOptions {
  /** The Beta prior of every arm. REQUIRES: both finite and > 0. */
  double prior_alpha = 1.0;
  double prior_beta = 1.0;
  /** gamma in (0, 1]: each update first multiplies every arm's accumulated successes and failures (its
   *  posterior's excess over the prior) by gamma, so the posterior relaxes toward the prior. 1: no forgetting. */
  double discount = 1.0;
};

/** Beta-Bernoulli Thompson sampling for rewards in [0, 1] with fractional updates, alpha_i += r and
 *  beta_i += 1 - r. (Agrawal and Goyal 2012, "Analysis of Thompson Sampling for the Multi-armed Bandit
 *  Problem", extend Beta-Bernoulli sampling to rewards in [0, 1] by a Bernoulli(r) trial; the fractional update
 *  has the same expectation and less noise.) Optional discounting as in Discounted Thompson Sampling (Raj and
 *  Kalyani 2017, "Taming Non-stationary Bandits: A Bayesian Approach"): S_i <- gamma S_i, F_i <- gamma F_i for
 *  every arm, then S_a += r, F_a += 1 - r; alpha_i = prior_alpha + S_i, beta_i = prior_beta + F_i.
 *  `choose` draws one Beta(alpha_i, beta_i) sample per available arm, in index order, and returns the arm
 *  with the largest draw (lowest index on ties). Gamma variates by Marsaglia and Tsang (2000), "A Simple
 *  Method for Generating Gamma Variables", with their U^(1/a) boost for shape a < 1; Beta = X / (X + Y).
 *  choose: O(n) draws; update: O(n), O(1) when discount == 1. */
class ThompsonSampling {
public:
  using Options = ThompsonSamplingOptions;

  /** Throws std::invalid_argument unless arms >= 1, priors finite and > 0, discount in (0, 1]. */
  explicit ThompsonSampling(uint32_t arms, Options options = {});

  /** The available arm with the largest posterior draw, or NONE (then `rng` is not used).
   *  REQUIRES: available.size() == arms(). */
  uint32_t choose(std::span<const uint8_t> available, sim::Rng& rng) const;
  /** Records `reward` (clamped to [0, 1]) for `arm`, after discounting every arm. REQUIRES: arm < arms(). */
  void update(uint32_t arm, double reward);
  /** Posterior mean alpha / (alpha + beta) of the arm. REQUIRES: arm < arms(). */
  double mean(uint32_t arm) const;
  uint32_t arms() const { return static_cast<uint32_t>(successes_.size()); }

  /** One Gamma(shape, 1) variate (Marsaglia and Tsang 2000). REQUIRES: shape > 0, finite. Never NaN. */
  static double sample_gamma(double shape, sim::Rng& rng);
  /** One Beta(a, b) variate as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b); the mean a / (a + b) in the
   *  (underflow) case X + Y == 0. REQUIRES: a, b > 0, finite. In [0, 1], never NaN. */
  static double sample_beta(double a, double b, sim::Rng& rng);

private:
  Options options_;
  std::vector<double> successes_; // S_i: discounted sum of rewards
  std::vector<double> failures_;  // F_i: discounted sum of (1 - reward)
};

struct LinUcbOptions {
  /** Width of the confidence bonus: score = theta^T x + alpha sqrt(x^T A^-1 x). REQUIRES: finite, >= 0. */
  double alpha = 1.0;
  /** A starts as ridge * I (ridge regression's lambda). REQUIRES: finite, > 0. */
  double ridge = 1.0;
  /** gamma in (0, 1]: each update first discounts every arm, A <- gamma A + (1 - gamma) ridge I and
   *  b <- gamma b, so the regularisation never fades below ridge * I. 1: plain LinUCB. */
  double discount = 1.0;
};

/** Disjoint LinUCB (Li, Chu, Langford and Schapire 2010, "A Contextual-Bandit Approach to Personalized News
 *  Article Recommendation", Algorithm 1): one ridge regression per arm, A_a = ridge I + sum x x^T,
 *  b_a = sum r x, theta_a = A_a^-1 b_a; choose the available arm maximising theta_a^T x +
 *  alpha sqrt(x^T A_a^-1 x). A_a^-1 is kept up to date, so a decision costs O(arms d^2) and inverts nothing.
 *  With discount == 1 an update is a Sherman-Morrison rank-one downdate of A_a^-1, O(d^2). With discount < 1
 *  the discount changes every arm's A, which is no longer a rank-one change, so an update refactors every arm:
 *  A is kept explicitly and A^-1 solved by Cholesky (LLT; A >= ridge I is positive definite), O(arms d^3),
 *  meant for d <= 16. A context with a non-finite entry is ignored by update (the models stay finite); in
 *  choose its scores are NaN and the lowest available arm is returned. */
class LinUcb {
public:
  using Options = LinUcbOptions;

  /** Throws std::invalid_argument unless arms >= 1, dim >= 1, alpha finite and >= 0, ridge finite and > 0,
   *  discount in (0, 1]. */
  LinUcb(uint32_t arms, uint32_t dim, Options options = {});

  /** The available arm with the largest upper confidence bound for context x, or NONE; ties go to the lowest
   *  index. REQUIRES: x.size() == dim(), available.size() == arms(). */
  uint32_t choose(const Eigen::VectorXd& x, std::span<const uint8_t> available) const;
  /** Records `reward` (clamped to [0, 1]) for `arm` played in context x. REQUIRES: arm < arms(),
   *  x.size() == dim(). */
  void update(uint32_t arm, const Eigen::VectorXd& x, double reward);
  /** The arm's estimated reward theta_a^T x. REQUIRES: arm < arms(), x.size() == dim(). */
  double predict(uint32_t arm, const Eigen::VectorXd& x) const;
  /** The confidence width sqrt(x^T A_a^-1 x) (before the factor alpha). REQUIRES: as predict. */
  double width(uint32_t arm, const Eigen::VectorXd& x) const;
  uint32_t dim() const { return dim_; }
  uint32_t arms() const { return static_cast<uint32_t>(theta_.size()); }

private:
  void discount_and_refactor(uint32_t arm, const Eigen::VectorXd& x, double reward);

  Options options_;
  uint32_t dim_;
  std::vector<Eigen::MatrixXd> a_inverse_; // A_a^-1, symmetric
  std::vector<Eigen::VectorXd> b_;
  std::vector<Eigen::VectorXd> theta_;
  std::vector<Eigen::MatrixXd> a_;                      // A_a, kept only when discount < 1
  std::optional<Eigen::LLT<Eigen::MatrixXd>> cholesky_; // discount < 1: factorisation workspace
  Eigen::MatrixXd identity_;                            // discount < 1: right-hand side of A X = I
  Eigen::VectorXd scratch_;                             // A^-1 x during an update
};

} // namespace orchsim::orchestrator::intelligence
