// tests/orchestrator/test_selection.cpp: the selection strategies behind orchestrator::make_selector, run
// without an engine: each test drives a selector with picks and call events as the simulation would.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <vector>

#include "orchestrator/selection/Selector.hpp"

using namespace orchsim;
using models::SelectionSpec;
using models::SelectionStrategy;
using orchestrator::PickContext;
using orchestrator::PoolMember;
using orchestrator::Selector;

namespace {

constexpr uint32_t NONE = Selector::NONE;
constexpr uint32_t BASE = 100; // instance ids start here: pick() returns ids, not positions

std::vector<PoolMember> pool(uint32_t n, const std::vector<double>& weights = {})
{
  std::vector<PoolMember> members(n);
  for (uint32_t i = 0; i < n; ++i) {
    members[i].instance = BASE + i;
    members[i].weight = weights.empty() ? 1.0 : weights[i];
    members[i].expected_latency_s = 0.1;
  }
  return members;
}

SelectionSpec spec_of(SelectionStrategy strategy)
{
  SelectionSpec spec;
  spec.strategy = strategy;
  return spec;
}

std::unique_ptr<Selector> make(const SelectionSpec& spec, std::vector<PoolMember> members, uint64_t seed = 1)
{
  return orchestrator::make_selector(spec, std::move(members), sim::Rng(seed, "selection-test"));
}

std::unique_ptr<Selector> make(SelectionStrategy strategy, std::vector<PoolMember> members, uint64_t seed = 1)
{
  return make(spec_of(strategy), std::move(members), seed);
}

uint32_t pick(Selector& s, double now_s = 0.0, uint64_t key = 0)
{
  PickContext context;
  context.now_s = now_s;
  context.request_key = key;
  return s.pick(context);
}

/** Picks `n` times, issuing and at once answering each call (no load builds up). */
std::map<uint32_t, int> shares(Selector& s, int n)
{
  std::map<uint32_t, int> count;
  for (int i = 0; i < n; ++i) {
    const uint32_t chosen = pick(s);
    ++count[chosen];
    s.on_issue(chosen, 0.0);
    s.on_answer(chosen, 0.0, 0.1, true);
  }
  return count;
}

const std::vector<SelectionStrategy> ALL = {
    SelectionStrategy::ROUND_ROBIN,      SelectionStrategy::WEIGHTED_ROUND_ROBIN,
    SelectionStrategy::RANDOM,           SelectionStrategy::LEAST_OUTSTANDING,
    SelectionStrategy::POWER_OF_D,       SelectionStrategy::WEIGHTED_LEAST_REQUEST,
    SelectionStrategy::PEAK_EWMA,        SelectionStrategy::RING_HASH,
    SelectionStrategy::CAPABILITY_SCORE,
};

/** A random workload of picks, issues, answers, abandons and availability changes; the picks made. */
std::vector<uint32_t> drive(Selector& s, uint32_t n, uint64_t workload_seed, int steps)
{
  sim::Rng rng(workload_seed);
  std::vector<uint32_t> in_flight, picks;
  double now = 0;
  for (int step = 0; step < steps; ++step) {
    now += 0.01;
    const double u = rng.uniform();
    if (u < 0.5) {
      const uint32_t chosen = pick(s, now, rng.next_u64());
      picks.push_back(chosen);
      if (chosen != NONE) {
        s.on_issue(chosen, now);
        in_flight.push_back(chosen);
      }
    } else if (u < 0.9 && !in_flight.empty()) {
      const auto k = rng.below(in_flight.size());
      const uint32_t done = in_flight[k];
      in_flight[k] = in_flight.back();
      in_flight.pop_back();
      if (u < 0.85)
        s.on_answer(done, now, 0.05 + rng.uniform(), rng.uniform() < 0.9);
      else
        s.on_abandon(done, now);
    } else {
      s.set_available(BASE + static_cast<uint32_t>(rng.below(n)), rng.uniform() < 0.6);
    }
  }
  return picks;
}

} // namespace

