// orchestrator/Simulation.hpp
#pragma once
#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

#include "models/Scenario.hpp"
#include "models/WorkloadSource.hpp"
#include "orchestrator/RunStats.hpp"
#include "orchestrator/Selector.hpp"
#include "sim/Engine.hpp"
#include "sim/Pool.hpp"

namespace orchsim::orchestrator {

/** One run of a scenario: workload sources send requests to the orchestrator, which walks each
 *  request's workflow DAG, selects an instance for every step and calls it; service instances queue
 *  and serve calls. Request-level events are plain structs on the engine's calendar; requests and
 *  calls live in pools reused across the run, so the hot path does not allocate.
 *  Semantics (docs/ARCHITECTURE.md): a step starts when all its dependencies are done; a failed
 *  mandatory step fails the request and cancels its other calls (queued ones leave the queue, calls in
 *  service run to completion as wasted work); a timed-out call is abandoned the same way.
 *  REQUIRES: the scenario outlives the Simulation. One run per object. */
class Simulation : public sim::EventHandler {
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
    /** When set, every arrival is appended here (tests of common random numbers). Borrowed. */
    std::vector<ArrivalRecord>* arrival_log = nullptr;
  };
  explicit Simulation(const models::Scenario& scenario) : Simulation(scenario, Options{}) {}
  Simulation(const models::Scenario& scenario, Options options);
  ~Simulation() override;

  RunStats run();
  void on_event(const sim::Event& event) override;

private:
  enum EventKind : uint32_t { ARRIVAL, CALL_DONE, CALL_TIMEOUT, WINDOW_OPEN, WINDOW_CLOSE };
  enum class Outcome : uint8_t { SUCCESS, ERROR, TIMEOUT, REJECTED };
  enum class StepStatus : uint8_t { WAITING, RUNNING, DONE };
  enum class CallStatus : uint8_t { QUEUED, IN_SERVICE, CANCELED };

  struct StepState {
    uint32_t waiting = 0; // dependencies not yet done
    StepStatus status = StepStatus::WAITING;
    uint32_t call = 0;
    models::CallTokens tokens;
  };
  struct Request {
    uint32_t gen = 0;
    uint32_t source = 0;
    uint32_t workflow = 0;
    uint32_t steps_left = 0;
    double arrival_s = 0.0;
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
    double issued_s = 0.0;
    models::CallTokens tokens;
    CallStatus status = CallStatus::QUEUED;
    bool abandoned = false; // the orchestrator no longer waits for it
    bool measured = false;
    bool error = false;
  };
  struct Instance {
    uint32_t service = 0;
    uint32_t busy = 0;
    uint32_t queued = 0; // live calls waiting (canceled ones may still sit in `queue`)
    std::deque<uint32_t> queue;
    sim::Rng rng;
  };
  struct StepPlan {
    std::vector<uint32_t> instances;  // candidate instance ids
    std::vector<uint32_t> dependents; // steps waiting for this one
    uint32_t cursor = 0;              // round-robin position
  };

  void on_arrival(uint32_t source);
  void start_request(uint32_t source, const models::CallTokens& tokens, bool measured);
  /** Returns false when the call's failure ended the request. */
  bool start_step(uint32_t request, uint32_t step);
  void begin_service(uint32_t call);
  void on_call_done(uint32_t call);
  void on_call_timeout(uint32_t call);
  void step_finished(uint32_t request, uint32_t step, Outcome outcome);
  void fail_request(uint32_t request, Outcome cause);
  void finish_request(uint32_t request);
  void open_window();
  void close_window();
  void set_busy(uint32_t service, int delta);
  void set_queued(uint32_t service, int delta);
  void free_call(uint32_t call);

  const models::Scenario& scenario_;
  Options options_;
  sim::Engine engine_;
  std::vector<models::WorkloadSource> sources_;
  Selector selector_;
  std::vector<std::vector<StepPlan>> plans_; // [workflow][step]
  std::vector<Instance> instances_;
  std::vector<uint32_t> outstanding_;   // per instance, as the orchestrator sees it
  std::vector<uint32_t> busy_, queued_; // per service
  sim::Pool<Request> requests_;
  sim::Pool<Call> calls_;

  uint64_t arrivals_ = 0;
  uint32_t open_sources_left_ = 0; // open sources whose process has not ended
  bool has_closed_loop_ = false;
  uint64_t warmup_requests_ = 0;
  bool arrivals_stopped_ = false;
  bool window_open_ = false;
  bool window_closed_ = false;
  RunStats stats_;
};

} // namespace orchsim::orchestrator
