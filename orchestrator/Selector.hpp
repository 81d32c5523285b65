// orchestrator/Selector.hpp
#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "models/Scenario.hpp"
#include "sim/Rng.hpp"

namespace orchsim::orchestrator {

/** Picks the service instance for a call among a step's candidates, by the scenario's strategy:
 *  round_robin  the next candidate after the previous pick (per step);
 *  random       uniformly at random;
 *  least_outstanding  fewest calls sent and not yet answered (join the shortest queue), ties broken
 *               round robin so that equal instances share the load;
 *  power_of_d   d distinct candidates drawn uniformly without replacement, the one with the fewest
 *               outstanding calls (first drawn on a tie); d is capped at the number of candidates.
 *  Randomness comes from the orchestrator's own stream, never from sources or instances. */
class Selector {
public:
  Selector(models::SelectionSpec spec, sim::Rng rng) : spec_(spec), rng_(rng) {}

  /** REQUIRES: candidates non-empty; outstanding indexed by instance id. `cursor` is the step's
   *  round-robin position, advanced by the pick. */
  uint32_t pick(std::span<const uint32_t> candidates, const std::vector<uint32_t>& outstanding, uint32_t& cursor);

private:
  models::SelectionSpec spec_;
  sim::Rng rng_;
  std::vector<uint32_t> scratch_;
};

} // namespace orchsim::orchestrator
