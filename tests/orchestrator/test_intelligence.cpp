#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <vector>

#include "orchestrator/intelligence/Bandits.hpp"
#include "orchestrator/intelligence/Forecasters.hpp"
#include "orchestrator/intelligence/Predictors.hpp"
#include "sim/Rng.hpp"

using namespace orchsim;
using namespace orchsim::orchestrator::intelligence;

namespace {

constexpr double NaN = std::numeric_limits<double>::quiet_NaN();

// The arms picked, in order, by a bandit playing Bernoulli arms whose means become `after` at decision
// `change_at` (never, by default).
struct Picks {
  std::vector<uint32_t> arms;

  // Share of decisions in [from, to) that picked `arm`.
  double share(size_t from, size_t to, uint32_t arm) const
  {
    size_t hits = 0;
    for (size_t i = from; i < to; ++i)
      hits += arms[i] == arm;
    return static_cast<double>(hits) / static_cast<double>(to - from);
  }
  // Decisions after `change_at` until `arm` holds `threshold` of a `window`-decision window for the first time;
  // the number of decisions left if it never does.
  size_t recovery(size_t change_at, uint32_t arm, size_t window, double threshold) const
  {
    for (size_t start = change_at; start + window <= arms.size(); ++start)
      if (share(start, start + window, arm) >= threshold)
        return start - change_at;
    return arms.size() - change_at;
  }
};

template <class Choose, class Update>
Picks play(std::vector<double> means, const std::vector<double>& after, size_t decisions, size_t change_at,
           uint64_t seed, Choose choose, Update update)
{
  sim::Rng environment(seed);
  Picks picks;
  for (size_t t = 0; t < decisions; ++t) {
    if (t == change_at)
      means = after;
    const uint32_t arm = choose();
    update(arm, environment.uniform() < means[arm] ? 1.0 : 0.0);
    picks.arms.push_back(arm);
  }
  return picks;
}

constexpr size_t NEVER = SIZE_MAX;
const std::vector<double> STATIONARY{0.3, 0.5, 0.7};
// At decision 3000 the best arm becomes the worst; arm 1 (0.5, unchanged) becomes the best.
const std::vector<double> AFTER_CHANGE{0.3, 0.5, 0.1};
constexpr size_t CHANGE_AT = 3000;

Picks play_ucb1(Ucb1& bandit, const std::vector<double>& after, size_t decisions, size_t change_at, uint64_t seed)
{
  const std::array<uint8_t, 3> all{1, 1, 1};
  return play(
      STATIONARY, after, decisions, change_at, seed, [&] { return bandit.choose(all); },
      [&](uint32_t arm, double reward) { bandit.update(arm, reward); });
}

Picks play_thompson(ThompsonSampling& bandit, const std::vector<double>& after, size_t decisions, size_t change_at,
                    uint64_t seed)
{
  const std::array<uint8_t, 3> all{1, 1, 1};
  sim::Rng rng(seed + 1000);
  return play(
      STATIONARY, after, decisions, change_at, seed, [&] { return bandit.choose(all, rng); },
      [&](uint32_t arm, double reward) { bandit.update(arm, reward); });
}

Eigen::VectorXd random_vector(uint32_t dim, sim::Rng& rng)
{
  Eigen::VectorXd x(dim);
  for (uint32_t i = 0; i < dim; ++i)
    x[i] = rng.normal();
  return x;
}

// Mean over `probes` of |w^T x - truth^T x|: the prediction error against the noiseless target.
double prediction_error(const Rls& rls, const Eigen::VectorXd& truth, const std::vector<Eigen::VectorXd>& probes)
{
  double sum = 0.0;
  for (const auto& x : probes)
    sum += std::abs(rls.predict(x) - truth.dot(x));
  return sum / static_cast<double>(probes.size());
}

} // namespace

// ---------------------------------------------------------------------------------------------- RLS

