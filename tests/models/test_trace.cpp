// tests/models/test_trace.cpp
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "models/Trace.hpp"
#include "sim/InputError.hpp"

using Catch::Matchers::Contains;
using Catch::Matchers::Equals;
using Catch::Matchers::StartsWith;
using orchsim::models::Trace;
using orchsim::models::TraceColumns;
using orchsim::models::TraceLimits;
using orchsim::models::TraceRow;
using orchsim::models::TraceTimeFormat;
using orchsim::sim::InputError;
using orchsim::sim::InputLocation;

namespace {

namespace fs = std::filesystem;

const std::string HEADER = "TIMESTAMP,ContextTokens,GeneratedTokens\n";

/** A fresh directory under the system temp directory, removed with its content at scope exit. */
class TempDir {
public:
  TempDir()
  {
    static int count = 0;
    path_ = fs::temp_directory_path() /
            ("orchsim_test_trace_" + std::to_string(::getpid()) + "_" + std::to_string(++count));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir()
  {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }

  /** Writes `content` byte for byte to `name` in this directory; returns its path. */
  std::string write(const std::string& name, std::string_view content) const
  {
    const fs::path file = path_ / name;
    std::ofstream out(file, std::ios::binary);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    return file.string();
  }
  std::string get_path() const { return path_.string(); }

private:
  fs::path path_;
};

/** The what() of the InputError that loading `path` throws, or "no error". */
std::string load_error(const std::string& path, const TraceColumns& columns = {}, const TraceLimits& limits = {},
                       const InputLocation& referenced_from = {})
{
  try {
    Trace::load(path, columns, limits, referenced_from);
  } catch (const InputError& error) {
    return error.what();
  }
  return "no error";
}

double mean_input_tokens(const Trace& trace)
{
  double sum = 0;
  for (const TraceRow& row : trace.get_rows())
    sum += row.input_tokens;
  return sum / static_cast<double>(trace.get_rows().size());
}

double mean_output_tokens(const Trace& trace)
{
  double sum = 0;
  for (const TraceRow& row : trace.get_rows())
    sum += row.output_tokens;
  return sum / static_cast<double>(trace.get_rows().size());
}

bool sorted_by_time(const Trace& trace)
{
  const auto& rows = trace.get_rows();
  for (size_t i = 1; i < rows.size(); ++i)
    if (rows[i].time_s < rows[i - 1].time_s)
      return false;
  return true;
}

} // namespace

// ---------------------------------------------------------------- the real traces

TEST_CASE("models::Trace: the Azure conversation trace loads with the statistics SOURCE.md reports", "[models]")
{
  const std::string path = std::string(ORCHSIM_SOURCE_DIR) + "/scenarios/traces/AzureLLMInferenceTrace_conv.csv";
  const Trace trace = Trace::load(path, TraceColumns{});
  // Reference: scenarios/traces/SOURCE.md: 19,366 rows, span 3,502 s, input mean 1155, output mean 211.
  REQUIRE(trace.get_rows().size() == 19366);
  CHECK(trace.get_path() == path);
  CHECK(trace.get_rows().front().time_s == 0.0);
  CHECK(trace.get_span_s() > 3400);
  CHECK(trace.get_span_s() < 3600);
  CHECK(trace.get_span_s() == trace.get_rows().back().time_s);
  CHECK(mean_input_tokens(trace) == Approx(1155).margin(1));
  CHECK(mean_output_tokens(trace) == Approx(211).margin(1));
  CHECK(sorted_by_time(trace));
  // First rows: 2023-11-16 18:15:46.6805900,374,44 then 18:15:50.9951690,396,109.
  CHECK(trace.get_rows()[0].input_tokens == 374);
  CHECK(trace.get_rows()[0].output_tokens == 44);
  CHECK(trace.get_rows()[1].time_s == Approx(4.3145790).margin(1e-9));
}

TEST_CASE("models::Trace: the Azure code trace loads with the statistics SOURCE.md reports", "[models]")
{
  const std::string path = std::string(ORCHSIM_SOURCE_DIR) + "/scenarios/traces/AzureLLMInferenceTrace_code.csv";
  const Trace trace = Trace::load(path, TraceColumns{});
  // Reference: scenarios/traces/SOURCE.md: 8,819 rows, span 3,436 s, input mean 2048, output mean 27.9.
  REQUIRE(trace.get_rows().size() == 8819);
  CHECK(trace.get_rows().front().time_s == 0.0);
  CHECK(trace.get_span_s() == Approx(3436).margin(1));
  CHECK(mean_input_tokens(trace) == Approx(2048).margin(1));
  CHECK(mean_output_tokens(trace) == Approx(27.9).margin(0.1));
  CHECK(sorted_by_time(trace));
}

// ---------------------------------------------------------------- accepted shapes

TEST_CASE("models::Trace: times in seconds are read relative to the first row", "[models]")
{
  const TempDir dir;
  const std::string path =
      dir.write("seconds.csv", "arrival_s,prompt,extra\n100.5,10,x\n101,20,y\n101,30,z\n104.25,0,w\n");
  TraceColumns columns;
  columns.time = "arrival_s";
  columns.input_tokens = "prompt";
  columns.output_tokens = ""; // not used: reads as 0; "extra" is ignored

  SECTION("named explicitly")
  {
    columns.time_format = TraceTimeFormat::SECONDS;
  }
  SECTION("detected")
  {
    columns.time_format = TraceTimeFormat::AUTO;
  }

  const Trace trace = Trace::load(path, columns);
  const auto& rows = trace.get_rows();
  REQUIRE(rows.size() == 4);
  CHECK(rows[0].time_s == 0.0);
  CHECK(rows[1].time_s == 0.5);
  CHECK(rows[2].time_s == 0.5); // equal times are in order
  CHECK(rows[3].time_s == 3.75);
  CHECK(rows[1].input_tokens == 20);
  CHECK(rows[3].output_tokens == 0);
  CHECK(trace.get_span_s() == 3.75);
}

TEST_CASE("models::Trace: without a time column every row is at time 0", "[models]")
{
  const TempDir dir;
  const std::string path = dir.write("tokens.csv", HEADER + "junk,1,2\nmore junk,3,4\n");
  TraceColumns columns;
  columns.time = "";
  const Trace trace = Trace::load(path, columns);
  REQUIRE(trace.get_rows().size() == 2);
  CHECK(trace.get_rows()[1].time_s == 0.0);
  CHECK(trace.get_rows()[1].output_tokens == 4);
  CHECK(trace.get_span_s() == 0.0);
}

TEST_CASE("models::Trace: a BOM, CRLF line ends, spaces around fields and blank trailing lines are accepted",
          "[models]")
{
  const TempDir dir;
  const std::string path = dir.write("windows.csv",
                                     "\xEF\xBB\xBF"
                                     "TIMESTAMP , ContextTokens,GeneratedTokens\r\n"
                                     " 2023-11-16 18:17:03.9799600 ,  4808 ,10\r\n"
                                     "2023-11-16 18:17:04.0319600,3180,\t8\r\n"
                                     "\r\n  \r\n\r\n");
  const Trace trace = Trace::load(path, TraceColumns{});
  const auto& rows = trace.get_rows();
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].input_tokens == 4808);
  CHECK(rows[1].time_s == Approx(0.052).margin(1e-12));
  CHECK(rows[1].output_tokens == 8);
}

