// models/Policies.hpp
//
// Parameters of the orchestration policies: plain structs whose defaults, with their sources, are written
// where they are declared; shared by the scenario loader (which fills and checks them) and the orchestrator
// (which runs them). Each check() returns the first rule its options break, as a message, or nullptr; the
// policy that runs the options (named above each struct) requires check() == nullptr.
#pragma once
#include <cstdint>
#include <optional>
#include <variant>
#include <vector>

namespace orchsim::models {

// ---- coordination ----------------------------------------------------------------------------------------

/** orchestrator::coordination::Backoff: exponential backoff with full jitter (gRPC A6, AWS "Full Jitter"). */
struct BackoffOptions {
  double initial_backoff_s = 0.025; // Envoy router: default base retry interval 25 ms
  double max_backoff_s = 0.25;      // Envoy router: max interval defaults to 10 x the base interval
  double multiplier = 2.0;          // doubling, as in the AWS blog and Envoy
};
/** Every field finite and > 0 (gRPC A6 requires all three positive). */
const char* check(const BackoffOptions& options);

/** orchestrator::coordination::RetryBudget: which budget. */
enum class RetryBudgetKind : uint8_t { ENVOY, FINAGLE };
/** orchestrator::coordination::RetryBudget: retries capped as a share of traffic. */
struct RetryBudgetOptions {
  RetryBudgetKind kind = RetryBudgetKind::ENVOY;
  // ENVOY (config.cluster.v3.CircuitBreakers.Thresholds.RetryBudget)
  double budget_percent = 20.0;       // Envoy: "Defaults to 20%"
  uint32_t min_retry_concurrency = 3; // Envoy: "Defaults to 3"
  // FINAGLE (com.twitter.finagle.service.RetryBudget.apply())
  double ttl_s = 10.0;             // Finagle DefaultTtl 10 s; must lie in [1, 60] s
  uint32_t min_retries_per_s = 10; // Finagle default 10
  double percent_can_retry = 0.2;  // Finagle default 0.2; a fraction despite its name (0.2 = 20 %), <= 1000
};
/** Finagle TokenRetryBudget.ScaleFactor: the credit units of one deposit, and percent_can_retry's upper bound. */
inline constexpr double RETRY_BUDGET_FINAGLE_SCALE = 1000.0;
/** budget_percent in [0, 100], ttl_s in [1, 60] s, percent_can_retry in [0, 1000] (Finagle). */
const char* check(const RetryBudgetOptions& options);

/** orchestrator::coordination::RetryThrottle: gRPC A6 client-side retry throttling. */
struct RetryThrottleOptions {
  double max_tokens = 10.0; // gRPC A6 example "maxTokens": 10; must lie in (0, 1000]
  double token_ratio = 0.1; // gRPC A6 example "tokenRatio": 0.1; must be > 0 (we also cap it at 1000)
};
/** `tokens` in thousandths, rounded to the nearest: how RetryThrottle keeps its tokens (gRPC A6 allows three
 *  decimal places). */
int64_t retry_throttle_milli_tokens(double tokens);
/** max_tokens and token_ratio in (0, 1000], neither rounding to 0 thousandths. */
const char* check(const RetryThrottleOptions& options);

/** orchestrator::coordination::CircuitBreaker: consecutive-failure and failure-rate triggers. */
struct CircuitBreakerOptions {
  std::optional<uint32_t> consecutive_failures;                // unset: no consecutive trigger (no source default)
  std::optional<double> failure_rate_threshold_percent = 50.0; // Resilience4j failureRateThreshold 50; unset: off
  uint32_t window_s = 100;       // Resilience4j slidingWindowSize 100, read in seconds as for a TIME_BASED window
  uint32_t minimum_calls = 100;  // Resilience4j minimumNumberOfCalls 100
  double open_duration_s = 60.0; // Resilience4j waitDurationInOpenState 60 s
  uint32_t permitted_calls_in_half_open = 10; // Resilience4j permittedNumberOfCallsInHalfOpenState 10
};
/** Both triggers unset is allowed: the breaker never opens. */
const char* check(const CircuitBreakerOptions& options);

/** orchestrator::coordination::OutlierDetector: Envoy outlier detection, consecutive-5xx kind. */
struct OutlierDetectorOptions {
  uint32_t consecutive_5xx = 5;              // Envoy: "Defaults to 5"
  double interval_s = 10.0;                  // Envoy interval: "Defaults to 10000ms or 10s"
  double base_ejection_time_s = 30.0;        // Envoy base_ejection_time: "Defaults to 30000ms or 30s"
  std::optional<double> max_ejection_time_s; // Envoy: unset means max(300 s, base_ejection_time_s)
  uint32_t max_ejection_percent = 10;        // Envoy: "Defaults to 10%"; <= 100
  bool always_eject_one_host = false;        // Envoy always_eject_one_host: "Defaults to false"
};
const char* check(const OutlierDetectorOptions& options);

/** orchestrator::coordination::RateLimiter: a provider's requests and tokens per minute on one API key. */
struct RateLimiterOptions {
  std::optional<double> requests_per_minute; // provider tier's RPM; no universal default: unset = unlimited
  std::optional<double> tokens_per_minute;   // provider tier's TPM; no universal default: unset = unlimited
};
/** Each set amount finite, tokens > 0, requests >= 1. */
const char* check(const RateLimiterOptions& options);

/** orchestrator::coordination::QuantileTracker: latency quantiles over a sliding window, for hedging. */
struct QuantileTrackerOptions {
  uint32_t window_samples = 1000; // project choice: about a minute of calls for a busy service
  uint32_t min_samples = 20;      // project choice: below this the fallback is used
};
/** 1 <= min_samples <= window_samples. */
const char* check(const QuantileTrackerOptions& options);

/** orchestrator::coordination::AdaptiveTimeout: a per-try timeout that follows the observed latency,
 *  clamp(multiplier x the observed percentile of successful calls, min_s, max_s) — the observed-percentile rule
 *  of hedging ("The Tail at Scale", Dean and Barroso 2013) applied to timeouts, bounded as TCP's adaptive
 *  retransmission timeout is (RFC 6298: an estimate from observed round trips, clamped to a floor and a
 *  ceiling). No production default exists; these are the project's. */
struct AdaptiveTimeoutOptions {
  double percentile = 0.99;       // the tail the timeout sits above
  double multiplier = 2.0;        // room above it: a call twice as slow as the p99 is given up
  double min_s = 0.0;             // floor; 0: none
  double max_s = 30.0;            // ceiling, and the timeout until min_samples answers have been seen
  uint32_t min_samples = 100;     // answers before the observed percentile is trusted
  uint32_t window_samples = 1000; // the percentile is over the last this many answers
};
/** percentile in (0, 1), multiplier >= 1 and finite, 0 <= min_s <= max_s, max_s finite and > 0,
 *  1 <= min_samples <= window_samples. */
const char* check(const AdaptiveTimeoutOptions& options);

// ---- capacity --------------------------------------------------------------------------------------------

/** orchestrator::capacity::AimdLimit. Defaults are those of Netflix concurrency-limits' AIMDLimit.Builder
 *  (concurrency-limits-core/src/main/java/com/netflix/concurrency/limits/limit/AIMDLimit.java). */
struct AimdLimitOptions {
  uint32_t initial_limit = 20; // AIMDLimit.Builder initialLimit = 20
  uint32_t min_limit = 20;     // AIMDLimit.Builder minLimit = 20
  uint32_t max_limit = 200;    // AIMDLimit.Builder maxLimit = 200
  double backoff_ratio = 0.9;  // AIMDLimit.Builder backoffRatio = 0.9; the builder demands [0.5, 1)
  double timeout_s = 5.0;      // AIMDLimit DEFAULT_TIMEOUT = 5 s: a longer rtt counts as a drop
};
const char* check(const AimdLimitOptions& options);

/** orchestrator::capacity::GradientLimit. Defaults are those of Netflix concurrency-limits'
 *  Gradient2Limit.Builder
 *  (concurrency-limits-core/src/main/java/com/netflix/concurrency/limits/limit/Gradient2Limit.java). */
struct GradientLimitOptions {
  uint32_t initial_limit = 20;    // Gradient2Limit.Builder initialLimit = 20
  uint32_t min_limit = 20;        // Gradient2Limit.Builder minLimit = 20
  uint32_t max_concurrency = 200; // Gradient2Limit.Builder maxConcurrency = 200
  double smoothing = 0.2;         // Gradient2Limit.Builder smoothing = 0.2; (0, 1]
  double rtt_tolerance = 1.5;     // Gradient2Limit.Builder rttTolerance = 1.5; the builder demands >= 1
  uint32_t long_window = 600;     // Gradient2Limit.Builder longWindow = 600 samples
  /** Growth allowance per update. Gradient2's default is the constant function `concurrency -> 4`; the older
   *  GradientLimit (v1) used a square root of the limit instead. A constant is all this option offers. */
  uint32_t queue_size = 4;
};
const char* check(const GradientLimitOptions& options);

/** Which adaptive concurrency limit, with its options: a value a scenario can hold
 *  (orchestrator::capacity::make_concurrency_limit builds one). */
using ConcurrencyLimitOptions = std::variant<AimdLimitOptions, GradientLimitOptions>;
/** The check of the algorithm held. */
const char* check(const ConcurrencyLimitOptions& options);

/** orchestrator::capacity::Hpa: the Kubernetes Horizontal Pod Autoscaler's policy types. */
enum class HpaPolicyType : uint8_t { PODS, PERCENT };
/** One HPAScalingPolicy: within any `period_s`, change by at most `value` pods or `value` percent of the
 *  replicas at the period's start. */
struct HpaScalingPolicy {
  HpaPolicyType type;
  uint32_t value;
  double period_s;
};
/** HPAScalingRules.selectPolicy: MAX the policy allowing the largest change, MIN the smallest, DISABLED no
 *  change in that direction. */
enum class HpaSelectPolicy : uint8_t { MAX, MIN, DISABLED };
struct HpaScalingRules {
  double stabilization_window_s;
  std::vector<HpaScalingPolicy> policies; // at least one
  HpaSelectPolicy select = HpaSelectPolicy::MAX;
};

/** orchestrator::capacity::Hpa: the Kubernetes Horizontal Pod Autoscaler's replica calculation. */
struct HpaOptions {
  uint32_t min_replicas = 1;  // HorizontalPodAutoscalerSpec.minReplicas defaults to 1
  uint32_t max_replicas = 10; // required in the spec (no Kubernetes default); 10 is ours
  /** Per-instance target in the metric's unit. 0.8: the autoscaling/v1 default CPU utilization target
   *  (targetCPUUtilizationPercentage, 80 %) when none is given. */
  double target_value = 0.8;
  double tolerance = 0.1;      // kube-controller-manager --horizontal-pod-autoscaler-tolerance = 0.1
  double sync_period_s = 15.0; // kube-controller-manager --horizontal-pod-autoscaler-sync-period = 15 s
  /** HPA docs "Default Behavior": scale up with no stabilization, by the larger of +100 % and +4 pods per
   *  15 s (selectPolicy Max). */
  HpaScalingRules scale_up = {
      0.0, {{HpaPolicyType::PERCENT, 100, 15.0}, {HpaPolicyType::PODS, 4, 15.0}}, HpaSelectPolicy::MAX};
  /** HPA docs "Default Behavior": scale down after a 300 s stabilization window (also
   *  --horizontal-pod-autoscaler-downscale-stabilization = 5 min), by up to 100 % per 15 s. */
  HpaScalingRules scale_down = {300.0, {{HpaPolicyType::PERCENT, 100, 15.0}}, HpaSelectPolicy::MAX};
};
/** Includes the Kubernetes API's validation of both scaling rules. */
const char* check(const HpaOptions& options);

/** orchestrator::capacity::KnativeAutoscaler: the Knative Pod Autoscaler's decision on concurrency. */
struct KnativeOptions {
  double container_concurrency_target = 100.0; // config-autoscaler container-concurrency-target-default "100"
  double target_utilization = 0.7;             // config-autoscaler container-concurrency-target-percentage "70"
  double stable_window_s = 60.0;               // config-autoscaler stable-window "60s"
  double panic_window_percentage = 10.0;       // config-autoscaler panic-window-percentage "10.0": 6 s
  double panic_threshold_percentage = 200.0;   // config-autoscaler panic-threshold-percentage "200.0"
  double max_scale_up_rate = 1000.0;           // config-autoscaler max-scale-up-rate "1000.0"
  double max_scale_down_rate = 2.0;            // config-autoscaler max-scale-down-rate "2.0"
  double tick_interval_s = 2.0;                // scaling/multiscaler.go tickInterval = 2 s
  /** Knative's default min-scale is 0 (scale to zero, after a grace period this class does not model);
   *  1 here. 0 is allowed and then means an immediate drop to 0 on no load. */
  uint32_t min_scale = 1;
  uint32_t max_scale = 0; // config-autoscaler max-scale "0": no upper bound
};
/** Includes Knative's own config validation of the windows, thresholds and rates. */
const char* check(const KnativeOptions& options);

/** orchestrator::capacity::TargetTuner: an HPA's target utilization tuned from a latency objective. At
 *  each sync period: the observed percentile of the service's call latency above latency_s lowers the
 *  target by `step` (more instances for the same load), below half of latency_s raises it by `step`;
 *  kept within [min_target, max_target]. A rule of the project's (no autoscaler ships it); it closes the
 *  loop Kubernetes leaves to the operator, who picks the target that meets the latency objective. */
struct TargetTuningOptions {
  double latency_s = 1.0;   // the objective on the service's call latency (issue to answer); no default in YAML
  double percentile = 0.99; // which percentile of the latencies observed over the sync period
  double step = 0.05;       // change of the target per sync period
  double min_target = 0.3;  // the target never goes below ...
  double max_target = 0.9;  // ... nor above
};
/** latency_s finite and > 0, percentile in (0, 1), step in (0, 1], 0 < min_target <= max_target <= 1. */
const char* check(const TargetTuningOptions& options);

/** orchestrator::capacity::PredictiveAutoscaler: which forecaster of the calls offered per interval. */
enum class ForecasterKind : uint8_t { HOLT_WINTERS, HOLT, EWMA };

/** orchestrator::capacity::PredictiveAutoscaler: instances from a forecast of the load, with the current
 *  load as a floor (AWS EC2 Auto Scaling predictive scaling: forecast capacity, never below what dynamic
 *  scaling asks for). Smoothing defaults are the project's: Hyndman and Athanasopoulos (FPP3 sec. 8.3) fit
 *  them to the data, which an online controller cannot do before it has seen any. */
struct PredictiveScalingOptions {
  uint32_t min_replicas = 1;
  uint32_t max_replicas = 10;
  double target_utilization = 0.7; // busy share of the slots aimed at (the HPA examples' 70 %)
  double interval_s = 60.0;        // how often calls offered are counted and the count decided
  ForecasterKind forecaster = ForecasterKind::HOLT_WINTERS;
  double season_s = 86400.0;        // HOLT_WINTERS: the season (a day); season_s / interval_s intervals, whole, >= 2
  double alpha = 0.2;               // level smoothing
  double beta = 0.05;               // trend smoothing (HOLT, HOLT_WINTERS)
  double gamma = 0.3;               // seasonal smoothing (HOLT_WINTERS)
  double service_time_alpha = 0.02; // EWMA weight of one served call's service time (the prior: the model's mean)
};
/** The season in intervals: season_s / interval_s rounded to the nearest whole number. */
uint32_t season_intervals(const PredictiveScalingOptions& options);
/** 1 <= min_replicas <= max_replicas, target_utilization in (0, 1], interval_s finite and > 0, smoothing
 *  factors in (0, 1], HOLT_WINTERS: season_s a whole number (within 1e-6) of at least 2 intervals. */
const char* check(const PredictiveScalingOptions& options);

} // namespace orchsim::models
