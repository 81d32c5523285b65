#include "orchestrator/intelligence/Bandits.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

namespace orchsim::orchestrator::intelligence {

namespace {
void require(bool ok, const char* message)
{
  if (!ok) {
    std::fprintf(stderr, "orchsim: intelligence::Bandits: %s\n", message);
    std::abort();
  }
}

void check_argument(bool ok, const char* what)
{
  if (!ok)
    throw std::invalid_argument(std::string("intelligence: ") + what);
}

bool is_discount(double gamma)
{
  return gamma > 0.0 && gamma <= 1.0; // false for NaN
}

// Clamped into [0, 1]; NaN (a failed measurement) counts as 0.
double clamp_reward(double reward)
{
  if (!(reward >= 0.0))
    return 0.0;
  return reward <= 1.0 ? reward : 1.0;
}

// x^T M x without a temporary; sum_i x_i (M^T x)_i equals x^T M x whether or not M is symmetric.
double quadratic_form(const Eigen::MatrixXd& m, const Eigen::VectorXd& x)
{
  double q = 0.0;
  for (Eigen::Index i = 0; i < x.size(); ++i)
    q += x[i] * m.col(i).dot(x);
  return q;
}
} // namespace

// ---------------------------------------------------------------------------------------------- Ucb1

Ucb1::Ucb1(uint32_t arms, Options options) : options_(options)
{
  check_argument(arms >= 1, "Ucb1 needs arms >= 1");
  check_argument(std::isfinite(options.exploration) && options.exploration >= 0.0,
                 "Ucb1 exploration must be finite and >= 0");
  check_argument(is_discount(options.discount), "Ucb1 discount must be in (0, 1]");
  counts_.assign(arms, 0.0);
  sums_.assign(arms, 0.0);
}

uint32_t Ucb1::choose(std::span<const uint8_t> available) const
{
  require(available.size() == counts_.size(), "Ucb1::choose: the mask has one entry per arm");
  const double log_total = std::log(std::max(1.0, total_));
  uint32_t best = NONE;
  double best_score = 0.0;
  for (uint32_t arm = 0; arm < counts_.size(); ++arm) {
    if (available[arm] == 0)
      continue;
    if (!(counts_[arm] > 0.0))
      return arm; // never played: explore it first
    const double score = mean(arm) + std::sqrt(options_.exploration * log_total / counts_[arm]);
    if (best == NONE || score > best_score) {
      best = arm;
      best_score = score;
    }
  }
  return best;
}

void Ucb1::update(uint32_t arm, double reward)
{
  require(arm < counts_.size(), "Ucb1::update: arm out of range");
  const double gamma = options_.discount;
  if (gamma < 1.0) {
    for (size_t i = 0; i < counts_.size(); ++i) {
      counts_[i] *= gamma;
      sums_[i] *= gamma;
    }
    total_ *= gamma;
  }
  counts_[arm] += 1.0;
  sums_[arm] += clamp_reward(reward);
  total_ += 1.0;
}

double Ucb1::mean(uint32_t arm) const
{
  require(arm < counts_.size(), "Ucb1::mean: arm out of range");
  if (!(counts_[arm] > 0.0))
    return 0.0;
  return std::clamp(sums_[arm] / counts_[arm], 0.0, 1.0); // clamp: round-off of tiny discounted counts
}

double Ucb1::count(uint32_t arm) const
{
  require(arm < counts_.size(), "Ucb1::count: arm out of range");
  return counts_[arm];
}

// ---------------------------------------------------------------------------------------------- Thompson

ThompsonSampling::ThompsonSampling(uint32_t arms, Options options) : options_(options)
{
  check_argument(arms >= 1, "ThompsonSampling needs arms >= 1");
  check_argument(std::isfinite(options.prior_alpha) && options.prior_alpha > 0.0,
                 "ThompsonSampling prior_alpha must be finite and > 0");
  check_argument(std::isfinite(options.prior_beta) && options.prior_beta > 0.0,
                 "ThompsonSampling prior_beta must be finite and > 0");
  check_argument(is_discount(options.discount), "ThompsonSampling discount must be in (0, 1]");
  successes_.assign(arms, 0.0);
  failures_.assign(arms, 0.0);
}

double ThompsonSampling::sample_gamma(double shape, sim::Rng& rng)
{
  if (shape < 1.0) {
    // Marsaglia and Tsang, sec. 6: Gamma(a) = Gamma(a + 1) * U^(1/a). U in (0, 1], so never 0^(1/a) = NaN.
    const double gamma_plus_one = sample_gamma(shape + 1.0, rng);
    return gamma_plus_one * std::pow(rng.uniform_pos(), 1.0 / shape);
  }
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9.0 * d);
  for (;;) {
    double x;
    double v;
    do {
      x = rng.normal();
      v = 1.0 + c * x;
    } while (v <= 0.0);
    v = v * v * v;
    const double u = rng.uniform_pos();
    const double x2 = x * x;
    if (u < 1.0 - 0.0331 * x2 * x2) // squeeze
      return d * v;
    if (std::log(u) < 0.5 * x2 + d * (1.0 - v + std::log(v)))
      return d * v;
  }
}

