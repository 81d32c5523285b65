#include "analysis/JsonFile.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim/InputError.hpp"

namespace orchsim::analysis {

nlohmann::json read_json_file(const std::string& path)
{
  using sim::InputError;
  using sim::InputLocation;
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw InputError(InputLocation{path, 0, 0, ""}, std::string("cannot open: ") + std::strerror(errno));
  std::error_code error;
  const auto size = std::filesystem::file_size(path, error);
  if (!error && size > MAX_JSON_FILE_BYTES)
    throw InputError(InputLocation{path, 0, 0, ""},
                     "expected a JSON document of at most " + std::to_string(MAX_JSON_FILE_BYTES) +
                         " bytes, found one of " + std::to_string(size) + " bytes: not a file orchsim wrote");
  std::stringstream buffer;
  buffer << in.rdbuf();
  return parse_json_text(buffer.str(), path);
}

nlohmann::json parse_json_text(const std::string& text, const std::string& path)
{
  using sim::InputError;
  using sim::InputLocation;
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    int line = 1, column = 1;
    for (size_t i = 0; i + 1 < e.byte && i < text.size(); ++i) {
      column = text[i] == '\n' ? 1 : column + 1;
      line += text[i] == '\n';
    }
    std::string what = e.what();
    if (auto at = what.find("syntax error"); at != std::string::npos)
      what = what.substr(at);
    throw InputError(InputLocation{path, line, column, ""}, "malformed JSON: " + what);
  } catch (const nlohmann::json::exception& e) { // out_of_range 406: a number beyond a double, `1e999`
    std::string what = e.what();
    if (auto at = what.find("] "); at != std::string::npos)
      what = what.substr(at + 2);
    throw InputError(InputLocation{path, 0, 0, ""}, "malformed JSON: " + what);
  }
}

} // namespace orchsim::analysis
