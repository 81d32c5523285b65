// analysis/SweepSample.hpp
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace orchsim::analysis {

/** SplitMix64's output function (Steele, Lea, Flood, OOPSLA 2014; Vigna's splitmix64.c): x + 0x9e3779b97f4a7c15,
 *  then two xor-shift-multiply rounds. A bijection of 64-bit words: every input bit reaches every output bit. */
uint64_t splitmix64(uint64_t x);

/** SplitMix64's generator: a stream of 64-bit words from a seed. Deterministic; no shared state. */
class SplitMix64 {
public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t next();
  /** Uniform in [0, 1), 53 bits. */
  double uniform();
  /** Uniform in [0, bound). REQUIRES: bound > 0. */
  uint64_t below(uint64_t bound);

private:
  uint64_t state_;
};

/** `points` x `dims` numbers in [0, 1) (point-major) forming a Latin hypercube (McKay, Beckman, Conover,
 *  Technometrics 21, 1979): in every dimension each of the `points` strata [k / points, (k + 1) / points)
 *  holds exactly one point, at a uniform position within it, strata matched across dimensions by independent
 *  random permutations. Deterministic for (points, dims, seed). */
std::vector<std::vector<double>> latin_hypercube(size_t points, size_t dims, uint64_t seed);

/** `points` x `dims` independent uniform numbers in [0, 1). Deterministic for (points, dims, seed). */
std::vector<std::vector<double>> uniform_random(size_t points, size_t dims, uint64_t seed);

} // namespace orchsim::analysis