double ThompsonSampling::sample_beta(double a, double b, sim::Rng& rng)
{
  const double x = sample_gamma(a, rng);
  const double y = sample_gamma(b, rng);
  const double sum = x + y;
  if (!(sum > 0.0) || !std::isfinite(sum))
    return a / (a + b); // both draws underflowed (tiny shapes): fall back to the mean
  return x / sum;
}

uint32_t ThompsonSampling::choose(std::span<const uint8_t> available, sim::Rng& rng) const
{
  require(available.size() == successes_.size(), "ThompsonSampling::choose: the mask has one entry per arm");
  uint32_t best = NONE;
  double best_draw = 0.0;
  for (uint32_t arm = 0; arm < successes_.size(); ++arm) {
    if (available[arm] == 0)
      continue;
    const double draw = sample_beta(options_.prior_alpha + successes_[arm], options_.prior_beta + failures_[arm], rng);
    if (best == NONE || draw > best_draw) {
      best = arm;
      best_draw = draw;
    }
  }
  return best;
}

void ThompsonSampling::update(uint32_t arm, double reward)
{
  require(arm < successes_.size(), "ThompsonSampling::update: arm out of range");
  const double gamma = options_.discount;
  if (gamma < 1.0) {
    for (size_t i = 0; i < successes_.size(); ++i) {
      successes_[i] *= gamma;
      failures_[i] *= gamma;
    }
  }
  const double r = clamp_reward(reward);
  successes_[arm] += r;
  failures_[arm] += 1.0 - r;
}

double ThompsonSampling::mean(uint32_t arm) const
{
  require(arm < successes_.size(), "ThompsonSampling::mean: arm out of range");
  const double alpha = options_.prior_alpha + successes_[arm];
  const double beta = options_.prior_beta + failures_[arm];
  return alpha / (alpha + beta);
}

// ---------------------------------------------------------------------------------------------- LinUcb

LinUcb::LinUcb(uint32_t arms, uint32_t dim, Options options) : options_(options), dim_(dim)
{
  check_argument(arms >= 1, "LinUcb needs arms >= 1");
  check_argument(dim >= 1, "LinUcb needs dim >= 1");
  check_argument(std::isfinite(options.alpha) && options.alpha >= 0.0, "LinUcb alpha must be finite and >= 0");
  check_argument(std::isfinite(options.ridge) && options.ridge > 0.0, "LinUcb ridge must be finite and > 0");
  check_argument(is_discount(options.discount), "LinUcb discount must be in (0, 1]");
  const auto d = static_cast<Eigen::Index>(dim);
  a_inverse_.assign(arms, Eigen::MatrixXd::Identity(d, d) / options.ridge);
  b_.assign(arms, Eigen::VectorXd::Zero(d));
  theta_.assign(arms, Eigen::VectorXd::Zero(d));
  scratch_ = Eigen::VectorXd::Zero(d);
  if (options.discount < 1.0) {
    a_.assign(arms, Eigen::MatrixXd::Identity(d, d) * options.ridge);
    // Built in place: Eigen 3.4's LLT(size) leaves its status unset, which a move assignment would read.
    cholesky_.emplace(d);
    identity_ = Eigen::MatrixXd::Identity(d, d);
  }
}

