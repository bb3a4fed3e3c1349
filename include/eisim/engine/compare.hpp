// Runs one network on two backends and says whether, or how much, their spikes differ.
// docs/architecture.md, "Command line".
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "eisim/engine/simulation.hpp"

namespace eisim {

// A whole run kept in memory: every population's spikes and every trace.
struct RecordedRun {
  RunReport report;
  std::vector<SpikeRecord> spikes;  // per population
  std::vector<TraceRecord> traces;  // per TraceSpec
  std::vector<WeightRecord> weights;  // per WeightRecordingSpec
};

RecordedRun record_run(const NetworkSpec& spec, const RunOptions& options);

struct SpikeTrainDifference {
  bool identical = true;
  std::string population;  // where the first difference is
  int64_t index = -1;      // position of the first differing spike in that population's train
  std::string detail;
};

// The first difference between two runs' spike trains (times and ids), population by population.
SpikeTrainDifference first_difference(const NetworkSpec& spec, const RecordedRun& a, const RecordedRun& b);

// `eisim compare`: the CPU backend against `other`, as JSON: identical or not (deterministic mode),
// the wall times, and per population the rates, CVs and Fano factors of both (reference first)
// with their relative differences.
nlohmann::ordered_json compare_backends(const NetworkSpec& spec, const RunOptions& other);

}  // namespace eisim
