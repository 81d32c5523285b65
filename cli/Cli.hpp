// cli/Cli.hpp: what the commands of the `orchsim` executable share: exit codes, usage errors, option
// parsing, output. One file per command (cli/Cmd*.cpp); main.cpp dispatches.
#pragma once
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

namespace orchsim::cli {

namespace po = boost::program_options;

constexpr int EXIT_OK = 0;
constexpr int EXIT_GATE = 1;
constexpr int EXIT_BAD_INPUT = 2;
constexpr int EXIT_INTERNAL = 3;

/** Bad usage: a message for stderr, exit 2. */
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/** What every scenario command takes: the file, `--set` overrides, `--profile`. */
struct Common {
  std::string file;
  std::vector<std::string> overrides;
  std::string profile;
};

/** The options `--set` and `--profile`, bound to `c`. */
po::options_description scenario_options(Common& c);

/** Parses `args` against `visible` plus a positional FILE; returns false after printing --help. */
bool parse(const std::vector<std::string>& args, const std::string& command, const std::string& summary,
           po::options_description& visible, Common& c);

/** Parses `args` against `visible` plus positional inputs (at most `max`; -1: any number); returns false
 *  after printing `usage` and the options for --help. */
bool parse_inputs(const std::vector<std::string>& args, const std::string& command, const std::string& usage,
                  po::options_description& visible, std::vector<std::string>& inputs, int max);

void print_warnings(const std::vector<std::string>& warnings);

/** Writes the JSON to `out` (atomically) when asked, and prints the table, the JSON or the Google
 *  Benchmark JSON (`gbench`, when the command has one). */
void emit(const std::string& json, const std::string& table, const std::string& out, const std::string& format,
          const std::string& gbench = "");

/** Splits `a,b,c`. */
std::vector<std::string> split_list(const std::string& text);

int cmd_run(const std::vector<std::string>& args);
int cmd_check(const std::vector<std::string>& args);
int cmd_explain(const std::vector<std::string>& args);
int cmd_compare(const std::vector<std::string>& args);
int cmd_validate(const std::vector<std::string>& args);
int cmd_report(const std::vector<std::string>& args);
int cmd_sweep(const std::vector<std::string>& args);
int cmd_merge(const std::vector<std::string>& args);
int cmd_capacity(const std::vector<std::string>& args);

} // namespace orchsim::cli
