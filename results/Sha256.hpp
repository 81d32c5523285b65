// results/Sha256.hpp
#pragma once
#include <string>
#include <string_view>

namespace orchsim::results {

/** SHA-256 (FIPS 180-4) of `data` as 64 lowercase hex digits: the scenario's fingerprint in results. */
std::string sha256_hex(std::string_view data);

} // namespace orchsim::results
