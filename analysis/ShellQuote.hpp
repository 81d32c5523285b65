// analysis/ShellQuote.hpp
#pragma once
#include <string>

namespace orchsim::analysis {

/** `text` as one word of a POSIX shell command: as is when it holds only characters no shell treats
 *  specially, else in single quotes (a quote inside as '\''). For the commands results record to
 *  reproduce a run. */
std::string shell_quote(const std::string& text);

} // namespace orchsim::analysis