TEST_CASE("intelligence::Rls: with forgetting 1 the weights are the batch ridge solution with penalty 1/delta",
          "[orchestrator][intelligence]")
{
  // Reference: Haykin, Adaptive Filter Theory (RLS chapter): with P(0) = delta I and lambda = 1, RLS minimises
  // sum_i (y_i - w^T x_i)^2 + (1/delta) ||w||^2 exactly, so w_n = (X^T X + I/delta)^-1 X^T y.
  const uint32_t dim = 4;
  const int rows = 200;
  sim::Rng rng(7);
  Eigen::VectorXd truth(dim);
  truth << 1.5, -2.0, 0.5, 3.0;
  Eigen::MatrixXd X(rows, dim);
  Eigen::VectorXd y(rows);
  for (int i = 0; i < rows; ++i) {
    X.row(i) = random_vector(dim, rng).transpose();
    y[i] = truth.dot(X.row(i).transpose()) + 0.1 * rng.normal();
  }
  for (double delta : {1000.0, 0.05}) {
    Rls rls(dim, {1.0, delta});
    for (int i = 0; i < rows; ++i)
      rls.update(X.row(i).transpose(), y[i]);
    const Eigen::VectorXd ridge = ridge_solution(X, y, 1.0 / delta);
    CHECK(rls.observations() == rows);
    CHECK((rls.weights() - ridge).norm() / ridge.norm() < 1e-6);
    // P = (X^T X + I/delta)^-1 as well.
    Eigen::MatrixXd gram = X.transpose() * X;
    gram.diagonal().array() += 1.0 / delta;
    const Eigen::MatrixXd p = gram.inverse();
    CHECK((rls.covariance() - p).norm() / p.norm() < 1e-6);
  }
  // The penalty matters at delta = 0.05 (lambda = 20): the match above is to ridge, not to least squares.
  Rls strong(dim, {1.0, 0.05});
  for (int i = 0; i < rows; ++i)
    strong.update(X.row(i).transpose(), y[i]);
  const Eigen::VectorXd least_squares = ridge_solution(X, y, 0.0);
  CHECK((strong.weights() - least_squares).norm() / least_squares.norm() > 1e-3);
}

TEST_CASE("intelligence::Rls: forgetting 0.98 tracks a switch of the true weights within 250 samples",
          "[orchestrator][intelligence]")
{
  // With lambda = 0.98 a sample k steps old weighs 0.98^k: after 250 new samples the 500 before the switch
  // hold about 0.98^250 = 0.6 % of the weight, so the bias toward the old weights, ~0.006 |w1 - w2| = 0.02, is
  // below the noise. Without forgetting the fit is still about the average (500 w1 + 250 w2) / 750.
  const uint32_t dim = 3;
  Eigen::VectorXd before(dim), after(dim);
  before << 1.0, 2.0, -1.0;
  after << -1.0, 0.5, 2.0;
  sim::Rng rng(11);
  std::vector<Eigen::VectorXd> probes;
  for (int i = 0; i < 100; ++i)
    probes.push_back(random_vector(dim, rng));

  Rls forgetting(dim, {0.98, 1000.0});
  Rls remembering(dim, {1.0, 1000.0});
  for (int i = 0; i < 500; ++i) {
    const Eigen::VectorXd x = random_vector(dim, rng);
    const double y = before.dot(x) + 0.1 * rng.normal();
    forgetting.update(x, y);
    remembering.update(x, y);
  }
  CHECK(prediction_error(forgetting, before, probes) < 0.1); // tracking the first weights
  size_t settled = NEVER;                                    // first sample at which the error is < 0.1
  for (size_t i = 1; i <= 300; ++i) {
    const Eigen::VectorXd x = random_vector(dim, rng);
    const double y = after.dot(x) + 0.1 * rng.normal();
    forgetting.update(x, y);
    remembering.update(x, y);
    if (settled == NEVER && prediction_error(forgetting, after, probes) < 0.1)
      settled = i;
    if (i == 250) {
      // Measured (seed 11): forgetting 0.031, remembering 1.68.
      CHECK(prediction_error(forgetting, after, probes) < 0.1);
      CHECK(prediction_error(remembering, after, probes) > 0.5);
    }
  }
  CHECK(settled <= 250); // measured: 179 samples
}

