// analysis/TextFormat.hpp
#pragma once
#include <string>

namespace orchsim::analysis {

/** printf into a string, for the tables orchsim prints (at most 1023 characters; longer is cut). */
std::string format(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

} // namespace orchsim::analysis
