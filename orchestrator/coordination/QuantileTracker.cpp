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

// sim::Histogram's layout: bucket 0 holds zero and everything below 2^MIN_EXPONENT, then each binary
// octave up to 2^MAX_EXPONENT is split into 2^SUB_BITS linear sub-buckets; the last bucket also holds
// everything above.
constexpr int SUB_BITS = sim::Histogram::SUB_BITS;
constexpr int SUBS = 1 << SUB_BITS;
constexpr int MIN_EXPONENT = sim::Histogram::MIN_EXPONENT;
constexpr int MAX_EXPONENT = sim::Histogram::MAX_EXPONENT;
constexpr uint32_t BUCKETS = 1 + (MAX_EXPONENT - MIN_EXPONENT) * SUBS;
static_assert(BUCKETS <= 65536, "bucket indices are stored as uint16_t");
constexpr double SMALLEST = 1.0 / static_cast<double>(1ULL << -MIN_EXPONENT); // 2^MIN_EXPONENT
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
  if (!(value >= SMALLEST))
    return 0;
  uint64_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  const int exponent = static_cast<int>((bits >> 52) & 0x7ff) - 1023;
  if (exponent >= MAX_EXPONENT)
    return BUCKETS - 1;
  const auto sub = static_cast<uint32_t>((bits >> (52 - SUB_BITS)) & (SUBS - 1));
  return 1 + static_cast<uint32_t>(exponent - MIN_EXPONENT) * SUBS + sub;
}

double QuantileTracker::bucket_value(uint32_t bucket)
{
  if (bucket == 0)
    return 0.0;
  if (bucket == BUCKETS - 1)
    return std::ldexp(1.0, MAX_EXPONENT);
  const auto octave = static_cast<int>((bucket - 1) / SUBS);
  const auto sub = static_cast<double>((bucket - 1) % SUBS);
  return std::ldexp(1.0 + (sub + 0.5) / SUBS, octave + MIN_EXPONENT);
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
