// analysis/Statistics.hpp
#pragma once
#include <optional>
#include <span>

#include "results/ProfilesResult.hpp"

namespace orchsim::analysis {

/** A mean over replications with its 95 % confidence interval (Student's t, n - 1 degrees of freedom);
 *  no interval below two samples. */
struct Estimate {
  double mean = 0;
  std::optional<double> low, high;
  size_t n = 0;
};

/** `values` with their mean and 95 % t interval, as results carry a measurement over replications. */
results::Measured measured(std::span<const double> values);

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

/** A two-sample test of a difference in location. */
struct TestResult {
  double statistic = 0;            // t (Welch) or U (Mann-Whitney, of the first sample)
  double p_value = 1;              // two-sided
  std::optional<double> df;        // Welch-Satterthwaite degrees of freedom (Welch only)
  std::optional<double> low, high; // Welch: 95 % interval of mean(b) - mean(a)
};

/** Welch's unequal-variances t-test of mean(b) - mean(a) (Welch 1947): t = (mean b - mean a) /
 *  sqrt(var a / n_a + var b / n_b), Welch-Satterthwaite degrees of freedom, two-sided p from Student's t.
 *  Both variances 0: p = 1 when the means are equal, else 0 (a shift with no noise is certain).
 *  REQUIRES: at least 2 values in each sample. */
TestResult welch_test(std::span<const double> a, std::span<const double> b);

/** The Mann-Whitney U test (Wilcoxon rank-sum) of a shift between the samples, two-sided: exact
 *  (enumerated null distribution) when n_a + n_b <= 20 and there are no ties, else the normal
 *  approximation with tie correction and continuity correction. U counts the pairs (a_i, b_j) with
 *  a_i > b_j (ties 1/2). REQUIRES: at least 1 value in each sample. */
TestResult mann_whitney_test(std::span<const double> a, std::span<const double> b);

/** Sample skewness (the adjusted Fisher-Pearson coefficient); 0 below 3 values or without spread. */
double skewness(std::span<const double> values);

} // namespace orchsim::analysis
