// orchestrator/Simulation.hpp
#pragma once
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <vector>

#include "models/Batching.hpp"
#include "models/OfferedLoad.hpp"
#include "models/ServiceTime.hpp"
#include "models/Scenario.hpp"
#include "models/WorkloadSource.hpp"
#include "orchestrator/RunStats.hpp"
#include "orchestrator/capacity/ConcurrencyLimit.hpp"
#include "orchestrator/capacity/Hpa.hpp"
#include "orchestrator/capacity/KnativeAutoscaler.hpp"
#include "orchestrator/capacity/PredictiveAutoscaler.hpp"
#include "orchestrator/capacity/TargetTuner.hpp"
#include "orchestrator/coordination/AdaptiveTimeout.hpp"
#include "orchestrator/coordination/Backoff.hpp"
#include "orchestrator/coordination/CircuitBreaker.hpp"
#include "orchestrator/coordination/OutlierDetector.hpp"
#include "orchestrator/coordination/QuantileTracker.hpp"
#include "orchestrator/coordination/RateLimiter.hpp"
#include "orchestrator/coordination/RetryBudget.hpp"
#include "orchestrator/coordination/RetryThrottle.hpp"
#include "orchestrator/selection/Selector.hpp"
#include "sim/Activities.hpp"
#include "sim/Engine.hpp"
#include "sim/Platform.hpp"
#include "sim/Pool.hpp"

namespace orchsim::orchestrator {

/** One run of a scenario: workload sources send requests to the orchestrator, which walks each
 *  request's workflow DAG and, for every step, selects an instance and calls it, coordinating the
 *  call (per-try timeout, request deadline, retries with backoff, budget and throttling, hedged
 *  copies, fallback); service instances queue and serve calls.
 *  Request-level events are plain structs on the engine's calendar; requests and calls live in pools
 *  reused across the run, so the hot path does not allocate.
 *  Semantics (docs/ARCHITECTURE.md): a step starts when all its dependencies are done; a step succeeds
 *  with the first successful answer of any of its calls (the others are abandoned); it fails when its
 *  tries, retries and fallback are exhausted; a failed mandatory step fails the request and abandons
 *  its other calls (queued ones leave the queue, calls in service run to completion as wasted work).
 *  REQUIRES: the scenario outlives the Simulation. One run per object. */
class Simulation : public sim::EventHandler, private TruthView {
public:
  /** One request as it arrived: what must not change when only the orchestration changes. */
  struct ArrivalRecord {
    uint32_t source;
    double time_s;
    models::CallTokens tokens;
  };
  struct Options {
    uint64_t max_events = 0; // 0: no bound
    double max_time_s = 0.0; // <= 0: no bound
    uint64_t max_memory_bytes = 0; // 0: no bound
    /** When set, every arrival is appended here (tests of common random numbers). Borrowed. */
    std::vector<ArrivalRecord>* arrival_log = nullptr;
  };
  explicit Simulation(const models::Scenario& scenario) : Simulation(scenario, Options{}) {}
  Simulation(const models::Scenario& scenario, Options options);
  ~Simulation() override;

  RunStats run();
  void on_event(const sim::Event& event) override;

private:
  static constexpr uint32_t NIL = UINT32_MAX;
  enum EventKind : uint32_t {
    ARRIVAL,
    CALL_DONE,
    CALL_TIMEOUT,
    RETRY,
    HEDGE,
    DEADLINE,
    BREAKER_CHECK,  // a service's breaker has been open for its open duration: let probes through
    FAULT_START,    // id: index into Scenario::faults
    SERIES_TICK,    // the end of a time-series interval
    AUTOSCALE,      // id: service; an autoscaler's evaluation
    INSTANCE_READY, // id: instance, gen: its start generation; a cold start is over
    FAULT_END,
    OUTLIER_TICK, // a service's outlier detection interval: return ejected instances whose time is up
    WINDOW_OPEN,
    WINDOW_CLOSE,
    REQUEST_ARRIVED,  // id: call; its request's last byte reached the instance's host
    RESPONSE_ARRIVED, // id: call; its response's last byte reached the request's clients
    BATCH_STEP,       // id: instance, gen: its step generation; a batching server's iteration ended
  };
  enum class StepStatus : uint8_t { WAITING, RUNNING, DONE };
  enum class CallStatus : uint8_t { SENDING, QUEUED, IN_SERVICE, CANCELED, RESPONDING };
  enum class CallKind : uint8_t { FIRST, RETRY, HEDGE, FALLBACK };
  using Cause = models::FailureCause;

