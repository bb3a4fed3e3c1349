// Progress of a run: on a terminal a line rewritten in place, elsewhere a log line now and then.
// docs/architecture.md, "The run loop".
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "eisim/engine/backend.hpp"
#include "eisim/engine/config.hpp"

namespace eisim {

class Progress {
 public:
  Progress(const NetworkSpec& spec, bool enabled, std::FILE* stream = stderr);
  // Before and after network construction, which takes a while at 10^9 synapses on a CPU.
  void building(const std::string& backend, int threads);
  void built(double seconds, uint64_t synapses);
  // After a block: steps done so far, the block's spikes, the loop's wall time so far.
  void update(int64_t steps_done, const BlockOutput& block, double wall_s);
  void finish();

 private:
  void report(int64_t steps_done, double wall_s);

  const NetworkSpec& spec_;
  bool enabled_;
  bool terminal_;
  std::FILE* stream_;
  std::vector<uint64_t> spikes_since_report_;
  int64_t steps_at_report_ = 0;
  double wall_at_report_ = 0.0;
  int64_t next_log_step_ = 0;
};

}  // namespace eisim
