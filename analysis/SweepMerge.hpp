// analysis/SweepMerge.hpp
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "analysis/SweepPlan.hpp"

namespace orchsim::analysis {

struct MergeOutcome {
  SweepPlan plan;     // the sweep merged (without the scenario's text)
  size_t copied = 0;  // run files copied into OUT
  size_t present = 0; // run files OUT held already
};

/** Combines the folders of one sweep (its shards, or one folder the shards shared) into OUT: every run file,
 *  the manifest and the CSVs, byte-identical to what one uninterrupted sweep writes. Checks everything
 *  before writing anything. Throws sim::InputError when a folder is not a sweep's, the folders (or OUT) hold
 *  different sweeps (sweep file, scenario, build or paths), two folders hold different files for one run,
 *  or runs are missing from all of them (naming a few). OUT may be one of the folders. */
MergeOutcome merge_sweeps(const std::vector<std::string>& dirs, const std::string& out);

} // namespace orchsim::analysis