TEST_CASE("intelligence::Rls: forgetting without excitation does not wind up and bad samples are ignored",
          "[orchestrator][intelligence]")
{
  // A constant input x = (1, 0) never excites the second direction: plain RLS with lambda < 1 would grow
  // P[1][1] as 0.9^-n and overflow after about 6,700 samples. The trace bound keeps P finite and bounded.
  Rls rls(2, {0.9, 100.0});
  Eigen::VectorXd x(2);
  x << 1.0, 0.0;
  for (int i = 0; i < 20000; ++i)
    rls.update(x, 3.0);
  CHECK(rls.covariance().allFinite());
  CHECK(rls.covariance().trace() <= 200.0 + 1e-9); // delta * dim
  CHECK(std::abs(rls.predict(x) - 3.0) < 1e-5);    // the excited direction is still fitted (measured error 7e-7)
  const Eigen::VectorXd weights = rls.weights();
  rls.update(x, NaN);
  Eigen::VectorXd bad(2);
  bad << NaN, 1.0;
  rls.update(bad, 1.0);
  CHECK(rls.weights() == weights);
  CHECK(rls.observations() == 20000);
}

// ---------------------------------------------------------------------------------------------- EWMA

TEST_CASE("intelligence::Ewma: count-based and time-based averages follow their closed forms",
          "[orchestrator][intelligence]")
{
  // Count-based: after k observations of v following a first observation v0, value = v + (v0 - v)(1 - alpha)^k.
  Ewma counted({0.2, 0.0}, 42.0);
  CHECK(counted.value() == 42.0); // the prior, before any observation
  counted.update(10.0);
  CHECK(counted.value() == 10.0); // the first observation sets the value
  for (int k = 1; k <= 20; ++k) {
    counted.update(20.0);
    CHECK(counted.value() == Approx(20.0 - 10.0 * std::pow(0.8, k)).epsilon(1e-12));
  }
  CHECK(counted.observations() == 21);

  // Time-based: the weight of the old value after dt is exp(-dt / decay_s); after a step from v0 to v held for
  // T seconds the value is v + (v0 - v) exp(-T / decay_s), whatever the spacing of the observations.
  Ewma timed({0.1, 5.0}, 0.0);
  timed.update(100.0, 0.0);
  const double steps_s[] = {0.5, 2.0, 0.1, 3.3, 1.0, 7.0};
  double now_s = 0.0;
  for (double step_s : steps_s) {
    now_s += step_s;
    timed.update(200.0, now_s);
    CHECK(timed.value() == Approx(200.0 - 100.0 * std::exp(-now_s / 5.0)).epsilon(1e-12));
  }
  const double settled = timed.value();
  timed.update(1e6, now_s); // same instant: weight 1 - exp(0) = 0
  CHECK(timed.value() == settled);
  timed.update(NaN, now_s + 1.0); // ignored
  CHECK(timed.value() == settled);
  CHECK(timed.observations() == 8);
}

// ---------------------------------------------------------------------------------------------- bandits

TEST_CASE("intelligence::Ucb1: 95 % of the last 1000 of 4000 picks go to the best of arms 0.3, 0.5, 0.7",
          "[orchestrator][intelligence]")
{
  // Auer et al. 2002, Theorem 1: a suboptimal arm is played O(ln n / gap^2) times. 2000 decisions are not enough
  // for c = 2: measured over seeds 1-100, the best arm's share of the last 1000 decisions averages 93.8 % after
  // 2000 decisions (36 seeds of 100 reach 95 %), 96.2 % after 3000 (77), 97.2 % after 4000 (91) and 99.2 % after
  // 12000 (all 100).
  Ucb1 bandit(3);
  const Picks picks = play_ucb1(bandit, STATIONARY, 4000, NEVER, 1);
  const double share = picks.share(3000, 4000, 2);
  CHECK(share >= 0.95); // measured (seed 1): 98.7 %
  CHECK(bandit.mean(2) == Approx(0.7).margin(0.03));
  CHECK(bandit.count(0) + bandit.count(1) + bandit.count(2) == 4000.0);
}

