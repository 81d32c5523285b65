// models/Trace.cpp
#include "models/Trace.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <compare>
#include <limits>
#include <string_view>
#include <system_error>

namespace orchsim::models {
namespace {

using sim::InputError;
using sim::InputLocation;

constexpr std::string_view UTF8_BOM = "\xEF\xBB\xBF";
constexpr size_t NO_COLUMN = std::numeric_limits<size_t>::max();
constexpr size_t MAX_QUOTED_CHARS = 60;   // of a field or line repeated in a message
constexpr size_t MAX_LISTED_COLUMNS = 20; // of the header, in a missing-column message

// ---------------------------------------------------------------- reading the file

std::string errno_text(int error_number)
{
  return std::generic_category().message(error_number);
}

/** Closes a file descriptor when it goes out of scope. */
class FdCloser {
public:
  explicit FdCloser(int fd) : fd_(fd) {}
  FdCloser(const FdCloser&) = delete;
  FdCloser& operator=(const FdCloser&) = delete;
  ~FdCloser() { ::close(fd_); }

private:
  int fd_;
};

void check_size(const std::string& path, uint64_t size_bytes, const TraceLimits& limits)
{
  if (size_bytes > limits.max_bytes)
    throw InputError(InputLocation{path, 0, 0, ""},
                     "expected a trace file of at most " + std::to_string(limits.max_bytes) +
                         " bytes (TraceLimits::max_bytes), found one of " + std::to_string(size_bytes) + " bytes");
}

/** The whole content of the file, in one string. A regular file too large is refused before reading. */
std::string read_whole_file(const std::string& path, const TraceLimits& limits, const InputLocation& referenced_from)
{
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    throw InputError(referenced_from, "cannot open trace file '" + path + "': " + errno_text(errno));
  const FdCloser closer(fd);
  struct stat info = {};
  if (::fstat(fd, &info) != 0)
    throw InputError(referenced_from, "cannot open trace file '" + path + "': " + errno_text(errno));
  if (S_ISDIR(info.st_mode))
    throw InputError(referenced_from, "cannot open trace file '" + path + "': " + errno_text(EISDIR));
  if (S_ISCHR(info.st_mode) || S_ISBLK(info.st_mode)) // /dev/zero would be read until memory runs out
    throw InputError(referenced_from, "trace file '" + path + "' is a device, not a file or a pipe");
  const bool regular = S_ISREG(info.st_mode);
  if (regular)
    check_size(path, static_cast<uint64_t>(info.st_size), limits);

  // One spare byte notices a file that grew since fstat; a pipe grows the buffer as it goes.
  std::string content(regular ? static_cast<size_t>(info.st_size) + 1 : size_t{1} << 16, '\0');
  size_t used = 0;
  for (;;) {
    if (used == content.size()) // a pipe: grow, but never past the size limit (+1 to notice going over)
      content.resize(static_cast<size_t>(std::min<uint64_t>(2 * content.size(), limits.max_bytes + 1)));
    const ssize_t got = ::read(fd, content.data() + used, content.size() - used);
    if (got < 0 && errno == EINTR)
      continue;
    if (got < 0)
      throw InputError(referenced_from, "cannot read trace file '" + path + "': " + errno_text(errno));
    if (got == 0)
      break;
    used += static_cast<size_t>(got);
    check_size(path, used, limits);
  }
  content.resize(used);
  return content;
}

// ---------------------------------------------------------------- text helpers

bool is_blank(char c)
{
  return c == ' ' || c == '\t';
}
bool is_digit(char c)
{
  return c >= '0' && c <= '9';
}

/** `text` without surrounding spaces and tabs; still a view into the same characters (at the start of
 *  `text` when it is all blank, so that an error points at the field). */
std::string_view trim(std::string_view text)
{
  if (text.find_first_not_of(" \t") == std::string_view::npos)
    return text.substr(0, 0);
  while (!text.empty() && is_blank(text.front()))
    text.remove_prefix(1);
  while (!text.empty() && is_blank(text.back()))
    text.remove_suffix(1);
  return text;
}

/** The 1-based character column of byte `offset` of `line`: a UTF-8 sequence counts as one. */
int column_of(std::string_view line, size_t offset)
{
  const auto continuation = [](char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; };
  offset = std::min(offset, line.size());
  return 1 + static_cast<int>(std::count_if(line.begin(), line.begin() + static_cast<ptrdiff_t>(offset),
                                            [&](char c) { return !continuation(c); }));
}

/** `text` between single quotes, cut short if long. */
std::string quoted(std::string_view text)
{
  if (text.size() > MAX_QUOTED_CHARS)
    return "'" + std::string(text.substr(0, MAX_QUOTED_CHARS - 3)) + "...'";
  return "'" + std::string(text) + "'";
}

std::string expected_found(std::string_view expected, std::string_view found)
{
  return "expected " + std::string(expected) + ", found " + quoted(found);
}

/** Levenshtein distance, ignoring ASCII case. */
size_t edit_distance(std::string_view a, std::string_view b)
{
  const auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
  std::vector<size_t> previous(b.size() + 1);
  std::vector<size_t> current(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j)
    previous[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t substitution = previous[j - 1] + (lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1);
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitution});
    }
    std::swap(previous, current);
  }
  return previous[b.size()];
}

