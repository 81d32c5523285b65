#include "analysis/ProcessPool.hpp"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <stdexcept>

#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim/InputError.hpp"
#include "sim/Interrupt.hpp"

namespace orchsim::analysis {

namespace {

using nlohmann::json;

json error_json(const sim::InputError& e)
{
  const auto& at = e.get_location();
  return {{"input_error",
           {{"file", at.file},
            {"line", at.line},
            {"column", at.column},
            {"key_path", at.key_path},
            {"message", e.get_message()}}}};
}

sim::InputError input_error_of(const json& j)
{
  const json& e = j.at("input_error");
  return sim::InputError(sim::InputLocation{e.at("file"), e.at("line"), e.at("column"), e.at("key_path")},
                         e.at("message"));
}

/** The child's side: runs piece `i`, writes its JSON (or its error) to `file`, exits. It dies with its
 *  parent: a killed sweep leaves no orphan finishing (and writing) runs behind it. */
[[noreturn]] void run_child(size_t i, const std::function<json(size_t)>& work, const std::filesystem::path& file,
                            pid_t parent)
{
  if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || ::getppid() != parent)
    std::_Exit(3);
  int code = 0;
  json out;
  try {
    out = {{"value", work(i)}};
  } catch (const sim::Interrupted&) {
    out = {{"interrupted", true}}; // a piece that chose to keep nothing of its early end
  } catch (const sim::InputError& e) {
    out = error_json(e);
    code = 2;
  } catch (const std::exception& e) {
    out = {{"error", e.what()}};
    code = 3;
  }
  std::ofstream(file) << out.dump();
  std::_Exit(code);
}

std::string interrupted_message(size_t done, size_t n)
{
  return "interrupted by " + sim::signal_name(sim::stop_signal()) + ": " + std::to_string(done) + " of " +
         std::to_string(n) + " runs ended (those running when it came ended early); what they wrote is kept";
}

} // namespace

std::vector<json> run_in_processes(size_t n, unsigned parallel, const std::function<json(size_t)>& work,
                                   const std::function<std::string(size_t)>& describe)
{
  std::vector<json> values(n);
  run_in_processes(n, parallel, work, describe, [&](size_t i, json& value) { values[i] = std::move(value); });
  return values;
}

void run_in_processes(size_t n, unsigned parallel, const std::function<json(size_t)>& work,
                      const std::function<std::string(size_t)>& describe,
                      const std::function<void(size_t, json&)>& on_done)
{
  if (parallel <= 1) {
    for (size_t i = 0; i < n; ++i) {
      if (sim::stop_requested())
        throw sim::Interrupted(interrupted_message(i, n));
      json value = work(i);
      on_done(i, value);
    }
    if (sim::stop_requested()) // the last piece ran to its end, or ended early: either way, say so
      throw sim::Interrupted(interrupted_message(n, n));
    return;
  }
  char pattern[] = "/tmp/orchsim-pool-XXXXXX";
  if (!::mkdtemp(pattern))
    throw std::runtime_error(std::string("cannot create a temporary folder: ") + std::strerror(errno));
  const std::filesystem::path scratch(pattern);
  const pid_t parent = ::getpid();
  std::map<pid_t, size_t> running;
  std::optional<sim::InputError> input_failure;
  std::string failure;
  std::exception_ptr callback_failure;
  /** Waits for a child to end and takes in its value. False when a signal interrupted the wait. */
  auto reap_one = [&]() {
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, 0);
    if (pid < 0 && errno == EINTR)
      return false; // a stop request: the loop passes it on to the children, then waits again
    if (pid < 0)
      throw std::runtime_error(std::string("waitpid: ") + std::strerror(errno));
    const size_t i = running.at(pid);
    running.erase(pid);
    const auto file = scratch / (std::to_string(i) + ".json");
    json j;
    {
      std::ifstream in(file);
      try {
        j = json::parse(in);
      } catch (const json::exception&) {
        j = json::object();
      }
    }
    std::filesystem::remove(file);
    const bool exited_ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (exited_ok && j.contains("interrupted")) {
      // ended early by a stop request, kept nothing: neither a value nor a failure
    } else if (exited_ok && j.contains("value")) {
      try {
        if (!callback_failure)
          on_done(i, j["value"]);
      } catch (...) {
        callback_failure = std::current_exception();
      }
    } else if (!input_failure && failure.empty()) {
      if (j.contains("input_error"))
        input_failure = input_error_of(j);
      else
        failure = j.contains("error") ? describe(i) + ": " + j["error"].get<std::string>()
                                      : describe(i) + " ended abnormally";
    }
    return true;
  };
  std::cout.flush();
  std::cerr.flush();
  size_t next = 0, done = 0;
  bool forwarded = false;
  auto failed = [&]() { return input_failure.has_value() || !failure.empty() || callback_failure; };
  while (next < n || !running.empty()) {
    if (sim::stop_requested() && !forwarded) {
      // A terminal's Ctrl-C reaches the whole process group; a SIGTERM (kill, a cluster's scheduler)
      // may reach this process alone: pass it on, so that every running piece ends early too.
      for (const auto& [pid, piece] : running)
        ::kill(pid, sim::stop_signal());
      forwarded = true;
    }
    while (next < n && running.size() < parallel && !failed() && !sim::stop_requested()) {
      const pid_t pid = ::fork();
      if (pid < 0)
        throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
      if (pid == 0)
        run_child(next, work, scratch / (std::to_string(next) + ".json"), parent);
      running[pid] = next++;
    }
    if (!running.empty() && reap_one())
      ++done;
    if ((failed() || sim::stop_requested()) && running.empty())
      break;
  }
  std::filesystem::remove_all(scratch);
  if (sim::stop_requested() && !input_failure && failure.empty() && !callback_failure)
    throw sim::Interrupted(interrupted_message(done, n));
  if (input_failure)
    throw *input_failure;
  if (!failure.empty())
    throw std::runtime_error(failure);
  if (callback_failure)
    std::rethrow_exception(callback_failure);
}

} // namespace orchsim::analysis
