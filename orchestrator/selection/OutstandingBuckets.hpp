// orchestrator/selection/OutstandingBuckets.hpp
#pragma once
#include <cstdint>
#include <vector>

#include "orchestrator/selection/Selector.hpp"

namespace orchsim::orchestrator::selection {

/** Slots 0..n-1 with their outstanding-call counts, the available ones threaded into one circular
 *  doubly-linked list per count ("buckets"), and the smallest non-empty bucket tracked, so that
 *  "an available slot with the fewest outstanding calls" and every count change cost O(1).
 *  Ties: the minimum bucket is served round robin: pick_least() returns the bucket's head and advances
 *  the head, and a slot entering a bucket joins it at the tail (just before the head).
 *  Making a slot unavailable may scan up to the next non-empty bucket: O(1 + gap in counts).
 *  Counts never go below 0: an end reported for a slot with no outstanding call is ignored. */
class OutstandingBuckets {
public:
  /** Slots 0..n-1, all available, none with an outstanding call. */
  explicit OutstandingBuckets(uint32_t n);

  uint32_t get_available_count() const { return available_count_; }
  bool is_available(uint32_t slot) const { return available_[slot] != 0; }
  uint32_t get_outstanding(uint32_t slot) const { return count_[slot]; }
  /** The smallest count among available slots; NONE when none is available. */
  uint32_t get_min_outstanding() const { return min_; }

  void increment(uint32_t slot);
  void decrement(uint32_t slot);
  void set_available(uint32_t slot, bool available);

  /** An available slot with the fewest outstanding calls (round robin among ties), or NONE. O(1). */
  uint32_t pick_least()
  {
    if (available_count_ == 0)
      return Selector::NONE;
    uint32_t& head = head_[min_];
    const uint32_t chosen = head;
    head = next_[chosen];
    return chosen;
  }

private:
  void link(uint32_t slot);   // into the bucket of its count, at the tail
  void unlink(uint32_t slot); // out of its bucket

  std::vector<uint32_t> count_;
  std::vector<uint32_t> next_, prev_; // circular lists, meaningful for available slots only
  std::vector<uint8_t> available_;
  std::vector<uint32_t> head_; // per count: first slot of the bucket, NONE when empty
  uint32_t min_ = 0;           // smallest non-empty bucket, NONE when no slot is available
  uint32_t available_count_ = 0;
};

} // namespace orchsim::orchestrator::selection
