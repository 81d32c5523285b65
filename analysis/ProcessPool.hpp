// analysis/ProcessPool.hpp
#pragma once
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace orchsim::analysis {

/** Runs `n` independent pieces of work, up to `parallel` at a time, each in a forked child process
 *  (SimGrid allows one engine per process), and returns what each piece returned, in order.
 *  parallel <= 1: in this process, in order. A piece that throws sim::InputError makes the call throw
 *  the same error once the pieces already running have ended (no new piece starts); any other failure
 *  (an exception, a crash) throws std::runtime_error naming `describe(i)`. A child dies with the thread
 *  that forked it (PR_SET_PDEATHSIG), so killing this process ends its pieces in flight too. */
std::vector<nlohmann::json> run_in_processes(size_t n, unsigned parallel,
                                             const std::function<nlohmann::json(size_t)>& work,
                                             const std::function<std::string(size_t)>& describe);

/** The same, without keeping the values: `on_done(i, value)` runs in this process as soon as piece i has
 *  ended well (in the order pieces end; in order when parallel <= 1), e.g. to report progress. An exception
 *  from `on_done` propagates once the pieces running have ended. */
void run_in_processes(size_t n, unsigned parallel, const std::function<nlohmann::json(size_t)>& work,
                      const std::function<std::string(size_t)>& describe,
                      const std::function<void(size_t, nlohmann::json&)>& on_done);

} // namespace orchsim::analysis
