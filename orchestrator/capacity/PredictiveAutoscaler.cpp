#include "orchestrator/capacity/PredictiveAutoscaler.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace orchsim::orchestrator::capacity {

namespace {
// ceil() forgives float round-off: 0.7 x 10 / 0.7 must give 10, not 11.
constexpr double RATIO_SLACK = 1e-9;

void require(bool ok, const char* message)
{
  if (!ok) {
    std::fprintf(stderr, "orchsim: capacity::PredictiveAutoscaler: %s\n", message);
    std::abort();
  }
}

uint32_t instances_for(double busy_slots, double slots_per_instance)
{
  const double wanted = std::ceil(busy_slots / slots_per_instance - RATIO_SLACK);
  return static_cast<uint32_t>(std::clamp(wanted, 0.0, 4e9));
}
} // namespace

std::unique_ptr<intelligence::Forecaster> make_forecaster(const models::PredictiveScalingOptions& options)
{
  using models::ForecasterKind;
  switch (options.forecaster) {
    case ForecasterKind::HOLT_WINTERS:
      return std::make_unique<intelligence::HoltWintersForecaster>(options.alpha, options.beta, options.gamma,
                                                                   models::season_intervals(options));
    case ForecasterKind::HOLT:
      return std::make_unique<intelligence::HoltForecaster>(options.alpha, options.beta);
    case ForecasterKind::EWMA:
      break;
  }
  return std::make_unique<intelligence::EwmaForecaster>(options.alpha);
}

PredictiveAutoscaler::PredictiveAutoscaler(Options options, uint32_t concurrency, double cold_start_s,
                                           double prior_service_s)
    : options_(options)
    , concurrency_(concurrency)
    , horizon_(1)
    , service_s_(intelligence::Ewma::Options{options.service_time_alpha, 0.0}, prior_service_s)
{
  const char* error = check_options(options_);
  require(error == nullptr, error);
  require(concurrency >= 1, "concurrency must be >= 1");
  require(cold_start_s >= 0.0 && std::isfinite(cold_start_s), "cold_start_s must be finite and >= 0");
  require(prior_service_s > 0.0 && std::isfinite(prior_service_s), "prior_service_s must be finite and > 0");
  horizon_ = static_cast<uint32_t>(std::ceil((cold_start_s + options_.interval_s) / options_.interval_s - RATIO_SLACK));
  horizon_ = std::max<uint32_t>(horizon_, 1);
  forecaster_ = make_forecaster(options_);
}

uint32_t PredictiveAutoscaler::evaluate(double calls, double busy_slots)
{
  require(std::isfinite(calls) && calls >= 0.0, "calls must be finite and >= 0");
  require(std::isfinite(busy_slots) && busy_slots >= 0.0, "busy_slots must be finite and >= 0");
  forecaster_->observe(calls);
  double peak_calls = 0.0;
  for (uint32_t h = 1; h <= horizon_; ++h)
    peak_calls = std::max(peak_calls, forecaster_->forecast(h));
  forecast_per_s_ = peak_calls / options_.interval_s;
  const double slots_per_instance = options_.target_utilization * concurrency_;
  predicted_ = instances_for(forecast_per_s_ * service_s_.value(), slots_per_instance);
  reactive_ = instances_for(busy_slots, slots_per_instance);
  return std::clamp(std::max(predicted_, reactive_), options_.min_replicas, options_.max_replicas);
}

} // namespace orchsim::orchestrator::capacity