TEST_CASE("orchestrator::selection round_robin: members in pool order, skipping unavailable ones",
          "[orchestrator][selection]")
{
  auto s = make(SelectionStrategy::ROUND_ROBIN, pool(4));
  CHECK(pick(*s) == 100);
  CHECK(pick(*s) == 101);
  CHECK(pick(*s) == 102);
  CHECK(pick(*s) == 103);
  CHECK(pick(*s) == 100);

  s->set_available(102, false);
  s->set_available(102, false); // idempotent
  CHECK(pick(*s) == 101);
  CHECK(pick(*s) == 103);
  CHECK(pick(*s) == 100);
  s->set_available(102, true); // takes its turn where it stands
  CHECK(pick(*s) == 101);
  CHECK(pick(*s) == 102);
  CHECK(pick(*s) == 103);
}

TEST_CASE("orchestrator::selection round_robin: matches a brute-force scan at 5000 members under churn",
          "[orchestrator][selection]")
{
  // 5000 members need three levels of the slot bitset; sparse ids use the hashed member index.
  const uint32_t n = 5000;
  auto members = pool(n);
  for (uint32_t i = 0; i < n; ++i)
    members[i].instance = 7 + i * 1'000'003u;
  auto s = make(SelectionStrategy::ROUND_ROBIN, members);
  std::vector<bool> available(n, true);
  uint32_t cursor = 0;
  sim::Rng rng(42);
  for (int step = 0; step < 20'000; ++step) {
    if (rng.uniform() < 0.3) {
      const auto i = static_cast<uint32_t>(rng.below(n));
      available[i] = rng.uniform() < 0.3; // mostly unavailable: long runs to skip
      s->set_available(members[i].instance, available[i]);
      continue;
    }
    uint32_t expected = NONE;
    for (uint32_t k = 0; k < n; ++k) {
      const uint32_t i = (cursor + k) % n;
      if (available[i]) {
        expected = i;
        break;
      }
    }
    const uint32_t chosen = pick(*s);
    if (expected == NONE) {
      REQUIRE(chosen == NONE);
      continue;
    }
    REQUIRE(chosen == members[expected].instance);
    cursor = expected + 1;
  }
}

TEST_CASE("orchestrator::selection weighted_round_robin: weights 1:2:3 give exactly 100/200/300 of 600 picks",
          "[orchestrator][selection]")
{
  auto s = make(SelectionStrategy::WEIGHTED_ROUND_ROBIN, pool(3, {1, 2, 3}));
  const auto count = shares(*s, 600);
  CHECK(count.at(100) == 100);
  CHECK(count.at(101) == 200);
  CHECK(count.at(102) == 300);
}

TEST_CASE("orchestrator::selection weighted_round_robin: equal weights give plain round robin order",
          "[orchestrator][selection]")
{
  auto s = make(SelectionStrategy::WEIGHTED_ROUND_ROBIN, pool(4, {2.5, 2.5, 2.5, 2.5}));
  for (int round = 0; round < 50; ++round)
    for (uint32_t i = 0; i < 4; ++i)
      REQUIRE(pick(*s) == BASE + i);
}

TEST_CASE("orchestrator::selection weighted_round_robin: an unavailable member's share goes to the others",
          "[orchestrator][selection]")
{
  auto s = make(SelectionStrategy::WEIGHTED_ROUND_ROBIN, pool(3, {1, 2, 3}));
  s->set_available(102, false);
  const auto count = shares(*s, 300);
  CHECK(count.count(102) == 0);
  CHECK(count.at(100) == 100);
  CHECK(count.at(101) == 200);
  s->set_available(102, true);
  const auto after = shares(*s, 600);
  CHECK(after.at(102) == Approx(300).margin(2));
}

TEST_CASE("orchestrator::selection random: uniform over available members", "[orchestrator][selection]")
{
  auto s = make(SelectionStrategy::RANDOM, pool(5));
  s->set_available(104, false);
  const int n = 40'000;
  const auto count = shares(*s, n);
  CHECK(count.count(104) == 0);
  // Pearson chi-square with 3 degrees of freedom; 16.27 is the 0.999 quantile.
  double chi2 = 0;
  for (uint32_t i = 0; i < 4; ++i) {
    const double expected = n / 4.0;
    const double d = count.at(BASE + i) - expected;
    chi2 += d * d / expected;
  }
  CHECK(chi2 < 16.27);
}

