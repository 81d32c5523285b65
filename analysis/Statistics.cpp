#include "analysis/Statistics.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

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

namespace {

double mean_of(std::span<const double> v)
{
  double s = 0;
  for (double x : v)
    s += x;
  return s / static_cast<double>(v.size());
}

double variance_of(std::span<const double> v, double mean)
{
  double s = 0;
  for (double x : v)
    s += (x - mean) * (x - mean);
  return s / static_cast<double>(v.size() - 1);
}

} // namespace

TestResult welch_test(std::span<const double> a, std::span<const double> b)
{
  if (a.size() < 2 || b.size() < 2)
    throw std::invalid_argument("welch_test: at least 2 values per sample");
  const double ma = mean_of(a), mb = mean_of(b);
  const double va = variance_of(a, ma) / static_cast<double>(a.size());
  const double vb = variance_of(b, mb) / static_cast<double>(b.size());
  TestResult r;
  const double se2 = va + vb;
  if (se2 == 0) {
    r.statistic = 0;
    r.p_value = ma == mb ? 1.0 : 0.0;
    r.low = r.high = mb - ma;
    return r;
  }
  const double se = std::sqrt(se2);
  r.statistic = (mb - ma) / se;
  const double df =
      se2 * se2 / (va * va / static_cast<double>(a.size() - 1) + vb * vb / static_cast<double>(b.size() - 1));
  r.df = df;
  const boost::math::students_t t(df);
  r.p_value = std::min(1.0, 2.0 * boost::math::cdf(boost::math::complement(t, std::abs(r.statistic))));
  const double half = boost::math::quantile(t, 0.975) * se;
  r.low = mb - ma - half;
  r.high = mb - ma + half;
  return r;
}

TestResult mann_whitney_test(std::span<const double> a, std::span<const double> b)
{
  if (a.empty() || b.empty())
    throw std::invalid_argument("mann_whitney_test: at least 1 value per sample");
  const size_t na = a.size(), nb = b.size(), n = na + nb;
  // Ranks of the pooled sample, ties sharing their mean rank.
  std::vector<std::pair<double, int>> pooled;
  for (double x : a)
    pooled.push_back({x, 0});
  for (double x : b)
    pooled.push_back({x, 1});
  std::sort(pooled.begin(), pooled.end());
  double rank_sum_a = 0, tie_term = 0;
  bool ties = false;
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && pooled[j].first == pooled[i].first)
      ++j;
    const double rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2.0;
    const double t = static_cast<double>(j - i);
    if (t > 1) {
      ties = true;
      tie_term += t * t * t - t;
    }
    for (size_t k = i; k < j; ++k)
      if (pooled[k].second == 0)
        rank_sum_a += rank;
    i = j;
  }
  TestResult r;
  const double u = rank_sum_a - static_cast<double>(na * (na + 1)) / 2.0;
  r.statistic = u;
  const double mean_u = static_cast<double>(na * nb) / 2.0;
  if (!ties && n <= 20) {
    // Exact: count(k, m, u) = arrangements of k a's and m b's with U = u, by the recursion on the
    // largest value (Mann & Whitney 1947): c(k, m, u) = c(k - 1, m, u - m) + c(k, m - 1, u).
    const size_t max_u = na * nb;
    std::vector<std::vector<std::vector<double>>> c(
        na + 1, std::vector<std::vector<double>>(nb + 1, std::vector<double>(max_u + 1, 0.0)));
    for (size_t k = 0; k <= na; ++k)
      for (size_t m = 0; m <= nb; ++m)
        for (size_t v = 0; v <= max_u; ++v) {
          if (k == 0 || m == 0) {
            c[k][m][v] = v == 0 ? 1.0 : 0.0;
            continue;
          }
          c[k][m][v] = (v >= m ? c[k - 1][m][v - m] : 0.0) + c[k][m - 1][v];
        }
    double total = 0, tail = 0;
    const double distance = std::abs(u - mean_u);
    for (size_t v = 0; v <= max_u; ++v) {
      total += c[na][nb][v];
      if (std::abs(static_cast<double>(v) - mean_u) >= distance - 1e-9)
        tail += c[na][nb][v];
    }
    r.p_value = std::min(1.0, tail / total);
    return r;
  }
  const double nd = static_cast<double>(n);
  const double var_u = static_cast<double>(na * nb) / 12.0 * ((nd + 1.0) - tie_term / (nd * (nd - 1.0)));
  if (var_u <= 0) {
    r.p_value = 1.0;
    return r;
  }
  const double z = std::max(0.0, std::abs(u - mean_u) - 0.5) / std::sqrt(var_u);
  r.p_value = std::min(1.0, std::erfc(z / std::sqrt(2.0)));
  return r;
}

double skewness(std::span<const double> v)
{
  const size_t n = v.size();
  if (n < 3)
    return 0.0;
  const double m = mean_of(v);
  double m2 = 0, m3 = 0;
  for (double x : v) {
    m2 += (x - m) * (x - m);
    m3 += (x - m) * (x - m) * (x - m);
  }
  m2 /= static_cast<double>(n);
  m3 /= static_cast<double>(n);
  if (m2 == 0)
    return 0.0;
  const double g1 = m3 / std::pow(m2, 1.5);
  const double nd = static_cast<double>(n);
  return std::sqrt(nd * (nd - 1.0)) / (nd - 2.0) * g1;
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

results::Measured measured(std::span<const double> values)
{
  results::Measured m;
  m.values.assign(values.begin(), values.end());
  const Estimate e = mean_estimate(values);
  m.mean = e.mean;
  m.ci_low = e.low;
  m.ci_high = e.high;
  return m;
}

} // namespace orchsim::analysis
