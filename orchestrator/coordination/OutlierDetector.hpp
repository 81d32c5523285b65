// orchestrator/coordination/OutlierDetector.hpp
#pragma once
#include <cstdint>
#include <vector>

#include "models/Policies.hpp"

namespace orchsim::orchestrator::coordination {

/** Envoy outlier detection, consecutive-5xx kind, over the hosts (instances) of one upstream. The rules, as
 *  Envoy's source/common/upstream/outlier_detection_impl.cc applies them:
 *  - A host's error count grows with each error and drops to zero on a success. When it reaches
 *    consecutive_5xx, ejection is attempted at once and the count is reset whatever the attempt gives.
 *  - The attempt ejects iff 100 * (ejected + 1) / hosts <= max_ejection_percent, or, with
 *    always_eject_one_host, no host is ejected yet. (Older Envoy releases and docs: "will eject at least one
 *    host regardless of the value"; since always_eject_one_host exists that takes the option, default off.)
 *  - Ejecting raises the host's multiplier by one unless multiplier * base >= max + base already; the
 *    ejection then lasts min(base_ejection_time_s * multiplier, max_ejection_time_s).
 *  - Un-ejection happens only on the interval ticks, at start_s + k * interval_s (k >= 1): a host whose
 *    ejection has lasted at least its duration returns, its error count reset. On the same tick, every host
 *    that is not ejected and returned at least interval_s ago has its multiplier lowered by one (to >= 0):
 *    that is Envoy's decay of the multiplier while the host stays healthy, and it is implemented.
 *  - Results reported for an ejected host change nothing (Envoy resets the count on return anyway).
 *  Not modelled: enforcing_consecutive_5xx (100 %), the gateway-failure, success-rate and failure-percentage
 *  detectors, max_ejection_time_jitter (0 s), panic routing.
 *  REQUIRES: now_s never decreases from call to call. on_result is O(1); a tick is O(hosts). */
class OutlierDetector {
public:
  using Options = models::OutlierDetectorOptions;
  struct Counters {
    uint64_t ejections = 0;
    uint64_t unejections = 0;
    uint64_t refused_by_max_percent = 0; // Envoy's ejections_overflow
  };

  /** REQUIRES: host_count >= 1, check_options(options) == nullptr. Ticks fall at start_s + k * interval_s. */
  OutlierDetector(uint32_t host_count, Options options, double start_s = 0.0);
  /** The first rule `options` break, or nullptr. */
  static const char* check_options(const Options& options) { return models::check(options); }

  /** Reports one call's result on `host` (error: a 5xx or what maps to one). True iff this result ejected it.
   *  REQUIRES: host < host count. */
  bool on_result(uint32_t host, bool error, double now_s);
  /** Runs every interval tick due at or before now_s, in order, and returns the hosts they brought back.
   *  The reference stays valid until the next call; its storage is reserved for every host at construction,
   *  so ticks never allocate. Call it at get_next_tick_s(), or at least before reading is_ejected(). */
  const std::vector<uint32_t>& tick(double now_s);
  double get_next_tick_s() const;

  bool is_ejected(uint32_t host) const { return hosts_[host].ejected; }
  uint32_t get_ejected_count() const { return ejected_count_; }
  /** Envoy's ejectTimeBackoff: the factor of base_ejection_time_s for the host's current or next ejection. */
  uint32_t get_multiplier(uint32_t host) const { return hosts_[host].multiplier; }
  /** How long the host's current ejection lasts (from its multiplier). */
  double ejection_duration_s(uint32_t host) const;
  const Counters& get_counters() const { return counters_; }

private:
  struct Host {
    uint32_t consecutive_errors = 0;
    uint32_t multiplier = 0;
    bool ejected = false;
    bool ever_returned = false;
    double ejected_at_s = 0.0;
    double returned_at_s = 0.0;
  };
  bool try_eject(Host& host, double now_s);
  void run_tick(double tick_s);

  Options options_;
  double max_ejection_time_s_;
  double start_s_;
  uint64_t ticks_done_ = 0;
  std::vector<Host> hosts_;
  uint32_t ejected_count_ = 0;
  Counters counters_;
  std::vector<uint32_t> returned_;
};

} // namespace orchsim::orchestrator::coordination
