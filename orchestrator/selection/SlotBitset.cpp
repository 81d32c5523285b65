#include "orchestrator/selection/SlotBitset.hpp"

#include <bit>

#include "orchestrator/selection/Require.hpp"
#include "orchestrator/selection/Selector.hpp"

namespace orchsim::orchestrator::selection {

SlotBitset::SlotBitset(uint32_t n)
{
  require(n > 0, "a slot set needs at least one slot");
  uint64_t bits = n;
  do {
    const uint64_t words = (bits + 63) / 64;
    std::vector<uint64_t> level(words, ~uint64_t{0});
    if (bits % 64 != 0)
      level.back() = (uint64_t{1} << (bits % 64)) - 1;
    levels_.push_back(std::move(level));
    bits = words;
  } while (bits > 1);
}

bool SlotBitset::set(uint32_t slot)
{
  uint64_t index = slot;
  for (size_t l = 0; l < levels_.size(); ++l) {
    uint64_t& word = levels_[l][index >> 6];
    const uint64_t bit = uint64_t{1} << (index & 63);
    if (word & bit)
      return l > 0; // already set; above level 0 this cannot happen while the invariant holds
    const bool was_empty = word == 0;
    word |= bit;
    if (!was_empty)
      return true;
    index >>= 6; // the word became non-empty: mark it one level up
  }
  return true;
}

bool SlotBitset::clear(uint32_t slot)
{
  uint64_t index = slot;
  for (size_t l = 0; l < levels_.size(); ++l) {
    uint64_t& word = levels_[l][index >> 6];
    const uint64_t bit = uint64_t{1} << (index & 63);
    if (!(word & bit))
      return l > 0;
    word &= ~bit;
    if (word != 0)
      return true;
    index >>= 6; // the word became empty: unmark it one level up
  }
  return true;
}

uint32_t SlotBitset::find_next(uint32_t from) const
{
  uint64_t index = from;
  for (size_t l = 0; l < levels_.size(); ++l) {
    const auto& level = levels_[l];
    const uint64_t word_index = index >> 6;
    if (word_index >= level.size())
      return Selector::NONE;
    const uint64_t word = level[word_index] & (~uint64_t{0} << (index & 63));
    if (word != 0) {
      index = word_index * 64 + static_cast<uint64_t>(std::countr_zero(word));
      for (size_t down = l; down > 0; --down) // descend to a slot through the first non-empty words
        index = index * 64 + static_cast<uint64_t>(std::countr_zero(levels_[down - 1][index]));
      return static_cast<uint32_t>(index);
    }
    index = word_index + 1; // nothing left in this word: look from the next word one level up
  }
  return Selector::NONE;
}

} // namespace orchsim::orchestrator::selection
