// results/RunResult.hpp
#pragma once
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace orchsim::results {

/** The result of one run: what results/SCHEMA.md documents, field by field, with units.
 *  Plain values, no behaviour; `to_json` is the only serialisation. Everything outside `host` is a
 *  pure function of (scenario file, seed, overrides, orchsim build), so two runs of the same inputs
 *  give byte-identical JSON apart from `host`. */
inline constexpr int SCHEMA_VERSION = 1;

struct LatencySummary {
  uint64_t count = 0;
  double mean = 0, p50 = 0, p90 = 0, p95 = 0, p99 = 0, p999 = 0, max = 0; // seconds
  /** The distribution at the probabilities of CDF_PROBABILITIES: (p, seconds); workflows and totals only
   *  (empty for services, and then not written). */
  std::vector<std::pair<double, double>> cdf;
};

/** Where a latency CDF is sampled: deciles plus the tail. */
inline constexpr double CDF_PROBABILITIES[] = {0.01, 0.05, 0.1, 0.2,  0.3,  0.4,   0.5,   0.6,
                                               0.7,  0.8,  0.9, 0.95, 0.99, 0.999, 0.9999};

/** Failures by cause: docs/METRICS.md defines each. */
struct Failures {
  uint64_t error = 0, timeout = 0, rejected = 0, rate_limited = 0, shed = 0, circuit_open = 0;
  uint64_t total() const { return error + timeout + rejected + rate_limited + shed + circuit_open; }
};

struct SloResult {
  std::string objective; // latency_p99
  double percentile = 0; // 0.99
  double target_s = 0;
  double measured_s = 0; // the same percentile of the measured latency
  bool met = false;      // measured_s <= target_s
  double attainment = 0; // successes within target_s / successes
};

/** How well selection chose, judged by the truth (docs/METRICS.md, "Selection quality"). */
struct SelectionQuality {
  uint64_t decisions = 0;                    // picks among two or more available candidates
  std::optional<double> optimal_ratio;       // share of decisions that picked a truly best candidate
  double regret = 0;                         // sum over decisions of objective(pick) - objective(best)
  std::optional<double> regret_per_decision; // regret / decisions (seconds with the latency objective)
};

struct WorkflowMetrics {
  uint64_t offered = 0, completed = 0, failed = 0;
  Failures failures;
  double success_ratio = 0;    // completed / offered
  double throughput_per_s = 0; // completed / window
  double goodput_per_s = 0;    // completed within the SLO latency / window
  LatencySummary latency_s;
  double mean_in_flight = 0;                                  // time-average of requests in the system
  uint64_t calls = 0, retries = 0, hedges = 0, fallbacks = 0; // calls sent for measured requests
  uint64_t escalations = 0;                                   // cascade steps that moved on to a costlier service
  double calls_per_request = 0;                               // calls / offered: the load amplification of coordination
  double wasted_service_s = 0;                                // service time of calls nobody waited for any more
  double hedge_service_s = 0; // service time of hedged extra copies: the work hedging added
  double cost_usd = 0;
  std::optional<double> cost_per_success_usd;
  std::optional<double> mean_quality; // mean over successes of the answering services' quality
  double quality_goodput_per_s = 0;   // sum of the quality of good requests (1 without a score) / window
  SelectionQuality selection;
  std::optional<SloResult> slo;
};

/** All workflows together. */
struct TotalMetrics {
  uint64_t offered = 0, completed = 0, failed = 0;
  double success_ratio = 0, throughput_per_s = 0, goodput_per_s = 0, quality_goodput_per_s = 0;
  LatencySummary latency_s; // every successful request, all workflows merged
  double cost_usd = 0;      // calls, plus instance-hours of autoscaled services
  std::optional<double> cost_per_success_usd;
  std::optional<double> mean_quality;
  SelectionQuality selection;
};

/** The run's effectiveness: what the amplification factor divides (docs/METRICS.md). */
struct Effectiveness {
  std::string objective; // quality_goodput, goodput or goodput_per_usd
  std::optional<double> value;
};

/** A batching model server's iterations (docs/METRICS.md, "Model servers"). */
struct BatchingMetrics {
  uint64_t steps = 0;         // iterations that ended in the window
  double mean_batch = 0;      // sequences per iteration
  double tokens_per_s = 0;    // tokens processed (prefill + decode) per second of the window, all instances
  double mean_step_s = 0;     // seconds per iteration
  LatencySummary ttft_s;      // time to first token: arrival at the server to the first output token
  LatencySummary tpot_s;      // time per output token after the first
};

struct ServiceMetrics {
  uint32_t slots = 0;
  uint64_t offered = 0, completed = 0, canceled = 0, served = 0, retries = 0, hedges = 0;
  uint64_t breaker_opens = 0, ejections = 0;
  double availability = 1;      // time-average share of instances up (not crashed)
  double mean_instances = 0;    // time-average of instances provisioned (starting, serving, draining)
  double instance_cost_usd = 0; // mean_instances x window hours x the autoscaler's instance_hour_usd
  uint64_t scale_ups = 0, scale_downs = 0;
  double wasted_service_s = 0;
  double hedge_service_s = 0;
  Failures failures;
  double throughput_per_s = 0;
  double utilization = 0;       // time-average busy slots / slots
  double mean_queue_length = 0; // time-average waiting calls, all instances together
  LatencySummary latency_s;
  double cost_usd = 0;
  std::optional<double> cost_per_success_usd;
  std::optional<BatchingMetrics> batching; // batching services only
};

/** What crossed the platform's network (docs/METRICS.md, "Network"); calls of measured requests. */
struct NetworkMetrics {
  bool contention = true;          // SimGrid's shared links (false: each transfer alone on the network)
  uint64_t transfers = 0;          // requests and responses sent
  double bytes = 0;
  double cross_region_bytes = 0;
  double egress_usd = 0;
  uint64_t cross_region_calls = 0; // calls served in another region than their request's clients
  uint64_t local_zone_calls = 0;   // calls served in their clients' zone
  LatencySummary transfer_s;       // start to last byte, each transfer
};

/** A scheduled fault, as it ran. */
struct FaultInfo {
  std::string name, kind, service;
  double start_s = 0;
  std::optional<double> end_s;                             // null: lasts to the end of the run
  std::map<std::string, std::optional<double>> recovery_s; // per workflow calling the service (docs/METRICS.md)
  std::map<std::string, std::optional<double>> adapt_s;    // ... time for selection to adapt (docs/METRICS.md)
};

/** Per-interval series of the whole run: column `workflows.<w>.<what>` or `services.<s>.<what>`,
 *  point i covering [i x interval_s, (i + 1) x interval_s). */
struct Series {
  double interval_s = 0;
  size_t points = 0;
  std::vector<std::pair<std::string, std::vector<double>>> columns;
};

struct RunInfo {
  double window_start_s = 0, window_end_s = 0, window_s = 0; // measurement window, simulated seconds
  double end_s = 0;                                          // last event, drain included
  uint64_t arrivals = 0;                                     // all requests, warm-up included
  uint64_t events = 0;
  bool complete = true; // false when a bound ended the run early
  std::vector<std::string> warnings;
  std::string saturation = "stable";          // stable, backlogged or overloaded (docs/METRICS.md, "Saturation")
  std::array<double, 4> in_flight_quarters{}; // time-average requests in the system per quarter of the window
  double backlog_growth_per_s = 0;            // what the verdict is judged from
  double backlog_growth_share = 0;            // ... over the measured arrival rate
  std::vector<FaultInfo> faults;
};

struct RunContext {
  std::string orchsim_version, git_describe, simgrid_version;
  std::string scenario_name, scenario_path, scenario_sha256;
  uint64_t seed = 0;
  std::vector<std::string> overrides;
  std::string selection; // the selection strategy that ran
  std::string profile;   // the orchestration profile that ran
};

struct HostInfo {
  double wall_time_s = 0;
  double events_per_wall_s = 0;
  std::string hostname;
  unsigned cores = 0;
};

struct RunResult {
  int schema_version = SCHEMA_VERSION;
  RunContext context;
  RunInfo run;
  std::map<std::string, WorkflowMetrics> workflows;
  std::map<std::string, ServiceMetrics> services;
  TotalMetrics totals;
  Effectiveness effectiveness;
  std::optional<Series> series;
  std::optional<NetworkMetrics> network; // scenarios with a platform
  HostInfo host;
};

nlohmann::json to_json(const RunResult& result);
/** The result written by to_json, read back: to_json(from_json(to_json(r))) == to_json(r) for every
 *  RunResult. Unknown fields are ignored (readers of a newer file), missing optional ones stay unset.
 *  Throws std::invalid_argument naming the JSON path (`metrics.workflows.chat.latency_s.p99`) of a
 *  missing required field or a value of the wrong type. */
RunResult from_json(const nlohmann::json& document);
/** The JSON text of a result: two-space indentation, keys sorted, a final newline. */
std::string to_json_text(const RunResult& result);

} // namespace orchsim::results
