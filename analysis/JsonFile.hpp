// analysis/JsonFile.hpp
#pragma once
#include <string>

#include <nlohmann/json.hpp>

namespace orchsim::analysis {

/** Reads a JSON document that orchsim or a person wrote (results, profiles, scorecards, plans).
 *  Throws sim::InputError: `path: cannot open ...`, or `path:line:col: malformed JSON: ...`. */
nlohmann::json read_json_file(const std::string& path);

/** Same, from the document's text in memory; `path` is used for messages. */
nlohmann::json parse_json_text(const std::string& text, const std::string& path);

} // namespace orchsim::analysis
