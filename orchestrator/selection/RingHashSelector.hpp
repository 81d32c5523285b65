// orchestrator/selection/RingHashSelector.hpp
#pragma once
#include <cstdint>
#include <vector>

#include "orchestrator/selection/MemberIndex.hpp"
#include "orchestrator/selection/Selector.hpp"

namespace orchsim::orchestrator::selection {

/** ring_hash: consistent hashing (Karger et al., "Consistent Hashing and Random Trees", STOC 1997),
 *  Ketama-like as Envoy's ring_hash: a ring of about `ring_size` points, each member owning a number
 *  of points in proportion to its weight (cumulative rounding of ring_size * weight / total,
 *  at least one each), point j of a member at mix64(instance << 32 | j) (mix64: the splitmix64
 *  finaliser after a golden-ratio increment, a bijection, so no two points collide). A request goes to
 *  the owner of the first point at or after mix64(request_key), clockwise, walking on past points of
 *  unavailable members. Keys whose member stays available keep it when others leave or come back.
 *  O(log P) per pick (binary search over P points) plus the run of unavailable points walked;
 *  O(1) per availability change. Ignores calls and answers. */
class RingHashSelector final : public Selector {
public:
  RingHashSelector(const std::vector<PoolMember>& members, uint32_t ring_size);

  uint32_t pick(const PickContext& context) override;
  void on_issue(uint32_t, double) override {}
  void on_answer(uint32_t, double, double, bool) override {}
  void on_abandon(uint32_t, double) override {}
  void set_available(uint32_t instance, bool available) override;

  /** The 64-bit mixer used for points and keys. */
  static uint64_t mix64(uint64_t x);

private:
  MemberIndex index_;
  std::vector<uint64_t> point_hash_; // sorted
  std::vector<uint32_t> point_slot_; // owner of each point
  std::vector<uint8_t> available_;   // per slot
  uint32_t available_count_;
};

} // namespace orchsim::orchestrator::selection
