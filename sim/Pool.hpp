// sim/Pool.hpp
#pragma once
#include <cstdint>
#include <vector>

namespace orchsim::sim {

/** Slots of T addressed by a 32-bit index, reused through a free list: the simulation's requests and
 *  calls, so that the hot path stops allocating once the pool has grown to the peak number in flight.
 *  A released slot keeps its old contents (and its capacity, e.g. a vector member) until acquired
 *  again; the caller resets what it needs. Indices stay valid across growth; references do not. */
template <class T>
class Pool {
public:
  uint32_t acquire()
  {
    if (!free_.empty()) {
      const uint32_t index = free_.back();
      free_.pop_back();
      return index;
    }
    slots_.emplace_back();
    return static_cast<uint32_t>(slots_.size() - 1);
  }
  /** REQUIRES: index was acquired and not yet released. */
  void release(uint32_t index) { free_.push_back(index); }
  T& operator[](uint32_t index) { return slots_[index]; }
  const T& operator[](uint32_t index) const { return slots_[index]; }
  /** Slots ever created: the peak number in use at once. */
  size_t capacity() const { return slots_.size(); }

private:
  std::vector<T> slots_;
  std::vector<uint32_t> free_;
};

} // namespace orchsim::sim
