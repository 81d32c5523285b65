// analysis/SweepProgress.hpp
#pragma once
#include <cstddef>
#include <functional>
#include <ostream>
#include <string>

namespace orchsim::analysis {

/** Reports how far a sweep is on a stream (stderr): BAR, one line redrawn in place (for a terminal, ten times a
 *  second at most); LINES, a plain line when a run ends at least `interval_s` after the last line (for logs);
 *  both end with the final count. NONE: nothing; nothing either when there is nothing to run. Each report: runs ended /
 * runs to run, runs per second, the estimated time left. The clock is injectable (seconds, monotonic). Not thread-safe:
 * call from the process that runs the sweep. */
class SweepProgress {
public:
  enum class Style { NONE, BAR, LINES };

  SweepProgress(std::ostream& out, Style style, double interval_s, std::string label,
                std::function<double()> now_s = {});

  /** Runs ended so far out of `total` (the first call starts the clock). */
  void update(size_t done, size_t total);
  /** Ends the report (the bar's line is closed). */
  void finish();

private:
  std::string text(size_t done, size_t total) const;
  void draw();

  std::ostream& out_;
  Style style_;
  double interval_s_;
  std::string label_;
  std::function<double()> now_s_;
  double start_s_ = -1, last_s_ = -1;
  size_t done_ = 0, total_ = 0;
  size_t printed_ = static_cast<size_t>(-1); // the count last drawn
};

} // namespace orchsim::analysis