  struct StepState {
    uint32_t waiting = 0; // dependencies not yet done
    StepStatus status = StepStatus::WAITING;
    uint32_t live = 0;          // calls the orchestrator still waits for
    uint32_t head = NIL;        // first of them, linked through Call::next
    uint32_t tries = 0;         // tries started: the first and its retries
    uint32_t hedges = 0;        // extra copies sent
    uint32_t timer_gen = 0;     // bumped when a try ends: stale retry and hedge timers are ignored
    double try_started_s = 0.0; // issue time of the current try's first call (hedges are measured from it)
    bool on_fallback = false;
    uint32_t cascade_level = 0; // index into the step's cascade, cheapest first
    uint32_t calls_issued = 0;  // the ordinal of the step's next call (common random numbers)
    Cause last_failure = Cause::ERROR;
    models::CallTokens tokens;
  };
  struct Request {
    uint32_t gen = 0;
    uint32_t source = 0;
    uint32_t workflow = 0;
    uint32_t steps_left = 0;
    double arrival_s = 0.0;
    double deadline_s = models::INF;
    uint64_t arrival_key = 0; // affinity key for ring_hash: its session's, or its arrival number
    uint64_t draw_base = 0;   // (seed, source, n-th request of the source): its calls' draws derive from it
    uint32_t origin = 0;      // platform host of its clients (its source's location)
    double quality_sum = 0.0;
    uint32_t quality_count = 0;
    bool measured = false;
    std::vector<StepState> steps;
  };
  struct Call {
    uint32_t gen = 0;
    uint32_t request = 0;
    uint32_t step = 0;
    uint32_t instance = 0;
    uint32_t service = 0;
    uint32_t workflow = 0;
    uint32_t pool = 0;
    uint32_t prev = NIL, next = NIL; // the step's live calls
    double issued_s = 0.0;
    double service_s = 0.0;
    double started_s = 0.0;     // service start (work and batching services measure service_s from it)
    double first_token_s = 0.0; // batching: when its first output token came out
    double sent_s = 0.0;        // platform: when its request or response started crossing the network
    double arrived_s = 0.0;     // when it reached its instance (the start of a batching server's TTFT)
    double price_multiplier = 1.0;     // a price fault in force when the call was sent
    uint64_t draw_key = 0;             // (request, step, call ordinal, service): the seed of this call's service draws
    uint32_t outstanding_at_issue = 0; // the instance's `waiting` before this call
    models::CallTokens tokens;
    CallStatus status = CallStatus::QUEUED;
    CallKind kind = CallKind::FIRST;
    bool abandoned = false; // the orchestrator no longer waits for it
    bool crashed = false;   // its instance crashed while serving it: its CALL_DONE is void
    uint32_t slot = 0;      // position in its instance's in_service list
    bool measured = false;
    bool error = false;
  };
  struct Instance {
    uint32_t service = 0;
    uint32_t busy = 0;
    uint32_t queued = 0; // live calls waiting (canceled ones may still sit in `queue`)
    std::deque<uint32_t> queue;
    uint32_t waiting = 0;        // calls the orchestrator waits for here (what it can observe of the instance's load)
    std::vector<uint32_t> pools; // pools this instance belongs to
    bool ejected = false;        // by outlier detection
    bool down = false;           // crashed (a fault)
    std::vector<uint32_t> in_service; // calls being served
    /** Autoscaled services have `max` instances, of which those not provisioned are INACTIVE. */
    enum class Life : uint8_t { ACTIVE, STARTING, DRAINING, INACTIVE } life = Life::ACTIVE;
    uint32_t start_gen = 0; // a start canceled by a scale-down makes its INSTANCE_READY stale
    uint32_t host = 0;      // platform host it is placed on (platform runs)
    std::unique_ptr<models::ContinuousBatcher> batcher; // batching services
    uint32_t step_gen = 0;  // batching: a crash makes the pending BATCH_STEP stale
    bool stepping = false;  // batching: inside BATCH_STEP (calls admitted then join the next iteration)
    double step_s = 0.0;    // batching: duration of the current iteration
  };
  /** The orchestrator's per-service policies and what they need to know. */
  struct ServiceState {
    uint32_t first_instance = 0;
    uint32_t in_flight = 0;            // calls the orchestrator waits for (the concurrency limit's measure)
    bool breaker_open = false;         // instances withdrawn from selection (breaker open, or half-open and full)
    double breaker_opened_at_s = -1.0; // the opening already acted on
    uint32_t up_instances = 0;
    double latency_multiplier = 1.0;                           // a latency fault
    double price_multiplier = 1.0;                             // a price fault
    std::optional<double> error_probability;                   // an error fault
    std::optional<coordination::RateLimiter> saved_rate_limit; // the limits a rate-limit fault replaced
    std::optional<coordination::CircuitBreaker> breaker;
    std::optional<coordination::RateLimiter> rate_limit;
    std::unique_ptr<capacity::ConcurrencyLimit> concurrency;
    std::optional<coordination::OutlierDetector> outliers;
    uint32_t allocated = 0; // instances in the run: `instances`, or the autoscaler's max
    std::optional<capacity::Hpa> hpa;
    std::optional<capacity::KnativeAutoscaler> kpa;
    std::optional<capacity::PredictiveAutoscaler> predictive;
    std::optional<capacity::TargetTuner> tuner;     // HPA target tuning
    std::unique_ptr<sim::Histogram> period_latency; // target tuning: latencies answered in the sync period
    uint64_t period_calls = 0;                      // predictive: calls sent to the service in the current interval
    sim::TimeAverage period_busy;                   // HPA, predictive: busy slots over the last sync period
    double mean_service_s = 1.0;   // the latency model's mean at the service's mean tokens (the oracle's wait)
    double mean_output_tokens = 0; // of the calls it is offered: the oracle knows distributions, not draws
  };
  /** The candidates of one or more steps (same set of services): its selector and retry state. */
  struct CandidatePool {
    std::vector<uint32_t> services;
    std::unique_ptr<Selector> selector;
    uint32_t active = 0; // calls in flight from this pool
    std::optional<coordination::RetryBudget> budget;
    std::optional<coordination::RetryThrottle> throttle;
    std::optional<coordination::QuantileTracker> latency; // hedging after the observed percentile
    std::optional<coordination::AdaptiveTimeout> timeout; // per-try timeout from the observed latency
    uint32_t members = 0; // instances of its services (a pool of one member never chooses)
  };
  struct StepPlan {
    uint32_t pool = 0;
    uint32_t fallback_pool = NIL;
    std::vector<uint32_t> cascade_pools; // one pool per candidate service, cheapest expected call first
    std::vector<uint32_t> dependents;    // steps waiting for this one
  };

