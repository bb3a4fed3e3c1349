// The options `eisim run` and `eisim compare` share (docs/architecture.md, "Command line").
#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <thread>

#include "eisim/errors.hpp"
#include "src/cli/command.hpp"
#include "src/cli/option_checks.hpp"

namespace eisim::cli {

void SimulationArgs::add_to(CLI::App* app, const std::string& default_backend) {
  backend = default_backend;
  app->add_option("config", config, "network description (JSON)")->required();
  app->add_option("--backend", backend, "cpu or cuda (default " + default_backend + ")")
      ->check(CLI::IsMember({"cpu", "cuda"}));
  app->add_option("--mode", mode, "deterministic (CPU and GPU spikes identical) or fast (GPU float atomics)")
      ->check(CLI::IsMember({"deterministic", "fast"}));
  app->add_option("--delivery", delivery, "rows, or tiles (CUDA: postsynaptic tiles where a projection suits them)")
      ->check(CLI::IsMember({"rows", "tiles"}));
  app->add_option("--set", overrides, "override a value, e.g. --set N=20000 --set T=2000");
  app->add_option("--seed", seed, "random seed (overrides simulation.seed)")
      ->check(whole_number(0, uint64_t{1} << 53, "2^53"));
  app->add_option("--threads", threads, "threads for network construction, 1 to 1024 (default: all cores)")
      ->check(whole_number(1, 1024, "1024"));
  app->add_flag("--quiet", quiet, "no progress display");
}

uint64_t SimulationArgs::fingerprint() const {
  std::ifstream file(config, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  for (const std::string& o : overrides) text += '\0' + o;
  text += '\0' + backend + '\0' + mode + '\0' + delivery + '\0' + std::to_string(seed);
  uint64_t hash = 0xcbf29ce484222325ull;  // FNV-1a: the same on every machine, unlike std::hash
  for (unsigned char c : text) hash = (hash ^ c) * 0x100000001b3ull;
  return hash;
}

NetworkSpec SimulationArgs::spec() const {
  std::vector<std::string> all = overrides;
  if (seed >= 0) all.push_back("simulation.seed=" + std::to_string(seed));
  return load_network_spec(config, all);
}

RunOptions SimulationArgs::options(const Communicator& ranks) const {
  RunOptions o;
  o.backend = parse_backend(backend);
  // By default the ranks on a node share its cores.
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  o.threads = threads > 0 ? threads : std::max(1, cores / ranks.node_size());
  o.show_progress = !quiet;
  o.backend_options.mode = parse_mode(mode);
  o.backend_options.delivery = parse_delivery(delivery);
  return o;
}

std::map<std::string, double> parse_taus(const std::vector<std::string>& taus) {
  std::map<std::string, double> out;
  for (const std::string& item : taus) {
    const size_t eq = item.find('=');
    char* end = nullptr;
    const double value = eq == std::string::npos ? 0.0 : std::strtod(item.c_str() + eq + 1, &end);
    if (eq == std::string::npos || eq == 0 || end == item.c_str() + eq + 1 || *end != '\0') {
      throw UsageError("--tau '" + item + "': expected NAME=milliseconds, e.g. --tau E=30");
    }
    out[item.substr(0, eq)] = value;
  }
  return out;
}

}  // namespace eisim::cli
