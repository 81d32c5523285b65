#include "orchestrator/selection/EdfSchedule.hpp"

#include "orchestrator/selection/Require.hpp"

namespace orchsim::orchestrator::selection {

EdfSchedule::EdfSchedule(uint32_t n) : position_(n, Selector::NONE)
{
  heap_.reserve(n);
}

void EdfSchedule::add(uint32_t slot, double weight)
{
  require(!contains(slot), "EdfSchedule::add: slot already scheduled");
  heap_.push_back({});
  place(static_cast<uint32_t>(heap_.size() - 1), {time_ + 1.0 / weight, next_order_++, slot});
  sift_up(static_cast<uint32_t>(heap_.size() - 1));
}

void EdfSchedule::remove(uint32_t slot)
{
  const uint32_t i = position_[slot];
  if (i == Selector::NONE)
    return;
  position_[slot] = Selector::NONE;
  const Entry last = heap_.back();
  heap_.pop_back();
  if (i == heap_.size())
    return;
  place(i, last);
  sift_up(i);
  sift_down(position_[last.slot]);
}

void EdfSchedule::reschedule_top(double weight)
{
  Entry& entry = heap_[0];
  time_ = entry.deadline;
  entry.deadline = time_ + 1.0 / weight;
  entry.order = next_order_++;
  sift_down(0);
}

void EdfSchedule::sift_up(uint32_t i)
{
  const Entry entry = heap_[i];
  while (i > 0) {
    const uint32_t parent = (i - 1) / 2;
    if (!before(entry, heap_[parent]))
      break;
    place(i, heap_[parent]);
    i = parent;
  }
  place(i, entry);
}

void EdfSchedule::sift_down(uint32_t i)
{
  const Entry entry = heap_[i];
  const auto n = static_cast<uint32_t>(heap_.size());
  while (true) {
    uint32_t child = 2 * i + 1;
    if (child >= n)
      break;
    if (child + 1 < n && before(heap_[child + 1], heap_[child]))
      ++child;
    if (!before(heap_[child], entry))
      break;
    place(i, heap_[child]);
    i = child;
  }
  place(i, entry);
}

} // namespace orchsim::orchestrator::selection