  // requests and workflow DAG (Simulation.cpp)
  void on_arrival(uint32_t source);
  void start_request(uint32_t source, const models::CallTokens& tokens, uint64_t key, bool measured);
  void step_succeeded(uint32_t request, uint32_t step);
  void step_failed(uint32_t request, uint32_t step, Cause cause);
  void fail_request(uint32_t request, Cause cause);
  void finish_request(uint32_t request);
  void on_deadline(uint32_t request);
  void open_window();
  void close_window();
  uint32_t pool_for(const std::vector<uint32_t>& services);
  double expected_cost_usd(uint32_t service);

  // calls (SimulationCalls.cpp)
  void issue_call(uint32_t request, uint32_t step, CallKind kind);
  /** The pool the step's calls go to now: its candidates, its cascade level, or its fallback. */
  uint32_t current_pool(uint32_t request, uint32_t step) const;
  /** A cascade step answered: true when the answer's quality is too low and the step escalated. */
  bool escalate(uint32_t request, uint32_t step, uint32_t service, sim::Rng& rng);
  void begin_service(uint32_t call);
  /** What the call is billed by its service (tokens, price faults; egress is billed by send()). */
  double call_cost_usd(const Call& call) const;
  void on_call_done(uint32_t call);
  void on_call_timeout(uint32_t call);
  void on_retry_timer(uint32_t request, uint32_t step);
  void on_hedge_timer(uint32_t request, uint32_t step);
  /** A call ended without success (its answer, its timeout, or an immediate refusal). */
  void call_failed(uint32_t request, uint32_t step, Cause cause);
  void try_exhausted(uint32_t request, uint32_t step);
  void schedule_step_timer(EventKind kind, uint32_t request, uint32_t step, double at_s);
  void schedule_hedge(uint32_t request, uint32_t step);
  void abandon(uint32_t call, bool count_canceled);
  /** Bookkeeping when the orchestrator stops waiting for a call, answered or not. */
  void call_ended(const Call& call);
  void abandon_step_calls(uint32_t request, uint32_t step);
  void unlink(uint32_t call);
  void notify_issue(uint32_t instance, double now_s);
  void notify_answer(uint32_t instance, double now_s, double latency_s, bool success);
  void notify_abandon(uint32_t instance, double now_s);
  void notify_outcome(const Call& call, CallOutcome::End end, double now_s, double cost_usd);
  /** Client-side admission (concurrency limit, breaker) and the provider's rate limit, in that order:
   *  the cause of a refusal, or nothing when the call may go. */
  std::optional<Cause> admit(uint32_t service, const models::CallTokens& tokens, double now_s);
  /** Feeds a call's outcome to the service's breaker, outlier detection and concurrency limit. */
  void record_outcome(const Call& call, std::optional<Cause> failure, double now_s);
  void update_availability(uint32_t instance);
  void on_breaker_check(uint32_t service);
  /** Takes a service's instances out of selection (its breaker refuses calls) or puts them back. */
  void withdraw(uint32_t service, bool withdrawn);
  void on_outlier_tick(uint32_t service);
  void on_fault(uint32_t fault, bool start);
  void on_autoscale(uint32_t service);
  /** An HPA's sync: its target tuned (when asked), then its decision. */
  void autoscale_hpa(uint32_t service, uint32_t current, double now_s);
  /** A predictive autoscaler's interval end: the interval's calls and busy slots, then its decision. */
  void autoscale_predictive(uint32_t service, double now_s);
  void on_instance_ready(uint32_t instance, uint32_t gen);
  /** Starts or drains instances so that ACTIVE + STARTING ones number `desired`. */
  void scale_to(uint32_t service, uint32_t desired);
  void set_life(uint32_t instance, Instance::Life life);
  void finish_draining(uint32_t instance);
  void setup_series();
  void on_series_tick();
  void crash(uint32_t instance);
  void recover(uint32_t instance);
  /** TruthView: the oracle's objective for a call to `instance`. */
  double true_score(uint32_t instance, const models::CallTokens& tokens,
                    const models::Objective& objective) const override;
  bool selectable(uint32_t instance) const;
  /** Selection quality: how the pick compares with the best pick the truth allows. */
  void judge_pick(uint32_t pool, uint32_t picked, const models::CallTokens& tokens, uint32_t workflow, bool measured);
  /** The call failed at once, before its service ended (its instance crashed). */
  void fail_now(uint32_t call, Cause cause);
  void count_call_failure(uint32_t service, Cause cause, bool measured);
  void set_busy(uint32_t service, int delta);
  void set_queued(uint32_t service, int delta);
  void free_call(uint32_t call);

