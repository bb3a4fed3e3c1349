// Shared helpers for the tests: run a network in memory and keep everything it produced.
#pragma once

#include <string>
#include <vector>

#include "eisim/config.hpp"
#include "eisim/simulation.hpp"

namespace eisim::test_support {

struct Collected {
  RunReport report;
  std::vector<SpikeRecord> spikes;  // per population, whole run
  std::vector<TraceRecord> traces;  // per TraceSpec, whole run
};

inline Collected run_collecting(const NetworkSpec& spec, const std::string& backend = "cpu") {
  Collected c;
  c.spikes.resize(spec.populations.size());
  c.traces.resize(spec.recording.traces.size());
  RunOptions options;
  options.backend = backend;
  c.report = run_simulation(spec, options, [&](const BlockOutput& block) {
    for (size_t a = 0; a < block.spikes.size(); ++a) {
      c.spikes[a].step.insert(c.spikes[a].step.end(), block.spikes[a].step.begin(), block.spikes[a].step.end());
      c.spikes[a].neuron.insert(c.spikes[a].neuron.end(), block.spikes[a].neuron.begin(), block.spikes[a].neuron.end());
    }
    for (size_t k = 0; k < block.traces.size(); ++k) {
      c.traces[k].step.insert(c.traces[k].step.end(), block.traces[k].step.begin(), block.traces[k].step.end());
      c.traces[k].values.insert(c.traces[k].values.end(), block.traces[k].values.begin(), block.traces[k].values.end());
    }
  });
  return c;
}

inline std::string source_path(const std::string& relative) { return std::string(EISIM_SOURCE_DIR) + "/" + relative; }

}  // namespace eisim::test_support
