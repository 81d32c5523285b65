#include "orchestrator/intelligence/Forecasters.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

namespace orchsim::orchestrator::intelligence {

namespace {
void check_smoothing(double value, const char* what)
{
  if (!(value > 0.0 && value <= 1.0)) // also rejects NaN
    throw std::invalid_argument(std::string("intelligence: ") + what + " must be in (0, 1]");
}
} // namespace

// ---------------------------------------------------------------------------------------------- Naive

void NaiveForecaster::observe(double y)
{
  if (std::isfinite(y))
    last_ = y;
}

double NaiveForecaster::forecast(uint32_t /*steps_ahead*/) const
{
  return last_;
}

// ---------------------------------------------------------------------------------------------- EWMA

EwmaForecaster::EwmaForecaster(double alpha) : alpha_(alpha)
{
  check_smoothing(alpha, "EwmaForecaster alpha");
}

void EwmaForecaster::observe(double y)
{
  if (!std::isfinite(y))
    return;
  level_ = started_ ? level_ + alpha_ * (y - level_) : y;
  started_ = true;
}

double EwmaForecaster::forecast(uint32_t /*steps_ahead*/) const
{
  return level_;
}

// ---------------------------------------------------------------------------------------------- Holt

HoltForecaster::HoltForecaster(double alpha, double beta) : alpha_(alpha), beta_(beta)
{
  check_smoothing(alpha, "HoltForecaster alpha");
  check_smoothing(beta, "HoltForecaster beta");
}

namespace {

/** One step of Holt's method (FPP3 sec. 8.2) after `observations` earlier values: the first sets the
 *  level, the second the trend (y2 - y1), the others smooth both. Holt-Winters runs it over its first
 *  season too. */
void holt_update(double& level, double& trend, uint64_t observations, double y, double alpha, double beta)
{
  if (observations == 0) {
    level = y;
  } else if (observations == 1) {
    trend = y - level;
    level = y;
  } else {
    const double previous_level = level;
    level = alpha * y + (1.0 - alpha) * (level + trend);
    trend = beta * (level - previous_level) + (1.0 - beta) * trend;
  }
}

} // namespace

void HoltForecaster::observe(double y)
{
  if (!std::isfinite(y))
    return;
  holt_update(level_, trend_, observations_, y, alpha_, beta_);
  ++observations_;
}

double HoltForecaster::forecast(uint32_t steps_ahead) const
{
  return level_ + static_cast<double>(steps_ahead) * trend_;
}

// ---------------------------------------------------------------------------------------------- Holt-Winters

HoltWintersForecaster::HoltWintersForecaster(double alpha, double beta, double gamma, uint32_t season)
    : alpha_(alpha), beta_(beta), gamma_(gamma)
{
  check_smoothing(alpha, "HoltWintersForecaster alpha");
  check_smoothing(beta, "HoltWintersForecaster beta");
  check_smoothing(gamma, "HoltWintersForecaster gamma");
  if (season < 2)
    throw std::invalid_argument("intelligence: HoltWintersForecaster season must be >= 2");
  seasonal_.assign(season, 0.0);
}

void HoltWintersForecaster::observe(double y)
{
  if (!std::isfinite(y))
    return;
  const uint64_t m = seasonal_.size();
  if (observations_ < m) { // first season: remember it raw, forecast with Holt's method meanwhile
    seasonal_[observations_] = y;
    holt_update(level_, trend_, observations_, y, alpha_, beta_);
    if (++observations_ == m)
      initialise_season();
    return;
  }
  double& seasonal = seasonal_[observations_ % m]; // s_{t-m} before, s_t after
  const double previous_level = level_;
  const double previous_trend = trend_;
  level_ = alpha_ * (y - seasonal) + (1.0 - alpha_) * (previous_level + previous_trend);
  trend_ = beta_ * (level_ - previous_level) + (1.0 - beta_) * previous_trend;
  seasonal = gamma_ * (y - previous_level - previous_trend) + (1.0 - gamma_) * seasonal;
  ++observations_;
}

void HoltWintersForecaster::initialise_season()
{
  double sum = 0.0;
  for (double y : seasonal_)
    sum += y;
  const double mean = sum / static_cast<double>(seasonal_.size());
  for (double& s : seasonal_)
    s -= mean;
  level_ = mean;
  trend_ = 0.0;
}

double HoltWintersForecaster::forecast(uint32_t steps_ahead) const
{
  if (observations_ == 0)
    return 0.0;
  const double h = static_cast<double>(steps_ahead);
  if (!is_seasonal())
    return level_ + h * trend_;
  // The target is observation n - 1 + h (0-based), whose seasonal slot is (n - 1 + h) mod m; n >= 1 here.
  return level_ + h * trend_ + seasonal_[(observations_ + steps_ahead - 1) % seasonal_.size()];
}

} // namespace orchsim::orchestrator::intelligence
