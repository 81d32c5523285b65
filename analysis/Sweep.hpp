// analysis/Sweep.hpp
#pragma once
#include <cstddef>
#include <functional>
#include <string>

#include "analysis/SweepPlan.hpp"

namespace orchsim::analysis {

/** The I-th of N slices of a sweep's run list: run i belongs to shard i mod N. */
struct SweepShard {
  size_t index = 0, count = 1; // REQUIRES: index < count
  bool holds(size_t run) const { return run % count == index; }
};

struct SweepOptions {
  std::string dir;    // the sweep's folder (docs/SWEEPS.md, "Outputs")
  unsigned jobs = 1;  // runs at once, each in its own process; 1: in this process
  SweepShard shard;   // the slice to run; whole (1 of 1): the CSVs are written too
  bool force = false; // a folder holding another sweep's runs is emptied, not refused
  /** Called in this process with (runs ended, runs to run): first (0, n), then after each run. */
  std::function<void(size_t, size_t)> on_progress;
};

struct SweepOutcome {
  size_t runs = 0;     // runs of the shard
  size_t ran = 0;      // run now
  size_t skipped = 0;  // found done in the folder
  bool tables = false; // runs.csv and summary.csv written
};

/** Runs the shard's runs whose result file the folder does not hold yet, writing each run's result document
 *  (without `host`) atomically to DIR/runs/<id>.json as it ends; writes DIR/sweep.json first and, for a whole
 *  sweep, the CSVs last. Never reruns or rewrites a run's file: the same call again runs only what is
 *  missing, and the outputs are byte-identical to an uninterrupted sweep's. A whole sweep removes temporary
 *  files a killed writer left in DIR/runs (shards leave them: another shard may be writing).
 *  Throws sim::InputError when DIR holds another sweep (changed sweep file or scenario, another build, other
 *  paths) unless `force`, which discards its runs; or when a run fails on its input. */
SweepOutcome run_sweep(const SweepPlan& plan, const SweepOptions& options);

/** The text of DIR/sweep.json. Throws sim::InputError when there is none. */
std::string read_sweep_manifest(const std::string& dir);

/** Writes DIR/runs.csv and DIR/summary.csv (atomically) from the plan and DIR's run files. */
void write_sweep_tables(const std::string& dir, const SweepPlan& plan);

} // namespace orchsim::analysis
