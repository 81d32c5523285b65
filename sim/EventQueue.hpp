// sim/EventQueue.hpp
#pragma once
#include <cstdint>
#include <vector>

namespace orchsim::sim {

/** One scheduled event: plain data, no allocation. `kind` says what happens, `id` and `gen` say to
 *  whom (an index into the owner's pool and that slot's generation, so a stale event is recognised). */
struct Event {
  double time_s;
  uint64_t seq; // insertion order: equal times fire first-scheduled first, deterministically
  uint32_t kind;
  uint32_t id;
  uint32_t gen;
  uint32_t aux; // a second argument (a step index), free for the owner
};

/** A binary min-heap of events ordered by (time, insertion order). The calendar of one simulation run.
 *  Times are the run's own clock (seconds since the run started). */
class EventQueue {
public:
  void push(double time_s, uint32_t kind, uint32_t id, uint32_t gen = 0, uint32_t aux = 0)
  {
    heap_.push_back(Event{time_s, next_seq_++, kind, id, gen, aux});
    sift_up(heap_.size() - 1);
  }
  bool empty() const { return heap_.empty(); }
  size_t size() const { return heap_.size(); }
  /** REQUIRES: !empty(). */
  const Event& top() const { return heap_.front(); }
  /** REQUIRES: !empty(). */
  Event pop()
  {
    Event out = heap_.front();
    heap_.front() = heap_.back();
    heap_.pop_back();
    if (!heap_.empty())
      sift_down(0);
    return out;
  }
  void reserve(size_t n) { heap_.reserve(n); }

private:
  static bool before(const Event& a, const Event& b)
  {
    return a.time_s < b.time_s || (a.time_s == b.time_s && a.seq < b.seq);
  }
  void sift_up(size_t i)
  {
    Event e = heap_[i];
    while (i > 0) {
      size_t parent = (i - 1) / 2;
      if (!before(e, heap_[parent]))
        break;
      heap_[i] = heap_[parent];
      i = parent;
    }
    heap_[i] = e;
  }
  void sift_down(size_t i)
  {
    const size_t n = heap_.size();
    Event e = heap_[i];
    for (;;) {
      size_t child = 2 * i + 1;
      if (child >= n)
        break;
      if (child + 1 < n && before(heap_[child + 1], heap_[child]))
        ++child;
      if (!before(heap_[child], e))
        break;
      heap_[i] = heap_[child];
      i = child;
    }
    heap_[i] = e;
  }

  std::vector<Event> heap_;
  uint64_t next_seq_ = 0;
};

} // namespace orchsim::sim
