// sim/InputError.hpp
#pragma once
#include <stdexcept>
#include <string>
#include <utility>

namespace orchsim::sim {

/** Where a bad value was found: file, 1-based line and column (0 when unknown), and the key path
 *  inside the document (`services.llm.latency.mean`). */
struct InputLocation {
  std::string file;
  int line = 0;
  int column = 0;
  std::string key_path;
};

/** The one error type for bad input (scenario, override, trace, flag). Caught once, in `main`, which
 *  prints `what()` and exits 2. The message reads `file:line:col: key.path: expected ..., found ...`. */
class InputError : public std::runtime_error {
public:
  InputError(InputLocation where, const std::string& message)
      : std::runtime_error(format(where, message)), where_(std::move(where)), message_(message)
  {
  }
  const InputLocation& get_location() const { return where_; }
  const std::string& get_message() const { return message_; }

  static std::string format(const InputLocation& where, const std::string& message)
  {
    std::string out = where.file.empty() ? std::string("<input>") : where.file;
    if (where.line > 0)
      out += ":" + std::to_string(where.line) + ":" + std::to_string(where.column);
    out += ": ";
    if (!where.key_path.empty())
      out += where.key_path + ": ";
    return out + message;
  }

private:
  InputLocation where_;
  std::string message_;
};

} // namespace orchsim::sim