TEST_CASE("models::Trace: a last row with or without a newline reads the same", "[models]")
{
  const TempDir dir;
  const std::string rows = "2023-11-16 18:17:03.5,1,2\n2023-11-16 18:17:04,3,4";
  const Trace bare = Trace::load(dir.write("bare.csv", HEADER + rows), TraceColumns{});
  const Trace ended = Trace::load(dir.write("ended.csv", HEADER + rows + "\n"), TraceColumns{});
  REQUIRE(bare.get_rows().size() == 2);
  REQUIRE(ended.get_rows().size() == 2);
  CHECK(bare.get_rows()[1].output_tokens == 4);
  CHECK(bare.get_span_s() == 0.5);
  CHECK(ended.get_span_s() == 0.5);
}

TEST_CASE("models::Trace: date-times cross midnight, month ends and leap days exactly", "[models]")
{
  const TempDir dir;
  const std::string path = dir.write("calendar.csv", HEADER +
                                                         "2023-12-31 23:59:59.000000001,1,1\n"
                                                         "2024-01-01T00:00:00,1,1\n"   // 'T' separator
                                                         "2024-02-29 00:00:00.5,1,1\n" // leap day
                                                         "2024-03-01 00:00:00.123456789Z,1,1\n");
  const Trace trace = Trace::load(path, TraceColumns{});
  const auto& rows = trace.get_rows();
  REQUIRE(rows.size() == 4);
  CHECK(rows[1].time_s == Approx(0.999999999).margin(1e-12));
  // 2024-01-01 to 2024-02-29 is 59 days; to 2024-03-01 is 60 days.
  CHECK(rows[2].time_s == Approx(59 * 86400.0 + 0.5 + 0.999999999).margin(1e-6));
  CHECK(rows[3].time_s == Approx(60 * 86400.0 + 0.123456789 + 0.999999999).margin(1e-6));
}