TEST_CASE("intelligence::ThompsonSampling: 95 % of the last 1000 of 2000 picks go to the best of arms 0.3, 0.5, 0.7",
          "[orchestrator][intelligence]")
{
  // Agrawal and Goyal 2012: regret O(ln n) as for UCB1, with smaller constants in practice. Measured over seeds
  // 1-30: 96.4-100 %, mean 99.1 %.
  ThompsonSampling bandit(3);
  const Picks picks = play_thompson(bandit, STATIONARY, 2000, NEVER, 1);
  CHECK(picks.share(1000, 2000, 2) >= 0.95); // measured (seed 1): 96.4 %
  CHECK(bandit.mean(2) == Approx(0.7).margin(0.03));
}

TEST_CASE("intelligence::Ucb1: discounted UCB recovers from the best arm becoming the worst, plain UCB1 does not",
          "[orchestrator][intelligence]")
{
  // Garivier and Moulines 2011: with discount gamma the statistics cover about 1 / (1 - gamma) = 500 recent
  // decisions, so the old best arm's mean falls within a few hundred decisions; plain UCB1 must first pull the
  // 0.7 average of ~2900 pulls down below arm 1's index, which takes thousands. Exploration c = 0.1, not Auer's
  // 2: with only ~500 effective samples, c = 2 keeps the suboptimal arms above 20 % of the picks (measured: the
  // best arm's share before the change is 69-83 % at gamma 0.998-0.999, over seeds 1-4).
  // Measured over seeds 1-30 at c = 0.1, gamma = 0.998: share of decisions 3500-5499 on the new best arm
  // 93.6-99.0 % (mean 96.4 %); share of decisions 2000-2999 on the old best arm >= 92.0 %.
  Ucb1 discounted(3, {0.1, 0.998});
  Ucb1 plain(3, {0.1, 1.0});
  const Picks fast = play_ucb1(discounted, AFTER_CHANGE, 8000, CHANGE_AT, 1);
  const Picks slow = play_ucb1(plain, AFTER_CHANGE, 8000, CHANGE_AT, 1);
  CHECK(fast.share(2000, CHANGE_AT, 2) >= 0.9);                       // before: measured 98.9 %
  CHECK(fast.share(CHANGE_AT + 500, CHANGE_AT + 2500, 1) >= 0.9);     // measured 96.5 %
  CHECK(slow.share(CHANGE_AT + 500, CHANGE_AT + 2500, 1) < 0.6);      // measured 0.5 %
  const size_t fast_recovery = fast.recovery(CHANGE_AT, 1, 500, 0.9); // measured 201
  const size_t slow_recovery = slow.recovery(CHANGE_AT, 1, 500, 0.9); // measured 2498
  CHECK(fast_recovery <= 500);
  CHECK(slow_recovery > 3 * fast_recovery);
}

TEST_CASE("intelligence::ThompsonSampling: discounted Thompson recovers from the best arm becoming the worst",
          "[orchestrator][intelligence]")
{
  // Raj and Kalyani 2017: discounting by gamma = 0.998 keeps the posterior to about 500 effective samples, so
  // it is wide enough to notice the change; the undiscounted posterior of the old best arm (~3000 samples at
  // 0.7) stays confidently above 0.5 for thousands of decisions.
  // Measured over seeds 1-30: share of decisions 3500-5499 on the new best arm 90.8-96.7 % (mean 93.0 %); share
  // of decisions 2000-2999 on the old best arm >= 90.3 %.
  ThompsonSampling discounted(3, {1.0, 1.0, 0.998});
  ThompsonSampling plain(3, {1.0, 1.0, 1.0});
  const Picks fast = play_thompson(discounted, AFTER_CHANGE, 8000, CHANGE_AT, 1);
  const Picks slow = play_thompson(plain, AFTER_CHANGE, 8000, CHANGE_AT, 1);
  CHECK(fast.share(2000, CHANGE_AT, 2) >= 0.85);                      // before: measured 95.1 %
  CHECK(fast.share(CHANGE_AT + 500, CHANGE_AT + 2500, 1) >= 0.9);     // measured 91.4 %
  CHECK(slow.share(CHANGE_AT + 500, CHANGE_AT + 2500, 1) < 0.6);      // measured 39.2 %
  const size_t fast_recovery = fast.recovery(CHANGE_AT, 1, 500, 0.9); // measured 336
  const size_t slow_recovery = slow.recovery(CHANGE_AT, 1, 500, 0.9); // measured 3155
  CHECK(fast_recovery <= 500);
  CHECK(slow_recovery > 3 * fast_recovery);
}

