// tests/orchestrator/test_locality_selector.cpp: the locality strategy behind orchestrator::make_selector,
// run without an engine on hand-built pools whose members carry a zone and a region: the clients' zone
// first, then their region, then anywhere, each tier while its least loaded member is below spill_at.
#include <catch2/catch.hpp>

#include <map>
#include <vector>

#include "orchestrator/selection/Selector.hpp"

using namespace orchsim;
using models::SelectionSpec;
using models::SelectionStrategy;
using orchestrator::NO_PLACE;
using orchestrator::PickContext;
using orchestrator::PoolMember;
using orchestrator::Selector;

namespace {

constexpr uint32_t NONE = Selector::NONE;

struct Place {
  uint32_t zone;
  uint32_t region;
  uint32_t concurrency = 2;
};

/** Members 100, 101, ... placed as given. */
std::vector<PoolMember> pool(const std::vector<Place>& places)
{
  std::vector<PoolMember> members;
  for (size_t i = 0; i < places.size(); ++i) {
    PoolMember m;
    m.instance = 100 + static_cast<uint32_t>(i);
    m.expected_latency_s = 0.1;
    m.zone = places[i].zone;
    m.region = places[i].region;
    m.concurrency = places[i].concurrency;
    members.push_back(m);
  }
  return members;
}

std::unique_ptr<Selector> locality(std::vector<PoolMember> members, double spill_at = 1.0)
{
  SelectionSpec spec;
  spec.strategy = SelectionStrategy::LOCALITY;
  spec.spill_at = spill_at;
  return orchestrator::make_selector(spec, std::move(members), sim::Rng(1, "locality-test"));
}

/** A call from clients in zone 0 of region 0. */
PickContext from_zone0()
{
  PickContext context;
  context.origin_zone = 0;
  context.origin_region = 0;
  return context;
}

/** Picks and issues the call (the member's load grows by one call). */
uint32_t pick_issue(Selector& s, const PickContext& context = from_zone0())
{
  const uint32_t chosen = s.pick(context);
  if (chosen != NONE)
    s.on_issue(chosen, 0.0);
  return chosen;
}

/** Two members in the clients' zone, one elsewhere in their region, one in another region; 2 slots each. */
const std::vector<Place> TIERS = {{0, 0}, {0, 0}, {1, 0}, {2, 1}};

} // namespace

TEST_CASE("orchestrator::selection locality: the clients' zone while below spill_at, then the region, then anywhere",
          "[orchestrator][selection]")
{
  auto s = locality(pool(TIERS), 1.0);
  // Load = outstanding / concurrency. Zone members 100 and 101 take calls until both are at 2 / 2 = 1.0
  // (not below spill_at): four calls, the least loaded one each time.
  std::map<uint32_t, int> zone_calls;
  for (int i = 0; i < 4; ++i)
    ++zone_calls[pick_issue(*s)];
  CHECK(zone_calls == std::map<uint32_t, int>{{100, 2}, {101, 2}});
  // The zone is full: the region's other zone (102), until it is full too.
  CHECK(pick_issue(*s) == 102);
  CHECK(pick_issue(*s) == 102);
  // Then anywhere: the other region's 103.
  CHECK(pick_issue(*s) == 103);
  CHECK(pick_issue(*s) == 103);
  // Every member at 1.0: the least loaded of all (here every one ties at 1.0, then 1.5).
  std::map<uint32_t, int> overloaded;
  for (int i = 0; i < 4; ++i)
    ++overloaded[pick_issue(*s)];
  CHECK(overloaded == std::map<uint32_t, int>{{100, 1}, {101, 1}, {102, 1}, {103, 1}});
  // An answer brings a zone member back below spill_at: the zone again.
  s->on_answer(101, 1.0, 0.1, true);
  s->on_answer(101, 1.0, 0.1, true);
  CHECK(s->pick(from_zone0()) == 101); // 101 at 1 / 2 = 0.5
}

TEST_CASE("orchestrator::selection locality: the least loaded member of a tier, load per concurrency slot",
          "[orchestrator][selection]")
{
  // 100: 4 slots, 101: 1 slot, both in the clients' zone.
  auto s = locality(pool({{0, 0, 4}, {0, 0, 1}, {1, 1, 1}}), 1.0);
  s->on_issue(100, 0.0);
  s->on_issue(100, 0.0);               // 2 / 4 = 0.5
  CHECK(s->pick(from_zone0()) == 101); // 0 / 1
  s->on_issue(101, 0.0);               // 1 / 1 = 1.0: more loaded than 100 with fewer calls
  CHECK(s->pick(from_zone0()) == 100);
  s->on_issue(100, 0.0);
  CHECK(s->pick(from_zone0()) == 100); // 3 / 4 = 0.75 < 1.0 still
  s->on_issue(100, 0.0);               // 4 / 4: the zone is full
  CHECK(s->pick(from_zone0()) == 102); // another region, idle
  // An abandoned call frees its slot like an answer.
  s->on_abandon(101, 0.0);
  CHECK(s->pick(from_zone0()) == 101);
}

