// models/Scenario.hpp
#pragma once
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "models/Batching.hpp"
#include "models/Distribution.hpp"
#include "models/LatencyModel.hpp"
#include "models/Policies.hpp"
#include "models/Trace.hpp"
#include "sim/PlatformSpec.hpp"

namespace orchsim::models {

/** A validated scenario: what the loader makes of a YAML file plus overrides. Every name is resolved
 *  to an index, every value is in SI units (seconds, requests per second, USD). Immutable once loaded;
 *  the simulation only reads it. The format is documented in scenarios/README.md. */

inline constexpr double INF = std::numeric_limits<double>::infinity();

struct ServiceCost {
  double per_call_usd = 0.0;
  double per_input_token_usd = 0.0;
  double per_output_token_usd = 0.0;
};

/** Instances added and removed during the run by an autoscaler (Kubernetes HPA, Knative KPA, or predictive). */
struct AutoscalingSpec {
  /** min/max instances inside (min_replicas / min_scale). */
  std::variant<HpaOptions, KnativeOptions, PredictiveScalingOptions> policy;
  double cold_start_s = 0.0;                        // a new instance serves this long after it is asked for
  double instance_hour_usd = 0.0;                   // price of one instance provisioned for an hour
  std::optional<TargetTuningOptions> target_tuning; // HPA only: its target utilization tuned from a latency objective
  uint32_t get_min() const;
  uint32_t get_max() const;
};

/** What a call carries over the network (docs/PLATFORM.md, "Network"): request bytes = request +
 *  per_input_token x input tokens; response bytes = response + per_output_token x output tokens. */
struct PayloadSpec {
  DistributionPtr request_bytes;  // nullptr: 0
  DistributionPtr response_bytes; // nullptr: 0
  double request_bytes_per_input_token = 0.0;
  double response_bytes_per_output_token = 0.0;
};

/** A service whose calls are computations on its instance's SimGrid host (docs/PLATFORM.md, "Compute"):
 *  flops = flops + per_input_token x input tokens + per_output_token x output tokens, run on one core;
 *  co-located calls and services share the host's cores. */
struct WorkSpec {
  DistributionPtr flops; // nullptr: 0
  double flops_per_input_token = 0.0;
  double flops_per_output_token = 0.0;
};

struct ServiceSpec {
  std::string name;
  std::vector<std::string> capabilities;
  uint32_t instances = 1;
  uint32_t concurrency = 1;               // slots per instance sharing the instance's FIFO queue
  std::optional<uint32_t> queue_capacity; // waiting calls per instance; nullopt: unbounded
  LatencyModelPtr latency;
  double error_probability = 0.0; // a served call fails with this probability
  ServiceCost cost;
  std::optional<double> quality;                // mean answer quality in [0, 1]; none for infrastructure
  DistributionPtr quality_model;                // draws one answer's quality (cascades); nullptr: always `quality`
  double weight = 1.0;                          // relative share for weighted selection strategies, > 0
  std::optional<RateLimiterOptions> rate_limit; // the provider's limits: calls beyond them are refused (429)
  std::optional<AutoscalingSpec> autoscaling;   // `instances` is then the starting count
  std::vector<std::string> zones;               // instance i is placed in zones[i % zones.size()]; empty: none
  // Platform (docs/PLATFORM.md). Without a platform `zones` are labels for zone outages only.
  std::vector<sim::PlaceRef> hosts;       // explicit placement: instance i on hosts[i % n] (wins over zones)
  std::vector<sim::PlaceRef> zone_refs;   // `zones` with where each was written (platform placement)
  std::optional<sim::HostKind> host_kind; // placement over zones uses only hosts of this kind
  PayloadSpec payload;                    // bytes sent and received per call (platform only)
  std::optional<WorkSpec> work;           // calls run as SimGrid executions (then `latency` is null)
  std::optional<BatchingSpec> batching;   // a continuous-batching model server (then `latency` is null)
};

struct StepSpec {
  std::string name;
  std::string target;               // the service or capability named in the file
  bool by_capability = false;       // true: `capability:`, false: `service:`
  std::vector<uint32_t> candidates; // services that can serve the step (indices, file order)
  std::vector<uint32_t> after;      // steps this one waits for (indices)
  bool optional = false;            // a failure of an optional step does not fail the request
  DistributionPtr input_tokens;     // overrides the request's tokens for this step when set
  DistributionPtr output_tokens;
  std::optional<uint32_t> fallback; // service called once the step's tries are exhausted
  /** FrugalGPT-style cascade over the capability's services, cheapest expected call first: an answer
   *  whose drawn quality is below the threshold escalates to the next service. */
  std::optional<double> cascade_threshold;
};

struct WorkflowSpec {
  std::string name;
  std::vector<StepSpec> steps;
  std::vector<uint32_t> topological_order; // step indices, dependencies first (file order among ties)
};

enum class ArrivalProcess { POISSON, CLOSED_LOOP, BURSTY, RAMP, TRACE, DIURNAL };

struct ArrivalSpec {
  ArrivalProcess process = ArrivalProcess::POISSON;
  double rate_per_s = 0.0;      // POISSON; DIURNAL: the mean rate
  uint32_t users = 0;           // CLOSED_LOOP
  DistributionPtr think_time_s; // CLOSED_LOOP
  double ramp_from_per_s = 0.0; // RAMP: Poisson with a rate going linearly from..to over ramp_s, then to
  double ramp_to_per_s = 0.0;
  double ramp_s = 0.0;
  double diurnal_amplitude = 0.0;    // DIURNAL: rate(t) = rate x (1 + amplitude x sin(2 pi (t - phase) / period))
  double diurnal_period_s = 86400.0; // DIURNAL
  double diurnal_phase_s = 0.0;      // DIURNAL
  double rate_on_per_s = 0.0;        // BURSTY: a two-state MMPP, exponential sojourns
  double rate_off_per_s = 0.0;
  double mean_on_s = 0.0;
  double mean_off_s = 0.0;
  std::shared_ptr<const Trace> trace; // TRACE
  double time_scale = 1.0;            // TRACE: trace gaps are multiplied by this (0.5: twice the rate)
  bool loop = false;                  // TRACE: start again at the end
};

/** One stream of requests into one workflow. */
struct SourceSpec {
  std::string name;
  uint32_t workflow = 0;
  ArrivalSpec arrival;
  DistributionPtr input_tokens; // nullptr: 0 tokens, or the trace's when tokens_from_trace
  DistributionPtr output_tokens;
  bool tokens_from_trace = false;
  uint64_t sessions = 0; // requests carry one of this many session keys (ring_hash affinity); 0: each its own
  /** Where its clients are (platform only): a zone, or a host of an XML platform; empty: the first zone. */
  std::optional<sim::PlaceRef> location;
};

enum class SelectionStrategy {
  ROUND_ROBIN,            // members in turn
  WEIGHTED_ROUND_ROBIN,   // in turn, in proportion to service weights (earliest deadline first)
  RANDOM,                 // uniformly at random
  LEAST_OUTSTANDING,      // fewest outstanding calls (join the shortest queue)
  POWER_OF_D,             // best of d sampled members
  WEIGHTED_LEAST_REQUEST, // Envoy: weight / (active + 1)^bias, P2C when weights are equal
  PEAK_EWMA,              // Finagle/Linkerd: P2C on peak EWMA latency x (outstanding + 1)
  RING_HASH,              // consistent hashing of the request key (cache and session affinity)
  CAPABILITY_SCORE,       // best weighted score of expected latency, cost and quality among services
  // Adaptive (learned online from observed outcomes only; docs/STRATEGIES.md, "Intelligence layer"):
  UCB1,       // bandit over the members: UCB1, optionally discounted
  THOMPSON,   // bandit over the members: Beta-Bernoulli Thompson sampling, optionally discounted
  LINUCB,     // contextual bandit (disjoint LinUCB) on request features
  PREDICTIVE, // least predicted objective: learned wait + service time, success rate; cost and quality
  ORACLE,     // the same objective computed from the simulator's true state (a ceiling, not a real strategy)
  // Platform-aware:
  LOCALITY, // least outstanding in the client's zone, then its region, then anywhere: spill over on overload
};

/** Predictors of a member's service time (PREDICTIVE). */
enum class PredictorKind { EWMA, RLS };

/** Weights of capability_score's terms; each term is normalised over the pool's services. */
struct ScoreWeights {
  double latency = 1.0;
  double cost = 0.0;
  double quality = 0.0;
};

/** What PREDICTIVE and ORACLE minimise per candidate:
 *  latency x expected completion seconds (wait + service, divided by the success probability)
 *  + cost x expected USD of the call - quality x the service's quality. */
struct Objective {
  double latency = 1.0; // per second
  double cost = 0.0;    // per USD
  double quality = 0.0; // per quality point (quality is in [0, 1])
};

struct SelectionSpec {
  SelectionStrategy strategy = SelectionStrategy::ROUND_ROBIN;
  uint32_t d = 2;                               // POWER_OF_D: members sampled per pick
  bool with_replacement = false;                // POWER_OF_D: sample with replacement (false: d distinct members)
  double bias = 1.0;                            // WEIGHTED_LEAST_REQUEST: Envoy's active_request_bias
  double decay_s = 10.0;                        // PEAK_EWMA: decay time of the latency average (Finagle default 10 s)
  uint32_t ring_size = 1024;                    // RING_HASH: points on the ring (Envoy minimum_ring_size default 1024)
  ScoreWeights score;                           // CAPABILITY_SCORE
  Objective objective;                          // PREDICTIVE, ORACLE
  PredictorKind predictor = PredictorKind::RLS; // PREDICTIVE
  double exploration = 2.0;                     // UCB1: c in mean + sqrt(c ln N / n); LINUCB: alpha
  double discount = 1.0;                        // UCB1, THOMPSON, LINUCB: forgetting per update (1: none)
  double reward_scale_s = 0.0; // bandits: reward = exp(-latency / scale) on success, 0 on failure; 0: the pool's
                               // mean expected latency
  double ridge = 1.0;          // LINUCB: A starts as ridge x I
  double spill_at = 1.0;       // LOCALITY: a tier is overloaded when its least loaded member has this many
                               // outstanding calls per concurrency slot
};

/** Why a call (and then a request) failed. */
enum class FailureCause : uint8_t {
  ERROR,        // the service answered with an error
  TIMEOUT,      // no answer within the per-try timeout or the request deadline
  REJECTED,     // the instance's queue was full
  RATE_LIMITED, // the provider's rate limit refused the call (HTTP 429)
  SHED,         // the orchestrator's admission control refused the call (concurrency limit)
  CIRCUIT_OPEN, // no candidate available: circuit breakers open or instances ejected or down
};
inline constexpr int FAILURE_CAUSES = 6;
const char* to_string(FailureCause cause);

/** Retries of a failed try, gRPC/Envoy style. */
struct RetrySpec {
  uint32_t max_attempts = 1; // tries in all, the first included (gRPC maxAttempts); 1: none
  uint32_t retry_on = 0;     // bit (1 << FailureCause) per cause that may be retried
  BackoffOptions backoff;
  std::optional<RetryBudgetOptions> budget;     // unset: no budget
  std::optional<RetryThrottleOptions> throttle; // gRPC retry throttling; unset: none
  bool retries(FailureCause cause) const { return max_attempts > 1 && (retry_on >> int(cause) & 1u); }
};

/** Hedged calls: extra copies of a try still unanswered after a delay; the first success wins. */
struct HedgeSpec {
  uint32_t max_extra = 0;           // extra copies per step; 0: no hedging
  double delay_s = 0.0;             // fixed delay before each extra copy ...
  std::optional<double> percentile; // ... or the observed percentile of the service's latency (0.95)
  uint32_t min_samples = 20;        // percentile mode: fixed delay_s until this many observations
};

struct OrchestratorSpec {
  SelectionSpec selection;
  double call_timeout_s = INF; // per try, from the call's issue to its answer
  /** Per candidate pool, from the observed latencies instead of call_timeout_s (which is then INF). */
  std::optional<AdaptiveTimeoutOptions> adaptive_timeout;
  double deadline_s = INF; // per request, from arrival; later steps get what is left
  RetrySpec retry;
  HedgeSpec hedge;
  std::optional<CircuitBreakerOptions> circuit_breaker;     // one breaker per service
  std::optional<OutlierDetectorOptions> outlier_detection;  // per service, over its instances
  std::optional<ConcurrencyLimitOptions> concurrency_limit; // adaptive limit of calls in flight per service
};

/** A latency objective: the `percentile` of the workflow's latency must be at most `latency_s`.
 *  A request is "good" (counts in goodput) when it succeeds within latency_s. */
struct SloSpec {
  double percentile = 0.99; // as a fraction: 0.99 for latency_p99
  double latency_s = INF;
  std::string key; // as written: latency_p99
};

enum class EngineSync { WINDOWED, LOCKSTEP };

struct SimulationSpec {
  uint64_t seed = 1;
  std::optional<uint64_t> requests; // stop arrivals after this many (all sources together) ...
  std::optional<double> duration_s; // ... or at this time; exactly one is set
  double warmup_fraction = 0.0;     // warm-up as a share of requests or duration ...
  std::optional<double> warmup_s;   // ... or as a time
  EngineSync engine = EngineSync::WINDOWED;
  double load_scale = 1.0;           // every source's arrival rate (closed loop: its users) times this
  double series_interval_s = 1.0;    // per-interval time series in the result; 0: none
  uint32_t series_max_points = 1000; // beyond it the interval doubles (memory stays bounded)
};

/** Something that goes wrong at a scheduled simulated time, for a while. */
struct FaultSpec {
  enum class Kind {
    CRASH,      // the instances are down: calls in service or queued there fail (error), no new calls reach them
    LATENCY,    // service times are multiplied (gray failure)
    ERRORS,     // the error probability becomes `error_probability`
    RATE_LIMIT, // the provider's rate limits change to `rate_limit`
    PRICE,      // calls sent while it lasts cost price_multiplier x (per call and per token)
    OUTAGE,     // platform: every instance placed in `place` (a zone or a region) is down, as CRASH
  };
  Kind kind = Kind::CRASH;
  std::string name; // as written, for reports: `fault 0 (crash llm)` or the `name` key
  uint32_t service = 0;
  std::vector<uint32_t> instances; // CRASH: which instances (all of them: a service outage)
  double start_s = 0.0;
  double duration_s = INF;
  double latency_multiplier = 1.0;
  double price_multiplier = 1.0;
  double error_probability = 0.0;
  RateLimiterOptions rate_limit;
  sim::PlaceRef place; // OUTAGE: the zone or region
  bool place_is_region = false;
};

/** What the amplification factor divides (docs/METRICS.md, "Amplification"). */
enum class EffectivenessObjective {
  QUALITY_GOODPUT, // good requests x their quality, per second (default)
  GOODPUT,         // good requests per second
  GOODPUT_PER_USD, // good requests per USD spent (calls and instances)
};

/** A named orchestration profile the scenario declares. */
struct ProfileInfo {
  std::string name;
  std::string description;
};

/** Profiles that exist in every scenario without being written. */
inline constexpr const char* BASELINE_PROFILE = "baseline";
inline constexpr const char* RANDOM_PROFILE = "random"; // the bracket profile with random selection: a floor
inline constexpr const char* ORACLE_PROFILE = "oracle"; // the bracket profile with oracle selection: a ceiling

struct AmplificationSpec {
  EffectivenessObjective objective = EffectivenessObjective::QUALITY_GOODPUT;
  std::string bracket = BASELINE_PROFILE; // the profile `random` and `oracle` take their other policies from
};

struct Scenario {
  std::string name;
  std::string description;
  std::string path; // the file as given
  SimulationSpec simulation;
  sim::PlatformSpec platform; // empty(): no platform (no network, no placement)
  std::vector<ServiceSpec> services;
  std::vector<WorkflowSpec> workflows;
  std::vector<SourceSpec> sources;
  OrchestratorSpec orchestrator;
  std::vector<std::optional<SloSpec>> slos; // per workflow
  std::vector<FaultSpec> faults;            // by start time (file order among equal starts)
  std::vector<std::string> overrides;       // `key.path=value` as given, in order
  /** The profile applied: `baseline` (the top-level orchestrator when the scenario declares no profiles),
   *  a declared one, `random` or `oracle`. */
  std::string profile = BASELINE_PROFILE;
  std::vector<ProfileInfo> profiles; // every profile that can be run: declared ones (baseline first), random, oracle
  AmplificationSpec amplification;
  /** The objective selection quality is judged by in every profile: the oracle profile's. */
  Objective oracle_objective;

  std::optional<uint32_t> find_service(const std::string& name) const;
  /** True when runs start SimGrid activities (transfers with network contention, `work` executions):
   *  the engine then runs in LOCKSTEP (docs/PLATFORM.md). */
  bool uses_simgrid_activities() const;
  std::optional<uint32_t> find_workflow(const std::string& name) const;
};

} // namespace orchsim::models
