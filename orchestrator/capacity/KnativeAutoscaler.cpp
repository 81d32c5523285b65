#include "orchestrator/capacity/KnativeAutoscaler.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

namespace orchsim::orchestrator::capacity {

namespace {
// Times closer than this are equal, so that ticks computed as k * period land on the intended side.
constexpr double TIME_SLACK_S = 1e-9;
// Float round-off forgiven by ceil(): an average of exactly 2 * target must ask for 2 instances, not 3.
constexpr double RATIO_SLACK = 1e-9;
// Knative's metric buckets: pkg/autoscaler/metrics/collector.go BucketSize = scrapeTickInterval = 1 s.
constexpr double BUCKET_S = 1.0;

void require(bool ok, const char* message)
{
  if (!ok) {
    std::fprintf(stderr, "orchsim: capacity::KnativeAutoscaler: %s\n", message);
    std::abort();
  }
}

int64_t bucket_of(double time_s)
{
  return static_cast<int64_t>(std::floor(time_s / BUCKET_S + TIME_SLACK_S));
}

double ceil_forgiving(double x)
{
  return std::ceil(x - RATIO_SLACK);
}

uint32_t to_count(double x)
{
  constexpr double CAP = std::numeric_limits<uint32_t>::max();
  return static_cast<uint32_t>(std::clamp(x, 0.0, CAP));
}
} // namespace

KnativeAutoscaler::BucketWindow::BucketWindow(double window_s)
    : window_buckets_(std::max<int64_t>(1, static_cast<int64_t>(std::ceil(window_s / BUCKET_S - TIME_SLACK_S))))
{
}

// bucketing.go Record: a write a whole window after the last one starts afresh; writes older than the
// window are dropped.
void KnativeAutoscaler::BucketWindow::record(double now_s, double value)
{
  const int64_t index = bucket_of(now_s);
  if (buckets_.empty() || index - buckets_.back().index >= window_buckets_) {
    buckets_.clear();
    first_index_ = index;
  } else if (index <= buckets_.back().index - window_buckets_) {
    return;
  }
  first_index_ = std::min(first_index_, index);
  if (buckets_.empty() || index > buckets_.back().index) {
    buckets_.push_back({index, value, 1});
  } else {
    auto it = std::find_if(buckets_.begin(), buckets_.end(), [&](const Bucket& b) { return b.index >= index; });
    if (it != buckets_.end() && it->index == index) {
      it->sum += value;
      ++it->count;
    } else {
      buckets_.insert(it, {index, value, 1});
    }
  }
  while (buckets_.front().index <= buckets_.back().index - window_buckets_)
    buckets_.pop_front();
}

bool KnativeAutoscaler::BucketWindow::has_data(double now_s) const
{
  return !buckets_.empty() && bucket_of(now_s) - buckets_.back().index < window_buckets_;
}

// bucketing.go WindowAverage: the sum of the window's buckets over the number of buckets the data cover.
double KnativeAutoscaler::BucketWindow::average(double now_s) const
{
  if (!has_data(now_s))
    return 0.0;
  const int64_t last = buckets_.back().index;
  const int64_t silent = std::max<int64_t>(0, bucket_of(now_s) - last); // buckets since the last reading
  const int64_t oldest_excluded = last + silent - window_buckets_;
  double total = 0.0;
  for (const auto& bucket : buckets_)
    if (bucket.index > oldest_excluded)
      total += bucket.sum / bucket.count;
  const int64_t covered = std::min(last - first_index_ + 1, window_buckets_ - silent);
  return total / static_cast<double>(covered);
}

KnativeAutoscaler::KnativeAutoscaler(Options options)
    : options_(options)
    , stable_(options.stable_window_s)
    , panic_(options.stable_window_s * options.panic_window_percentage / 100.0)
{
  const char* error = check_options(options_);
  require(error == nullptr, error);
}

void KnativeAutoscaler::observe(double now_s, double concurrency)
{
  require(std::isfinite(concurrency) && concurrency >= 0.0, "concurrency must be finite and >= 0");
  stable_.record(now_s, concurrency);
  panic_.record(now_s, concurrency);
}

uint32_t KnativeAutoscaler::evaluate(double now_s, uint32_t ready)
{
  if (evaluated_ && now_s < last_evaluation_s_ + options_.tick_interval_s - TIME_SLACK_S)
    return last_desired_;
  evaluated_ = true;
  last_evaluation_s_ = now_s;
  if (!stable_.has_data(now_s)) // multiscaler.go: an invalid ScaleResult leaves the decision as it was
    return decided_ ? last_desired_ : apply_bounds(ready);
  decided_ = true;
  last_desired_ = apply_bounds(decide(now_s, ready));
  return last_desired_;
}

// autoscaler.go Scale, concurrency metric, without scale-down delay and burst capacity.
uint32_t KnativeAutoscaler::decide(double now_s, uint32_t ready)
{
  const double ready_count = std::max(1.0, static_cast<double>(ready));
  const double max_scale_up = std::ceil(options_.max_scale_up_rate * ready_count);
  const double max_scale_down = std::floor(ready_count / options_.max_scale_down_rate);
  const double target = get_target_value();
  const double stable_count = ceil_forgiving(stable_.average(now_s) / target);
  const double panic_count = ceil_forgiving(panic_.average(now_s) / target);
  const uint32_t desired_stable = to_count(std::min(std::max(stable_count, max_scale_down), max_scale_up));
  const uint32_t desired_panic = to_count(std::min(std::max(panic_count, max_scale_down), max_scale_up));

  const bool over_threshold = panic_count / ready_count >= options_.panic_threshold_percentage / 100.0;
  if (over_threshold) {
    panicking_ = true; // begins, or is extended
    panic_time_s_ = now_s;
  } else if (panicking_ && now_s - panic_time_s_ > options_.stable_window_s + TIME_SLACK_S) {
    panicking_ = false; // the surge has made its way into the stable window
    max_panic_pods_ = 0;
  }
  if (!panicking_)
    return desired_stable;
  max_panic_pods_ = std::max({max_panic_pods_, desired_stable, desired_panic});
  return max_panic_pods_;
}

// kpa/scaler.go applyBounds: max_scale 0 is no bound.
uint32_t KnativeAutoscaler::apply_bounds(uint32_t desired) const
{
  if (desired < options_.min_scale)
    return options_.min_scale;
  if (options_.max_scale != 0 && desired > options_.max_scale)
    return options_.max_scale;
  return desired;
}

} // namespace orchsim::orchestrator::capacity
