// results/ProfilesResult.hpp
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "results/RunResult.hpp"

namespace orchsim::results {

/** A measurement over replications: the values, their mean and 95 % confidence interval. */
struct Measured {
  std::vector<double> values; // one per replication, in replication order (missing ones skipped)
  double mean = 0;
  std::optional<double> ci_low, ci_high;
};

/** One profile over the replications of a profiles experiment (results/SCHEMA.md, "Profiles"). */
struct ProfileSummary {
  std::string name, description, selection;
  bool complete = true;                    // every replication ran to its end
  std::map<std::string, Measured> metrics; // headline metrics of `totals` and the effectiveness
  std::optional<Measured> amplification;   // effectiveness / the baseline's, paired by replication
  std::optional<double> bracket_position;  // (E - E_random) / (E_oracle - E_random), with mean effectiveness
};

/** `orchsim run FILE --profiles ... --replications R`: every profile on the same workloads. */
struct ProfilesResult {
  int schema_version = SCHEMA_VERSION;
  RunContext context;    // seed: replication 0's; profile and selection empty
  std::string objective; // the effectiveness objective
  uint32_t replications = 0;
  std::vector<uint64_t> seeds;          // per replication: run one alone with --seed
  std::vector<ProfileSummary> profiles; // baseline first, then in the order asked
  double wall_time_s = 0;
  unsigned jobs = 1;
};

nlohmann::json to_json(const ProfilesResult& result);
std::string to_json_text(const ProfilesResult& result);

} // namespace orchsim::results
