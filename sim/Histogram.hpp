// sim/Histogram.hpp
#pragma once
#include <cstdint>
#include <vector>

namespace orchsim::sim {

/** A log-bucketed histogram of non-negative values (seconds, tokens, ...), HdrHistogram style.
 *  Buckets are the binary exponent of the value split into 2^SUB_BITS linear sub-buckets, so every
 *  reported quantile is within 2^-(SUB_BITS+1) = 0.39 % of a value that was recorded; min, max,
 *  count and sum are exact. Memory is fixed (about 64 KiB) whatever the number of values. */
class Histogram {
public:
  static constexpr int SUB_BITS = 7;
  static constexpr int MIN_EXPONENT = -32; // 2^-32 s ~ 0.23 ns: values below share the lowest bucket
  static constexpr int MAX_EXPONENT = 32;  // 2^32 s ~ 136 years: values above share the highest bucket
  /** Buckets: 0 holds zero and everything below 2^MIN_EXPONENT, then each binary octave up to
   *  2^MAX_EXPONENT split into 2^SUB_BITS linear sub-buckets; the last one also holds everything above. */
  static constexpr int BUCKETS = 1 + (MAX_EXPONENT - MIN_EXPONENT) * (1 << SUB_BITS);
  /** Largest relative error of a quantile against the recorded value it stands for. */
  static constexpr double MAX_RELATIVE_ERROR = 1.0 / (1 << (SUB_BITS + 1));

  Histogram();

  /** REQUIRES: value >= 0 and finite. */
  void record(double value)
  {
    ++count_;
    sum_ += value;
    if (value < min_)
      min_ = value;
    if (value > max_)
      max_ = value;
    ++counts_[bucket_of(value)];
  }
  void merge(const Histogram& other);
  void clear();

  uint64_t get_count() const { return count_; }
  double get_sum() const { return sum_; }
  double get_mean() const { return count_ ? sum_ / static_cast<double>(count_) : 0.0; }
  double get_min() const { return count_ ? min_ : 0.0; }
  double get_max() const { return count_ ? max_ : 0.0; }
  /** The q-quantile, q in [0, 1]: the smallest recorded value with at least ceil(q*count) values at or
   *  below it, reported as its bucket's midpoint clamped to [min, max]. 0 when empty. */
  double quantile(double q) const;

  /** The layout, shared with other log-bucketed recorders (coordination::QuantileTracker). */
  static int bucket_of(double value);
  static double bucket_low(int index);
  static double bucket_high(int index);

private:
  std::vector<uint64_t> counts_;
  uint64_t count_ = 0;
  double sum_ = 0.0;
  double min_;
  double max_;
};

} // namespace orchsim::sim