TEST_CASE("orchestrator::selection locality: spill_at sets when a tier counts as overloaded",
          "[orchestrator][selection]")
{
  // spill_at 0.5: a zone member at 1 / 2 = 0.5 is overloaded, the next call goes to the region.
  auto tight = locality(pool(TIERS), 0.5);
  const uint32_t first = pick_issue(*tight);
  const uint32_t second = pick_issue(*tight);
  CHECK(((first == 100 && second == 101) || (first == 101 && second == 100)));
  CHECK(pick_issue(*tight) == 102);
  // spill_at 2: each zone member takes 4 calls before anything leaves the zone.
  auto loose = locality(pool(TIERS), 2.0);
  for (int i = 0; i < 8; ++i) {
    const uint32_t chosen = pick_issue(*loose);
    CHECK((chosen == 100 || chosen == 101));
  }
  CHECK(pick_issue(*loose) == 102);
}

TEST_CASE("orchestrator::selection locality: unavailable members are never picked, NONE when none is available",
          "[orchestrator][selection]")
{
  auto s = locality(pool(TIERS), 1.0);
  s->set_available(100, false);
  s->set_available(101, false);
  // The zone has nobody: the region takes the calls even while idle members exist elsewhere.
  for (int i = 0; i < 2; ++i)
    CHECK(pick_issue(*s) == 102);
  CHECK(pick_issue(*s) == 103);
  CHECK(pick_issue(*s) == 103);
  // Everyone available is full: the least loaded of the available ones, never 100 or 101.
  for (int i = 0; i < 6; ++i) {
    const uint32_t chosen = pick_issue(*s);
    CHECK((chosen == 102 || chosen == 103));
  }
  s->set_available(102, false);
  s->set_available(103, false);
  CHECK(s->pick(from_zone0()) == NONE);
  s->set_available(101, true);
  CHECK(s->pick(from_zone0()) == 101);
  s->set_available(101, true); // idempotent
  s->set_available(101, false);
  s->set_available(101, false);
  CHECK(s->pick(from_zone0()) == NONE);
}

TEST_CASE("orchestrator::selection locality: ties rotate among equally loaded members", "[orchestrator][selection]")
{
  auto s = locality(pool({{0, 0}, {0, 0}, {0, 0}, {1, 0}}), 1.0);
  // Picks without issuing: every member stays idle, the zone's three take turns.
  std::vector<uint32_t> picks;
  for (int i = 0; i < 6; ++i)
    picks.push_back(s->pick(from_zone0()));
  CHECK(picks == std::vector<uint32_t>{100, 101, 102, 100, 101, 102});
  // Overloaded everywhere: the tie among all members rotates too.
  auto full = locality(pool({{0, 0, 1}, {1, 0, 1}, {2, 1, 1}}), 1.0);
  for (uint32_t m = 100; m < 103; ++m)
    full->on_issue(m, 0.0);
  std::map<uint32_t, int> count;
  for (int i = 0; i < 9; ++i)
    ++count[full->pick(from_zone0())];
  CHECK(count == std::map<uint32_t, int>{{100, 3}, {101, 3}, {102, 3}});
}

TEST_CASE("orchestrator::selection locality: the origin's region without its zone, and members without a place",
          "[orchestrator][selection]")
{
  // Clients in zone 5 (region 0), where no member is: the region's members come first.
  auto s = locality(pool(TIERS), 1.0);
  PickContext context;
  context.origin_zone = 5;
  context.origin_region = 0;
  for (int i = 0; i < 6; ++i) {
    const uint32_t chosen = pick_issue(*s, context);
    CHECK(chosen != 103); // 100, 101, 102: 6 slots below spill_at in region 0
  }
  CHECK(pick_issue(*s, context) == 103);
  // No platform: members and clients have no place; the strategy is least loaded per slot.
  auto blind = locality(pool({{NO_PLACE, NO_PLACE, 1}, {NO_PLACE, NO_PLACE, 4}}), 1.0);
  PickContext nowhere; // origin NO_PLACE
  blind->on_issue(100, 0.0);
  for (int i = 0; i < 3; ++i)
    CHECK(pick_issue(*blind, nowhere) == 101); // 0, 1/4, 2/4 against 1/1
  // 101 at 3 / 4 = 0.75 < 1.0 = 100's load.
  CHECK(pick_issue(*blind, nowhere) == 101);
}