TEST_CASE("orchestrator::selection least_outstanding: always a minimum, against a brute-force scan of 10,000 steps",
          "[orchestrator][selection]")
{
  const uint32_t n = 12;
  auto s = make(SelectionStrategy::LEAST_OUTSTANDING, pool(n));
  std::vector<int> outstanding(n, 0);
  std::vector<bool> available(n, true);
  std::vector<uint32_t> in_flight;
  sim::Rng rng(2024);
  int picks = 0;
  for (int step = 0; step < 10'000; ++step) {
    const double u = rng.uniform();
    if (u < 0.45) {
      int least = INT32_MAX;
      for (uint32_t i = 0; i < n; ++i)
        if (available[i])
          least = std::min(least, outstanding[i]);
      const uint32_t chosen = pick(*s);
      ++picks;
      if (least == INT32_MAX) {
        REQUIRE(chosen == NONE);
        continue;
      }
      REQUIRE(chosen != NONE);
      const uint32_t i = chosen - BASE;
      REQUIRE(available[i]);
      REQUIRE(outstanding[i] == least);
      if (rng.uniform() < 0.95) { // now and then a pick is not followed by a call
        s->on_issue(chosen, 0);
        ++outstanding[i];
        in_flight.push_back(i);
      }
    } else if (u < 0.9 && !in_flight.empty()) {
      const auto k = rng.below(in_flight.size());
      const uint32_t i = in_flight[k];
      in_flight[k] = in_flight.back();
      in_flight.pop_back();
      --outstanding[i];
      if (u < 0.8)
        s->on_answer(BASE + i, 0, 0.1, true);
      else
        s->on_abandon(BASE + i, 0);
    } else {
      const auto i = static_cast<uint32_t>(rng.below(n));
      available[i] = rng.uniform() < 0.7;
      s->set_available(BASE + i, available[i]);
    }
  }
  CHECK(picks > 4000);
}

TEST_CASE("orchestrator::selection least_outstanding: ties rotate round robin, a freed member joins the tie's tail",
          "[orchestrator][selection]")
{
  auto s = make(SelectionStrategy::LEAST_OUTSTANDING, pool(3));
  // Picks without calls: the minimum bucket rotates.
  CHECK(pick(*s) == 100);
  CHECK(pick(*s) == 101);
  CHECK(pick(*s) == 102);
  CHECK(pick(*s) == 100);
  // Each member gets a call; answers come back in the order 102, 100: the tie is served in that order.
  s->on_issue(100, 0);
  s->on_issue(101, 0);
  s->on_issue(102, 0);
  s->on_answer(102, 1, 1, true);
  s->on_answer(100, 1, 1, true);
  CHECK(pick(*s) == 102);
  CHECK(pick(*s) == 100);
  CHECK(pick(*s) == 102);
  s->on_issue(102, 1);
  CHECK(pick(*s) == 100); // 102 now has a call: 100 is the only minimum
  CHECK(pick(*s) == 100);
  // A call to the member next in turn (not picked, e.g. a hedge elsewhere): the turn passes to the next.
  auto t = make(SelectionStrategy::LEAST_OUTSTANDING, pool(4));
  CHECK(pick(*t) == 100);
  t->on_issue(101, 0);
  CHECK(pick(*t) == 102);
  CHECK(pick(*t) == 103);
  CHECK(pick(*t) == 100);
}

TEST_CASE("orchestrator::selection least_outstanding: an end reported twice never drives a count below zero",
          "[orchestrator][selection]")
{
  auto s = make(SelectionStrategy::LEAST_OUTSTANDING, pool(2));
  s->on_issue(100, 0);
  s->on_answer(100, 1, 1, true);
  s->on_abandon(100, 1); // ignored: 100 has no call left
  s->on_issue(101, 1);
  CHECK(pick(*s) == 100);
}

