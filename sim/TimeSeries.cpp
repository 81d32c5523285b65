#include "sim/TimeSeries.hpp"

#include <algorithm>
#include <cassert>
#include <cstdio>
#include <cstdlib>

namespace orchsim::sim {

TimeSeries::TimeSeries(double interval_s, size_t max_points) : interval_s_(interval_s), max_points_(max_points)
{
  if (!(interval_s > 0) || max_points < 2 || max_points % 2 != 0) {
    std::fprintf(stderr, "TimeSeries: bad interval or max_points\n");
    std::abort();
  }
}

size_t TimeSeries::add_column(std::string name, Merge merge)
{
  names_.push_back(std::move(name));
  merges_.push_back(merge);
  values_.emplace_back();
  values_.back().reserve(max_points_);
  return names_.size() - 1;
}

void TimeSeries::append(const std::vector<double>& row)
{
  for (size_t c = 0; c < values_.size(); ++c)
    values_[c].push_back(row[c]);
  if (++points_ == max_points_)
    coarsen();
}

void TimeSeries::coarsen()
{
  for (size_t c = 0; c < values_.size(); ++c) {
    auto& v = values_[c];
    for (size_t i = 0; i < points_ / 2; ++i) {
      const double a = v[2 * i], b = v[2 * i + 1];
      switch (merges_[c]) {
        case Merge::SUM:
          v[i] = a + b;
          break;
        case Merge::MEAN:
          v[i] = 0.5 * (a + b);
          break;
        case Merge::MAX:
          v[i] = std::max(a, b);
          break;
      }
    }
    v.resize(points_ / 2);
  }
  points_ /= 2;
  interval_s_ *= 2;
}

} // namespace orchsim::sim