TEST_CASE("intelligence::LinUcb: learns which arm is best for which context", "[orchestrator][intelligence]")
{
  // x = (1, u), u ~ U(0, 1); arm 0 pays Bernoulli(0.8 - 0.6 u), arm 1 Bernoulli(0.2 + 0.6 u): arm 0 is best
  // for u < 0.5, arm 1 otherwise, and both are linear in x, as Li et al. 2010 assume. Near u = 0.5 the arms are
  // almost equal, so some mistakes there are cheap and unavoidable. Measured over seeds 1-100, correct share of
  // the last 1000 decisions: after 2000, mean 96.7 % (81 seeds reach 95 %); after 3000, mean 97.9 % (92 seeds).
  LinUcb bandit(2, 2);
  const std::array<uint8_t, 2> both{1, 1};
  sim::Rng environment(1);
  Eigen::VectorXd x(2);
  int correct = 0;
  for (int t = 0; t < 3000; ++t) {
    const double u = environment.uniform();
    x << 1.0, u;
    const uint32_t arm = bandit.choose(x, both);
    const double mean = arm == 0 ? 0.8 - 0.6 * u : 0.2 + 0.6 * u;
    bandit.update(arm, x, environment.uniform() < mean ? 1.0 : 0.0);
    if (t >= 2000)
      correct += arm == (u < 0.5 ? 0u : 1u);
  }
  CHECK(correct >= 950); // measured (seed 1): 977
  x << 1.0, 0.1;
  CHECK(bandit.predict(0, x) == Approx(0.74).margin(0.1));
  x << 1.0, 0.9;
  CHECK(bandit.predict(1, x) == Approx(0.74).margin(0.1));
}

TEST_CASE("intelligence::LinUcb: each arm's model is the ridge regression of its own data, discounted or not",
          "[orchestrator][intelligence]")
{
  // Li et al. 2010, Algorithm 1: theta_a = (ridge I + sum x x^T)^-1 sum r x over the arm's plays, here kept by
  // Sherman-Morrison. With discount gamma, A <- gamma A + (1 - gamma) ridge I + x x^T unrolls to
  // A_n = ridge I + sum_i gamma^(n - i) x_i x_i^T (every update discounts every arm), b_n = sum_i gamma^(n-i) r_i x_i.
  const uint32_t dim = 3;
  const uint32_t arms = 2;
  const int updates = 60;
  for (double gamma : {1.0, 0.95}) {
    LinUcb bandit(arms, dim, {1.0, 0.5, gamma});
    sim::Rng rng(5);
    std::vector<Eigen::MatrixXd> a(arms, Eigen::MatrixXd::Identity(dim, dim) * 0.5);
    std::vector<Eigen::VectorXd> b(arms, Eigen::VectorXd::Zero(dim));
    for (int i = 0; i < updates; ++i) {
      const Eigen::VectorXd x = random_vector(dim, rng);
      const uint32_t arm = static_cast<uint32_t>(rng.below(arms));
      const double reward = rng.uniform();
      bandit.update(arm, x, reward);
      for (uint32_t j = 0; j < arms; ++j) {
        a[j] = gamma * a[j] + (1.0 - gamma) * 0.5 * Eigen::MatrixXd::Identity(dim, dim);
        b[j] *= gamma;
      }
      a[arm] += x * x.transpose();
      b[arm] += reward * x;
    }
    const Eigen::VectorXd probe = random_vector(dim, rng);
    for (uint32_t j = 0; j < arms; ++j) {
      const Eigen::VectorXd theta = a[j].ldlt().solve(b[j]);
      CHECK(bandit.predict(j, probe) == Approx(theta.dot(probe)).epsilon(1e-9));
      CHECK(bandit.width(j, probe) == Approx(std::sqrt(probe.dot(a[j].inverse() * probe))).epsilon(1e-9));
    }
  }
}

