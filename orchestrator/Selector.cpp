#include "orchestrator/Selector.hpp"

#include <algorithm>

namespace orchsim::orchestrator {

using models::SelectionStrategy;

uint32_t Selector::pick(std::span<const uint32_t> candidates, const std::vector<uint32_t>& outstanding,
                        uint32_t& cursor)
{
  const auto n = static_cast<uint32_t>(candidates.size());
  if (n == 1)
    return candidates[0];
  switch (spec_.strategy) {
    case SelectionStrategy::ROUND_ROBIN: {
      const uint32_t chosen = candidates[cursor % n];
      cursor = (cursor + 1) % n;
      return chosen;
    }
    case SelectionStrategy::RANDOM:
      return candidates[rng_.below(n)];
    case SelectionStrategy::LEAST_OUTSTANDING: {
      uint32_t best = candidates[cursor % n];
      for (uint32_t k = 1; k < n; ++k) {
        const uint32_t c = candidates[(cursor + k) % n];
        if (outstanding[c] < outstanding[best])
          best = c;
      }
      cursor = (cursor + 1) % n;
      return best;
    }
    case SelectionStrategy::POWER_OF_D: {
      const uint32_t d = std::min(spec_.d, n);
      if (d == 2) {
        const uint32_t i = static_cast<uint32_t>(rng_.below(n));
        uint32_t j = static_cast<uint32_t>(rng_.below(n - 1));
        if (j >= i)
          ++j;
        const uint32_t a = candidates[i], b = candidates[j];
        return outstanding[b] < outstanding[a] ? b : a;
      }
      // Partial Fisher-Yates over positions: d distinct draws.
      scratch_.resize(n);
      for (uint32_t k = 0; k < n; ++k)
        scratch_[k] = k;
      uint32_t best = candidates[0];
      for (uint32_t k = 0; k < d; ++k) {
        const uint32_t r = k + static_cast<uint32_t>(rng_.below(n - k));
        std::swap(scratch_[k], scratch_[r]);
        const uint32_t c = candidates[scratch_[k]];
        if (k == 0 || outstanding[c] < outstanding[best])
          best = c;
      }
      return best;
    }
  }
  return candidates[0];
}

} // namespace orchsim::orchestrator
