#include "analysis/Saturation.hpp"

namespace orchsim::analysis {

BacklogTrend backlog_trend(const std::array<double, 4>& quarters, double window_s, uint64_t arrivals)
{
  BacklogTrend t;
  t.in_flight_quarters = quarters;
  if (window_s <= 0 || arrivals == 0)
    return t;
  // A backlog growing at g requests/s raises the quarter averages linearly: their middles are 3/4 of
  // the window apart. g over the arrival rate is the share of arrivals that pile up (1 - throughput /
  // offered load when the system is past capacity).
  t.growth_per_s = (quarters[3] - quarters[0]) / (0.75 * window_s);
  t.growth_share = t.growth_per_s / (static_cast<double>(arrivals) / window_s);
  if (t.growth_share >= OVERLOADED_SHARE)
    t.verdict = Saturation::OVERLOADED;
  else if (t.growth_share >= BACKLOGGED_SHARE)
    t.verdict = Saturation::BACKLOGGED;
  return t;
}

const char* saturation_name(Saturation s)
{
  switch (s) {
    case Saturation::STABLE:
      return "stable";
    case Saturation::BACKLOGGED:
      return "backlogged";
    case Saturation::OVERLOADED:
      return "overloaded";
  }
  return "unknown";
}

} // namespace orchsim::analysis
