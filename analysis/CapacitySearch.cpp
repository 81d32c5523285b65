#include "analysis/CapacitySearch.hpp"

#include <algorithm>

namespace orchsim::analysis {

SearchResult search_highest_passing(double start, double tolerance, const SearchLimits& limits,
                                    const std::function<bool(double)>& passes)
{
  SearchResult r;
  auto probe = [&](double x) {
    ++r.probes;
    (passes(x) ? r.pass : r.fail) = x;
  };
  probe(start);
  const bool upward = r.pass.has_value();
  for (unsigned k = 0; k < limits.max_doublings && !(r.pass && r.fail) && r.probes < limits.max_probes; ++k)
    probe(upward ? *r.pass * 2 : *r.fail / 2);
  if (!r.fail) {
    r.outcome = SearchOutcome::ABOVE;
    return r;
  }
  if (!r.pass) {
    r.outcome = SearchOutcome::BELOW;
    return r;
  }
  while ((*r.fail - *r.pass) / *r.pass > tolerance) {
    if (r.probes >= limits.max_probes) {
      r.outcome = SearchOutcome::PROBE_LIMIT;
      return r;
    }
    probe((*r.pass + *r.fail) / 2);
  }
  return r;
}

SearchResult search_fewest_passing(uint32_t start, uint32_t max_n, const SearchLimits& limits,
                                   const std::function<bool(uint32_t)>& passes)
{
  SearchResult r;
  auto probe = [&](uint32_t n) {
    ++r.probes;
    (passes(n) ? r.pass : r.fail) = n;
  };
  probe(start);
  const bool downward = r.pass.has_value();
  for (unsigned k = 0; k < limits.max_doublings && !(r.pass && r.fail) && r.probes < limits.max_probes; ++k) {
    if (downward && *r.pass <= 1)
      break;
    if (!downward && *r.fail >= max_n)
      break;
    probe(downward ? static_cast<uint32_t>(*r.pass) / 2
                   : std::min<uint32_t>(max_n, static_cast<uint32_t>(*r.fail) * 2));
  }
  if (!r.pass) {
    r.outcome = SearchOutcome::ABOVE;
    return r;
  }
  if (!r.fail) {
    r.outcome = *r.pass <= 1 ? SearchOutcome::FOUND : SearchOutcome::BELOW;
    return r;
  }
  while (*r.fail + 1 < *r.pass) {
    if (r.probes >= limits.max_probes) {
      r.outcome = SearchOutcome::PROBE_LIMIT;
      return r;
    }
    probe(static_cast<uint32_t>(*r.fail + (*r.pass - *r.fail) / 2));
  }
  return r;
}

const char* outcome_name(SearchOutcome o)
{
  switch (o) {
    case SearchOutcome::FOUND:
      return "found";
    case SearchOutcome::ABOVE:
      return "above";
    case SearchOutcome::BELOW:
      return "below";
    case SearchOutcome::PROBE_LIMIT:
      return "probe_limit";
  }
  return "unknown";
}

} // namespace orchsim::analysis
