// analysis/Capacity.hpp
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "analysis/CapacitySearch.hpp"
#include "analysis/CapacitySlo.hpp"
#include "analysis/Runner.hpp"
#include "results/ProfilesResult.hpp"

namespace orchsim::analysis {

/** `--instances SERVICE --rate R`: the fewest instances of a service that meet the SLOs at a total rate. */
struct InstancesQuestion {
  std::string service;
  double rate_per_s = 0; // all open-loop sources together
};

/** What `orchsim capacity` searches for (docs/CAPACITY.md). Defaults written where declared. */
struct CapacityOptions {
  std::vector<CapacitySlo> slos;              // every one must hold; empty: the scenario's own `slo:` objectives
  double min_success = 0.999;                 // the success ratio each objective's scope must reach
  std::vector<std::string> profiles;          // searched in this order ("all": every profile); empty: the baseline
  uint32_t replications = 1;                  // replication r searches with seed + r in every profile (paired)
  double tolerance = 0.02;                    // load: stop when (fail - pass) / pass <= tolerance
  unsigned jobs = 1;                          // searches at once, each in its own process; 1: in this process
  SearchLimits limits;                        // bracketing range and probes per search
  std::optional<InstancesQuestion> instances; // set: count instances at a rate instead of searching the load
};

/** One search: a profile in a replication. `result.pass` is the capacity (load factor) or the fewest
 *  instances that passed. */
struct CapacitySearchRun {
  std::string profile;
  uint32_t replication = 0;
  uint64_t seed = 0;
  SearchResult result;
};

/** A profile's answer over its replications. */
struct ProfileCapacity {
  std::string name;
  std::string status;          // found, above, below, probe_limit: the worst of its searches
  std::optional<double> bound; // above / below: the value the answer lies beyond
  std::string note;            // above / below: what the runs at `bound` said
  // load search
  results::Measured factor;                     // passing load factor per replication, mean and 95 % interval
  std::optional<results::Measured> rate_per_s;  // the base open-loop rate x factor (null for closed loops)
  results::Measured measured_rate_per_s;        // offered rate measured in the runs at the passing factor
  std::optional<results::Measured> vs_baseline; // capacity / the baseline's, paired by replication
  // instances search
  std::optional<uint32_t> instances; // the fewest that passed in every replication (max over them)
  results::Measured instances_per_replication;
  results::Measured cost_usd, cost_per_hour_usd, cost_per_success_usd, instance_cost_usd; // runs at `instances`
  bool confirmed = true; // every replication's run at `instances` passed
};

/** Everything `orchsim capacity` found: the answers and every run that led to them. */
struct CapacityResult {
  results::RunContext context; // seed: replication 0's; profile and selection empty
  CapacityOptions options;
  std::vector<uint64_t> seeds;
  std::optional<double> base_rate_per_s; // open-loop arrival rate at load factor 1 (null with closed loops)
  double start_factor = 1;               // the scenario's simulation.load_scale: where a load search starts
  double instances_load_factor = 0;      // instances search: the load factor that gives the asked rate
  std::vector<CapacitySearchRun> searches;
  nlohmann::json probes = nlohmann::json::array(); // every run: results/SCHEMA.md, "Capacity"
  std::vector<ProfileCapacity> profiles;
  double wall_time_s = 0;
  unsigned jobs = 1;
};

/** Searches every profile in every replication, searches in parallel processes. Throws sim::InputError on
 *  bad input (an unknown profile, workflow or service, no objective, a rate the scenario cannot be scaled
 *  to), before any run where it can. */
CapacityResult run_capacity(const LoadedScenario& loaded, const CapacityOptions& options);

/** The capacity document (results/SCHEMA.md, "Capacity"). */
nlohmann::json to_json(const CapacityResult& result);
/** One row per profile, with means and 95 % intervals. */
std::string capacity_csv(const CapacityResult& result);
/** What `orchsim capacity` prints. */
std::string capacity_table(const CapacityResult& result);

} // namespace orchsim::analysis
