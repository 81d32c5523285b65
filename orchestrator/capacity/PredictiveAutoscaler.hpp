// orchestrator/capacity/PredictiveAutoscaler.hpp
#pragma once
#include <cstdint>
#include <memory>

#include "models/Policies.hpp"
#include "orchestrator/intelligence/Forecasters.hpp"
#include "orchestrator/intelligence/Predictors.hpp"

namespace orchsim::orchestrator::capacity {

/** Predictive autoscaling of one service: it scales ahead of the load so that cold starts are paid before the
 *  load arrives, and never below what the current load needs (AWS EC2 Auto Scaling predictive scaling keeps
 *  the larger of the forecast capacity and what dynamic scaling asks for). At the end of each interval, given
 *  the calls offered to the service in it and its mean busy slots over it:
 *    the forecaster (Holt-Winters, Holt or EWMA; FPP3 sec. 8.1-8.3) observes the count;
 *    forecast  = max over h = 1 .. H of forecast(h) / interval, H = ceil((cold_start + interval) / interval):
 *                the busiest interval before an instance asked for at the next decision could serve;
 *    predicted = ceil(forecast x mean service time / (target x concurrency));
 *    reactive  = ceil(mean busy slots / (target x concurrency)) (the HPA's rule on busy slots);
 *    desired   = max(predicted, reactive), kept within [min_replicas, max_replicas].
 *  The mean service time is an EWMA (weight service_time_alpha) of the service times of the calls served,
 *  starting from the latency model's mean. Decisions are not stabilized: the horizon's maximum already keeps
 *  instances through a dip shorter than a cold start. Pure: the caller keeps the time; not thread-safe. */
class PredictiveAutoscaler {
public:
  using Options = models::PredictiveScalingOptions;

  /** REQUIRES: check_options(options) == nullptr, concurrency >= 1, cold_start_s >= 0, prior_service_s > 0. */
  PredictiveAutoscaler(Options options, uint32_t concurrency, double cold_start_s, double prior_service_s);
  static const char* check_options(const Options& options) { return models::check(options); }

  /** A call finished its service after `service_s` seconds. */
  void observe_service_time(double service_s) { service_s_.update(service_s); }
  /** The interval that just ended: `calls` offered in it, `busy_slots` the mean busy slots over it. Returns
   *  the desired instance count. REQUIRES: calls and busy_slots finite and >= 0. */
  uint32_t evaluate(double calls, double busy_slots);

  /** The calls per second the last evaluate() sized for (0 before it). */
  double get_forecast_per_s() const { return forecast_per_s_; }
  double get_mean_service_s() const { return service_s_.value(); }
  uint32_t get_predicted() const { return predicted_; }
  uint32_t get_reactive() const { return reactive_; }
  const Options& get_options() const { return options_; }

private:
  Options options_;
  uint32_t concurrency_;
  uint32_t horizon_; // H, in intervals
  std::unique_ptr<intelligence::Forecaster> forecaster_;
  intelligence::Ewma service_s_;
  double forecast_per_s_ = 0.0;
  uint32_t predicted_ = 0, reactive_ = 0;
};

/** The forecaster `options` name, with its smoothing factors and season. REQUIRES: check(options) == nullptr. */
std::unique_ptr<intelligence::Forecaster> make_forecaster(const models::PredictiveScalingOptions& options);

} // namespace orchsim::orchestrator::capacity
