// analysis/JsonFile.hpp
#pragma once
#include <string>

#include <nlohmann/json.hpp>

namespace orchsim::analysis {

/** Reads a JSON document that orchsim or a person wrote (results, profiles, scorecards, plans).
 *  Throws sim::InputError: `path: cannot open ...`, or `path:line:col: malformed JSON: ...`. */
nlohmann::json read_json_file(const std::string& path);

} // namespace orchsim::analysis