TEST_CASE("orchestrator::selection power_of_d: distinct sampling with d = n always returns the global minimum",
          "[orchestrator][selection]")
{
  SelectionSpec spec = spec_of(SelectionStrategy::POWER_OF_D);
  spec.d = 6; // capped at the 6 members, then at the 5 available
  const uint32_t n = 6;
  auto s = make(spec, pool(n));
  std::vector<int> outstanding(n, 0);
  sim::Rng rng(9);
  for (int i = 0; i < 3000; ++i) {
    const auto loaded = static_cast<uint32_t>(rng.below(n));
    s->on_issue(BASE + loaded, 0);
    ++outstanding[loaded];
    if (i == 1000)
      s->set_available(BASE + 2, false);
    int least = INT32_MAX;
    for (uint32_t k = 0; k < n; ++k)
      if (i < 1000 || k != 2)
        least = std::min(least, outstanding[k]);
    const uint32_t chosen = pick(*s);
    REQUIRE(outstanding[chosen - BASE] == least);
    REQUIRE((i < 1000 || chosen != BASE + 2));
  }
}

TEST_CASE("orchestrator::selection power_of_d: distinct never draws a member twice, with replacement can",
          "[orchestrator][selection]")
{
  // Two members, one loaded: a pick returns the loaded one only if both draws hit it, which distinct
  // sampling never does and sampling with replacement does with probability 1/4.
  for (const bool with_replacement : {false, true}) {
    SelectionSpec spec = spec_of(SelectionStrategy::POWER_OF_D);
    spec.with_replacement = with_replacement;
    auto s = make(spec, pool(2));
    s->on_issue(100, 0);
    int loaded_picks = 0;
    const int n = 20'000;
    for (int i = 0; i < n; ++i)
      loaded_picks += pick(*s) == 100;
    if (with_replacement)
      CHECK(loaded_picks / double(n) == Approx(0.25).margin(0.015));
    else
      CHECK(loaded_picks == 0);
  }
}

