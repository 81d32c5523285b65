// analysis/SweepFile.hpp
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/InputError.hpp"

namespace orchsim::analysis {

/** The most runs (points x profiles x replications) a sweep may have; beyond it a sweep is refused. */
inline constexpr size_t MAX_SWEEP_RUNS = 1'000'000;

/** One swept scenario key and the value texts it takes (docs/SWEEPS.md, "Parameters"). */
struct SweepParameter {
  std::string key;                       // a scenario key path, as `--set` takes it
  sim::InputLocation at;                 // its entry in the sweep file
  std::vector<std::string> values;       // grid and zip: the values, one line of YAML each
  std::vector<sim::InputLocation> where; // grid and zip: where each value was written (or generated)
  /** The SI column's suffix when every value has the same kind of unit: `_s` (durations), `_per_s` (rates),
   *  `_fraction` (percentages); empty when the values are plain numbers or not all of one kind. */
  std::string si_suffix;
  // Sampled intervals (`sample:`): min, max, on a log scale, rounded to whole numbers, the unit appended.
  double min = 0, max = 0;
  bool log = false, integer = false;
  std::string unit;
};

/** A sweep file, read and checked: what to run, not yet checked against the scenario. Plain values. */
struct SweepSpec {
  std::string path, sha256, name, description;
  std::string scenario; // the base scenario's path: the file's `scenario` resolved against the sweep's folder
  sim::InputLocation scenario_at, profiles_at, parameters_at;
  uint64_t seed = 1;
  uint32_t replications = 1;
  std::vector<std::string> profiles = {"baseline"}; // or {"all"}
  std::vector<sim::InputLocation> profile_at;
  std::vector<std::string> overrides; // `key.path=value`, every run, before its point's parameters
  std::vector<sim::InputLocation> override_at;
  std::vector<SweepParameter> parameters;
  std::string design = "grid"; // grid, zip, latin_hypercube or random
  uint64_t sample_seed = 0;    // the sample's seed (latin_hypercube, random)
  /** The points: per point, per parameter, the value's text. Grid: the cartesian product, the first parameter
   *  slowest; zip: the i-th value of every parameter; sampled: the sample's i-th point. */
  std::vector<std::vector<std::string>> points;
  std::vector<std::vector<sim::InputLocation>> point_at; // where each point's value came from
};

/** Reads a sweep file (docs/SWEEPS.md) and expands its points. Throws sim::InputError
 *  (`file:line:col: key.path: ...`) for malformed YAML, unknown or duplicate keys, a value of the wrong kind,
 *  an empty or inconsistent range, zip lists of different lengths, or more than MAX_SWEEP_RUNS points. */
SweepSpec load_sweep_file(const std::string& path);

/** Same, from the file's text in memory; `path` is used for messages, the name and the scenario's folder. */
SweepSpec load_sweep_text(const std::string& text, const std::string& path);

/** `v` as a parameter value: whole numbers exactly (below 1e15), others with 12 significant digits. */
std::string sweep_number_text(double v);

} // namespace orchsim::analysis
