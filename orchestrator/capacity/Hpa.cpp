#include "orchestrator/capacity/Hpa.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <utility>

namespace orchsim::orchestrator::capacity {

namespace {
// Times closer than this are equal, so that ticks computed as k * period land on the same side of a cutoff.
constexpr double TIME_SLACK_S = 1e-9;
// Float round-off forgiven by ceil() and the tolerance band: 1.2 * 10 must give 12, not 13.
constexpr double RATIO_SLACK = 1e-9;

void require(bool ok, const char* message)
{
  if (!ok) {
    std::fprintf(stderr, "orchsim: capacity::Hpa: %s\n", message);
    std::abort();
  }
}

int64_t ceil_div(int64_t numerator, int64_t denominator)
{
  const int64_t quotient = numerator / denominator; // truncated toward zero
  return quotient + (numerator % denominator > 0 ? 1 : 0);
}

double longest_period_s(const Hpa::ScalingRules& rules)
{
  double longest = 0.0;
  for (const auto& policy : rules.policies)
    longest = std::max(longest, policy.period_s);
  return longest;
}
} // namespace

Hpa::Hpa(Options options) : options_(std::move(options))
{
  const char* error = check_options(options_);
  require(error == nullptr, error);
}

uint32_t Hpa::evaluate(double now_s, uint32_t current, double metric_value)
{
  require(std::isfinite(metric_value) && metric_value >= 0.0, "metric_value must be finite and >= 0");
  if (evaluated_ && now_s < last_evaluation_s_ + options_.sync_period_s - TIME_SLACK_S)
    return last_desired_;
  evaluated_ = true;
  last_evaluation_s_ = now_s;

  uint32_t desired;
  if (current > options_.max_replicas) {
    desired = options_.max_replicas;
  } else if (current < options_.min_replicas) {
    desired = options_.min_replicas;
  } else {
    const uint32_t stabilized = stabilize(now_s, current, recommend_from_metric(current, metric_value));
    desired = limit_rate(now_s, current, stabilized);
  }
  record_scale_event(now_s, current, desired);
  last_desired_ = desired;
  return desired;
}

void Hpa::set_target_value(double target_value)
{
  require(std::isfinite(target_value) && target_value > 0.0, "target_value must be finite and > 0");
  options_.target_value = target_value;
}

// replica_calculator.go: within the tolerance band keep `current`, else ceil(ratio * current).
uint32_t Hpa::recommend_from_metric(uint32_t current, double metric_value) const
{
  const double ratio = metric_value / options_.target_value;
  if (std::abs(1.0 - ratio) <= options_.tolerance + RATIO_SLACK)
    return current;
  const double wanted = std::ceil(ratio * current - RATIO_SLACK);
  constexpr double CAP = std::numeric_limits<uint32_t>::max();
  return static_cast<uint32_t>(std::clamp(wanted, 0.0, CAP));
}

// horizontal.go stabilizeRecommendationWithBehaviors: a recommendation counts in a window when it is
// strictly younger than the window; this one is counted too, then remembered unstabilized.
uint32_t Hpa::stabilize(double now_s, uint32_t current, uint32_t recommendation)
{
  const double up_cutoff_s = now_s - options_.scale_up.stabilization_window_s;
  const double down_cutoff_s = now_s - options_.scale_down.stabilization_window_s;
  uint32_t up_floor = recommendation;     // lowest recent recommendation: no rise above it
  uint32_t down_ceiling = recommendation; // highest recent recommendation: no fall below it
  for (const auto& past : recommendations_) {
    if (past.time_s > up_cutoff_s + TIME_SLACK_S)
      up_floor = std::min(up_floor, past.replicas);
    if (past.time_s > down_cutoff_s + TIME_SLACK_S)
      down_ceiling = std::max(down_ceiling, past.replicas);
  }
  const uint32_t stabilized = std::min(std::max(current, up_floor), down_ceiling);

  recommendations_.push_back({now_s, recommendation});
  const double oldest_useful_s = std::min(up_cutoff_s, down_cutoff_s);
  while (!recommendations_.empty() && recommendations_.front().time_s <= oldest_useful_s + TIME_SLACK_S)
    recommendations_.pop_front();
  return stabilized;
}

// horizontal.go convertDesiredReplicasWithBehaviorRate.
uint32_t Hpa::limit_rate(double now_s, uint32_t current, uint32_t stabilized) const
{
  if (stabilized > current) {
    const int64_t limit = std::max<int64_t>(scale_up_limit(now_s, current), current);
    const int64_t allowed = std::min<int64_t>(options_.max_replicas, limit);
    return static_cast<uint32_t>(std::min<int64_t>(stabilized, allowed));
  }
  if (stabilized < current) {
    const int64_t limit = std::min<int64_t>(scale_down_limit(now_s, current), current);
    const int64_t allowed = std::max<int64_t>(options_.min_replicas, limit);
    return static_cast<uint32_t>(std::max<int64_t>(stabilized, allowed));
  }
  return stabilized;
}

// horizontal.go calculateScaleUpLimitWithScalingRules.
int64_t Hpa::scale_up_limit(double now_s, uint32_t current) const
{
  const ScalingRules& rules = options_.scale_up;
  if (rules.select == SelectPolicy::DISABLED)
    return current;
  int64_t result =
      rules.select == SelectPolicy::MAX ? std::numeric_limits<int64_t>::min() : std::numeric_limits<int64_t>::max();
  for (const auto& policy : rules.policies) {
    const int64_t start = period_start_replicas(now_s, current, policy.period_s);
    const int64_t proposed = policy.type == PolicyType::PODS
                                 ? start + policy.value
                                 : ceil_div(start * (100 + int64_t{policy.value}), 100); // rounded up
    result = rules.select == SelectPolicy::MAX ? std::max(result, proposed) : std::min(result, proposed);
  }
  return result;
}

// horizontal.go calculateScaleDownLimitWithBehaviors.
int64_t Hpa::scale_down_limit(double now_s, uint32_t current) const
{
  const ScalingRules& rules = options_.scale_down;
  if (rules.select == SelectPolicy::DISABLED)
    return current;
  // MAX (largest change) means the lowest floor.
  int64_t result =
      rules.select == SelectPolicy::MAX ? std::numeric_limits<int64_t>::max() : std::numeric_limits<int64_t>::min();
  for (const auto& policy : rules.policies) {
    const int64_t start = period_start_replicas(now_s, current, policy.period_s);
    const int64_t proposed = policy.type == PolicyType::PODS
                                 ? start - policy.value
                                 : start * (100 - int64_t{policy.value}) / 100; // truncated, as Go's int32()
    result = rules.select == SelectPolicy::MAX ? std::min(result, proposed) : std::max(result, proposed);
  }
  return result;
}

// The replicas `period_s` ago: now, minus those added, plus those removed by the events strictly younger
// than the period (horizontal.go getReplicasChangePerPeriod).
int64_t Hpa::period_start_replicas(double now_s, uint32_t current, double period_s) const
{
  const double cutoff_s = now_s - period_s;
  int64_t start = current;
  for (const auto& event : scale_up_events_)
    if (event.time_s > cutoff_s + TIME_SLACK_S)
      start -= event.change;
  for (const auto& event : scale_down_events_)
    if (event.time_s > cutoff_s + TIME_SLACK_S)
      start += event.change;
  return start;
}

// horizontal.go storeScaleEvent, with outdated events dropped instead of reused.
void Hpa::record_scale_event(double now_s, uint32_t current, uint32_t desired)
{
  const auto prune = [](std::deque<ScaleEvent>& events, double cutoff_s) {
    while (!events.empty() && events.front().time_s <= cutoff_s + TIME_SLACK_S)
      events.pop_front();
  };
  prune(scale_up_events_, now_s - longest_period_s(options_.scale_up));
  prune(scale_down_events_, now_s - longest_period_s(options_.scale_down));
  if (desired > current)
    scale_up_events_.push_back({now_s, desired - current});
  else if (desired < current)
    scale_down_events_.push_back({now_s, current - desired});
}

} // namespace orchsim::orchestrator::capacity
