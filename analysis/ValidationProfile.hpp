// analysis/ValidationProfile.hpp
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace orchsim::analysis {

/** The categories a readiness score is made of, in the order they are reported. */
inline const std::vector<std::string> VALIDATION_CATEGORIES = {"performance", "workflows",  "reliability",
                                                               "resilience",  "efficiency", "amplification"};

/** One criterion of a validation profile (docs/VALIDATION.md): a measured value
 *  scored 100 at or better than `target`, 0 at or worse than `fail`, linearly between. The better
 *  direction is from `fail` towards `target` (lower is better when target < fail). */
struct Criterion {
  std::string name, category;
  std::string context; // normal, peak, soak, faults, fault:<label or index>, profiles
  std::string metric;  // a path into the context's document (`*` expands), or `path / path`
  double target = 0, fail = 0;
  double weight = 1;
  bool critical = false;     // a failed item fails the gate whatever the score
  bool skip_missing = false; // `missing: skip`: an item without a value is left out (default: scored 0)
  int line = 0, column = 0;
};

/** A validation profile: criteria, the runs they need and the pass mark. Plain values. */
struct ValidationProfile {
  std::string name, path, sha256;
  double pass_mark = 70;                          // overall score needed to pass, 0..100
  uint32_t replications = 3;                      // runs per context (seed + r), and of the profiles experiment
  double peak_load = 2;                           // the peak context's load factor (simulation.load_scale)
  double soak_length = 4;                         // the soak context runs this many times as long
  double capacity_min_success = 0.99;             // the capacity context: success a load must keep ...
  double capacity_tolerance = 0.05;               // ... and the search's relative precision
  std::map<std::string, double> category_weights; // every category of VALIDATION_CATEGORIES
  std::vector<Criterion> criteria;
};

/** Reads and checks a validation profile. Throws sim::InputError (`file:line:col: key.path: ...`) for
 *  malformed YAML, unknown keys, categories or contexts, a value that is not a number, a weight <= 0. */
ValidationProfile load_validation_profile(const std::string& path);

/** Same, from the profile's text in memory; `path` is used for messages and the default name. */
ValidationProfile load_validation_profile_text(const std::string& text, const std::string& path);

} // namespace orchsim::analysis