uint32_t LinUcb::choose(const Eigen::VectorXd& x, std::span<const uint8_t> available) const
{
  require(x.size() == static_cast<Eigen::Index>(dim_), "LinUcb::choose: the context has dim() entries");
  require(available.size() == theta_.size(), "LinUcb::choose: the mask has one entry per arm");
  uint32_t best = NONE;
  double best_score = 0.0;
  for (uint32_t arm = 0; arm < theta_.size(); ++arm) {
    if (available[arm] == 0)
      continue;
    const double width = std::sqrt(std::max(0.0, quadratic_form(a_inverse_[arm], x)));
    const double score = theta_[arm].dot(x) + options_.alpha * width;
    if (best == NONE || score > best_score) { // a NaN score never wins; the first available arm stands
      best = arm;
      best_score = score;
    }
  }
  return best;
}

void LinUcb::update(uint32_t arm, const Eigen::VectorXd& x, double reward)
{
  require(arm < theta_.size(), "LinUcb::update: arm out of range");
  require(x.size() == static_cast<Eigen::Index>(dim_), "LinUcb::update: the context has dim() entries");
  if (!x.allFinite())
    return;
  const double r = clamp_reward(reward);
  if (options_.discount < 1.0) {
    discount_and_refactor(arm, x, r);
    return;
  }
  // Sherman-Morrison: (A + x x^T)^-1 = A^-1 - (A^-1 x)(A^-1 x)^T / (1 + x^T A^-1 x), A^-1 symmetric.
  // Writing the correction as u u^T with u = A^-1 x / sqrt(1 + x^T A^-1 x) keeps A^-1 exactly symmetric.
  Eigen::MatrixXd& a_inverse = a_inverse_[arm];
  scratch_.noalias() = a_inverse * x;
  const double spread = x.dot(scratch_); // x^T A^-1 x >= 0 for a positive definite A, up to round-off
  if (!std::isfinite(spread))
    return; // overflow: keep the model as it is
  const double denominator = 1.0 + std::max(0.0, spread);
  scratch_ /= std::sqrt(denominator);
  a_inverse.noalias() -= scratch_ * scratch_.transpose();
  b_[arm] += r * x;
  theta_[arm].noalias() = a_inverse * b_[arm];
}

void LinUcb::discount_and_refactor(uint32_t arm, const Eigen::VectorXd& x, double reward)
{
  const double gamma = options_.discount;
  const double regularisation = (1.0 - gamma) * options_.ridge;
  for (size_t i = 0; i < theta_.size(); ++i) {
    a_[i] *= gamma;
    a_[i].diagonal().array() += regularisation;
    b_[i] *= gamma;
  }
  a_[arm].noalias() += x * x.transpose();
  b_[arm] += reward * x;
  // A >= ridge I is symmetric positive definite, so Cholesky needs no pivoting; O(d^3) per arm. Should round-off
  // ever break it, the arm keeps its previous inverse (still positive definite) rather than a NaN one.
  for (size_t i = 0; i < theta_.size(); ++i) {
    cholesky_->compute(a_[i]);
    if (cholesky_->info() != Eigen::Success)
      continue;
    a_inverse_[i] = identity_;
    cholesky_->solveInPlace(a_inverse_[i]);
    theta_[i].noalias() = a_inverse_[i] * b_[i];
  }
}

double LinUcb::predict(uint32_t arm, const Eigen::VectorXd& x) const
{
  require(arm < theta_.size(), "LinUcb::predict: arm out of range");
  require(x.size() == static_cast<Eigen::Index>(dim_), "LinUcb::predict: the context has dim() entries");
  return theta_[arm].dot(x);
}

double LinUcb::width(uint32_t arm, const Eigen::VectorXd& x) const
{
  require(arm < theta_.size(), "LinUcb::width: arm out of range");
  require(x.size() == static_cast<Eigen::Index>(dim_), "LinUcb::width: the context has dim() entries");
  return std::sqrt(std::max(0.0, quadratic_form(a_inverse_[arm], x)));
}

} // namespace orchsim::orchestrator::intelligence