TEST_CASE("intelligence::bandits: never choose an unavailable arm, NONE when none is available",
          "[orchestrator][intelligence]")
{
  const uint32_t arms = 5;
  Ucb1 ucb(arms);
  ThompsonSampling thompson(arms);
  LinUcb linucb(arms, 2);
  sim::Rng rng(3);
  Eigen::VectorXd x(2);
  std::array<uint8_t, arms> mask{};
  for (int t = 0; t < 2000; ++t) {
    for (auto& m : mask)
      m = static_cast<uint8_t>(rng.below(3) == 0); // a third available, often none
    x << 1.0, rng.uniform();
    const bool any = mask[0] || mask[1] || mask[2] || mask[3] || mask[4];
    for (uint32_t arm : {ucb.choose(mask), thompson.choose(mask, rng), linucb.choose(x, mask)}) {
      if (!any) {
        REQUIRE(arm == NONE);
        continue;
      }
      REQUIRE(arm < arms);
      REQUIRE(mask[arm] != 0);
      // Rewards favour arm 4, so the learners would like to pick it even where it is unavailable.
      const double reward = arm == 4 ? 1.0 : 0.0;
      ucb.update(arm, reward);
      thompson.update(arm, reward);
      linucb.update(arm, x, reward);
    }
  }
  // Unplayed available arms come first, lowest index first (Auer et al.: "play each machine once").
  Ucb1 fresh(3);
  fresh.update(0, 1.0);
  const std::array<uint8_t, 3> not_one{1, 0, 1};
  CHECK(fresh.choose(not_one) == 2);
  // A NaN reward counts as 0, a reward above 1 as 1.
  fresh.update(2, NaN);
  fresh.update(1, 7.0);
  CHECK(fresh.mean(2) == 0.0);
  CHECK(fresh.mean(1) == 1.0);
}

TEST_CASE("intelligence::ThompsonSampling: the same seed gives the same choices, another seed other choices",
          "[orchestrator][intelligence]")
{
  auto run = [](uint64_t seed) {
    ThompsonSampling bandit(4, {1.0, 1.0, 0.99});
    sim::Rng rng(seed);
    sim::Rng environment(99);
    const std::array<uint8_t, 4> all{1, 1, 1, 1};
    std::vector<uint32_t> choices;
    for (int t = 0; t < 1000; ++t) {
      const uint32_t arm = bandit.choose(all, rng);
      bandit.update(arm, environment.uniform() < 0.2 * arm ? 1.0 : 0.0);
      choices.push_back(arm);
    }
    return choices;
  };
  CHECK(run(17) == run(17));
  CHECK(run(17) != run(18));
}

TEST_CASE("intelligence::ThompsonSampling: Gamma and Beta draws have the right mean and variance",
          "[orchestrator][intelligence]")
{
  // Gamma(a, 1): mean a, variance a. Beta(a, b): mean a / (a + b), variance ab / ((a + b)^2 (a + b + 1)).
  // 100,000 draws: the sample mean's standard error is sqrt(var / n); tolerances are 5 standard errors.
  const int n = 100000;
  sim::Rng rng(21);
  for (double shape : {0.3, 1.0, 4.5, 200.0}) {
    double sum = 0.0, sum2 = 0.0;
    for (int i = 0; i < n; ++i) {
      const double g = ThompsonSampling::sample_gamma(shape, rng);
      REQUIRE(g >= 0.0);
      sum += g;
      sum2 += g * g;
    }
    const double mean = sum / n;
    CHECK(mean == Approx(shape).margin(5.0 * std::sqrt(shape / n)));
    CHECK(sum2 / n - mean * mean == Approx(shape).epsilon(0.05));
  }
  const double a = 2.0, b = 5.0;
  double sum = 0.0, sum2 = 0.0;
  for (int i = 0; i < n; ++i) {
    const double x = ThompsonSampling::sample_beta(a, b, rng);
    REQUIRE(x >= 0.0);
    REQUIRE(x <= 1.0);
    sum += x;
    sum2 += x * x;
  }
  const double variance = a * b / ((a + b) * (a + b) * (a + b + 1.0));
  CHECK(sum / n == Approx(a / (a + b)).margin(5.0 * std::sqrt(variance / n)));
  CHECK(sum2 / n - (sum / n) * (sum / n) == Approx(variance).epsilon(0.05));
  // Tiny shapes underflow both draws to 0 at times: the result is still a number in [0, 1].
  for (int i = 0; i < 1000; ++i) {
    const double x = ThompsonSampling::sample_beta(1e-3, 1e-3, rng);
    REQUIRE(x >= 0.0);
    REQUIRE(x <= 1.0);
  }
}

