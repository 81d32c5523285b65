// orchestrator/selection/SlotBitset.hpp
#pragma once
#include <cstdint>
#include <vector>

namespace orchsim::orchestrator::selection {

/** A set of slots 0..n-1 as a hierarchy of 64-bit words (a bit per slot, then a bit per non-empty word,
 *  up to a single word), so that "the first member at or after slot i" costs O(log_64 n) word operations:
 *  at most 3 up to 262 144 slots. Set and clear cost the same. Used for round robin in slot order. */
class SlotBitset {
public:
  /** All of 0..n-1 set. REQUIRES: n > 0. */
  explicit SlotBitset(uint32_t n);

  bool test(uint32_t slot) const { return (levels_[0][slot >> 6] >> (slot & 63)) & 1U; }
  /** Returns whether the set changed. */
  bool set(uint32_t slot);
  /** Returns whether the set changed. */
  bool clear(uint32_t slot);
  /** The smallest member >= `from`, or Selector::NONE when there is none. */
  uint32_t find_next(uint32_t from) const;

private:
  std::vector<std::vector<uint64_t>> levels_; // levels_[0]: a bit per slot; the last level is one word
};

} // namespace orchsim::orchestrator::selection
