// sim/TimeSeries.hpp
#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace orchsim::sim {

/** Columns of values per fixed interval of simulated time (arrivals per second, p99, queue length),
 *  with a bounded number of points: when `max_points` is reached the interval doubles and neighbouring
 *  points merge, each column by its own rule, so memory stays fixed however long the run.
 *  Point i covers [i x interval, (i + 1) x interval). Not thread-safe. */
class TimeSeries {
public:
  enum class Merge {
    SUM,  // counts: the merged point counts both
    MEAN, // gauges and averages: the mean of the two
    MAX,  // upper tails: the larger of the two (an upper bound of the merged interval's p99)
  };

  /** REQUIRES: interval_s > 0, max_points >= 2 and even. */
  TimeSeries(double interval_s, size_t max_points);

  /** Adds a column before the first point. Returns its index. */
  size_t add_column(std::string name, Merge merge);
  /** Appends one point: `row[c]` for column c. REQUIRES: row.size() == columns. */
  void append(const std::vector<double>& row);

  double get_interval_s() const { return interval_s_; }
  size_t size() const { return points_; }
  size_t columns() const { return names_.size(); }
  const std::string& get_name(size_t column) const { return names_[column]; }
  const std::vector<double>& get_column(size_t column) const { return values_[column]; }

private:
  void coarsen();

  double interval_s_;
  size_t max_points_;
  size_t points_ = 0;
  std::vector<std::string> names_;
  std::vector<Merge> merges_;
  std::vector<std::vector<double>> values_;
};

} // namespace orchsim::sim
