#include "analysis/Statistics.hpp"

#include <cmath>
#include <stdexcept>

#include <boost/math/distributions/students_t.hpp>

namespace orchsim::analysis {

double t_quantile_975(size_t df)
{
  if (df == 0)
    throw std::invalid_argument("t_quantile_975: df must be at least 1");
  const boost::math::students_t t(static_cast<double>(df));
  return boost::math::quantile(t, 0.975);
}

Estimate mean_estimate(std::span<const double> values)
{
  Estimate e;
  e.n = values.size();
  if (values.empty())
    return e;
  double sum = 0;
  for (double v : values)
    sum += v;
  e.mean = sum / static_cast<double>(e.n);
  if (e.n < 2)
    return e;
  double squares = 0;
  for (double v : values)
    squares += (v - e.mean) * (v - e.mean);
  const double half =
      t_quantile_975(e.n - 1) * std::sqrt(squares / static_cast<double>(e.n - 1)) / std::sqrt(static_cast<double>(e.n));
  e.low = e.mean - half;
  e.high = e.mean + half;
  return e;
}

std::optional<Estimate> paired_ratio(std::span<const double> num, std::span<const double> den)
{
  if (num.size() != den.size())
    throw std::invalid_argument("paired_ratio: samples of different sizes");
  if (num.empty())
    return std::nullopt;
  const size_t n = num.size();
  double sum_num = 0, sum_den = 0;
  for (size_t i = 0; i < n; ++i) {
    sum_num += num[i];
    sum_den += den[i];
  }
  if (sum_den == 0)
    return std::nullopt;
  Estimate e;
  e.n = n;
  e.mean = sum_num / sum_den;
  if (n < 2)
    return e;
  double squares = 0;
  for (size_t i = 0; i < n; ++i) {
    const double d = num[i] - e.mean * den[i];
    squares += d * d;
  }
  const double mean_den = sum_den / static_cast<double>(n);
  const double half = t_quantile_975(n - 1) * std::sqrt(squares / static_cast<double>(n - 1)) /
                      (std::sqrt(static_cast<double>(n)) * std::abs(mean_den));
  e.low = e.mean - half;
  e.high = e.mean + half;
  return e;
}

} // namespace orchsim::analysis
