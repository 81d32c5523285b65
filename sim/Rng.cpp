#include "sim/Rng.hpp"

#include <cmath>

namespace orchsim::sim {

namespace {
uint64_t splitmix64(uint64_t& x)
{
  uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}
} // namespace

uint64_t Rng::hash_name(std::string_view name)
{
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : name) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

Rng::Rng(uint64_t seed, std::string_view entity)
{
  uint64_t x = seed;
  const uint64_t mixed_seed = splitmix64(x);
  seed_from(mixed_seed ^ hash_name(entity));
}

double Rng::normal()
{
  double u, v, s;
  do {
    u = 2.0 * uniform() - 1.0;
    v = 2.0 * uniform() - 1.0;
    s = u * u + v * v;
  } while (s >= 1.0 || s == 0.0);
  return u * std::sqrt(-2.0 * std::log(s) / s);
}

} // namespace orchsim::sim
