// sim/TimeAverage.hpp
#pragma once

namespace orchsim::sim {

/** Time-weighted mean of a piecewise-constant level (busy slots, queue length, requests in flight)
 *  over a measurement window that starts at `start()` and ends at the time passed to `mean()`. */
class TimeAverage {
public:
  /** The level changes to `level` at time `now_s`. REQUIRES: now_s never decreases. */
  void set(double now_s, double level)
  {
    if (now_s > last_s_) {
      if (open_)
        area_ += level_ * (now_s - last_s_);
      last_s_ = now_s;
    }
    level_ = level;
  }
  void add(double now_s, double delta) { set(now_s, level_ + delta); }
  /** Opens the window at `now_s`, forgetting the area before it (warm-up). */
  void start(double now_s)
  {
    set(now_s, level_);
    area_ = 0.0;
    start_s_ = now_s;
    open_ = true;
  }
  /** Closes the window at `now_s`; later changes are not integrated. */
  void stop(double now_s)
  {
    set(now_s, level_);
    open_ = false;
    end_s_ = now_s;
    stopped_ = true;
  }
  double get_level() const { return level_; }
  /** Mean level over [start, stop] (or [start, last change] when still open). 0 over an empty window. */
  double mean() const
  {
    const double end = stopped_ ? end_s_ : last_s_;
    return end > start_s_ ? area_ / (end - start_s_) : 0.0;
  }

private:
  double level_ = 0.0;
  double last_s_ = 0.0;
  double area_ = 0.0;
  double start_s_ = 0.0;
  double end_s_ = 0.0;
  bool open_ = false;
  bool stopped_ = false;
};

} // namespace orchsim::sim
