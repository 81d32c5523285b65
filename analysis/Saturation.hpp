// analysis/Saturation.hpp
#pragma once
#include <array>
#include <cstdint>

namespace orchsim::analysis {

/** Whether a run kept up with its load (docs/METRICS.md, "Saturation"): a run past capacity is labelled,
 *  not averaged into a misleading mean. */
enum class Saturation {
  STABLE,     // the backlog did not grow beyond noise
  BACKLOGGED, // it grew, by 1 % to 5 % of the arrival rate: a queue filling slowly, a run too short to settle
  OVERLOADED, // it grew by at least 5 % of the arrival rate: completions clearly behind arrivals
};

/** A backlog grows in proportion to the arrivals by at least these shares (growth per second / arrivals
 *  per second) for the verdicts. */
inline constexpr double BACKLOGGED_SHARE = 0.01;
inline constexpr double OVERLOADED_SHARE = 0.05;

/** The trend of the requests in the system over the measurement window, and the verdict it gives. */
struct BacklogTrend {
  std::array<double, 4> in_flight_quarters{}; // time-average requests in the system per quarter of the window
  double growth_per_s = 0;                    // (last quarter - first quarter) / the 3/4 window between their middles
  double growth_share = 0;                    // growth_per_s / the measured arrival rate (0 without arrivals)
  Saturation verdict = Saturation::STABLE;
};

/** Judges a window of `window_s` seconds in which `arrivals` requests arrived (measured ones), from the
 *  time-average requests in the system in each quarter of it. */
BacklogTrend backlog_trend(const std::array<double, 4>& in_flight_quarters, double window_s, uint64_t arrivals);

/** `stable`, `backlogged` or `overloaded`: the name results carry. */
const char* saturation_name(Saturation saturation);

} // namespace orchsim::analysis
