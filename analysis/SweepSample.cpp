#include "analysis/SweepSample.hpp"

#include <numeric>
#include <utility>

namespace orchsim::analysis {

uint64_t splitmix64(uint64_t x)
{
  uint64_t z = x + 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

uint64_t SplitMix64::next()
{
  const uint64_t out = splitmix64(state_);
  state_ += 0x9e3779b97f4a7c15ULL;
  return out;
}

double SplitMix64::uniform()
{
  return static_cast<double>(next() >> 11) * 0x1.0p-53;
}

uint64_t SplitMix64::below(uint64_t bound)
{
  // Rejection keeps every residue equally likely.
  const uint64_t limit = -bound % bound; // 2^64 mod bound
  for (;;)
    if (const uint64_t x = next(); x >= limit)
      return x % bound;
}

std::vector<std::vector<double>> latin_hypercube(size_t points, size_t dims, uint64_t seed)
{
  SplitMix64 rng(seed);
  std::vector<std::vector<double>> out(points, std::vector<double>(dims));
  std::vector<size_t> strata(points);
  for (size_t d = 0; d < dims; ++d) {
    std::iota(strata.begin(), strata.end(), size_t{0});
    for (size_t i = points; i > 1; --i) // Fisher-Yates
      std::swap(strata[i - 1], strata[rng.below(i)]);
    for (size_t i = 0; i < points; ++i)
      out[i][d] = (static_cast<double>(strata[i]) + rng.uniform()) / static_cast<double>(points);
  }
  return out;
}

std::vector<std::vector<double>> uniform_random(size_t points, size_t dims, uint64_t seed)
{
  SplitMix64 rng(seed);
  std::vector<std::vector<double>> out(points, std::vector<double>(dims));
  for (auto& point : out)
    for (auto& u : point)
      u = rng.uniform();
  return out;
}

} // namespace orchsim::analysis
