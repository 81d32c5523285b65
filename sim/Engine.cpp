#include "sim/Engine.hpp"
#include "sim/Interrupt.hpp"
#include "sim/SimgridEngine.hpp"

#include <algorithm>
#include <cstdio>
#include <limits>

#include <unistd.h>

#include <xbt/log.h>

#include <simgrid/version.h> // after the xbt headers: it uses their macros
#include <simgrid/kernel/Timer.hpp>
#include <simgrid/s4u/Engine.hpp>
#include <simgrid/s4u/NetZone.hpp>

namespace orchsim::sim {

namespace detail {

simgrid::s4u::Engine& simgrid_engine()
{
  static simgrid::s4u::Engine* engine = [] {
    static int argc = 1;
    static char arg0[] = "orchsim";
    static char* argv[] = {arg0, nullptr};
    xbt_log_control_set("root.thresh:critical");
    auto* e = new simgrid::s4u::Engine(&argc, argv);
    if (stop_handlers_installed())
      install_stop_handlers(); // SimGrid's own SIGINT handler prints its actors and exits: ours stops cleanly
    return e;
  }();
  return *engine;
}

std::string& installed_platform()
{
  static std::string fingerprint;
  return fingerprint;
}

bool& engine_has_run()
{
  static bool ran = false;
  return ran;
}

void ensure_platform()
{
  simgrid_engine();
  if (!installed_platform().empty())
    return;
  auto* zone = simgrid::s4u::create_full_zone("orchsim");
  zone->create_host("orchestrator", 1e9);
  zone->seal();
  installed_platform() = "default";
}

} // namespace detail

double Engine::simgrid_clock()
{
  return simgrid::s4u::Engine::get_clock();
}

std::string Engine::simgrid_version()
{
  return std::to_string(SIMGRID_VERSION_MAJOR) + "." + std::to_string(SIMGRID_VERSION_MINOR) +
         (SIMGRID_VERSION_PATCH > 0 ? "." + std::to_string(SIMGRID_VERSION_PATCH) : std::string());
}

double Engine::run(EventHandler& handler)
{
  detail::ensure_platform();
  auto& engine = detail::simgrid_engine();
  detail::engine_has_run() = true;
  handler_ = &handler;
  origin_s_ = simgrid::s4u::Engine::get_clock();
  if (!queue_.empty())
    arm(queue_.top().time_s);
  engine.run();
  handler_ = nullptr;
  return now_s_;
}

void Engine::arm(double run_time_s)
{
  ++timers_;
  simgrid::kernel::timer::Timer::set(origin_s_ + run_time_s, [this, run_time_s] { on_timer(run_time_s); });
}

void Engine::post(uint32_t kind, uint32_t id, uint32_t gen, uint32_t aux)
{
  const double at = std::max(now_s_, simgrid::s4u::Engine::get_clock() - origin_s_);
  queue_.push(at, kind, id, gen, aux);
  arm(at);
}

uint64_t Engine::resident_bytes()
{
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr)
    return 0;
  unsigned long long pages = 0, resident = 0;
  const int read = std::fscanf(f, "%llu %llu", &pages, &resident);
  std::fclose(f);
  return read == 2 ? static_cast<uint64_t>(resident) * static_cast<uint64_t>(::sysconf(_SC_PAGESIZE)) : 0;
}

bool Engine::within_bounds(const Event& next)
{
  if (stop_requested()) {
    interrupted_ = truncated_ = true;
    return false;
  }
  if (options_.max_memory_bytes > 0 && (dispatched_ & 0xffff) == 0 && dispatched_ > 0 &&
      resident_bytes() > options_.max_memory_bytes) {
    out_of_memory_ = truncated_ = true;
    return false;
  }
  if ((options_.max_events > 0 && dispatched_ >= options_.max_events) ||
      (options_.max_time_s > 0 && next.time_s > options_.max_time_s)) {
    truncated_ = true;
    return false;
  }
  return true;
}

void Engine::on_timer(double target_s)
{
  if (queue_.empty())
    return; // the final clock-sync timer
  const double current = queue_.top().time_s;
  if (current > target_s)
    return; // a second timer for an instant already dispatched (post() arms its own)
  double limit = current;
  if (options_.sync == SyncMode::WINDOWED) {
    // Run ahead through everything earlier than SimGrid's own next event; nothing SimGrid does can
    // interleave with those, so the order is the same as in LOCKSTEP.
    const double simgrid_next = simgrid::kernel::timer::Timer::next();
    limit = simgrid_next < 0 ? std::numeric_limits<double>::infinity() : simgrid_next - origin_s_;
    if (limit < current)
      limit = current;
  }
  while (!queue_.empty() && queue_.top().time_s <= limit) {
    if (!within_bounds(queue_.top()))
      return;
    const Event event = queue_.pop();
    events_at_now_ = event.time_s == now_s_ ? events_at_now_ + 1 : 0;
    if (events_at_now_ >= options_.max_events_at_one_time) {
      stalled_ = truncated_ = true;
      return;
    }
    now_s_ = event.time_s;
    ++dispatched_;
    handler_->on_event(event);
  }
  if (!queue_.empty())
    arm(queue_.top().time_s);
  else if (now_s_ > current)
    arm(now_s_); // leave SimGrid's clock at the run's end time
}

} // namespace orchsim::sim
