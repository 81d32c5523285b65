#include "sim/Interrupt.hpp"

#include <csignal>

namespace orchsim::sim {

namespace {
volatile std::sig_atomic_t requested = 0;
bool installed = false;

extern "C" void on_stop_signal(int signal)
{
  requested = signal;
}
} // namespace

void install_stop_handlers()
{
  struct sigaction action = {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESETHAND; // a second signal takes the default action: the process ends at once
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  installed = true;
}

bool stop_handlers_installed()
{
  return installed;
}

bool stop_requested()
{
  return requested != 0;
}

int stop_signal()
{
  return requested;
}

std::string signal_name(int signal)
{
  if (signal == SIGINT)
    return "SIGINT";
  if (signal == SIGTERM)
    return "SIGTERM";
  return "signal " + std::to_string(signal);
}

void request_stop(int signal)
{
  requested = signal;
}

void clear_stop()
{
  requested = 0;
}

} // namespace orchsim::sim
