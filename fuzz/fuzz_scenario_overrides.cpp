// fuzz/fuzz_scenario_overrides.cpp: libFuzzer target, the bytes to orchsim::fuzz::scenario_overrides
// (fuzz/FuzzTargets.hpp).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/FuzzTargets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
  orchsim::fuzz::scenario_overrides(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