// ---------------------------------------------------------------- errors

TEST_CASE("models::Trace: a missing or unreadable file is reported where the scenario names it", "[models]")
{
  const TempDir dir;
  const InputLocation scenario{"scenario.yaml", 7, 12, "workload.trace"};
  const std::string missing = dir.get_path() + "/nope.csv";
  CHECK_THAT(load_error(missing, {}, {}, scenario),
             StartsWith("scenario.yaml:7:12: workload.trace: cannot open trace file '" + missing + "': ") &&
                 Contains("No such file or directory"));
  CHECK_THAT(load_error(dir.get_path(), {}, {}, scenario),
             StartsWith("scenario.yaml:7:12: workload.trace: cannot open trace file") && Contains("Is a directory"));
}

TEST_CASE("models::Trace: an empty file is refused", "[models]")
{
  const TempDir dir;
  const std::string empty = dir.write("empty.csv", "");
  CHECK_THAT(load_error(empty), StartsWith(empty + ":1:1: expected a header line") && Contains("empty file"));
  const std::string blank = dir.write("blank.csv", "\xEF\xBB\xBF\r\n\n  \n");
  CHECK_THAT(load_error(blank), StartsWith(blank + ":1:1: expected a header line") && Contains("empty file"));
}

TEST_CASE("models::Trace: a header without a named column lists its columns and suggests a near name", "[models]")
{
  const TempDir dir;
  const std::string path = dir.write("header.csv", "TIMESTAMP,ContextToken,GeneratedTokens\n2023-11-16 18:17:03,1,2\n");
  CHECK_THAT(load_error(path),
             StartsWith(path + ":1:1: ContextTokens: expected a column named 'ContextTokens' in the header") &&
                 Contains("found columns 'TIMESTAMP', 'ContextToken', 'GeneratedTokens'") &&
                 Contains("did you mean 'ContextToken'?"));

  TraceColumns far;
  far.input_tokens = "prompt_length";
  CHECK_THAT(load_error(path, far),
             StartsWith(path + ":1:1: prompt_length: expected a column named") && !Contains("did you mean"));
}

TEST_CASE("models::Trace: a column named twice in the header is ambiguous", "[models]")
{
  const TempDir dir;
  const std::string path = dir.write("twice.csv", "TIMESTAMP,ContextTokens,GeneratedTokens,ContextTokens\n");
  CHECK_THAT(load_error(path), StartsWith(path + ":1:41: ContextTokens: expected the column 'ContextTokens' once") &&
                                   Contains("columns 2 and 4"));
}

