// orchestrator/selection/Selector.hpp
#pragma once
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "models/Scenario.hpp"
#include "sim/Rng.hpp"

namespace orchsim::orchestrator {

/** A member or a request without a place on the platform (no platform, or no location). */
inline constexpr uint32_t NO_PLACE = UINT32_MAX;

/** What a selector knows of one member of its pool when it is built: static facts from the scenario,
 *  never hidden state (a selector learns the rest from what it observes). */
struct PoolMember {
  uint32_t instance = 0;           // global instance id, what pick() returns
  uint32_t service = 0;            // index into Scenario::services
  double weight = 1.0;             // the service's `weight` (weighted strategies), > 0
  double expected_latency_s = 0.0; // the latency model's mean at the pool's mean tokens (prior for learning)
  double expected_cost_usd = 0.0;  // cost of one call at mean tokens
  double quality = 0.0;            // the service's quality, 0 when it declares none
  uint32_t concurrency = 1;        // calls the instance serves at once (the provider's declared quota)
  uint32_t zone = NO_PLACE;        // platform zone and region it is placed in
  uint32_t region = NO_PLACE;
};

/** One pick's context. */
struct PickContext {
  double now_s = 0.0;
  uint64_t request_key = 0;  // affinity key (ring_hash): the same key maps to the same instance
  models::CallTokens tokens; // the call's tokens; learners use the input only (output is not known yet)
  uint32_t workflow = 0;     // the request's workflow (a feature of contextual learners)
  uint32_t origin_zone = NO_PLACE;   // platform zone and region of the request's clients
  uint32_t origin_region = NO_PLACE;
};

/** How a call the orchestrator waited for ended, with what it knew when it picked: what learners that
 *  need the features of their own decisions (contextual bandits, regression) learn from. */
struct CallOutcome {
  enum class End : uint8_t { SUCCESS, FAILURE, TIMEOUT };
  PickContext context;      // as at pick(); its now_s is the issue time
  uint32_t outstanding = 0; // the orchestrator's calls in flight at the instance when this one was issued
  double latency_s = 0.0;   // issue to answer (or to the timeout)
  End end = End::SUCCESS;
  double cost_usd = 0.0; // what the call was billed, price faults included; 0 when not billed (timeout, crash)
};

/** The simulator's true state: what no real orchestrator knows. Only the oracle strategy reads it to
 *  select; the simulation reads it to measure every strategy's selection quality. */
class TruthView {
public:
  virtual ~TruthView() = default;
  /** The objective (lower is better) of sending a call with `tokens` to `instance` now, from the
   *  instance's true queue, its service's true latency model, faults and error probability. */
  virtual double true_score(uint32_t instance, const models::CallTokens& tokens,
                            const models::Objective& objective) const = 0;
};

/** What a selector may know of the run besides its pool. */
struct SelectorEnvironment {
  const TruthView* truth = nullptr; // for ORACLE only
  uint32_t workflows = 1;           // workflows in the scenario (contextual features)
};

/** Chooses the instance for a call among a fixed pool of candidate instances (a step's candidates).
 *  The simulation reports every call it sends to a member and how it ends, so stateful strategies
 *  (outstanding counts, latency averages) learn only what a real orchestrator could observe.
 *  Members can be made unavailable (outlier ejection, crash, scale-in) and available again; pick()
 *  never returns an unavailable member while an available one exists, and returns NONE when none is.
 *  Cost per pick is O(1) or O(log n) where the algorithm allows (docs/STRATEGIES.md says which).
 *  Deterministic for a given RNG stream. One object per pool per run; not thread-safe. */
class Selector {
public:
  static constexpr uint32_t NONE = UINT32_MAX;
  virtual ~Selector() = default;

  /** The chosen member's global instance id, or NONE when no member is available. */
  virtual uint32_t pick(const PickContext& context) = 0;
  /** A call was sent to `instance` (a member). */
  virtual void on_issue(uint32_t instance, double now_s) = 0;
  /** A call to `instance` was answered after `latency_s` (issue to answer), successfully or not. */
  virtual void on_answer(uint32_t instance, double now_s, double latency_s, bool success) = 0;
  /** The orchestrator stopped waiting for a call to `instance` (timeout, cancellation). */
  virtual void on_abandon(uint32_t instance, double now_s) = 0;
  /** Makes a member (un)available to pick(). Idempotent. */
  virtual void set_available(uint32_t instance, bool available) = 0;
  /** Whether on_outcome does anything: the simulation builds outcomes only for selectors that learn. */
  virtual bool learns() const { return false; }
  /** A call to `instance` was answered, failed or timed out (not: canceled), after on_answer or
   *  on_abandon. Default: nothing; learners override it (and learns()). */
  virtual void on_outcome(uint32_t instance, const CallOutcome& outcome)
  {
    (void)instance;
    (void)outcome;
  }
};

/** Builds the strategy named by `spec` for a pool. REQUIRES: members non-empty, instance ids distinct. */
std::unique_ptr<Selector> make_selector(const models::SelectionSpec& spec, const std::vector<PoolMember>& members,
                                        sim::Rng rng, const SelectorEnvironment& environment = {});

} // namespace orchsim::orchestrator
