#include "analysis/TextFormat.hpp"

#include <cstdarg>
#include <cstdio>

namespace orchsim::analysis {

std::string format(const char* fmt, ...)
{
  char buf[1024];
  va_list args;
  va_start(args, fmt);
  std::vsnprintf(buf, sizeof buf, fmt, args);
  va_end(args);
  return buf;
}

} // namespace orchsim::analysis
