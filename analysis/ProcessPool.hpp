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
 *  (an exception, a crash) throws std::runtime_error naming `describe(i)`. */
std::vector<nlohmann::json> run_in_processes(size_t n, unsigned parallel,
                                             const std::function<nlohmann::json(size_t)>& work,
                                             const std::function<std::string(size_t)>& describe);

} // namespace orchsim::analysis
