// sim/Rng.hpp
#pragma once
#include <cstdint>
#include <string_view>

namespace orchsim::sim {

/** A fast, seedable pseudo-random stream (xoshiro256++), one per simulated entity.
 *  Streams are derived from (run seed, entity name) so that adding, removing or reordering other
 *  entities, or changing how the orchestrator uses its own stream, never changes this one.
 *  Not thread-safe; cheap to copy. */
class Rng {
public:
  /** A stream for `entity` under `seed`: the same pair always gives the same sequence. */
  Rng(uint64_t seed, std::string_view entity);
  /** A stream from one 64-bit word (a key built with mix(), or tests). Inline: one per simulated call. */
  explicit Rng(uint64_t seed_word) { seed_from(seed_word); }

  uint64_t next_u64()
  {
    const uint64_t result = rotl(s_[0] + s_[3], 23) + s_[0];
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  /** Uniform on [0, 1), 53 random bits. */
  double uniform() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
  /** Uniform on (0, 1]: safe to take the logarithm of. */
  double uniform_pos() { return static_cast<double>((next_u64() >> 11) + 1) * 0x1.0p-53; }
  /** Uniform integer in [0, n). REQUIRES: n > 0. Lemire's multiply-shift, bias < 2^-32 for n < 2^32. */
  uint64_t below(uint64_t n) { return static_cast<uint64_t>((static_cast<uint128>(next_u64()) * n) >> 64); }
  /** Standard normal variate (Marsaglia polar method; no cached spare, so draws stay aligned). */
  double normal();

  /** Mixes a value into a key (the splitmix64 finaliser of their combination): a key for a stream that
   *  belongs to a tuple, e.g. one simulated call, built as mix(mix(base, a), b). */
  static uint64_t mix(uint64_t key, uint64_t value)
  {
    uint64_t z = key ^ (value + 0x9e3779b97f4a7c15ULL + (key << 6) + (key >> 2));
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  /** 64-bit FNV-1a of a name; the stable part of stream derivation. */
  static uint64_t hash_name(std::string_view name);

private:
  __extension__ typedef unsigned __int128 uint128;
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  /** The four state words from SplitMix64 (Vigna's recommended seeding of xoshiro). */
  void seed_from(uint64_t word)
  {
    for (auto& s : s_) {
      word += 0x9e3779b97f4a7c15ULL;
      uint64_t z = word;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      s = z ^ (z >> 31);
    }
  }
  uint64_t s_[4] = {};
};

} // namespace orchsim::sim
