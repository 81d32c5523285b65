#include "analysis/ShellQuote.hpp"

namespace orchsim::analysis {

std::string shell_quote(const std::string& text)
{
  if (!text.empty() &&
      text.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/=:,+%") ==
          std::string::npos)
    return text;
  std::string out = "'";
  for (char ch : text)
    out += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  return out + "'";
}

} // namespace orchsim::analysis