  // platform: placement, network, compute, batching (SimulationPlatform.cpp)
  void setup_platform();
  uint32_t place_instance(uint32_t service, uint32_t index) const;
  /** The call reached its instance: it is served, queued or refused. False when refused or failed. */
  bool arrive(uint32_t call);
  /** Sends the call's request (to the instance) or its response (to the clients) over the network. */
  void send(uint32_t call, bool response);
  void on_response_arrived(uint32_t call);
  /** The orchestrator receives the call's answer (after the response crossed the network). */
  void answer(uint32_t call);
  /** Starts serving a call on a work service (SimGrid execution) or a batching server. */
  void start_work(uint32_t call);
  void start_batch_step(uint32_t instance);
  void on_batch_step(uint32_t instance, uint32_t gen);
  void on_outage(uint32_t fault, bool start);
  /** Mean time of one call to `service` at `tokens` when served alone (priors, oracle). */
  double mean_service_s(uint32_t service, const models::CallTokens& tokens) const;
  double network_rtt_s(uint32_t origin, uint32_t instance) const;

  const models::Scenario& scenario_;
  Options options_;
  sim::Engine engine_;
  const sim::Platform* platform_ = nullptr;      // set when the scenario has a platform
  std::unique_ptr<sim::Activities> activities_;  // SimGrid transfers (contention) and executions
  std::vector<uint32_t> source_hosts_;           // per source: the platform host of its clients
  std::vector<std::vector<uint32_t>> outage_downed_; // per fault: instances an OUTAGE took down
  std::vector<uint32_t> finished_scratch_;           // batching: the calls an iteration finished
  uint32_t pick_origin_ = 0; // platform host of the clients of the call being placed (the truth's network term)
  std::vector<models::WorkloadSource> sources_;
  std::vector<uint64_t> source_requests_; // requests each source has sent
  std::vector<uint8_t> learns_;           // per instance: a selector of one of its pools uses on_outcome
  uint64_t draw_seed_ = 0;                // the base of every call's draw key
  std::vector<CandidatePool> pools_;
  std::vector<std::vector<StepPlan>> plans_; // [workflow][step]
  std::vector<Instance> instances_;
  std::vector<ServiceState> services_;
  std::vector<uint32_t> busy_, queued_; // per service
  sim::Pool<Request> requests_;
  sim::Pool<Call> calls_;
  sim::Rng coordination_rng_; // backoff jitter
  coordination::Backoff backoff_;
  uint32_t active_requests_ = 0;
  std::optional<models::OfferedLoad> offered_load_; // mean tokens per service, for the selectors' priors

  uint64_t arrivals_ = 0;
  uint32_t open_sources_left_ = 0; // open sources whose process has not ended
  bool has_closed_loop_ = false;
  uint64_t warmup_requests_ = 0;
  bool arrivals_stopped_ = false;
  bool window_open_ = false;
  bool window_closed_ = false;
  RunStats stats_;

  /** What happened since the last series tick (whole run, not only measured requests). */
  struct IntervalWorkflow {
    uint64_t arrivals = 0, completed = 0;
    uint64_t decisions = 0, optimal_picks = 0; // selection quality, every request
    double timeout_sum_s = 0.0;                // adaptive timeout: timeouts given to the calls sent ...
    uint64_t timeout_calls = 0;                // ... and how many
    double last_timeout_s = 0.0;               // the last interval's mean, repeated when no call was sent
    FailureCounts failed;
    sim::Histogram latency_s;
  };
  struct IntervalService {
    uint64_t offered = 0, completed = 0, failed = 0;
  };
  std::vector<IntervalWorkflow> interval_workflows_;
  std::vector<IntervalService> interval_services_;
  std::vector<double> series_row_;
};

} // namespace orchsim::orchestrator
