// analysis/Profiles.hpp
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "analysis/Runner.hpp"
#include "results/ProfilesResult.hpp"

namespace orchsim::analysis {

struct ProfilesOptions {
  /** Profiles to run, by name; "all": every profile of the scenario. The baseline is always run
   *  (the amplification factor divides by it), first. */
  std::vector<std::string> profiles = {"all"};
  uint32_t replications = 1; // replication r runs with seed + r in every profile (paired)
  unsigned jobs = 1;         // runs at once, each in its own process; 1: in this process
  RunLimits limits;
  std::string runs_dir; // when set, every run's result JSON is written there as <profile>-r<r>.json
};

/** Runs the profiles on the same workloads — common random numbers: within a replication every profile
 *  sees the same arrivals, sizes and per-call draws — and summarises each with its 95 % intervals,
 *  its amplification over the baseline and its place between the random floor and the oracle ceiling.
 *  Throws sim::InputError for an unknown profile or a run that fails on its input. */
results::ProfilesResult run_profiles(const LoadedScenario& loaded, const ProfilesOptions& options);

/** The headline metrics a profiles experiment summarises, from one run: name -> value (absent when
 *  undefined, e.g. cost per success without a success). */
std::vector<std::pair<std::string, std::optional<double>>> headline_metrics(const results::RunResult& result);

} // namespace orchsim::analysis
