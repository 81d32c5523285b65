// sim/Activities.hpp
#pragma once
#include <cstdint>
#include <vector>

#include "sim/Engine.hpp"

namespace simgrid::s4u {
class Host;
}

namespace orchsim::sim {

/** SimGrid activities of one run: transfers over the platform's network (Comm) and computations on its
 *  hosts (Exec), started from the run's event handler; when one ends, SimGrid's resource model says
 *  when, and the event given at its start is posted on the run's calendar at that instant.
 *  Transfers sharing a link and executions sharing a host's cores slow each other down, by SimGrid's
 *  max-min sharing. REQUIRES: the engine runs in LOCKSTEP (SimGrid's clock is the run's clock at every
 *  event), a platform is installed (sim::Platform). One object per run, alive until the run ends. */
class Activities {
public:
  explicit Activities(Engine& engine);
  ~Activities();
  Activities(const Activities&) = delete;
  Activities& operator=(const Activities&) = delete;

  /** Sends `bytes` from `from` to `to`; posts (kind, id, gen, aux) when the last byte has arrived. */
  void transfer(simgrid::s4u::Host* from, simgrid::s4u::Host* to, double bytes, uint32_t kind, uint32_t id,
                uint32_t gen = 0, uint32_t aux = 0);
  /** Runs `flops` on one core of `host`; posts (kind, id, gen, aux) when done. */
  void execute(simgrid::s4u::Host* host, double flops, uint32_t kind, uint32_t id, uint32_t gen = 0,
               uint32_t aux = 0);

  uint64_t get_started() const { return started_; }
  uint32_t get_in_flight() const { return in_flight_; }

  /** Internal: an activity and the event it posts (Activities.cpp), and SimGrid's completion signal. */
  struct Slot;
  void on_done(uint32_t slot);

private:
  uint32_t acquire();

  Engine& engine_;
  std::vector<Slot*> slots_;
  std::vector<uint32_t> free_;
  std::vector<uint32_t> finished_; // slots whose activity ended: released at the next start (not inside SimGrid's signal)
  uint64_t started_ = 0;
  uint32_t in_flight_ = 0;
};

} // namespace orchsim::sim
