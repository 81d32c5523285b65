// orchestrator/RunStats.hpp
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/Scenario.hpp"
#include "orchestrator/QuarterAverage.hpp"
#include "sim/Histogram.hpp"
#include "sim/TimeAverage.hpp"
#include "sim/TimeSeries.hpp"

namespace orchsim::orchestrator {

/** Failures counted by cause (models::FailureCause). */
struct FailureCounts {
  std::array<uint64_t, models::FAILURE_CAUSES> by_cause{};
  uint64_t& operator[](models::FailureCause c) { return by_cause[static_cast<size_t>(c)]; }
  uint64_t operator[](models::FailureCause c) const { return by_cause[static_cast<size_t>(c)]; }
  uint64_t total() const
  {
    uint64_t sum = 0;
    for (uint64_t n : by_cause)
      sum += n;
    return sum;
  }
};

/** What one workflow measured over the measurement window (warm-up excluded). */
struct WorkflowStats {
  std::string name;
  uint64_t offered = 0;          // measured requests that arrived
  uint64_t completed = 0;        // ... that succeeded
  FailureCounts failed;          // ... that failed, by the cause of the mandatory step that failed
  uint64_t good = 0;             // ... that succeeded within the SLO latency (all successes without an SLO)
  uint64_t calls = 0;            // calls sent for measured requests: first tries, retries, hedges, fallbacks
  uint64_t retries = 0;          // ... of which retries
  uint64_t hedges = 0;           // ... of which hedged extra copies
  uint64_t fallbacks = 0;        // ... of which calls to a step's fallback service
  uint64_t escalations = 0;      // cascade steps that moved on to a costlier service
  double wasted_service_s = 0.0; // service time spent on calls nobody waited for any more
  double hedge_service_s = 0.0;  // service time of hedged extra copies (what hedging added)
  sim::Histogram latency_s;      // arrival to completion of successful requests
  double cost_usd = 0.0;         // every call of measured requests that a service served
  double quality_sum = 0.0;      // sum over successes of the mean quality of the services that answered
  uint64_t quality_requests = 0; // successes answered by at least one service with a quality score
  double good_quality = 0.0;     // sum over good requests of their quality (1 for those without a score)
  uint64_t decisions = 0;        // selections among two or more available candidates
  uint64_t oracle_picks = 0;     // ... that picked a candidate the truth ranks best (ties count)
  double regret = 0.0;           // sum over decisions of (true objective of the pick - of the best), >= 0
  sim::TimeAverage in_flight;    // requests in the system, all of them
  std::optional<models::SloSpec> slo;
};

/** What one service measured over the measurement window: calls of measured requests. */
struct ServiceStats {
  std::string name;
  uint32_t slots = 0;     // instances x concurrency
  uint64_t offered = 0;   // calls sent to the service
  uint64_t completed = 0; // answered successfully while the orchestrator still waited
  FailureCounts failed;
  uint64_t canceled = 0;         // abandoned because the step or request no longer needed them
  uint64_t served = 0;           // calls whose service finished (answered, errored or abandoned)
  uint64_t retries = 0;          // offered calls that were retries
  uint64_t hedges = 0;           // offered calls that were hedged extra copies
  double wasted_service_s = 0.0; // service time of served calls nobody waited for any more
  double hedge_service_s = 0.0;  // ... of which hedged extra copies
  uint64_t breaker_opens = 0;    // times the service's circuit breaker opened
  uint64_t ejections = 0;        // instance ejections by outlier detection
  sim::Histogram latency_s;      // issue to answer of completed calls (queueing + service)
  double cost_usd = 0.0;
  sim::TimeAverage busy_slots;             // all calls, over the window
  sim::TimeAverage queued;                 // waiting calls, over the window
  sim::TimeAverage up_instances;           // instances not crashed, over the window
  sim::TimeAverage provisioned;            // instances provisioned (starting, serving or draining), over the window
  sim::TimeAverage ready_slots;            // slots of serving instances, over the window
  uint64_t scale_ups = 0, scale_downs = 0; // autoscaler decisions that added or removed instances
  double instance_hour_usd = 0.0;
  uint32_t instances = 0;
  /** A batching model server's iterations (docs/PLATFORM.md, "Model servers"); measured calls only for
   *  the histograms, every iteration of the window for the counts. */
  struct Batching {
    uint64_t steps = 0;           // iterations that ended in the window
    uint64_t step_sequences = 0;  // sum over them of the sequences in the batch
    uint64_t step_tokens = 0;     // sum over them of the tokens processed (prefill + decode)
    double step_s = 0.0;          // sum over them of their durations
    sim::Histogram ttft_s;        // arrival at the server to the first output token
    sim::Histogram tpot_s;        // (last token - first token) / (output tokens - 1), calls with 2+ tokens
  };
  std::optional<Batching> batching;
};

/** What crossed the platform's network (docs/PLATFORM.md, "Network"): transfers of measured calls. */
struct NetworkStats {
  uint64_t transfers = 0;         // requests and responses sent
  double bytes = 0.0;
  double cross_region_bytes = 0.0;
  double egress_usd = 0.0;        // cross_region_bytes x the platform's egress price per GB
  uint64_t cross_region_calls = 0; // calls whose instance is in another region than the request's clients
  uint64_t local_zone_calls = 0;   // calls whose instance is in the clients' zone
  sim::Histogram transfer_s;      // start to last byte, each transfer
};

/** Everything a run measured; analysis turns it into a results::RunResult. */
struct RunStats {
  double window_start_s = 0.0;
  double window_end_s = 0.0;
  double end_s = 0.0;    // the last event (drain included)
  uint64_t arrivals = 0; // all requests, warm-up included
  uint64_t events = 0;
  uint64_t simgrid_timers = 0;
  bool truncated = false; // an engine bound ended the run early
  bool stalled = false;   // ... because simulated time stopped advancing
  bool interrupted = false;   // ... because SIGINT or SIGTERM asked to stop (sim/Interrupt.hpp)
  bool out_of_memory = false; // ... because the process reached its memory bound
  std::vector<WorkflowStats> workflows;
  std::vector<ServiceStats> services;
  QuarterAverage in_flight_quarters; // requests in the system, all workflows, per quarter of the window
  /** Per interval, whole run (warm-up and drain included); columns `workflows.<w>.<what>` and
   *  `services.<s>.<what>`. Unset when the scenario asks for none. */
  std::optional<sim::TimeSeries> series;
  std::optional<NetworkStats> network; // set when the scenario has a platform
  bool lockstep = false;               // the engine ran in LOCKSTEP (SimGrid activities beside the calendar)
  double window_s() const { return window_end_s - window_start_s; }
};

} // namespace orchsim::orchestrator
