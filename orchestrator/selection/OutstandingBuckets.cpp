#include "orchestrator/selection/OutstandingBuckets.hpp"

namespace orchsim::orchestrator::selection {

OutstandingBuckets::OutstandingBuckets(uint32_t n)
    : count_(n, 0), next_(n), prev_(n), available_(n, 1), head_(1, Selector::NONE), available_count_(n)
{
  for (uint32_t slot = 0; slot < n; ++slot) {
    next_[slot] = slot + 1 < n ? slot + 1 : 0;
    prev_[slot] = slot > 0 ? slot - 1 : n - 1;
  }
  head_[0] = n > 0 ? 0 : Selector::NONE;
  min_ = n > 0 ? 0 : Selector::NONE;
}

void OutstandingBuckets::link(uint32_t slot)
{
  const uint32_t c = count_[slot];
  if (c >= head_.size())
    head_.resize(c + 1, Selector::NONE);
  uint32_t& head = head_[c];
  if (head == Selector::NONE) {
    head = next_[slot] = prev_[slot] = slot;
    return;
  }
  const uint32_t tail = prev_[head];
  next_[tail] = slot;
  prev_[slot] = tail;
  next_[slot] = head;
  prev_[head] = slot;
}

void OutstandingBuckets::unlink(uint32_t slot)
{
  uint32_t& head = head_[count_[slot]];
  if (next_[slot] == slot) {
    head = Selector::NONE;
    return;
  }
  next_[prev_[slot]] = next_[slot];
  prev_[next_[slot]] = prev_[slot];
  if (head == slot)
    head = next_[slot];
}

void OutstandingBuckets::increment(uint32_t slot)
{
  if (!available_[slot]) {
    ++count_[slot];
    return;
  }
  unlink(slot);
  const bool emptied_min = count_[slot] == min_ && head_[min_] == Selector::NONE;
  ++count_[slot];
  link(slot);
  if (emptied_min)
    min_ = count_[slot]; // the slot itself now sits in the next bucket
}

void OutstandingBuckets::decrement(uint32_t slot)
{
  if (count_[slot] == 0)
    return;
  if (!available_[slot]) {
    --count_[slot];
    return;
  }
  unlink(slot);
  --count_[slot];
  link(slot);
  if (count_[slot] < min_)
    min_ = count_[slot];
}

void OutstandingBuckets::set_available(uint32_t slot, bool available)
{
  if ((available_[slot] != 0) == available)
    return;
  available_[slot] = available ? 1 : 0;
  if (available) {
    link(slot);
    ++available_count_;
    if (min_ == Selector::NONE || count_[slot] < min_)
      min_ = count_[slot];
    return;
  }
  unlink(slot);
  --available_count_;
  if (available_count_ == 0) {
    min_ = Selector::NONE;
    return;
  }
  while (head_[min_] == Selector::NONE) // some available slot has a larger count: the scan ends
    ++min_;
}

} // namespace orchsim::orchestrator::selection
