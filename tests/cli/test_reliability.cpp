// Crash-safe output and clean stops (docs/RELIABILITY.md): SIGINT and SIGTERM during run, sweep and
// validate, the memory bound, a file-size limit during a write, and inputs with a BOM and CRLF ends.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "analysis/Runner.hpp"
#include "results/AtomicFile.hpp"
#include "tests/CliSupport.hpp"

using namespace orchsim;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

/** A folder of its own under the system's temporary folder, removed at the end. */
struct TempDir {
  fs::path path;
  explicit TempDir(const std::string& name)
      : path(fs::temp_directory_path() / ("orchsim-reliability-" + name + "-" + std::to_string(::getpid())))
  {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

/** Starts orchsim with `args` in the source folder (stdout and stderr to files in `dir`), sends `signal`
 *  after `delay`, and returns its exit code (-1 when it did not exit normally). */
int run_and_signal(const std::vector<std::string>& args, int signal, std::chrono::milliseconds delay, const fs::path& dir)
{
  std::fflush(stdout); // the child must not write this process's buffered output again
  std::fflush(stderr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (::chdir(ORCHSIM_SOURCE_DIR) != 0)
      std::_Exit(126);
    std::FILE* out = std::freopen((dir / "stdout").c_str(), "w", stdout);
    std::FILE* err = std::freopen((dir / "stderr").c_str(), "w", stderr);
    if (out == nullptr || err == nullptr)
      std::_Exit(126);
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(ORCHSIM_CLI_PATH));
    for (const auto& a : args)
      argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(ORCHSIM_CLI_PATH, argv.data());
    std::_Exit(127);
  }
  std::this_thread::sleep_for(delay);
  ::kill(pid, signal);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::vector<fs::path> files_in(const fs::path& dir)
{
  std::vector<fs::path> out;
  if (fs::exists(dir))
    for (const auto& e : fs::recursive_directory_iterator(dir))
      if (e.is_regular_file())
        out.push_back(e.path());
  return out;
}

bool has_temporary(const fs::path& dir)
{
  for (const auto& f : files_in(dir))
    if (f.filename().string().find(".tmp.") != std::string::npos)
      return true;
  return false;
}

} // namespace

TEST_CASE("reliability: SIGINT during a run ends it cleanly with a partial result marked incomplete", "[reliability]")
{
  TempDir dir("sigint-run");
  const auto out = dir.path / "result.json";
  // 5 M requests take far longer than the 1.5 s after which the signal comes.
  const int code = run_and_signal({"run", "scenarios/ai-ecosystem.yaml", "--set", "simulation.requests=5000000",
                                   "--out", out.string()},
                                  SIGINT, std::chrono::milliseconds(1500), dir.path);
  CHECK(code == 130); // 128 + SIGINT
  REQUIRE(fs::exists(out));
  const json doc = json::parse(test::slurp(out));
  CHECK(doc["metrics"]["run"]["complete"] == false);
  CHECK(doc["metrics"]["run"]["arrivals"].get<uint64_t>() < 5000000);
  CHECK(doc["metrics"]["run"]["warnings"].dump().find("interrupted by SIGINT") != std::string::npos);
  CHECK_FALSE(has_temporary(dir.path));
}

TEST_CASE("reliability: SIGTERM during a sweep keeps the finished runs and a second sweep resumes", "[reliability]")
{
  TempDir dir("sigterm-sweep");
  const auto sweep = dir.path / "sweep.yaml";
  std::ofstream(sweep) << "name: interrupted\n"
                       << "scenario: " << ORCHSIM_SOURCE_DIR << "/scenarios/reference/mm1.yaml\n"
                       << "seed: 3\nreplications: 2\nprofiles: [baseline]\n"
                       << "overrides: [simulation.requests=8000000]\n" // ~2 s a run: 8 runs outlast the signal
                       << "parameters:\n  workload.0.arrival.rate: {values: [0.3/s, 0.5/s, 0.7/s, 0.9/s]}\n";
  const auto out = dir.path / "out";
  const int code = run_and_signal({"sweep", sweep.string(), "--out", out.string(), "--jobs", "2"}, SIGTERM,
                                  std::chrono::milliseconds(1500), dir.path);
  CHECK(code == 143); // 128 + SIGTERM
  const auto before = files_in(out / "runs");
  CHECK(before.size() < 8); // 4 points x 2 replications: not all ran
  CHECK_FALSE(fs::exists(out / "runs.csv"));
  CHECK_FALSE(has_temporary(out));
  for (const auto& f : before) // every run file left is a whole, complete result
    CHECK(json::parse(test::slurp(f))["metrics"]["run"]["complete"] == true);
  const auto again = test::run_cli("sweep '" + sweep.string() + "' --out '" + out.string() + "' --jobs 2");
  INFO(again.err);
  CHECK(again.code == 0);
  CHECK(files_in(out / "runs").size() == 8);
  CHECK(fs::exists(out / "runs.csv"));
  CHECK(again.out.find(std::to_string(before.size()) + " done before") != std::string::npos);
}

TEST_CASE("reliability: SIGTERM during validate writes no scorecard from partial runs", "[reliability]")
{
  TempDir dir("sigterm-validate");
  const auto out = dir.path / "validation";
  const int code = run_and_signal({"validate", "scenarios/ai-ecosystem.yaml", "--set", "simulation.requests=2000000",
                                   "--out", out.string(), "--jobs", "2"},
                                  SIGTERM, std::chrono::milliseconds(1500), dir.path);
  CHECK(code == 143);
  CHECK_FALSE(fs::exists(out / "scorecard.json"));
  CHECK_FALSE(has_temporary(dir.path));
  CHECK(test::slurp(dir.path / "stderr").find("interrupted by SIGTERM") != std::string::npos);
}

TEST_CASE("reliability: the memory bound ends a run whose queues grow without bound, marked incomplete",
          "[reliability]")
{
  // M/M/1 at twice its capacity: the backlog grows by ~1 request per second of simulated time for ever.
  const auto r = test::run_cli("run scenarios/reference/mm1.yaml --set workload.0.arrival.rate=2/s "
                               "--set simulation.requests=50000000 --set simulation.warmup=0 --max-memory 150MB --format json");
  CHECK(r.code == 2);
  const json doc = json::parse(r.out);
  CHECK(doc["metrics"]["run"]["complete"] == false);
  CHECK(doc["metrics"]["run"]["warnings"].dump().find("memory bound") != std::string::npos);
  CHECK(doc["metrics"]["run"]["saturation"] == "overloaded");
  CHECK(test::run_cli("run scenarios/reference/mm1.yaml --max-memory 12").code == 2); // a size needs a unit
}

TEST_CASE("reliability: a write that fails leaves the earlier file whole and no temporary file", "[reliability]")
{
  TempDir dir("write-fails");
  const auto file = dir.path / "result.json";
  std::ofstream(file) << "the earlier result\n";
  std::fflush(stdout);
  std::fflush(stderr);
  // In a child: a file-size limit of 4 KiB makes the write fail (EFBIG) the way a full disk does (ENOSPC).
  const pid_t pid = ::fork();
  if (pid == 0) {
    std::signal(SIGXFSZ, SIG_IGN);
    const rlimit limit{4096, 4096};
    ::setrlimit(RLIMIT_FSIZE, &limit);
    try {
      results::write_file_atomic(file.string(), std::string(1 << 20, 'x'));
    } catch (const std::runtime_error& e) {
      std::_Exit(std::string(e.what()).find(file.string()) != std::string::npos ? 0 : 2);
    }
    std::_Exit(1);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0); // it threw, naming the file
  CHECK(test::slurp(file) == "the earlier result\n");
  CHECK(files_in(dir.path).size() == 1);
  // The same through the CLI: exit 2 with one message, the earlier file intact.
  const auto r = test::run_cli("run scenarios/reference/mm1.yaml --out '" + file.string() + "' >/dev/null; (ulimit -f 2; '" +
                               ORCHSIM_CLI_PATH + "' run scenarios/reference/mm1.yaml --out '" + file.string() + "')");
  CHECK(r.code == 2);
  CHECK(r.err.find("cannot write") != std::string::npos);
  CHECK(json::parse(test::slurp(file))["schema_version"] == 1); // the first run's whole file
  CHECK(files_in(dir.path).size() == 1);
}

TEST_CASE("reliability: a scenario with a BOM and CRLF line ends runs exactly as the plain one", "[reliability]")
{
  TempDir dir("bom-crlf");
  const std::string plain = test::slurp(fs::path(ORCHSIM_SOURCE_DIR) / "scenarios/reference/mmc.yaml");
  std::string crlf = "\xEF\xBB\xBF";
  for (char c : plain) {
    if (c == '\n')
      crlf += '\r';
    crlf += c;
  }
  const auto file = dir.path / "mmc-crlf.yaml";
  std::ofstream(file, std::ios::binary) << crlf;
  const std::vector<std::string> overrides{"simulation.requests=20000"};
  const auto a = analysis::run(analysis::load(std::string(ORCHSIM_SOURCE_DIR) + "/scenarios/reference/mmc.yaml", overrides));
  const auto b = analysis::run(analysis::load(file.string(), overrides));
  json ja = results::to_json(a)["metrics"], jb = results::to_json(b)["metrics"];
  CHECK(ja == jb);
}
