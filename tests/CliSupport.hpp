// tests/CliSupport.hpp: running the orchsim executable under test, as the CLI tests do.
#pragma once
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace orchsim::test {

/** A file's whole content ("" when it cannot be read). */
inline std::string slurp(const std::filesystem::path& path)
{
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct CliOutcome {
  int code; // exit code; -1 when the process did not exit normally
  std::string out, err;
};

/** Runs the orchsim binary under test in the source folder with `args` (shell words) and returns its exit
 *  code, stdout and stderr. */
inline CliOutcome run_cli(const std::string& args)
{
  const auto dir = std::filesystem::temp_directory_path() / ("orchsim-cli-output-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string cmd = std::string("cd '") + ORCHSIM_SOURCE_DIR + "' && '" + ORCHSIM_CLI_PATH + "' " + args + " >'" +
                          (dir / "out").string() + "' 2>'" + (dir / "err").string() + "'";
  const int status = std::system(cmd.c_str());
  return CliOutcome{WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(dir / "out"), slurp(dir / "err")};
}

} // namespace orchsim::test
