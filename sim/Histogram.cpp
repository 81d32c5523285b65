#include "sim/Histogram.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

namespace orchsim::sim {

namespace {
constexpr int SUBS = 1 << Histogram::SUB_BITS;
constexpr int OCTAVES = Histogram::MAX_EXPONENT - Histogram::MIN_EXPONENT;
// Bucket 0 holds zero and everything below 2^MIN_EXPONENT; then OCTAVES * SUBS log-linear buckets.
constexpr int BUCKETS = Histogram::BUCKETS;
static_assert(BUCKETS == 1 + OCTAVES * SUBS);
} // namespace

Histogram::Histogram() : counts_(BUCKETS, 0)
{
  clear();
}

void Histogram::clear()
{
  if (count_ > 0) // only the buckets between min and max can hold anything
    std::fill(counts_.begin() + bucket_of(min_), counts_.begin() + bucket_of(max_) + 1, 0);
  count_ = 0;
  sum_ = 0.0;
  min_ = std::numeric_limits<double>::infinity();
  max_ = -std::numeric_limits<double>::infinity();
}

int Histogram::bucket_of(double value)
{
  if (!(value >= 0x1.0p-32)) // zero, tiny, (and NaN, which callers must not pass)
    return 0;
  uint64_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  const int exponent = static_cast<int>((bits >> 52) & 0x7ff) - 1023;
  if (exponent >= MAX_EXPONENT)
    return BUCKETS - 1;
  const int sub = static_cast<int>((bits >> (52 - SUB_BITS)) & (SUBS - 1));
  return 1 + (exponent - MIN_EXPONENT) * SUBS + sub;
}

double Histogram::bucket_low(int index)
{
  if (index == 0)
    return 0.0;
  const int octave = (index - 1) / SUBS;
  const int sub = (index - 1) % SUBS;
  return std::ldexp(1.0 + static_cast<double>(sub) / SUBS, octave + MIN_EXPONENT);
}

double Histogram::bucket_high(int index)
{
  if (index == 0)
    return 0x1.0p-32;
  const int octave = (index - 1) / SUBS;
  const int sub = (index - 1) % SUBS;
  return std::ldexp(1.0 + static_cast<double>(sub + 1) / SUBS, octave + MIN_EXPONENT);
}

void Histogram::merge(const Histogram& other)
{
  for (size_t i = 0; i < counts_.size(); ++i)
    counts_[i] += other.counts_[i];
  count_ += other.count_;
  sum_ += other.sum_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

double Histogram::quantile(double q) const
{
  if (count_ == 0)
    return 0.0;
  q = std::clamp(q, 0.0, 1.0);
  const auto rank = std::max<uint64_t>(1, static_cast<uint64_t>(std::ceil(q * static_cast<double>(count_))));
  uint64_t seen = 0;
  const int last = bucket_of(max_);
  for (int i = bucket_of(min_); i <= last; ++i) {
    seen += counts_[i];
    if (seen >= rank) {
      if (i == 0)
        return min_; // below 2^MIN_EXPONENT: the smallest value stands for the bucket
      if (i == BUCKETS - 1)
        return max_; // at or above 2^MAX_EXPONENT
      const double mid = 0.5 * (bucket_low(i) + bucket_high(i));
      return std::clamp(mid, min_, max_);
    }
  }
  return max_;
}

} // namespace orchsim::sim
