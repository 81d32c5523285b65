// models/Units.hpp
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace orchsim::models {

/** Parsers for the values a scenario writes with units. Each returns nullopt when the text does not
 *  parse; the caller turns that into an InputError with the location. Never returns NaN or inf. */

/** A duration in seconds: `250ms`, `1.5s`, `2m`, `2min`, `1h`, `1d`, `50us`, `10ns`, or `0`. */
std::optional<double> parse_duration_s(std::string_view text);
/** A rate in events per second: `120/s`, `3000/min`, `3000/m`, `10/h`, `2/ms`. */
std::optional<double> parse_rate_per_s(std::string_view text);
/** A share: `10%` or a plain fraction `0.1`, in [0, 1]. */
std::optional<double> parse_fraction(std::string_view text);
/** A size in bytes: `512B`, `2KB` or `2kB` (1e3), `1MB`, `1GB`, `1TB`, `1KiB` (1024), `1MiB`, `1GiB`, `1TiB`,
 *  or `0`. A plain number other than 0 is refused (bytes or bits?). */
std::optional<double> parse_size_bytes(std::string_view text);
/** A bandwidth in bytes per second: bits per second `10Gbps`, `100Mbps`, `1kbps`, `1bps` (divided by 8) or
 *  bytes per second `1.25GBps`, `125MBps`, `1Bps`; prefixes k (or K), M, G, T and Ki, Mi, Gi, Ti. */
std::optional<double> parse_bandwidth_Bps(std::string_view text);
/** A number of floating-point operations, or a speed in flop/s (SimGrid's units): `1f`, `100kf`, `10Mf`,
 *  `1Gf`, `312Tf`, `1Pf`, `1Ef` (`Gflops` too). A plain number, 0 included, is refused. */
std::optional<double> parse_flops(std::string_view text);
/** A plain finite number (`3`, `-1.5e3`). */
std::optional<double> parse_number(std::string_view text);

/** The closest of `candidates` to `word` by edit distance, when close enough to be a likely typo. */
std::optional<std::string> did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

} // namespace orchsim::models
