// tests/cli/test_bad_input.cpp: the bad-input corpus (tests/data/bad/*.yaml, see its README) and bad
// `--set` overrides are refused with exact messages, through the loader and through the real binary.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "analysis/Runner.hpp"
#include "sim/InputError.hpp"

using Catch::Matchers::Message;
using orchsim::sim::InputError;

namespace {

namespace fs = std::filesystem;

const fs::path BAD_DIR = fs::path(ORCHSIM_SOURCE_DIR "/tests/data/bad").lexically_normal();
const std::string MM1 = ORCHSIM_SOURCE_DIR "/scenarios/reference/mm1.yaml";

/** The scenario files of the corpus, sorted by name (the CSVs under traces/ are not scenarios). */
std::vector<fs::path> corpus()
{
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(BAD_DIR))
    if (entry.is_regular_file() && entry.path().extension() == ".yaml")
      files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

/** The whole message `file` must be refused with: `<file>:` followed by its `# expect: ` line. A second
 *  line `# in: traces/x.csv` says the error is located in that file (relative to the scenario's folder)
 *  instead; `${DIR}` in the expected text stands for the scenario's folder. */
std::string expected_message(const fs::path& file)
{
  const std::string EXPECT = "# expect: ";
  const std::string IN = "# in: ";
  std::ifstream in(file);
  std::string first, second;
  std::getline(in, first);
  std::getline(in, second);
  INFO("the first line of " << file << " must be '" << EXPECT << "<message after the file name>'");
  REQUIRE(first.rfind(EXPECT, 0) == 0);
  REQUIRE(first.size() > EXPECT.size());

  std::string text = first.substr(EXPECT.size());
  const std::string folder = file.parent_path().string();
  for (size_t at; (at = text.find("${DIR}")) != std::string::npos;)
    text.replace(at, 6, folder);
  std::string located = file.string();
  if (second.rfind(IN, 0) == 0)
    located = (file.parent_path() / second.substr(IN.size())).lexically_normal().string();
  return located + ":" + text;
}

/** `text` quoted for /bin/sh. */
std::string shell_quoted(const std::string& text)
{
  std::string out = "'";
  for (char c : text)
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

struct CliOutcome {
  int exit_code = -1; // -1: the process did not exit normally
  std::string first_stderr_line;
};

/** Runs the orchsim binary with `args` (already quoted), stdout discarded. */
CliOutcome run_cli(const std::string& args)
{
  const fs::path err = fs::temp_directory_path() / ("orchsim_test_bad_input_" + std::to_string(::getpid()) + ".err");
  const std::string command = shell_quoted(ORCHSIM_CLI_PATH) + " " + args + " >/dev/null 2>" + shell_quoted(err);
  const int status = std::system(command.c_str());
  CliOutcome outcome;
  if (status != -1 && WIFEXITED(status))
    outcome.exit_code = WEXITSTATUS(status);
  {
    std::ifstream in(err);
    std::getline(in, outcome.first_stderr_line);
  }
  fs::remove(err);
  return outcome;
}

} // namespace

TEST_CASE("cli::bad input: the corpus holds at least 25 bad scenarios", "[cli][bad-input]")
{
  CHECK(corpus().size() >= 25);
}

TEST_CASE("cli::bad input: each scenario of tests/data/bad is refused with the message on its first line",
          "[cli][bad-input]")
{
  for (const auto& file : corpus()) {
    DYNAMIC_SECTION(file.filename().string())
    {
      const std::string path = file.string();
      REQUIRE_THROWS_MATCHES(orchsim::analysis::load(path, {}), InputError, Message(expected_message(file)));
    }
  }
}

TEST_CASE("cli::bad input: a bad --set is reported as `--set <text>: key.path: ...`", "[cli][bad-input]")
{
  auto load_mm1 = [](const std::vector<std::string>& overrides) { orchsim::analysis::load(MM1, overrides); };

  SECTION("a value that does not parse")
  {
    REQUIRE_THROWS_MATCHES(
        load_mm1({"simulation.seed=abc"}), InputError,
        Message("--set simulation.seed=abc: simulation.seed: expected a seed (a whole number >= 0), found 'abc'"));
  }
  SECTION("an unknown key, with a did-you-mean")
  {
    REQUIRE_THROWS_MATCHES(load_mm1({"services.server.latncy=1s"}), InputError,
                           Message("--set services.server.latncy=1s: services.server.latncy: unknown key 'latncy' "
                                   "(did you mean 'latency'?)"));
  }
  SECTION("no '='")
  {
    REQUIRE_THROWS_MATCHES(load_mm1({"simulation.seed"}), InputError,
                           Message("--set simulation.seed: expected key.path=value, found 'simulation.seed'"));
  }
  SECTION("a value that is not YAML, without a line:col inside the one-line value")
  {
    REQUIRE_THROWS_MATCHES(
        load_mm1({"simulation.seed=[1"}), InputError,
        Message("--set simulation.seed=[1: simulation.seed: malformed YAML: end of sequence flow not found"));
  }
  SECTION("the bad one of several is named")
  {
    REQUIRE_THROWS_MATCHES(
        load_mm1({"simulation.seed=7", "workload.0.arrival.rate=0/s"}), InputError,
        Message("--set workload.0.arrival.rate=0/s: workload.0.arrival.rate: expected a rate > 0, found '0/s'"));
  }
}

TEST_CASE("cli::bad input: `orchsim check` on a bad scenario exits 2 and prints the message first on stderr",
          "[cli][bad-input]")
{
  SECTION("a bad file")
  {
    const fs::path file = BAD_DIR / "unknown_service.yaml";
    const CliOutcome outcome = run_cli("check " + shell_quoted(file.string()));
    CHECK(outcome.exit_code == 2);
    CHECK(outcome.first_stderr_line == expected_message(file));
  }
  SECTION("a bad --set")
  {
    const CliOutcome outcome = run_cli("check " + shell_quoted(MM1) + " --set simulation.seed=abc");
    CHECK(outcome.exit_code == 2);
    CHECK(outcome.first_stderr_line ==
          "--set simulation.seed=abc: simulation.seed: expected a seed (a whole number >= 0), found 'abc'");
  }
}
