// sim/Interrupt.hpp
#pragma once
#include <stdexcept>
#include <string>

namespace orchsim::sim {

/** Stop requests from SIGINT and SIGTERM (docs/RELIABILITY.md). After install_stop_handlers(), the
 *  first such signal only sets a flag: a run in progress ends at its next event, marked incomplete
 *  (sim::Engine), and commands that run many runs stop starting new ones and let the running ones end
 *  the same way. A second SIGINT or SIGTERM ends the process at once (the default action). */
void install_stop_handlers();
/** Whether install_stop_handlers() was called (SimGrid's engine installs its own SIGINT handler when
 *  it is created; sim::Engine puts these back then). */
bool stop_handlers_installed();
/** True once a stop was requested. Async-signal-safe to read. */
bool stop_requested();
/** The signal that requested the stop (SIGINT or SIGTERM), 0 when none. */
int stop_signal();
/** "SIGINT", "SIGTERM" or "signal N". */
std::string signal_name(int signal);
/** Sets the flag as a signal would (tests). */
void request_stop(int signal);
/** Clears the flag (tests). */
void clear_stop();

/** Thrown by commands that run many runs when a stop was requested: the runs already ended are kept
 *  (their files written), the rest did not run. main() exits with 128 + the signal number. */
class Interrupted : public std::runtime_error {
public:
  explicit Interrupted(const std::string& what) : std::runtime_error(what), signal_(stop_signal()) {}
  int get_signal() const { return signal_; }

private:
  int signal_;
};

} // namespace orchsim::sim
