// `eisim check CONFIG`: validates a config and says how large its network is and what memory it needs,
// without building or running it (docs/architecture.md, "Command line"). Exits as `eisim run` would
// before any work: 0 when it can run here, 2 for a bad config, 3 when this machine cannot run it.
#include <iostream>
#include <nlohmann/json.hpp>

#include "eisim/engine/memory_estimate.hpp"
#include "eisim/engine/network.hpp"
#include "src/cli/command.hpp"

namespace eisim::cli {
namespace {

class CheckCommand : public Command {
 public:
  CLI::App* add_to(CLI::App& app) override {
    CLI::App* check =
        app.add_subcommand("check", "validate a config and print its network's size and memory, without running it");
    args_.add_to(check, "cpu");
    return check;
  }

  int run(Communicator& ranks) override {
    const NetworkSpec spec = args_.spec();
    const RunOptions options = args_.options(ranks);
    nlohmann::ordered_json out;
    out["config"] = args_.config;
    out["backend"] = backend_name(options.backend);
    out["mode"] = mode_name(options.backend_options.mode);
    out["steps"] = spec.simulation.n_steps();
    out["neurons"] = spec.total_neurons();
    nlohmann::ordered_json populations, projections;
    for (const PopulationSpec& pop : spec.populations) {
      populations[pop.name] = {{"n", pop.size}, {"model", model_name(pop.model)}};
    }
    double synapses = 0;
    for (size_t k = 0; k < spec.projections.size(); ++k) {
      const double expected = expected_synapses(spec, k);
      projections[spec.projections[k].name] = {{"expected_synapses", expected}};
      synapses += expected;
    }
    out["populations"] = populations;
    out["projections"] = projections;
    out["expected_synapses"] = synapses;
    const HostMemoryEstimate host = estimate_host_memory(options.backend, spec);
    const MemoryAllowance allowance = host_memory_allowance();
    out["host_memory_bytes"] = {{"connectivity", host.connectivity}, {"backend_state", host.backend_state},
                                {"statistics", host.statistics}, {"total", host.total()}};
    out["host_memory_available_bytes"] = allowance.bytes;
    out["host_memory_limit"] = allowance.limit;
    if (options.backend == BackendKind::cuda) {
      out["device_memory_bytes"] = device_memory_estimate(options.backend, spec, options.backend_options);
    }
    std::cout << out.dump(2) << std::endl;
    require_backend(options.backend);
    require_runnable(options.backend, spec, options.backend_options);  // the refusal `eisim run` would give
    std::cerr << "eisim: " << args_.config << " can run here on the " << backend_name(options.backend) << " backend\n";
    return 0;
  }

 private:
  SimulationArgs args_;
};

}  // namespace

std::unique_ptr<Command> check_command() { return std::make_unique<CheckCommand>(); }

}  // namespace eisim::cli
