// analysis/Statistics.hpp
#pragma once
#include <optional>
#include <span>

namespace orchsim::analysis {

/** A mean over replications with its 95 % confidence interval (Student's t, n - 1 degrees of freedom);
 *  no interval below two samples. */
struct Estimate {
  double mean = 0;
  std::optional<double> low, high;
  size_t n = 0;
};

/** The two-sided 95 % quantile of Student's t with `df` degrees of freedom (12.706 for 1, 1.960 as df
 *  grows). REQUIRES: df >= 1. */
double t_quantile_975(size_t df);

/** The mean of `values` with its 95 % t interval. Empty input: a mean of 0 and n = 0. */
Estimate mean_estimate(std::span<const double> values);

/** The ratio of means mean(num) / mean(den) of paired samples (num[i], den[i] from the same
 *  replication), with a 95 % interval from the delta method on the paired residuals
 *  d_i = num_i - R den_i: R +- t(n-1) sd(d) / (sqrt(n) mean(den)) (Cochran, Sampling Techniques,
 *  3rd ed., sec. 6.4). Identical pairs give R = 1 with a zero-width interval.
 *  Nothing when mean(den) is 0 or the inputs are empty. REQUIRES: equal sizes. */
std::optional<Estimate> paired_ratio(std::span<const double> num, std::span<const double> den);

} // namespace orchsim::analysis
