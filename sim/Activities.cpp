#include "sim/Activities.hpp"

#include <cmath>

#include <simgrid/s4u/Comm.hpp>
#include <simgrid/s4u/Exec.hpp>
#include <simgrid/s4u/Host.hpp>

namespace orchsim::sim {

namespace sg = simgrid::s4u;

struct Activities::Slot {
  Activities* owner = nullptr;
  uint32_t index = 0;
  uint32_t kind = 0, id = 0, gen = 0, aux = 0;
  sg::ActivityPtr activity;
};

namespace {
/** SimGrid's completion signal is process-wide: connected once, it forwards to the slot's owner. */
void connect_completion_signal()
{
  static const bool connected = [] {
    sg::Activity::on_completion_cb([](const sg::Activity& activity) {
      auto* slot = activity.get_data<Activities::Slot>();
      if (slot != nullptr && slot->owner != nullptr)
        slot->owner->on_done(slot->index);
    });
    return true;
  }();
  (void)connected;
}
} // namespace

Activities::Activities(Engine& engine) : engine_(engine)
{
  connect_completion_signal();
}

Activities::~Activities()
{
  for (Slot* slot : slots_) {
    if (slot->activity)
      slot->activity->set_data(nullptr); // an activity still running when the run ended: no owner any more
    delete slot;
  }
}

uint32_t Activities::acquire()
{
  for (uint32_t s : finished_) {
    slots_[s]->activity.reset();
    free_.push_back(s);
  }
  finished_.clear();
  if (free_.empty()) {
    slots_.push_back(new Slot);
    slots_.back()->owner = this;
    slots_.back()->index = static_cast<uint32_t>(slots_.size() - 1);
    return slots_.back()->index;
  }
  const uint32_t s = free_.back();
  free_.pop_back();
  return s;
}

void Activities::transfer(sg::Host* from, sg::Host* to, double bytes, uint32_t kind, uint32_t id, uint32_t gen,
                          uint32_t aux)
{
  const uint32_t s = acquire();
  Slot& slot = *slots_[s];
  slot.kind = kind, slot.id = id, slot.gen = gen, slot.aux = aux;
  sg::CommPtr comm = sg::Comm::sendto_init(from, to);
  comm->set_payload_size(static_cast<uint64_t>(std::llround(bytes)));
  comm->set_data(&slot);
  slot.activity = comm;
  ++started_;
  ++in_flight_;
  comm->start();
}

void Activities::execute(sg::Host* host, double flops, uint32_t kind, uint32_t id, uint32_t gen, uint32_t aux)
{
  const uint32_t s = acquire();
  Slot& slot = *slots_[s];
  slot.kind = kind, slot.id = id, slot.gen = gen, slot.aux = aux;
  sg::ExecPtr exec = sg::Exec::init();
  exec->set_host(host);
  exec->set_flops_amount(flops);
  exec->set_data(&slot);
  slot.activity = exec;
  ++started_;
  ++in_flight_;
  exec->start();
}

void Activities::on_done(uint32_t s)
{
  Slot& slot = *slots_[s];
  slot.activity->set_data(nullptr);
  finished_.push_back(s);
  --in_flight_;
  engine_.post(slot.kind, slot.id, slot.gen, slot.aux);
}

} // namespace orchsim::sim
