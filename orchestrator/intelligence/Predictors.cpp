#include "orchestrator/intelligence/Predictors.hpp"

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
    std::fprintf(stderr, "orchsim: intelligence::Predictors: %s\n", message);
    std::abort();
  }
}

void check_argument(bool ok, const char* what)
{
  if (!ok)
    throw std::invalid_argument(std::string("intelligence: ") + what);
}
} // namespace

// ---------------------------------------------------------------------------------------------- Ewma

Ewma::Ewma(Options options, double prior) : options_(options), value_(prior)
{
  check_argument(options.alpha > 0.0 && options.alpha <= 1.0, "Ewma alpha must be in (0, 1]");
  check_argument(std::isfinite(options.decay_s) && options.decay_s >= 0.0, "Ewma decay_s must be finite and >= 0");
  check_argument(std::isfinite(prior), "Ewma prior must be finite");
}

void Ewma::update(double value, double now_s)
{
  if (!std::isfinite(value) || (is_time_based() && !std::isfinite(now_s)))
    return;
  if (observations_++ == 0) {
    value_ = value;
    last_s_ = now_s;
    return;
  }
  if (!is_time_based()) {
    value_ += options_.alpha * (value - value_);
    return;
  }
  const double dt_s = std::max(0.0, now_s - last_s_);
  const double old_weight = std::exp(-dt_s / options_.decay_s);
  value_ = old_weight * value_ + (1.0 - old_weight) * value;
  last_s_ = std::max(last_s_, now_s);
}

// ---------------------------------------------------------------------------------------------- Rls

Rls::Rls(uint32_t dim, Options options) : options_(options), dim_(dim)
{
  check_argument(dim >= 1, "Rls needs dim >= 1");
  check_argument(options.forgetting > 0.0 && options.forgetting <= 1.0, "Rls forgetting must be in (0, 1]");
  check_argument(std::isfinite(options.delta) && options.delta > 0.0, "Rls delta must be finite and > 0");
  const auto d = static_cast<Eigen::Index>(dim);
  p_ = Eigen::MatrixXd::Identity(d, d) * options.delta;
  weights_ = Eigen::VectorXd::Zero(d);
  scratch_ = Eigen::VectorXd::Zero(d);
}

double Rls::predict(const Eigen::VectorXd& x) const
{
  require(x.size() == static_cast<Eigen::Index>(dim_), "Rls::predict: x has dim() entries");
  return weights_.dot(x);
}

void Rls::update(const Eigen::VectorXd& x, double y, double forgetting)
{
  require(x.size() == static_cast<Eigen::Index>(dim_), "Rls::update: x has dim() entries");
  require(forgetting > 0.0 && forgetting <= 1.0, "Rls::update: forgetting in (0, 1]");
  if (!x.allFinite() || !std::isfinite(y))
    return;
  const double lambda = forgetting;
  scratch_.noalias() = p_ * x;           // P x
  const double spread = x.dot(scratch_); // x^T P x >= 0 for a positive semi-definite P, up to round-off
  if (!std::isfinite(spread))
    return; // overflow: keep the model as it is
  const double denominator = lambda + std::max(0.0, spread);
  const double error = y - weights_.dot(x);
  weights_ += (error / denominator) * scratch_; // k (y - w^T x) with k = P x / denominator
  scratch_ /= std::sqrt(denominator);           // u: k x^T P = u u^T
  p_.noalias() -= scratch_ * scratch_.transpose();
  if (lambda < 1.0) {
    p_ /= lambda;
    // Bound each variance by delta with a congruence D P D (D diagonal, entries <= 1): P stays positive
    // semi-definite, unexcited directions stop growing, excited ones keep forgetting.
    const double delta = options_.delta;
    for (Eigen::Index i = 0; i < p_.rows(); ++i)
      if (p_(i, i) > delta) {
        const double d = std::sqrt(delta / p_(i, i));
        p_.row(i) *= d;
        p_.col(i) *= d;
      }
  }
  ++observations_;
}

// ---------------------------------------------------------------------------------------------- ridge

Eigen::VectorXd ridge_solution(const Eigen::MatrixXd& X, const Eigen::VectorXd& y, double lambda)
{
  check_argument(X.rows() == y.size(), "ridge_solution needs one target per row of X");
  check_argument(X.cols() >= 1, "ridge_solution needs at least one column");
  check_argument(std::isfinite(lambda) && lambda >= 0.0, "ridge_solution lambda must be finite and >= 0");
  Eigen::MatrixXd gram = X.transpose() * X;
  gram.diagonal().array() += lambda;
  return gram.ldlt().solve(X.transpose() * y);
}

} // namespace orchsim::orchestrator::intelligence