TEST_CASE("intelligence: constructors reject parameters out of range", "[orchestrator][intelligence]")
{
  CHECK_THROWS_AS(Ucb1(0), std::invalid_argument);
  CHECK_THROWS_AS(Ucb1(2, {2.0, 0.0}), std::invalid_argument);
  CHECK_THROWS_AS(Ucb1(2, {-1.0, 1.0}), std::invalid_argument);
  CHECK_THROWS_AS(ThompsonSampling(2, {0.0, 1.0, 1.0}), std::invalid_argument);
  CHECK_THROWS_AS(ThompsonSampling(2, {1.0, 1.0, 1.5}), std::invalid_argument);
  CHECK_THROWS_AS(LinUcb(2, 0), std::invalid_argument);
  CHECK_THROWS_AS(LinUcb(2, 2, {1.0, 0.0, 1.0}), std::invalid_argument);
  CHECK_THROWS_AS(Ewma({0.0, 0.0}), std::invalid_argument);
  CHECK_THROWS_AS(Ewma({0.1, -1.0}), std::invalid_argument);
  CHECK_THROWS_AS(Rls(0), std::invalid_argument);
  CHECK_THROWS_AS(Rls(2, {0.0, 1.0}), std::invalid_argument);
  CHECK_THROWS_AS(EwmaForecaster(1.5), std::invalid_argument);
  CHECK_THROWS_AS(HoltForecaster(0.5, NaN), std::invalid_argument);
  CHECK_THROWS_AS(HoltWintersForecaster(0.5, 0.1, 0.1, 1), std::invalid_argument);
  CHECK_THROWS_AS(HoltWintersForecaster(0.5, 0.1, 0.0, 24), std::invalid_argument);
  CHECK_NOTHROW(HoltWintersForecaster(1.0, 1.0, 1.0, 2));
}

// ---------------------------------------------------------------------------------------------- forecasters

TEST_CASE("intelligence::HoltWintersForecaster: a daily cycle is forecast far better than by the last value",
          "[orchestrator][intelligence]")
{
  // y_t = 10 + 5 sin(2 pi t / 24) + N(0, 0.2^2), 20 seasons of 24 steps. The naive forecast's error is about the
  // mean step |y_t - y_{t-1}| ~ 5 * 2 pi / 24 * 2 / pi = 0.83; Holt-Winters' (FPP3 sec. 8.3) is about the noise,
  // 0.2 * sqrt(2 / pi) = 0.16. One-step-ahead mean absolute error from the second season on.
  HoltWintersForecaster holt_winters(0.2, 0.01, 0.2, 24);
  NaiveForecaster naive;
  sim::Rng rng(4);
  double hw_error = 0.0, naive_error = 0.0;
  int scored = 0;
  for (int t = 0; t < 24 * 20; ++t) {
    const double y = 10.0 + 5.0 * std::sin(2.0 * std::numbers::pi * t / 24.0) + 0.2 * rng.normal();
    if (t >= 24) {
      hw_error += std::abs(holt_winters.forecast(1) - y);
      naive_error += std::abs(naive.forecast(1) - y);
      ++scored;
    }
    holt_winters.observe(y);
    naive.observe(y);
  }
  hw_error /= scored;
  naive_error /= scored;
  CHECK(holt_winters.is_seasonal());
  CHECK(naive_error == Approx(0.83).margin(0.1)); // measured 0.852
  CHECK(hw_error < 0.3 * naive_error);            // measured 0.176 / 0.852 = 0.21
}