TEST_CASE("models::Trace: a row with the wrong number of fields is refused", "[models]")
{
  const TempDir dir;
  const std::string more = dir.write("more.csv", HEADER + "2023-11-16 18:17:03,1,2\n2023-11-16 18:17:04,1,2,3\n");
  CHECK_THAT(load_error(more), StartsWith(more + ":3:25: expected 3 comma-separated fields") &&
                                   Contains("found 4 in '2023-11-16 18:17:04,1,2,3'"));
  const std::string fewer = dir.write("fewer.csv", HEADER + "2023-11-16 18:17:03,1\r\n");
  CHECK_THAT(load_error(fewer),
             StartsWith(fewer + ":2:22: GeneratedTokens: expected 3 comma-separated fields") && Contains("found 2"));
  const std::string gap = dir.write("gap.csv", HEADER + "2023-11-16 18:17:03,1,2\n\n2023-11-16 18:17:04,1,2\n");
  CHECK_THAT(load_error(gap), StartsWith(gap + ":3:1: expected a data row of 3 fields, found an empty line"));
}

TEST_CASE("models::Trace: a malformed number of tokens is refused", "[models]")
{
  const TempDir dir;
  const auto error_for = [&](const std::string& tokens) {
    return load_error(dir.write("tokens.csv", HEADER + "2023-11-16 18:17:03,  " + tokens + " ,2\n"));
  };
  const std::string at = dir.get_path() + "/tokens.csv:2:23: ContextTokens: expected a non-negative number of tokens";
  CHECK_THAT(error_for("abc"), StartsWith(at) && Contains("found 'abc'"));
  CHECK_THAT(error_for("12x"), StartsWith(at) && Contains("found '12x'"));
  CHECK_THAT(error_for("-3"), StartsWith(at) && Contains("found '-3'"));
  CHECK_THAT(error_for("nan"), StartsWith(at) && Contains("found 'nan'"));
  CHECK_THAT(error_for("inf"), StartsWith(at) && Contains("found 'inf'"));
  CHECK_THAT(error_for("1e999"), StartsWith(at) && Contains("found '1e999'"));
  CHECK_THAT(error_for(""),
             Contains("tokens.csv:2:21: ContextTokens:") && Contains("found ''")); // the field's start
  CHECK_THAT(error_for("+5"), Equals("no error"));
}

TEST_CASE("models::Trace: the column of an error counts characters, not bytes, and not the BOM", "[models]")
{
  const TempDir dir;
  TraceColumns columns;
  columns.time = "t";
  columns.input_tokens = "in";
  columns.output_tokens = "";
  const std::string path = dir.write("utf8.csv", "\xEF\xBB\xBFname,t,in\ncaf\xC3\xA9,1,x\n");
  CHECK_THAT(load_error(path, columns), StartsWith(path + ":2:8: in: expected a non-negative number"));
  const std::string header = dir.write("utf8_header.csv", "\xEF\xBB\xBF\xC3\xA9,t,in,t\n");
  CHECK_THAT(load_error(header, columns), StartsWith(header + ":1:8: t: expected the column 't' once"));
}

