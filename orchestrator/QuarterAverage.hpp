// orchestrator/QuarterAverage.hpp
#pragma once
#include <algorithm>
#include <array>
#include <cstddef>
#include <vector>

namespace orchsim::orchestrator {

/** The time-average of a piecewise-constant level (requests in the system) over each quarter of a
 *  measurement window whose end is not known while it runs (a run that stops after N requests), in fixed
 *  memory: the level's area is kept in BUCKETS buckets of equal width that double (neighbours merge)
 *  whenever the window outgrows them. A quarter boundary inside a bucket takes the bucket's area in
 *  proportion to the time it covers, so an error can only come from the one bucket it cuts: at most
 *  1/32 of a quarter's time. Used like sim::TimeAverage: start, set/add with times that never decrease,
 *  stop. What analysis/Saturation.hpp judges a run's backlog from. */
class QuarterAverage {
public:
  static constexpr size_t BUCKETS = 256;
  static constexpr double FIRST_WIDTH_S = 1e-6; // doubles ~40 times for a window of a year

  /** The level changes to `level` at time `now_s`. REQUIRES: now_s never decreases. */
  void set(double now_s, double level)
  {
    if (open_)
      integrate(now_s);
    level_ = level;
  }
  void add(double now_s, double delta) { set(now_s, level_ + delta); }
  /** Opens the window at `now_s`: what came before is not counted. */
  void start(double now_s)
  {
    buckets_.assign(BUCKETS, 0.0);
    width_s_ = FIRST_WIDTH_S;
    current_ = 0;
    start_s_ = last_s_ = end_s_ = now_s;
    bucket_end_s_ = now_s + width_s_;
    open_ = true;
  }
  /** Closes the window at `now_s`; later changes are not integrated. */
  void stop(double now_s)
  {
    if (open_)
      integrate(now_s);
    open_ = false;
    end_s_ = std::max(now_s, start_s_);
  }
  /** Mean level over each quarter of [start, stop]; zeros over an empty (or never opened) window. */
  std::array<double, 4> means() const
  {
    std::array<double, 4> out{};
    const double length_s = end_s_ - start_s_;
    if (length_s <= 0 || buckets_.empty())
      return out;
    for (int q = 0; q < 4; ++q)
      out[q] =
          (area_until(start_s_ + length_s * (q + 1) / 4) - area_until(start_s_ + length_s * q / 4)) / (length_s / 4);
    return out;
  }

private:
  /** Adds level_ x (to_s - last_s_) to the buckets it spans: on the hot path, to the current one. */
  void integrate(double to_s)
  {
    while (to_s > bucket_end_s_) {
      buckets_[current_] += level_ * (bucket_end_s_ - last_s_);
      last_s_ = bucket_end_s_;
      next_bucket();
    }
    if (to_s > last_s_) {
      buckets_[current_] += level_ * (to_s - last_s_);
      last_s_ = to_s;
    }
  }
  /** Moves to the next bucket; past the last one, neighbours merge and the width doubles. */
  void next_bucket()
  {
    if (++current_ == BUCKETS) {
      for (size_t k = 0; k < BUCKETS / 2; ++k)
        buckets_[k] = buckets_[2 * k] + buckets_[2 * k + 1];
      std::fill(buckets_.begin() + BUCKETS / 2, buckets_.end(), 0.0);
      width_s_ *= 2;
      current_ = BUCKETS / 2;
    }
    bucket_end_s_ = start_s_ + static_cast<double>(current_ + 1) * width_s_;
  }
  /** The area from the window's start to `t_s`, level uniform within a bucket (the last one ends at end_s_). */
  double area_until(double t_s) const
  {
    double area = 0;
    for (size_t i = 0; i < BUCKETS; ++i) {
      const double from_s = start_s_ + static_cast<double>(i) * width_s_;
      const double to_s = std::min(from_s + width_s_, end_s_);
      if (to_s <= from_s || t_s <= from_s)
        break;
      area += t_s >= to_s ? buckets_[i] : buckets_[i] * (t_s - from_s) / (to_s - from_s);
    }
    return area;
  }

  std::vector<double> buckets_; // area (level x seconds) per bucket, from the window's start
  double width_s_ = FIRST_WIDTH_S;
  size_t current_ = 0;        // the bucket last_s_ is in
  double bucket_end_s_ = 0.0; // ... and where it ends
  double level_ = 0.0;
  double start_s_ = 0.0, last_s_ = 0.0, end_s_ = 0.0;
  bool open_ = false;
};

} // namespace orchsim::orchestrator