TEST_CASE("intelligence::HoltWintersForecaster: a purely periodic series is forecast exactly, every horizon",
          "[orchestrator][intelligence]")
{
  // Initialised from the first season, the recursions are at a fixed point on a periodic series: level = mean,
  // trend = 0, s = deviations. forecast(h) after n observations must read the seasonal slot of step n - 1 + h.
  const uint32_t m = 7;
  auto y = [](int t) { return 3.0 + static_cast<double>((t * 5) % 7) - 0.25 * (t % 7 == 2); };
  HoltWintersForecaster forecaster(0.3, 0.1, 0.4, m);
  for (int t = 0; t < 3; ++t)
    forecaster.observe(y(t));
  CHECK_FALSE(forecaster.is_seasonal()); // Holt's forecast until a full season has been seen
  for (int t = 3; t < 31; ++t) {
    forecaster.observe(y(t));
    if (t + 1 < static_cast<int>(m))
      continue;
    for (uint32_t h = 1; h <= 2 * m + 1; ++h)
      CHECK(forecaster.forecast(h) == Approx(y(t + static_cast<int>(h))).margin(1e-9));
  }
}

TEST_CASE("intelligence::HoltForecaster: a noisy ramp is forecast 5 steps ahead within a few noise levels",
          "[orchestrator][intelligence]")
{
  // y_t = 3 + 0.5 t + N(0, 0.1^2): Holt's method (FPP3 sec. 8.2) converges to level ~ 3 + 0.5 t and trend ~ 0.5;
  // the 5-step forecast's error is that of the level plus 5 times that of the trend, a fraction of the noise's
  // 0.1 on average. Measured over seeds 1, 2, 8 at alpha 0.3, beta 0.05: mean 0.042-0.044, worst 0.14-0.18.
  HoltForecaster holt(0.3, 0.05);
  sim::Rng rng(8);
  double worst = 0.0, sum = 0.0;
  int scored = 0;
  for (int t = 0; t < 300; ++t) {
    holt.observe(3.0 + 0.5 * t + 0.1 * rng.normal());
    if (t >= 100) {
      const double error = std::abs(holt.forecast(5) - (3.0 + 0.5 * (t + 5)));
      worst = std::max(worst, error);
      sum += error;
      ++scored;
    }
  }
  CHECK(sum / scored < 0.06); // measured 0.044
  CHECK(worst < 0.25);        // measured 0.142 (largest over steps 100-299)
  // Without noise the initial trend y_2 - y_1 is exact, and so is every forecast.
  HoltForecaster exact(0.5, 0.1);
  for (int t = 0; t < 10; ++t)
    exact.observe(1.0 - 2.0 * t);
  CHECK(exact.forecast(5) == Approx(1.0 - 2.0 * 14).margin(1e-12));
}

TEST_CASE("intelligence::EwmaForecaster: converges to a constant geometrically", "[orchestrator][intelligence]")
{
  // Simple exponential smoothing (FPP3 sec. 8.1) from level 0 on a constant 7: level_k = 7 (1 - (1 - alpha)^k).
  EwmaForecaster ewma(0.3);
  CHECK(ewma.forecast(1) == 0.0); // before any observation
  ewma.observe(0.0);
  for (int k = 1; k <= 40; ++k) {
    ewma.observe(7.0);
    CHECK(ewma.forecast(3) == Approx(7.0 * (1.0 - std::pow(0.7, k))).epsilon(1e-12));
  }
  CHECK(ewma.forecast(1) == Approx(7.0).epsilon(1e-5));
  ewma.observe(NaN);
  CHECK(std::isfinite(ewma.forecast(1)));
}