TEST_CASE("models::Trace: a malformed date-time is refused", "[models]")
{
  const TempDir dir;
  const auto error_for = [&](const std::string& time) {
    return load_error(dir.write("times.csv", HEADER + "2023-02-28 18:17:03,1,2\n" + time + ",1,2\n"));
  };
  const std::string at = dir.get_path() + "/times.csv:3:1: TIMESTAMP: expected a date-time";
  CHECK_THAT(error_for("2023/02/28 18:17:04"), StartsWith(at) && Contains("found '2023/02/28 18:17:04'"));
  CHECK_THAT(error_for("2023-02-28 18:17"), StartsWith(at + " 'YYYY-MM-DD HH:MM:SS[.fraction]'"));
  CHECK_THAT(error_for("2023-02-28 18:17:04."), StartsWith(at + " 'YYYY-MM-DD"));
  CHECK_THAT(error_for("2023-02-28 18:17:04 PM"), StartsWith(at + " 'YYYY-MM-DD"));
  CHECK_THAT(error_for("2023-13-01 00:00:00"), StartsWith(at + " with a month from 01 to 12"));
  CHECK_THAT(error_for("2023-02-29 00:00:00"), StartsWith(at + " with a day that exists"));
  CHECK_THAT(error_for("2023-02-28 24:00:00"), StartsWith(at + " with a time of day"));
  CHECK_THAT(error_for("2023-02-28 18:17:04.1234567890"), StartsWith(at + " with at most 9 fractional digits"));

  TraceColumns datetime;
  datetime.time_format = TraceTimeFormat::DATETIME;
  const std::string seconds = dir.write("seconds.csv", HEADER + "  1700000000.5,1,2\n");
  CHECK_THAT(load_error(seconds, datetime),
             StartsWith(seconds + ":2:3: TIMESTAMP: expected a date-time") && Contains("found '1700000000.5'"));
}

TEST_CASE("models::Trace: a malformed time in seconds is refused", "[models]")
{
  const TempDir dir;
  const std::string path = dir.write("seconds.csv", HEADER + "1.5,1,2\nsoon,1,2\n");
  CHECK_THAT(load_error(path), StartsWith(path + ":3:1: TIMESTAMP: expected a finite number of seconds, found 'soon'"));
}

TEST_CASE("models::Trace: times going backwards are refused, naming the previous time", "[models]")
{
  const TempDir dir;
  const std::string path = dir.write("backwards.csv", HEADER +
                                                          "2023-11-16 18:17:03.9799600,1,2\n"
                                                          "2023-11-16 18:17:04.0319600,1,2\n"
                                                          "2023-11-16 18:17:04.0319599,1,2\n");
  CHECK_THAT(load_error(path), StartsWith(path + ":4:1: TIMESTAMP: expected a time at or after the previous row's "
                                                 "'2023-11-16 18:17:04.0319600' (line 3)") &&
                                   Contains("found '2023-11-16 18:17:04.0319599'"));
}

TEST_CASE("models::Trace: a header without data rows is refused", "[models]")
{
  const TempDir dir;
  const std::string bare = dir.write("bare.csv", "TIMESTAMP,ContextTokens,GeneratedTokens");
  CHECK_THAT(load_error(bare), StartsWith(bare + ":2:1: expected at least one data row after the header"));
  const std::string ended = dir.write("ended.csv", HEADER + "\r\n\n");
  CHECK_THAT(load_error(ended), StartsWith(ended + ":2:1: expected at least one data row after the header"));
}

TEST_CASE("models::Trace: limits refuse too many rows and, before reading, too many bytes", "[models]")
{
  const TempDir dir;
  const std::string path =
      dir.write("three.csv", HEADER + "2023-11-16 18:17:03,1,2\n2023-11-16 18:17:04,1,2\n2023-11-16 18:17:05,1,2\n");
  TraceLimits limits;
  limits.max_rows = 3;
  CHECK(Trace::load(path, {}, limits).get_rows().size() == 3);
  limits.max_rows = 2;
  CHECK_THAT(load_error(path, {}, limits),
             StartsWith(path + ":4:1: expected at most 2 data rows (TraceLimits::max_rows), found more"));

  limits = TraceLimits{};
  limits.max_bytes = 100;
  CHECK_THAT(load_error(path, {}, limits),
             StartsWith(path + ": expected a trace file of at most 100 bytes (TraceLimits::max_bytes)") &&
                 Contains("found one of " + std::to_string(fs::file_size(path)) + " bytes"));
}
