// sim/Engine.hpp
#pragma once
#include <cstdint>
#include <string>

#include "sim/EventQueue.hpp"

namespace orchsim::sim {

/** Receives the events of a run. The simulation implements it; the engine calls it once per event. */
class EventHandler {
public:
  virtual ~EventHandler() = default;
  virtual void on_event(const Event& event) = 0;
};

/** How the run's calendar advances SimGrid's clock.
 *  LOCKSTEP: one SimGrid kernel timer per distinct event time; SimGrid's clock equals the run's clock
 *            at every event. Needed whenever SimGrid activities (Exec, Comm) run beside the calendar.
 *  WINDOWED: the calendar runs ahead through every event earlier than SimGrid's own next event
 *            (its next timer), then hands control back. Same events in the same order, several times
 *            faster when SimGrid has nothing of its own to do (docs/ARCHITECTURE.md has the figures). */
enum class SyncMode { WINDOWED, LOCKSTEP };

/** Runs one simulation on SimGrid's engine: the clock, the time-ordered calendar of request-level
 *  events and their dispatch. No actor per request: events are plain structs in a heap, driven from
 *  SimGrid kernel timers (DESIGN.md: an actor per request is ~8x slower).
 *  The SimGrid engine is process-wide and created on first use with a one-host platform; each run keeps
 *  its own clock from 0, so results never depend on how many runs the process made before. */
class Engine {
public:
  struct Options {
    SyncMode sync = SyncMode::WINDOWED;
    /** Stop dispatching after this many events (0: no bound). */
    uint64_t max_events = 0;
    /** Stop dispatching events later than this run time in seconds (<= 0: no bound). */
    double max_time_s = 0.0;
    /** Stop when the process's resident memory exceeds this many bytes, checked every 65,536 events
     *  (0: no bound). */
    uint64_t max_memory_bytes = 0;
    /** Stop when this many events in a row happen at one instant: time has stopped advancing (a loop
     *  of zero-duration activities), which would otherwise never end. */
    uint64_t max_events_at_one_time = 100'000'000;
  };

  Engine() = default;
  explicit Engine(const Options& options) : options_(options) {}

  /** Schedules an event at run time `time_s`. REQUIRES: time_s >= now_s(). */
  void schedule(double time_s, uint32_t kind, uint32_t id, uint32_t gen = 0, uint32_t aux = 0)
  {
    queue_.push(time_s, kind, id, gen, aux);
  }
  /** Schedules an event now, from outside the event handler: SimGrid's clock when a SimGrid activity
   *  ends (sim::Activities). REQUIRES: run() is running, in LOCKSTEP. */
  void post(uint32_t kind, uint32_t id, uint32_t gen = 0, uint32_t aux = 0);
  /** The run's clock, in seconds since the run started. */
  double now_s() const { return now_s_; }
  uint64_t get_events_dispatched() const { return dispatched_; }
  /** True when a bound (max_events, max_time_s, max_memory_bytes, a stop request) ended the run with
   *  events still pending. */
  bool is_truncated() const { return truncated_; }
  /** True when a stop request (SIGINT, SIGTERM: sim/Interrupt.hpp) ended the run early. */
  bool is_interrupted() const { return interrupted_; }
  /** True when the run ended because time stopped advancing (max_events_at_one_time). */
  bool is_stalled() const { return stalled_; }
  /** True when max_memory_bytes ended the run. */
  bool is_out_of_memory() const { return out_of_memory_; }
  /** The process's resident memory in bytes (Linux /proc/self/statm; 0 when unknown). */
  static uint64_t resident_bytes();
  /** SimGrid kernel timers the run used (1 per distinct event time in LOCKSTEP, a few in WINDOWED). */
  uint64_t get_simgrid_timers() const { return timers_; }

  /** Dispatches every event to `handler` in (time, insertion) order until none is left or a bound is
   *  hit. Returns the run's final clock. Call once per Engine. */
  double run(EventHandler& handler);

  /** SimGrid's clock (absolute, across the process's runs). */
  static double simgrid_clock();
  static std::string simgrid_version();

private:
  void on_timer(double target_s);
  void arm(double run_time_s);
  bool within_bounds(const Event& next);

  Options options_;
  EventQueue queue_;
  EventHandler* handler_ = nullptr;
  double now_s_ = 0.0;
  double origin_s_ = 0.0; // SimGrid clock when this run started
  uint64_t dispatched_ = 0;
  uint64_t timers_ = 0;
  uint64_t events_at_now_ = 0;
  bool truncated_ = false;
  bool stalled_ = false;
  bool interrupted_ = false;
  bool out_of_memory_ = false;
};

} // namespace orchsim::sim
