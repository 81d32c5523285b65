// analysis/SweepPlan.hpp
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "analysis/SweepFile.hpp"

namespace orchsim::analysis {

/** One run of a sweep: a point, a profile, a replication, and its seed. */
struct SweepRun {
  std::string id; // p<point>-<profile>-r<replication>, numbers zero-padded to one width per sweep
  size_t point = 0;
  std::string profile;
  uint32_t replication = 0;
  uint64_t seed = 0;
};

/** A swept key as the outputs name it: its column, and the SI column's suffix (empty: none). */
struct SweepColumn {
  std::string key, si_suffix;
};

/** Everything a sweep runs and reports, checked against its scenario: what DIR/sweep.json holds
 *  (docs/SWEEPS.md, "Outputs"). Runs are ordered by point, then profile (in `profiles` order), then
 *  replication. Plain values. */
struct SweepPlan {
  std::string name, description;
  std::string sweep_path, sweep_sha256;
  std::string scenario_name, scenario_path, scenario_sha256;
  std::string orchsim_version, git_describe;
  uint64_t seed = 1;
  uint32_t replications = 1;
  std::string design = "grid"; // grid, zip, latin_hypercube, random
  uint64_t sample_seed = 0;
  std::vector<std::string> profiles;
  std::vector<std::string> overrides; // every run's, before its point's
  std::vector<SweepColumn> parameters;
  std::vector<std::vector<std::string>> points; // per point, per parameter: the value's text
  std::vector<SweepRun> runs;
  std::string scenario_text; // the scenario file's bytes (empty in a plan read back from a manifest)
};

/** The seed of a run: splitmix64(splitmix64(splitmix64(sweep_seed) ^ point) ^ replication) >> 11, in
 *  [0, 2^53). The profile does not enter it: within a point and replication every profile sees the same
 *  random numbers (common random numbers). */
uint64_t sweep_run_seed(uint64_t sweep_seed, uint64_t point, uint64_t replication);

/** Reads the scenario `spec` names, checks every point against it (each point's overrides with every
 *  profile of the scenario, as `orchsim run` does) and lists the runs. Throws sim::InputError located in the
 *  sweep file: an unknown profile, a bad override, or a point that does not load (at the value of the
 *  parameter the loader blames, `point <i>: ...`), or more than MAX_SWEEP_RUNS runs. */
SweepPlan plan_sweep(const SweepSpec& spec);

/** `key=value` per parameter of point `point`. */
std::vector<std::string> point_overrides(const SweepPlan& plan, size_t point);

/** A run's overrides, in the order `orchsim run SCENARIO --set ... --seed S` applies them: the sweep's, the
 *  point's, then `simulation.seed=S`. */
std::vector<std::string> run_overrides(const SweepPlan& plan, const SweepRun& run);

/** The command that reruns `run` alone and gives the same result document outside `host`. */
std::string run_command(const SweepPlan& plan, const SweepRun& run);

/** The run's result file, relative to the sweep's folder: runs/<id>.json. */
std::string run_file(const SweepRun& run);

/** The runs of each (point, profile) cell, as indices into `plan.runs`: cells in point then profile order,
 *  runs in replication order. */
std::vector<std::vector<size_t>> sweep_cells(const SweepPlan& plan);

/** The manifest (DIR/sweep.json): the plan as JSON, one line per point and per run. A function of the plan. */
std::string manifest_text(const SweepPlan& plan);

/** Why two manifests differ, in words for a message: another sweep file, another base scenario, another
 *  orchsim build, or the same files given by other paths (each naming both sides); empty when equal. */
std::string manifest_difference(const nlohmann::json& a, const nlohmann::json& b);

/** A plan read back from a manifest (without the scenario's text). Throws sim::InputError naming `path`
 *  for a document that is not a sweep manifest of this schema. */
SweepPlan plan_of_manifest(const nlohmann::json& manifest, const std::string& path);

} // namespace orchsim::analysis
