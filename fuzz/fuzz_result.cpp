// fuzz/fuzz_result.cpp: libFuzzer target, the bytes to orchsim::fuzz::result (fuzz/FuzzTargets.hpp).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/FuzzTargets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
  orchsim::fuzz::result(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
