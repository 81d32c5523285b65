// models/Trace.hpp
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/InputError.hpp"

namespace orchsim::models {

/** How the time column is written. AUTO picks DATETIME if the first data row's time has both a '-'
 *  and a ':', else SECONDS. */
enum class TraceTimeFormat {
  AUTO,
  DATETIME, // `YYYY-MM-DD HH:MM:SS[.f…]`, up to 9 fractional digits, 'T' also accepted, no time zone
  SECONDS,  // a plain number of seconds on any origin
};

/** Which header columns hold what. An empty name means the column is not used: tokens read as 0, and
 *  without a time column every row is at time 0. Other columns in the file are ignored. */
struct TraceColumns {
  std::string time = "TIMESTAMP";
  std::string input_tokens = "ContextTokens";
  std::string output_tokens = "GeneratedTokens";
  TraceTimeFormat time_format = TraceTimeFormat::AUTO;
};

/** Refusals that keep a wrong path (a log, a dump) from eating the machine. */
struct TraceLimits {
  uint64_t max_rows = 50'000'000;  // data rows, header not counted
  uint64_t max_bytes = 8ULL << 30; // file size, checked before reading
};

/** One request of the trace. */
struct TraceRow {
  double time_s;        // since the first row: the first row is at 0, never decreasing
  double input_tokens;  // finite, >= 0; 0 when the column is not used
  double output_tokens; // finite, >= 0; 0 when the column is not used
};

/** A request trace read from a CSV file (e.g. the Azure LLM inference traces): one header line, then
 *  one request per line, sorted by time. Plain comma-separated fields without quoting; spaces around
 *  fields, a UTF-8 BOM, CRLF line ends and blank trailing lines are accepted.
 *  Immutable once loaded; always holds at least one row. Cheap to move, and safe to share read-only. */
class Trace {
public:
  /** All rows, in file order. */
  const std::vector<TraceRow>& get_rows() const { return rows_; }
  /** The path the trace was loaded from, as given to load(). */
  const std::string& get_path() const { return path_; }
  /** Seconds from the first row to the last; 0 for a single row. */
  double get_span_s() const { return rows_.back().time_s; }

  /** Reads the whole file at `path`. Throws sim::InputError, located at the offending line and column
   *  of the CSV (key path: the column name), for any malformed content; located at `referenced_from`
   *  (where the scenario names the file) when the file cannot be opened or read. */
  static Trace load(const std::string& path, const TraceColumns& columns, const TraceLimits& limits = {},
                    const sim::InputLocation& referenced_from = {});
  /** Same, from the file's content in memory (`path` is used for messages); max_bytes is not checked. */
  static Trace load_text(std::string_view content, const std::string& path, const TraceColumns& columns,
                         const TraceLimits& limits = {});

private:
  Trace(std::string path, std::vector<TraceRow> rows) : path_(std::move(path)), rows_(std::move(rows)) {}

  std::string path_;
  std::vector<TraceRow> rows_;
};

} // namespace orchsim::models
