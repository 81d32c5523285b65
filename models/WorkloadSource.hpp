// models/WorkloadSource.hpp
#pragma once
#include <cstdint>
#include <optional>

#include "models/LatencyModel.hpp"
#include "models/Scenario.hpp"
#include "sim/Rng.hpp"

namespace orchsim::models {

/** Generates the requests of one workload source: arrival times and request sizes (tokens).
 *  Owns its RNG stream, derived from (seed, "source/" + name), so its sequence depends on nothing
 *  else in the scenario: not on the selection strategy, not on other sources.
 *  Open processes (poisson, bursty, ramp, diurnal, trace) are asked for the next arrival after the previous one;
 *  a closed loop is asked for think times by the simulation when a user's request completes.
 *  Mutable; one per source per run. REQUIRES: the spec outlives the source. */
class WorkloadSource {
public:
  WorkloadSource(const SourceSpec& spec, uint64_t seed);

  bool is_closed_loop() const { return spec_.arrival.process == ArrivalProcess::CLOSED_LOOP; }
  uint32_t get_users() const { return spec_.arrival.users; }
  const SourceSpec& get_spec() const { return spec_; }

  /** Open processes: the first arrival time, or nullopt when there is none (an empty trace). */
  std::optional<double> first_arrival_s();
  /** Open processes: the arrival after the one at `previous_s`, or nullopt when the process ends. */
  std::optional<double> next_arrival_s(double previous_s);
  /** Closed loop: one think time. */
  double draw_think_s() { return spec_.arrival.think_time_s->sample(rng_); }
  /** The size of the request that just arrived (call once per arrival, right after its time). */
  CallTokens draw_tokens();
  /** The affinity key of the request that just arrived (call once per arrival, after draw_tokens):
   *  one of `sessions` keys drawn uniformly, or `arrival_index` when the source has no sessions. Keys of
   *  different sources never collide. */
  uint64_t draw_key(uint64_t arrival_index);
  /** Draws from `d` on this source's stream (per-step token overrides, drawn at arrival). */
  double draw(const Distribution& d) { return d.sample(rng_); }

  /** Long-run arrival rate in requests per second, where the process has one (not closed loop). */
  static std::optional<double> mean_rate_per_s(const SourceSpec& spec);

private:
  double bursty_next(double previous_s);
  double ramp_next(double previous_s);
  double diurnal_next(double previous_s);

  const SourceSpec& spec_;
  sim::Rng rng_;
  // bursty (2-state MMPP)
  bool on_ = true;
  double state_end_s_ = 0.0;
  // trace
  size_t row_ = 0;
  double trace_offset_s_ = 0.0;
};

} // namespace orchsim::models
