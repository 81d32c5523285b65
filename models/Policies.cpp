#include "models/Policies.hpp"

#include <cmath>

namespace orchsim::models {

namespace {
bool is_positive(double x)
{
  return std::isfinite(x) && x > 0.0;
}

const char* check_rules(const HpaScalingRules& rules)
{
  // API validation: stabilizationWindowSeconds in [0, 3600], at least one policy, value > 0,
  // periodSeconds in (0, 1800].
  if (!(rules.stabilization_window_s >= 0.0 && rules.stabilization_window_s <= 3600.0))
    return "stabilization_window_s must lie in [0, 3600]";
  if (rules.policies.empty())
    return "scaling rules need at least one policy";
  for (const auto& policy : rules.policies) {
    if (policy.value == 0)
      return "a scaling policy's value must be positive";
    if (!(policy.period_s > 0.0 && policy.period_s <= 1800.0))
      return "a scaling policy's period_s must lie in (0, 1800]";
  }
  return nullptr;
}
} // namespace

// ---- coordination ----------------------------------------------------------------------------------------

const char* check(const BackoffOptions& options)
{
  if (!is_positive(options.initial_backoff_s))
    return "initial_backoff_s must be finite and > 0";
  if (!is_positive(options.max_backoff_s))
    return "max_backoff_s must be finite and > 0";
  if (!is_positive(options.multiplier))
    return "multiplier must be finite and > 0";
  return nullptr;
}

const char* check(const RetryBudgetOptions& options)
{
  if (!(options.budget_percent >= 0.0 && options.budget_percent <= 100.0))
    return "budget_percent must lie in [0, 100]";
  if (!(options.ttl_s >= 1.0 && options.ttl_s <= 60.0))
    return "ttl_s must lie in [1, 60] seconds (Finagle)";
  if (!(options.percent_can_retry >= 0.0 && options.percent_can_retry <= RETRY_BUDGET_FINAGLE_SCALE))
    return "percent_can_retry must lie in [0, 1000] (Finagle)";
  return nullptr;
}

int64_t retry_throttle_milli_tokens(double tokens)
{
  return static_cast<int64_t>(std::llround(tokens * 1000.0));
}

const char* check(const RetryThrottleOptions& options)
{
  if (!(options.max_tokens > 0.0 && options.max_tokens <= 1000.0) ||
      retry_throttle_milli_tokens(options.max_tokens) == 0)
    return "max_tokens must lie in (0, 1000] with at most three decimal places (gRPC A6)";
  // Above 1000 one success would refill any bucket, so the bound loses nothing and keeps the sums exact.
  if (!(options.token_ratio > 0.0 && options.token_ratio <= 1000.0) ||
      retry_throttle_milli_tokens(options.token_ratio) == 0)
    return "token_ratio must lie in (0, 1000] with at most three decimal places (gRPC A6)";
  return nullptr;
}

const char* check(const CircuitBreakerOptions& options)
{
  if (options.consecutive_failures && *options.consecutive_failures == 0)
    return "consecutive_failures must be >= 1 when set";
  if (options.failure_rate_threshold_percent &&
      !(*options.failure_rate_threshold_percent > 0.0 && *options.failure_rate_threshold_percent <= 100.0))
    return "failure_rate_threshold_percent must lie in (0, 100] (Resilience4j)";
  if (options.window_s == 0)
    return "window_s must be >= 1";
  if (options.minimum_calls == 0)
    return "minimum_calls must be >= 1";
  if (!(std::isfinite(options.open_duration_s) && options.open_duration_s >= 0.0))
    return "open_duration_s must be finite and >= 0";
  if (options.permitted_calls_in_half_open == 0)
    return "permitted_calls_in_half_open must be >= 1";
  return nullptr;
}

const char* check(const OutlierDetectorOptions& options)
{
  if (options.consecutive_5xx == 0)
    return "consecutive_5xx must be >= 1";
  if (!is_positive(options.interval_s))
    return "interval_s must be finite and > 0";
  if (!is_positive(options.base_ejection_time_s))
    return "base_ejection_time_s must be finite and > 0";
  if (options.max_ejection_time_s &&
      !(is_positive(*options.max_ejection_time_s) && *options.max_ejection_time_s >= options.base_ejection_time_s))
    return "max_ejection_time_s must be finite and >= base_ejection_time_s (Envoy)";
  if (options.max_ejection_percent > 100)
    return "max_ejection_percent must be <= 100";
  return nullptr;
}

const char* check(const RateLimiterOptions& options)
{
  const auto bad = [](const std::optional<double>& amount, double least) {
    return amount && !(std::isfinite(*amount) && *amount >= least && *amount > 0.0);
  };
  // A request bucket holding less than one request would refuse every call for ever.
  if (bad(options.requests_per_minute, 1.0))
    return "requests_per_minute must be finite and >= 1 when set";
  if (bad(options.tokens_per_minute, 0.0))
    return "tokens_per_minute must be finite and > 0 when set";
  return nullptr;
}

const char* check(const QuantileTrackerOptions& options)
{
  if (options.window_samples == 0)
    return "window_samples must be >= 1";
  if (options.min_samples == 0 || options.min_samples > options.window_samples)
    return "min_samples must lie in [1, window_samples]";
  return nullptr;
}

const char* check(const AdaptiveTimeoutOptions& options)
{
  if (!(options.percentile > 0.0 && options.percentile < 1.0))
    return "percentile must lie in (0, 1)";
  if (!(options.multiplier >= 1.0 && std::isfinite(options.multiplier)))
    return "multiplier must be finite and >= 1";
  if (!(options.max_s > 0.0 && std::isfinite(options.max_s)))
    return "max_s must be finite and > 0";
  if (!(options.min_s >= 0.0 && options.min_s <= options.max_s))
    return "min_s must lie in [0, max_s]";
  if (options.min_samples == 0 || options.min_samples > options.window_samples)
    return "min_samples must lie in [1, window_samples]";
  return nullptr;
}

// ---- capacity --------------------------------------------------------------------------------------------

const char* check(const AimdLimitOptions& options)
{
  if (options.min_limit < 1)
    return "min_limit must be at least 1";
  if (options.max_limit < options.min_limit)
    return "max_limit must not be below min_limit";
  // The source only logs a warning for an initial limit above the maximum, and clamps at the first sample.
  if (options.initial_limit < options.min_limit || options.initial_limit > options.max_limit)
    return "initial_limit must lie in [min_limit, max_limit]";
  if (!(options.backoff_ratio >= 0.5 && options.backoff_ratio < 1.0))
    return "backoff_ratio must lie in [0.5, 1) (AIMDLimit.Builder)";
  if (!(options.timeout_s > 0.0))
    return "timeout_s must be positive";
  return nullptr;
}

const char* check(const GradientLimitOptions& options)
{
  if (options.min_limit < 1)
    return "min_limit must be at least 1";
  if (options.max_concurrency < options.min_limit)
    return "max_concurrency must not be below min_limit";
  // The source only logs a warning for an initial limit outside [min, max].
  if (options.initial_limit < options.min_limit || options.initial_limit > options.max_concurrency)
    return "initial_limit must lie in [min_limit, max_concurrency]";
  if (!(options.smoothing > 0.0 && options.smoothing <= 1.0))
    return "smoothing must lie in (0, 1]";
  if (!(options.rtt_tolerance >= 1.0))
    return "rtt_tolerance must be at least 1 (Gradient2Limit.Builder)";
  if (options.long_window < 1)
    return "long_window must be at least 1 sample";
  return nullptr;
}

const char* check(const ConcurrencyLimitOptions& options)
{
  return std::visit([](const auto& o) { return check(o); }, options);
}

const char* check(const HpaOptions& options)
{
  if (options.min_replicas < 1)
    return "min_replicas must be at least 1";
  if (options.max_replicas < options.min_replicas)
    return "max_replicas must not be below min_replicas";
  if (!(options.target_value > 0.0 && std::isfinite(options.target_value)))
    return "target_value must be positive";
  if (!(options.tolerance >= 0.0))
    return "tolerance must not be negative";
  if (!(options.sync_period_s > 0.0))
    return "sync_period_s must be positive";
  if (const char* error = check_rules(options.scale_up))
    return error;
  return check_rules(options.scale_down);
}

const char* check(const KnativeOptions& options)
{
  if (!(options.container_concurrency_target > 0.0 && std::isfinite(options.container_concurrency_target)))
    return "container_concurrency_target must be positive";
  if (!(options.target_utilization > 0.0 && options.target_utilization <= 1.0))
    return "target_utilization must lie in (0, 1]";
  // Knative's config validation: stable-window in [6s, 1h], panic-window-percentage in [1, 100],
  // panic-threshold-percentage in [110, 1000], scale rates above 1.
  if (!(options.stable_window_s >= 6.0 && options.stable_window_s <= 3600.0))
    return "stable_window_s must lie in [6, 3600]";
  if (!(options.panic_window_percentage >= 1.0 && options.panic_window_percentage <= 100.0))
    return "panic_window_percentage must lie in [1, 100]";
  if (!(options.panic_threshold_percentage >= 110.0 && options.panic_threshold_percentage <= 1000.0))
    return "panic_threshold_percentage must lie in [110, 1000]";
  if (!(options.max_scale_up_rate > 1.0))
    return "max_scale_up_rate must be greater than 1";
  if (!(options.max_scale_down_rate > 1.0))
    return "max_scale_down_rate must be greater than 1";
  if (!(options.tick_interval_s > 0.0))
    return "tick_interval_s must be positive";
  if (options.max_scale != 0 && options.max_scale < options.min_scale)
    return "max_scale must be 0 (no bound) or at least min_scale";
  return nullptr;
}

const char* check(const TargetTuningOptions& options)
{
  if (!is_positive(options.latency_s))
    return "latency_s must be finite and > 0";
  if (!(options.percentile > 0.0 && options.percentile < 1.0))
    return "percentile must lie in (0, 1)";
  if (!(options.step > 0.0 && options.step <= 1.0))
    return "step must lie in (0, 1]";
  if (!(options.min_target > 0.0 && options.min_target <= options.max_target && options.max_target <= 1.0))
    return "min_target and max_target must satisfy 0 < min_target <= max_target <= 1";
  return nullptr;
}

uint32_t season_intervals(const PredictiveScalingOptions& options)
{
  const double ratio = options.season_s / options.interval_s;
  return std::isfinite(ratio) && ratio >= 0.0 && ratio < 4e9 ? static_cast<uint32_t>(std::llround(ratio)) : 0;
}

const char* check(const PredictiveScalingOptions& options)
{
  if (options.min_replicas < 1)
    return "min_replicas must be at least 1";
  if (options.max_replicas < options.min_replicas)
    return "max_replicas must not be below min_replicas";
  if (!(options.target_utilization > 0.0 && options.target_utilization <= 1.0))
    return "target_utilization must lie in (0, 1]";
  if (!is_positive(options.interval_s))
    return "interval_s must be finite and > 0";
  const auto smoothing = [](double x) { return x > 0.0 && x <= 1.0; };
  if (!smoothing(options.alpha) || !smoothing(options.beta) || !smoothing(options.gamma))
    return "alpha, beta and gamma must lie in (0, 1]";
  if (!smoothing(options.service_time_alpha))
    return "service_time_alpha must lie in (0, 1]";
  if (options.forecaster == ForecasterKind::HOLT_WINTERS) {
    const double ratio = options.season_s / options.interval_s;
    const uint32_t m = season_intervals(options);
    if (m < 2 || std::abs(ratio - m) > 1e-6 * m)
      return "season_s must be a whole number of at least 2 intervals";
  }
  return nullptr;
}

} // namespace orchsim::models
