// sim/SimgridEngine.hpp: the process's one SimGrid engine, shared by sim::Engine and sim::Platform.
// Internal to sim/.
#pragma once
#include <string>

namespace simgrid::s4u {
class Engine;
}

namespace orchsim::sim::detail {

/** The engine, created on first use with no platform yet. */
simgrid::s4u::Engine& simgrid_engine();

/** What the process's platform is: empty before one is installed; "default" for the one-host
 *  platform of runs without a `platform:` section; else a fingerprint of the installed PlatformSpec. */
std::string& installed_platform();

/** Installs the one-host default platform unless a platform is installed. */
void ensure_platform();

/** True once the engine has run (its platform is sealed from then on). */
bool& engine_has_run();

} // namespace orchsim::sim::detail
