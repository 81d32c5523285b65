// analysis/JsonFile.hpp
#pragma once
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace orchsim::analysis {

/** Reads a JSON document that orchsim or a person wrote (results, profiles, scorecards, plans).
 *  Throws sim::InputError: `path: cannot open ...`, or `path:line:col: malformed JSON: ...`. */
nlohmann::json read_json_file(const std::string& path);

/** The largest JSON file read_json_file reads (refused before reading: a result with 1,000-point series
 *  over 20 services is a few MB). */
inline constexpr uint64_t MAX_JSON_FILE_BYTES = 1ULL << 30;

/** Same, from the document's text in memory; `path` is used for messages. */
nlohmann::json parse_json_text(const std::string& text, const std::string& path);

} // namespace orchsim::analysis
