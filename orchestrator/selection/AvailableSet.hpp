// orchestrator/selection/AvailableSet.hpp
#pragma once
#include <cstdint>
#include <utility>
#include <vector>

#include "orchestrator/selection/Selector.hpp"
#include "sim/Rng.hpp"

namespace orchsim::orchestrator::selection {

/** The available slots of a pool as a dense array plus a position index: O(1) membership test,
 *  insertion, removal (swap with the last) and uniform sampling. The array's order is an
 *  implementation detail (removals and partial shuffles permute it) but deterministic. */
class AvailableSet {
public:
  /** All of 0..n-1 available. */
  explicit AvailableSet(uint32_t n) : dense_(n), position_(n)
  {
    for (uint32_t slot = 0; slot < n; ++slot)
      dense_[slot] = position_[slot] = slot;
  }

  uint32_t size() const { return static_cast<uint32_t>(dense_.size()); }
  bool empty() const { return dense_.empty(); }
  bool contains(uint32_t slot) const { return position_[slot] != Selector::NONE; }
  /** The slot at position `i` of the dense array. REQUIRES: i < size(). */
  uint32_t at(uint32_t i) const { return dense_[i]; }

  /** Returns whether the set changed. */
  bool insert(uint32_t slot)
  {
    if (contains(slot))
      return false;
    position_[slot] = size();
    dense_.push_back(slot);
    return true;
  }
  /** Returns whether the set changed. */
  bool erase(uint32_t slot)
  {
    if (!contains(slot))
      return false;
    const uint32_t i = position_[slot];
    const uint32_t last = dense_.back();
    dense_[i] = last;
    position_[last] = i;
    dense_.pop_back();
    position_[slot] = Selector::NONE;
    return true;
  }

  /** A uniformly random member. REQUIRES: !empty(). */
  uint32_t sample(sim::Rng& rng) const { return dense_[rng.below(size())]; }

  /** Step k of a partial Fisher-Yates shuffle: moves a uniform draw among positions k..size()-1 to
   *  position k and returns it. Steps 0..d-1 draw d distinct members uniformly, O(1) each.
   *  REQUIRES: k < size(). */
  uint32_t draw_distinct(uint32_t k, sim::Rng& rng)
  {
    const uint32_t r = k + static_cast<uint32_t>(rng.below(size() - k));
    const uint32_t chosen = dense_[r];
    if (r != k) {
      const uint32_t displaced = dense_[k];
      dense_[k] = chosen;
      dense_[r] = displaced;
      position_[chosen] = k;
      position_[displaced] = r;
    }
    return chosen;
  }

private:
  std::vector<uint32_t> dense_;    // available slots
  std::vector<uint32_t> position_; // slot -> index in dense_, NONE when unavailable
};

} // namespace orchsim::orchestrator::selection