TEST_CASE("orchestrator::selection power_of_d: among idle members the pick is uniform (the first drawn wins ties)",
          "[orchestrator][selection]")
{
  auto s = make(SelectionStrategy::POWER_OF_D, pool(4));
  std::map<uint32_t, int> count;
  for (int i = 0; i < 20'000; ++i)
    ++count[pick(*s)];
  for (uint32_t i = 0; i < 4; ++i)
    CHECK(count[BASE + i] / 20'000.0 == Approx(0.25).margin(0.015));
}

TEST_CASE("orchestrator::selection weighted_least_request: equal weights behave as Envoy's P2C with replacement",
          "[orchestrator][selection]")
{
  // Loads 0, 1, 2, 3 held fixed. Two draws with replacement from 4: the member of rank r (0 = least
  // loaded) wins when the better of the two draws is it: ((4 - r)^2 - (3 - r)^2) / 16 = 7, 5, 3, 1 / 16.
  for (const double bias : {1.0, 0.0, 3.0}) { // the bias plays no part when weights are equal
    SelectionSpec spec = spec_of(SelectionStrategy::WEIGHTED_LEAST_REQUEST);
    spec.bias = bias;
    auto s = make(spec, pool(4, {2, 2, 2, 2}));
    for (uint32_t i = 0; i < 4; ++i)
      for (uint32_t k = 0; k < i; ++k)
        s->on_issue(BASE + i, 0);
    std::map<uint32_t, int> count;
    const int n = 40'000;
    for (int i = 0; i < n; ++i)
      ++count[pick(*s)];
    CHECK(count[100] / double(n) == Approx(7 / 16.0).margin(0.012));
    CHECK(count[101] / double(n) == Approx(5 / 16.0).margin(0.012));
    CHECK(count[102] / double(n) == Approx(3 / 16.0).margin(0.012));
    CHECK(count[103] / double(n) == Approx(1 / 16.0).margin(0.012));
  }
}

TEST_CASE("orchestrator::selection weighted_least_request: unequal weights follow the EDF schedule",
          "[orchestrator][selection]")
{
  SECTION("calls answered at once: the effective weight is the weight, shares 1:3 exactly")
  {
    auto s = make(SelectionStrategy::WEIGHTED_LEAST_REQUEST, pool(2, {1, 3}));
    const auto count = shares(*s, 400);
    CHECK(count.at(100) == 100);
    CHECK(count.at(101) == 300);
  }
  SECTION("calls left outstanding, bias 1: the k-th pick of a member of weight w advances its deadline by k/w")
  {
    // Deadline after k picks ~ k^2 / (2w), so at a common deadline k ~ sqrt(2 w T): the heavy member's
    // share over the light one's is sqrt(3) = 1.732, not 3. Active requests pull shares together.
    auto s = make(SelectionStrategy::WEIGHTED_LEAST_REQUEST, pool(2, {1, 3}));
    std::map<uint32_t, int> count;
    for (int i = 0; i < 2000; ++i) {
      const uint32_t chosen = pick(*s);
      ++count[chosen];
      s->on_issue(chosen, 0);
    }
    CHECK(count[101] / double(count[100]) == Approx(std::sqrt(3.0)).margin(0.03));
  }
  SECTION("calls left outstanding, bias 0: weighted round robin, shares 1:3 exactly")
  {
    SelectionSpec spec = spec_of(SelectionStrategy::WEIGHTED_LEAST_REQUEST);
    spec.bias = 0;
    auto s = make(spec, pool(2, {1, 3}));
    std::map<uint32_t, int> count;
    for (int i = 0; i < 400; ++i) {
      const uint32_t chosen = pick(*s);
      ++count[chosen];
      s->on_issue(chosen, 0);
    }
    CHECK(count[100] == 100);
    CHECK(count[101] == 300);
  }
  SECTION("when the only heavier member leaves, the equal-weight rest is served by P2C")
  {
    auto s = make(SelectionStrategy::WEIGHTED_LEAST_REQUEST, pool(3, {1, 1, 3}));
    s->set_available(102, false);
    s->on_issue(100, 0);
    int loaded = 0;
    for (int i = 0; i < 20'000; ++i)
      loaded += pick(*s) == 100;
    CHECK(loaded / 20'000.0 == Approx(0.25).margin(0.015)); // both draws on the loaded member
  }
}

TEST_CASE("orchestrator::selection peak_ewma: prefers the member observed faster, and counts outstanding calls",
          "[orchestrator][selection]")
{
  auto s = make(SelectionStrategy::PEAK_EWMA, pool(2));
  for (int i = 1; i <= 20; ++i) {
    const double now = i;
    s->on_issue(100, now);
    s->on_answer(100, now, 0.05, true);
    s->on_issue(101, now);
    s->on_answer(101, now, 0.20, true);
  }
  for (int i = 0; i < 100; ++i) // with two members both are drawn: the pick is deterministic
    REQUIRE(pick(*s, 20.0) == 100);
  // Load = cost x (outstanding + 1): 0.05 x 5 > 0.20 x 1.
  for (int k = 0; k < 4; ++k)
    s->on_issue(100, 20.0);
  CHECK(pick(*s, 20.0) == 101);
}

TEST_CASE("orchestrator::selection peak_ewma: a latency spike counts at once and is forgotten after decay times",
          "[orchestrator][selection]")
{
  SelectionSpec spec = spec_of(SelectionStrategy::PEAK_EWMA);
  spec.decay_s = 10.0;
  auto s = make(spec, pool(2));
  double now = 0;
  auto answer_both = [&](double latency_a, double latency_b) {
    now += 1.0;
    s->on_issue(100, now);
    s->on_answer(100, now, latency_a, true);
    s->on_issue(101, now);
    s->on_answer(101, now, latency_b, true);
  };
  for (int i = 0; i < 30; ++i)
    answer_both(0.10, 0.12);
  CHECK(pick(*s, now) == 100);
  answer_both(5.0, 0.12); // one slow answer: the peak is believed at once
  CHECK(pick(*s, now) == 101);
  // Back to 0.10 for 5 decay times: cost 0.10 + 4.9 e^-5 = 0.133 > 0.12, still avoided ...
  for (int i = 0; i < 50; ++i)
    answer_both(0.10, 0.12);
  CHECK(pick(*s, now) == 101);
  // ... and after 8 decay times 0.10 + 4.9 e^-8 = 0.1016 < 0.12: forgiven.
  for (int i = 0; i < 30; ++i)
    answer_both(0.10, 0.12);
  CHECK(pick(*s, now) == 100);
}

TEST_CASE("orchestrator::selection peak_ewma: starts from the expected latency as prior", "[orchestrator][selection]")
{
  auto members = pool(2);
  members[0].expected_latency_s = 0.5;
  members[1].expected_latency_s = 0.2;
  auto s = make(SelectionStrategy::PEAK_EWMA, members);
  CHECK(pick(*s, 3600.0) == 101); // first used late: the prior still counts
}

TEST_CASE("orchestrator::selection ring_hash: removing one of 10 members remaps only its own keys",
          "[orchestrator][selection]")
{
  auto s = make(SelectionStrategy::RING_HASH, pool(10));
  const int keys = 10'000;
  std::vector<uint32_t> before(keys);
  for (int k = 0; k < keys; ++k)
    before[k] = pick(*s, 0, static_cast<uint64_t>(k));
  for (int k = 0; k < keys; ++k) // the same key, the same member
    REQUIRE(pick(*s, 0, static_cast<uint64_t>(k)) == before[k]);

  s->set_available(103, false);
  int moved = 0;
  for (int k = 0; k < keys; ++k) {
    const uint32_t now_at = pick(*s, 0, static_cast<uint64_t>(k));
    REQUIRE(now_at != 103);
    if (before[k] != 103)
      REQUIRE(now_at == before[k]);
    else
      ++moved;
  }
  CHECK(moved > 0);
  s->set_available(103, true);
  for (int k = 0; k < keys; ++k)
    REQUIRE(pick(*s, 0, static_cast<uint64_t>(k)) == before[k]);
}

TEST_CASE("orchestrator::selection ring_hash: key shares follow weights", "[orchestrator][selection]")
{
  SelectionSpec spec = spec_of(SelectionStrategy::RING_HASH);
  spec.ring_size = 4096;
  auto s = make(spec, pool(2, {1, 3}));
  int heavy = 0;
  const int keys = 100'000;
  for (int k = 0; k < keys; ++k)
    heavy += pick(*s, 0, static_cast<uint64_t>(k) * 7919) == 101;
  // 1024 and 3072 points; arc-length noise of a few percent at this ring size.
  CHECK(heavy / double(keys) == Approx(0.75).margin(0.04));
}

TEST_CASE("orchestrator::selection capability_score: cheapest, best quality, or fastest service as weighted",
          "[orchestrator][selection]")
{
  // Services 0, 1, 2 with two instances each.
  std::vector<PoolMember> members;
  const double latency[] = {0.5, 0.2, 1.0}, cost[] = {0.01, 0.05, 0.002}, quality[] = {0.7, 0.8, 0.95};
  for (uint32_t service = 0; service < 3; ++service)
    for (uint32_t k = 0; k < 2; ++k)
      members.push_back({BASE + 2 * service + k, service, 1.0, latency[service], cost[service], quality[service]});
  auto service_of = [](uint32_t instance) { return (instance - BASE) / 2; };
  SelectionSpec spec = spec_of(SelectionStrategy::CAPABILITY_SCORE);

  SECTION("cost weight only: the cheapest")
  {
    spec.score = {0, 1, 0};
    auto s = make(spec, members);
    CHECK(service_of(pick(*s)) == 2);
  }
  SECTION("quality weight only: the best quality")
  {
    spec.score = {0, 0, 1};
    auto s = make(spec, members);
    CHECK(service_of(pick(*s)) == 2);
    spec.score = {0, 0, 1};
    members[4].quality = members[5].quality = 0.6;
    auto t = make(spec, members);
    CHECK(service_of(pick(*t)) == 1);
  }
  SECTION("latency weight only (the default): the fastest, until its observed latency says otherwise")
  {
    auto s = make(spec, members);
    CHECK(service_of(pick(*s)) == 1);
    // Alpha 0.1 per answer: after 20 answers of 2 s, 0.2 -> 2 - 1.8 x 0.9^20 = 1.78 s > 0.5 s.
    for (int i = 0; i < 20; ++i) {
      s->on_issue(102, i);
      s->on_answer(102, i, 2.0, true);
    }
    CHECK(service_of(pick(*s)) == 0);
  }
  SECTION("within the service: fewest outstanding; an unavailable service is passed over")
  {
    spec.score = {0, 1, 0};
    auto s = make(spec, members);
    s->on_issue(104, 0);
    CHECK(pick(*s) == 105);
    s->set_available(104, false);
    s->set_available(105, false);
    CHECK(service_of(pick(*s)) == 0);
  }
}

TEST_CASE("orchestrator::selection: every strategy returns NONE when no member is available, and recovers",
          "[orchestrator][selection]")
{
  for (const auto strategy : ALL) {
    CAPTURE(static_cast<int>(strategy));
    auto s = make(strategy, pool(3, {1, 2, 3}));
    for (uint32_t i = 0; i < 3; ++i)
      s->set_available(BASE + i, false);
    CHECK(pick(*s, 1.0, 77) == NONE);
    s->set_available(101, true);
    for (int k = 0; k < 20; ++k)
      CHECK(pick(*s, 1.0, static_cast<uint64_t>(k)) == 101);
  }
}

TEST_CASE("orchestrator::selection: every strategy honours availability and is deterministic for a seed",
          "[orchestrator][selection]")
{
  const uint32_t n = 9;
  auto members = pool(n, {1, 2, 3, 1, 2, 3, 1, 2, 3});
  for (uint32_t i = 0; i < n; ++i)
    members[i].service = i % 3;
  for (const auto strategy : ALL) {
    CAPTURE(static_cast<int>(strategy));
    auto a = make(strategy, members, 5);
    auto b = make(strategy, members, 5);
    const auto picks_a = drive(*a, n, 11, 20'000);
    const auto picks_b = drive(*b, n, 11, 20'000);
    CHECK(picks_a == picks_b);
    const bool random = strategy == SelectionStrategy::RANDOM || strategy == SelectionStrategy::POWER_OF_D ||
                        strategy == SelectionStrategy::PEAK_EWMA;
    if (random) {
      auto c = make(strategy, members, 6);
      CHECK(drive(*c, n, 11, 20'000) != picks_a);
    }
  }
}

TEST_CASE("orchestrator::selection: pick never returns an unavailable member", "[orchestrator][selection]")
{
  const uint32_t n = 7;
  auto members = pool(n, {1, 1, 2, 2, 3, 3, 4});
  for (uint32_t i = 0; i < n; ++i)
    members[i].service = i % 2;
  for (const auto strategy : ALL) {
    CAPTURE(static_cast<int>(strategy));
    auto s = make(strategy, members, 3);
    std::vector<bool> available(n, true);
    sim::Rng rng(17);
    for (int step = 0; step < 5000; ++step) {
      if (rng.uniform() < 0.2) {
        const auto i = static_cast<uint32_t>(rng.below(n));
        available[i] = rng.uniform() < 0.5;
        s->set_available(BASE + i, available[i]);
      }
      const uint32_t chosen = pick(*s, step * 0.01, rng.next_u64());
      const bool any = std::find(available.begin(), available.end(), true) != available.end();
      if (!any) {
        REQUIRE(chosen == NONE);
        continue;
      }
      REQUIRE(chosen != NONE);
      REQUIRE(available[chosen - BASE]);
      s->on_issue(chosen, step * 0.01);
      if (rng.uniform() < 0.7)
        s->on_answer(chosen, step * 0.01, 0.1, true);
    }
  }
}
