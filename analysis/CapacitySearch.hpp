// analysis/CapacitySearch.hpp
#pragma once
#include <cstdint>
#include <functional>
#include <optional>

namespace orchsim::analysis {

/** How a search ended. FOUND: bracketed and narrowed down (or, for a count, 1 passes); ABOVE: the answer
 *  lies beyond the largest value tried (every load passed, or every count failed); BELOW: it lies below the
 *  smallest tried (every load failed, or every count passed down to the smallest tried); PROBE_LIMIT:
 *  bracketed, but the probes ran out before the bracket was narrow enough. */
enum class SearchOutcome { FOUND, ABOVE, BELOW, PROBE_LIMIT };

/** The ends of the last bracket: the best passing value and the failing value next to it (either absent
 *  when the search could not bracket). */
struct SearchResult {
  SearchOutcome outcome = SearchOutcome::FOUND;
  std::optional<double> pass, fail;
  unsigned probes = 0;
};

/** Bounds of a search; defaults written where they are declared. */
struct SearchLimits {
  unsigned max_doublings = 10; // bracketing: at most start x 2^10 up, or start / 2^10 down
  unsigned max_probes = 40;    // runs per search, bracketing and bisection together
};

/** The highest x that passes, for `passes` falling from true to false as x grows (a load factor): from
 *  `start`, doubles while it passes (or halves while it fails) until the answer flips, then bisects the
 *  bracket [pass, fail] until (fail - pass) / pass <= `tolerance`. REQUIRES: start > 0, tolerance > 0. */
SearchResult search_highest_passing(double start, double tolerance, const SearchLimits& limits,
                                    const std::function<bool(double)>& passes);

/** The smallest whole n >= 1 that passes, for `passes` rising from false to true as n grows (an instance
 *  count): from `start`, halves while it passes (or doubles while it fails, up to `max_n`), then bisects
 *  down to adjacent integers [fail, pass]. FOUND with no failing value when 1 passes. REQUIRES: start >= 1. */
SearchResult search_fewest_passing(uint32_t start, uint32_t max_n, const SearchLimits& limits,
                                   const std::function<bool(uint32_t)>& passes);

/** `found`, `above`, `below`, `probe_limit`. */
const char* outcome_name(SearchOutcome outcome);

} // namespace orchsim::analysis