/** A finite number written in full (an optional '+' allowed), or false. Locale-independent. */
bool parse_number(std::string_view text, double& value)
{
  if (text.size() > 1 && text.front() == '+' && (is_digit(text[1]) || text[1] == '.'))
    text.remove_prefix(1);
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value, std::chars_format::general);
  return error == std::errc() && stop == end && std::isfinite(value);
}

// ---------------------------------------------------------------- date-times

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
int64_t days_from_civil(int64_t year, unsigned month, unsigned day)
{
  year -= month <= 2 ? 1 : 0;
  const int64_t era = (year >= 0 ? year : year - 399) / 400;
  const auto year_of_era = static_cast<unsigned>(year - era * 400);
  const unsigned day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + static_cast<int64_t>(day_of_era) - 719468;
}

unsigned days_in_month(unsigned year, unsigned month)
{
  static constexpr unsigned DAYS[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : DAYS[month - 1];
}

/** Reads exactly `count` digits at `text[pos]`. */
bool read_digits(std::string_view text, size_t pos, size_t count, unsigned& value)
{
  value = 0;
  for (size_t i = pos; i < pos + count; ++i) {
    if (i >= text.size() || !is_digit(text[i]))
      return false;
    value = value * 10 + static_cast<unsigned>(text[i] - '0');
  }
  return true;
}

/** A point in time on either clock of the trace: DATETIME fills whole_s and nanos (exact), SECONDS
 *  fills seconds. Ordered, so that times going backwards are seen exactly. */
struct TimeKey {
  int64_t whole_s = 0;
  int64_t nanos = 0;
  double seconds = 0;

  auto operator<=>(const TimeKey&) const = default;
  double seconds_since(const TimeKey& origin) const
  {
    return static_cast<double>(whole_s - origin.whole_s) + static_cast<double>(nanos - origin.nanos) * 1e-9 +
           (seconds - origin.seconds);
  }
};

/** Parses `YYYY-MM-DD HH:MM:SS[.f…][Z]` (or 'T' between date and time) into `key`; on failure returns
 *  what was expected, for the error message. */
std::string_view parse_datetime(std::string_view text, TimeKey& key)
{
  constexpr std::string_view SHAPE = "a date-time 'YYYY-MM-DD HH:MM:SS[.fraction]'";
  unsigned year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  const bool shaped = read_digits(text, 0, 4, year) && text.size() >= 19 && text[4] == '-' &&
                      read_digits(text, 5, 2, month) && text[7] == '-' && read_digits(text, 8, 2, day) &&
                      (text[10] == ' ' || text[10] == 'T') && read_digits(text, 11, 2, hour) && text[13] == ':' &&
                      read_digits(text, 14, 2, minute) && text[16] == ':' && read_digits(text, 17, 2, second);
  if (!shaped)
    return SHAPE;
  if (month < 1 || month > 12)
    return "a date-time with a month from 01 to 12";
  if (day < 1 || day > days_in_month(year, month))
    return "a date-time with a day that exists in its month";
  if (hour > 23 || minute > 59 || second > 59)
    return "a date-time with a time of day from 00:00:00 to 23:59:59";

  size_t pos = 19;
  int64_t nanos = 0;
  if (pos < text.size() && text[pos] == '.') {
    const size_t first_digit = ++pos;
    for (; pos < text.size() && is_digit(text[pos]); ++pos) {
      if (pos - first_digit == 9)
        return "a date-time with at most 9 fractional digits of a second";
      nanos = nanos * 10 + (text[pos] - '0');
    }
    if (pos == first_digit)
      return SHAPE;
    for (size_t digits = pos - first_digit; digits < 9; ++digits)
      nanos *= 10;
  }
  if (pos < text.size() && text[pos] == 'Z')
    ++pos;
  if (pos != text.size())
    return SHAPE;
  key.whole_s = days_from_civil(year, month, day) * 86400 + int64_t(hour) * 3600 + int64_t(minute) * 60 + second;
  key.nanos = nanos;
  return {};
}

// ---------------------------------------------------------------- the CSV

/** One line of the file, without its line end. */
struct Line {
  std::string_view text;
  int number = 0; // 1-based
};

/** Reads the rows of one trace file's content. Views point into the content, which must outlive it. */
class TraceParser {
public:
  TraceParser(const std::string& path, std::string_view content, const TraceColumns& columns, const TraceLimits& limits)
      : path_(path), rest_(content), columns_(columns), limits_(limits), time_format_(columns.time_format)
  {
  }

  std::vector<TraceRow> parse()
  {
    read_header();
    std::vector<TraceRow> rows;
    const auto line_ends = static_cast<uint64_t>(std::count(rest_.begin(), rest_.end(), '\n'));
    rows.reserve(static_cast<size_t>(std::min(line_ends + 1, limits_.max_rows)));
    while (!rest_.empty()) {
      const Line line = next_line();
      if (rows.size() >= limits_.max_rows)
        fail(line, line.text, "",
             "expected at most " + std::to_string(limits_.max_rows) + " data rows (TraceLimits::max_rows), found more");
      rows.push_back(read_row(line));
    }
    if (rows.empty()) {
      const Line after_header{"", line_number_ + 1};
      fail(after_header, after_header.text, "", "expected at least one data row after the header, found none");
    }
    return rows;
  }

private:
  /** Throws for the field (or position) `at`, a view into `line.text`. */
  [[noreturn]] void fail(const Line& line, std::string_view at, const std::string& key,
                         const std::string& message) const
  {
    const auto offset = static_cast<size_t>(at.data() - line.text.data());
    throw InputError(InputLocation{path_, line.number, column_of(line.text, offset), key}, message);
  }

  Line next_line()
  {
    const size_t end = rest_.find('\n');
    std::string_view text = rest_.substr(0, end);
    rest_.remove_prefix(end == std::string_view::npos ? rest_.size() : end + 1);
    if (!text.empty() && text.back() == '\r')
      text.remove_suffix(1);
    return Line{text, ++line_number_};
  }

  /** Splits `line` at commas into trimmed fields_. */
  void split(const Line& line)
  {
    fields_.clear();
    std::string_view rest = line.text;
    for (;;) {
      const size_t comma = rest.find(',');
      fields_.push_back(trim(rest.substr(0, comma)));
      if (comma == std::string_view::npos)
        return;
      rest.remove_prefix(comma + 1);
    }
  }

  void read_header()
  {
    constexpr std::string_view EXPECTED =
        "expected a header line naming the columns (e.g. 'TIMESTAMP,ContextTokens,GeneratedTokens'), found ";
    if (rest_.empty()) {
      const Line nothing{"", 1};
      fail(nothing, nothing.text, "", std::string(EXPECTED) + "an empty file");
    }
    header_line_ = next_line();
    if (trim(header_line_.text).empty())
      fail(header_line_, header_line_.text, "", std::string(EXPECTED) + "an empty line");
    split(header_line_);
    header_ = fields_;
    time_index_ = find_column(columns_.time);
    input_index_ = find_column(columns_.input_tokens);
    output_index_ = find_column(columns_.output_tokens);
  }

  /** The index of the header column `name`; NO_COLUMN when `name` is empty (not used). */
  size_t find_column(const std::string& name) const
  {
    if (name.empty())
      return NO_COLUMN;
    const auto found = std::find(header_.begin(), header_.end(), name);
    if (found == header_.end())
      fail(header_line_, header_line_.text, name, missing_column_message(name));
    const auto again = std::find(found + 1, header_.end(), name);
    if (again != header_.end())
      fail(header_line_, *again, name,
           "expected the column '" + name + "' once in the header, found it twice (columns " +
               std::to_string(found - header_.begin() + 1) + " and " + std::to_string(again - header_.begin() + 1) +
               ")");
    return static_cast<size_t>(found - header_.begin());
  }

  std::string missing_column_message(const std::string& name) const
  {
    std::string listed;
    std::string_view closest;
    size_t closest_distance = std::max<size_t>(1, name.size() / 3) + 1;
    for (size_t i = 0; i < header_.size(); ++i) {
      if (i < MAX_LISTED_COLUMNS)
        listed += (i == 0 ? "" : ", ") + quoted(header_[i]);
      const size_t distance = edit_distance(name, header_[i]);
      if (distance < closest_distance) {
        closest_distance = distance;
        closest = header_[i];
      }
    }
    if (header_.size() > MAX_LISTED_COLUMNS)
      listed += " and " + std::to_string(header_.size() - MAX_LISTED_COLUMNS) + " more";
    std::string message = "expected a column named '" + name + "' in the header, found columns " + listed;
    if (!closest.empty())
      message += "; did you mean " + quoted(closest) + "?";
    return message;
  }

  TraceRow read_row(const Line& line)
  {
    if (trim(line.text).empty())
      fail(line, line.text, "",
           "expected a data row of " + std::to_string(header_.size()) + " fields, found an empty line");
    split(line);
    check_field_count(line);
    TraceRow row{0, 0, 0};
    if (time_index_ != NO_COLUMN)
      row.time_s = read_time(line, fields_[time_index_]);
    if (input_index_ != NO_COLUMN)
      row.input_tokens = read_tokens(line, fields_[input_index_], columns_.input_tokens);
    if (output_index_ != NO_COLUMN)
      row.output_tokens = read_tokens(line, fields_[output_index_], columns_.output_tokens);
    return row;
  }

  void check_field_count(const Line& line) const
  {
    const std::string expected = std::to_string(header_.size()) + " comma-separated fields as in the header";
    const std::string found = std::to_string(fields_.size()) + " in " + quoted(line.text);
    if (fields_.size() > header_.size()) // point at the first field too many
      fail(line, fields_[header_.size()], "", "expected " + expected + ", found " + found);
    if (fields_.size() < header_.size()) // point past the end, where the missing field belongs
      fail(line, line.text.substr(line.text.size()), std::string(header_[fields_.size()]),
           "expected " + expected + ", found " + found);
  }

  double read_tokens(const Line& line, std::string_view field, const std::string& name) const
  {
    double value = 0;
    if (!parse_number(field, value) || value < 0)
      fail(line, field, name, expected_found("a non-negative number of tokens", field));
    return value + 0.0; // -0 reads as 0
  }

  /** Seconds since the first row's time. */
  double read_time(const Line& line, std::string_view field)
  {
    if (time_format_ == TraceTimeFormat::AUTO) {
      const bool datetime_like = field.find('-') != std::string_view::npos && field.find(':') != std::string_view::npos;
      time_format_ = datetime_like ? TraceTimeFormat::DATETIME : TraceTimeFormat::SECONDS;
    }
    TimeKey key;
    if (time_format_ == TraceTimeFormat::DATETIME) {
      const std::string_view expected = parse_datetime(field, key);
      if (!expected.empty())
        fail(line, field, columns_.time, expected_found(expected, field));
    } else if (!parse_number(field, key.seconds)) {
      fail(line, field, columns_.time, expected_found("a finite number of seconds", field));
    }
    if (previous_line_ == 0) {
      first_ = key;
    } else if (key < previous_) {
      fail(line, field, columns_.time,
           expected_found("a time at or after the previous row's " + quoted(previous_text_) + " (line " +
                              std::to_string(previous_line_) + "), as rows must be sorted by time",
                          field));
    }
    previous_ = key;
    previous_text_ = field;
    previous_line_ = line.number;
    return key.seconds_since(first_);
  }

  const std::string& path_;
  std::string_view rest_; // not read yet
  int line_number_ = 0;   // of the last line read
  const TraceColumns& columns_;
  const TraceLimits& limits_;
  TraceTimeFormat time_format_; // AUTO until the first row is read

  Line header_line_;
  std::vector<std::string_view> header_;
  std::vector<std::string_view> fields_; // of the current line, reused
  size_t time_index_ = NO_COLUMN;
  size_t input_index_ = NO_COLUMN;
  size_t output_index_ = NO_COLUMN;

  TimeKey first_;
  TimeKey previous_;
  std::string_view previous_text_;
  int previous_line_ = 0; // 0 before the first data row
};

/** The content without a leading UTF-8 BOM and without trailing blank lines and spaces. */
std::string_view significant_part(std::string_view content)
{
  if (content.substr(0, UTF8_BOM.size()) == UTF8_BOM)
    content.remove_prefix(UTF8_BOM.size());
  const size_t last = content.find_last_not_of(" \t\r\n");
  return content.substr(0, last == std::string_view::npos ? 0 : last + 1);
}

} // namespace

Trace Trace::load(const std::string& path, const TraceColumns& columns, const TraceLimits& limits,
                  const sim::InputLocation& referenced_from)
{
  return load_text(read_whole_file(path, limits, referenced_from), path, columns, limits);
}

Trace Trace::load_text(std::string_view content, const std::string& path, const TraceColumns& columns,
                       const TraceLimits& limits)
{
  TraceParser parser(path, significant_part(content), columns, limits);
  return Trace(path, parser.parse());
}

} // namespace orchsim::models
