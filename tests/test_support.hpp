// Shared helpers for the tests: running networks on each backend, comparing runs, and (cli_harness.hpp)
// running commands and the eisim binary in a temporary folder.
#pragma once

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "eisim/engine/compare.hpp"
#include "eisim/engine/config.hpp"
#include "eisim/errors.hpp"
#include "cli_harness.hpp"

namespace eisim::test_support {

inline RecordedRun run_collecting(const NetworkSpec& spec, BackendKind backend = BackendKind::cpu,
                                  AccumulationMode mode = AccumulationMode::deterministic,
                                  Delivery delivery = Delivery::rows) {
  RunOptions options;
  options.backend = backend;
  options.backend_options.mode = mode;
  options.backend_options.delivery = delivery;
  return record_run(spec, options);
}

inline std::string source_path(const std::string& relative) { return std::string(EISIM_SOURCE_DIR) + "/" + relative; }

// Tests that need a usable CUDA device: skipped, saying why, where there is none.
class NeedsGpu : public ::testing::Test {
 protected:
  void SetUp() override {
    try {
      require_backend(BackendKind::cuda);
    } catch (const RuntimeProblem& e) {
      GTEST_SKIP() << e.what();
    }
  }
};

// Two runs of one network have the same spike trains and bitwise the same traces (V and currents
// come from the same float operations in the same order), and some population did spike.
inline void expect_identical_runs(const NetworkSpec& spec, const RecordedRun& a, const RecordedRun& b) {
  const SpikeTrainDifference d = first_difference(spec, a, b);
  EXPECT_TRUE(d.identical) << d.detail;
  size_t spikes = 0;
  for (const SpikeRecord& record : a.spikes) spikes += record.step.size();
  EXPECT_GT(spikes, 0u) << "no population spiked: the comparison would be empty";
  ASSERT_EQ(a.traces.size(), b.traces.size());
  for (size_t k = 0; k < a.traces.size(); ++k) {
    EXPECT_EQ(a.traces[k].step, b.traces[k].step);
    ASSERT_EQ(a.traces[k].values.size(), b.traces[k].values.size());
    EXPECT_EQ(0, std::memcmp(a.traces[k].values.data(), b.traces[k].values.data(),
                             a.traces[k].values.size() * sizeof(float)));
  }
}

// Tests that every backend must pass: instantiate with ::testing::Values("cpu", "cuda").
// A backend that cannot run here (no GPU, or a build without CUDA) is skipped, saying why.
class OnEachBackend : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    try {
      require_backend(parse_backend(GetParam()));
    } catch (const RuntimeProblem& e) {
      GTEST_SKIP() << e.what();
    }
  }
  RecordedRun run(const NetworkSpec& spec) const { return run_collecting(spec, parse_backend(GetParam())); }
};

// The overrides with which the tests run a shipped config: one with a `scale` parameter (the cortical
// microcircuit, a benchmark at scale 1) at `scale`, the others as they are; then `more`.
inline bool scalable(const std::string& path) { return load_network_spec(path).parameters.count("scale") > 0; }
inline std::vector<std::string> test_overrides(const std::string& path, double scale, std::vector<std::string> more) {
  if (scalable(path)) more.insert(more.begin(), "scale=" + std::to_string(scale));
  return more;
}

// Names the instances ".../cpu" and ".../cuda", so a filter can pick one backend's.
inline std::string backend_name(const ::testing::TestParamInfo<std::string>& info) { return info.param; }

}  // namespace eisim::test_support
