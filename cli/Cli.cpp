#include "cli/Cli.hpp"

#include <iostream>
#include <sstream>

#include "results/AtomicFile.hpp"
#include "sim/InputError.hpp"

namespace orchsim::cli {

po::options_description scenario_options(Common& c)
{
  po::options_description d("scenario");
  d.add_options()("set", po::value(&c.overrides)->composing(),
                  "override a field: --set key.path=value (repeatable), e.g. --set workload.0.arrival.rate=5/s")(
      "profile", po::value(&c.profile),
      "the orchestration profile: baseline (default), one the scenario declares, random or oracle");
  return d;
}

bool parse(const std::vector<std::string>& args, const std::string& command, const std::string& summary,
           po::options_description& visible, Common& c)
{
  bool help = false;
  visible.add_options()("help,h", po::bool_switch(&help), "show this help");
  po::options_description all;
  all.add(visible);
  all.add_options()("file", po::value(&c.file));
  po::positional_options_description positional;
  positional.add("file", 1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError(std::string(e.what()) + "\nsee: orchsim " + command + " --help");
  }
  if (help) {
    std::cout << "usage: orchsim " << command << " FILE [options]\n\n" << summary << "\n\n" << visible;
    return false;
  }
  if (c.file.empty())
    throw UsageError("missing scenario FILE\nsee: orchsim " + command + " --help");
  return true;
}

bool parse_inputs(const std::vector<std::string>& args, const std::string& command, const std::string& usage,
                  po::options_description& visible, std::vector<std::string>& inputs, int max)
{
  bool help = false;
  visible.add_options()("help,h", po::bool_switch(&help), "show this help");
  po::options_description all;
  all.add(visible);
  all.add_options()("input", po::value(&inputs)->composing());
  po::positional_options_description positional;
  positional.add("input", max);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError(std::string(e.what()) + "\nsee: orchsim " + command + " --help");
  }
  if (help)
    std::cout << usage << "\n\n" << visible;
  return !help;
}

void print_warnings(const std::vector<std::string>& warnings)
{
  for (const auto& w : warnings)
    std::cerr << "warning: " << w << "\n";
}

void emit(const std::string& json, const std::string& table, const std::string& out, const std::string& format,
          const std::string& gbench)
{
  if (!out.empty()) {
    try {
      results::write_file_atomic(out, json);
    } catch (const std::runtime_error& e) {
      throw sim::InputError(sim::InputLocation{"--out " + out, 0, 0, ""}, e.what());
    }
  }
  if (format == "json") {
    std::cout << json;
    return;
  }
  if (format == "gbench") {
    std::cout << gbench;
    return;
  }
  std::cout << table;
  if (!out.empty())
    std::cout << "\nresult: " << out << "\n";
}

std::vector<std::string> split_list(const std::string& text)
{
  std::vector<std::string> items;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty())
      items.push_back(item);
  return items;
}

} // namespace orchsim::cli
