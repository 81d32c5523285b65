// orchestrator/selection/EdfSchedule.hpp
#pragma once
#include <cstdint>
#include <vector>

#include "orchestrator/selection/Selector.hpp"

namespace orchsim::orchestrator::selection {

/** Earliest-deadline-first schedule over slots, as Envoy's EdfScheduler
 *  (source/common/upstream/edf_scheduler.h): an entry added with weight w gets the deadline
 *  `time + 1/w`, where `time` is the deadline of the last entry picked; picks take the earliest deadline,
 *  ties in order of addition (FIFO). Over many picks with fixed weights each slot's share of picks is
 *  proportional to its weight; with equal weights the order is plain round robin.
 *  An indexed binary heap: add, remove and pick O(log n); removal of any slot (Envoy removes lazily
 *  and rebuilds on host-set changes instead). */
class EdfSchedule {
public:
  /** An empty schedule for slots 0..n-1. */
  explicit EdfSchedule(uint32_t n);

  bool empty() const { return heap_.empty(); }
  bool contains(uint32_t slot) const { return position_[slot] != Selector::NONE; }
  /** The slot with the earliest deadline. REQUIRES: !empty(). */
  uint32_t top() const { return heap_[0].slot; }

  /** Schedules `slot` at the current time + 1/weight. REQUIRES: !contains(slot), weight > 0. */
  void add(uint32_t slot, double weight);
  /** Unschedules `slot`; no-op when it is not scheduled. */
  void remove(uint32_t slot);
  /** Picks top(): the schedule's time becomes its deadline, and it is scheduled again at that time +
   *  1/weight (Envoy's pickAndAdd). REQUIRES: !empty(), weight > 0. */
  void reschedule_top(double weight);

private:
  struct Entry {
    double deadline;
    uint64_t order; // FIFO among equal deadlines
    uint32_t slot;
  };
  static bool before(const Entry& a, const Entry& b)
  {
    return a.deadline < b.deadline || (a.deadline == b.deadline && a.order < b.order);
  }
  void sift_up(uint32_t i);
  void sift_down(uint32_t i);
  void place(uint32_t i, const Entry& entry)
  {
    heap_[i] = entry;
    position_[entry.slot] = i;
  }

  std::vector<Entry> heap_;
  std::vector<uint32_t> position_; // slot -> heap index, NONE when not scheduled
  double time_ = 0.0;
  uint64_t next_order_ = 0;
};

} // namespace orchsim::orchestrator::selection
