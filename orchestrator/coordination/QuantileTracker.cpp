#include "orchestrator/coordination/QuantileTracker.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace orchsim::orchestrator::coordination {

namespace {
void require(bool ok, const char* message)
{
  if (!ok) {
    std::fprintf(stderr, "orchsim: coordination::QuantileTracker: %s\n", message);
    std::abort();
  }
}

// sim::Histogram's bucket layout; indices are stored as uint16_t.
constexpr uint32_t BUCKETS = sim::Histogram::BUCKETS;
static_assert(BUCKETS <= 65536, "bucket indices are stored as uint16_t");
} // namespace

QuantileTracker::QuantileTracker(Options options) : options_(options)
{
  const char* error = check_options(options_);
  require(error == nullptr, error);
  ring_.resize(options_.window_samples);
  tree_.resize(BUCKETS + 1, 0);
  while (top_step_ * 2 <= BUCKETS)
    top_step_ *= 2;
}

uint32_t QuantileTracker::bucket_of(double value)
{
  return static_cast<uint32_t>(sim::Histogram::bucket_of(value));
}

double QuantileTracker::bucket_value(uint32_t bucket)
{
  const auto b = static_cast<int>(bucket);
  return 0.5 * (sim::Histogram::bucket_low(b) + sim::Histogram::bucket_high(b));
}

void QuantileTracker::record(double latency_s)
{
  require(latency_s >= 0.0 && std::isfinite(latency_s), "latencies are finite and >= 0");
  if (count_ == options_.window_samples)
    add(ring_[next_], -1);
  else
    ++count_;
  const uint32_t bucket = bucket_of(latency_s);
  ring_[next_] = static_cast<uint16_t>(bucket);
  add(bucket, +1);
  next_ = next_ + 1 == options_.window_samples ? 0 : next_ + 1;
}

double QuantileTracker::quantile_or(double q, double fallback_s) const
{
  if (count_ < options_.min_samples)
    return fallback_s;
  q = std::clamp(q, 0.0, 1.0);
  const auto rank = std::max<uint32_t>(1, static_cast<uint32_t>(std::ceil(q * static_cast<double>(count_))));
  return bucket_value(find_rank(std::min(rank, count_)));
}

void QuantileTracker::add(uint32_t bucket, int32_t delta)
{
  for (uint32_t i = bucket + 1; i <= BUCKETS; i += i & (~i + 1))
    tree_[i] += static_cast<uint32_t>(delta); // unsigned wrap-around is the intended -1
}

uint32_t QuantileTracker::find_rank(uint32_t rank) const
{
  // Fenwick descent: the largest position whose prefix count is below `rank`; the next bucket holds it.
  uint32_t position = 0;
  for (uint32_t step = top_step_; step > 0; step /= 2) {
    const uint32_t next = position + step;
    if (next <= BUCKETS && tree_[next] < rank) {
      position = next;
      rank -= tree_[next];
    }
  }
  return position; // 1-based position + 1 holds the rank, which is 0-based bucket `position`
}

} // namespace orchsim::orchestrator::coordination
