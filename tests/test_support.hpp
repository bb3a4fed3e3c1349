// Shared helpers for the tests.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "eisim/compare.hpp"
#include "eisim/config.hpp"
#include "eisim/errors.hpp"

namespace eisim::test_support {

inline RecordedRun run_collecting(const NetworkSpec& spec, const std::string& backend = "cpu",
                                  AccumulationMode mode = AccumulationMode::deterministic) {
  RunOptions options;
  options.backend = backend;
  options.backend_options.mode = mode;
  return record_run(spec, options);
}

inline std::string source_path(const std::string& relative) { return std::string(EISIM_SOURCE_DIR) + "/" + relative; }

// Tests that every backend must pass: instantiate with ::testing::Values("cpu", "cuda").
// A backend that cannot run here (no GPU, or a build without CUDA) is skipped, saying why.
class OnEachBackend : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    try {
      require_backend(GetParam());
    } catch (const RuntimeProblem& e) {
      GTEST_SKIP() << e.what();
    }
  }
  RecordedRun run(const NetworkSpec& spec) const { return run_collecting(spec, GetParam()); }
};

}  // namespace eisim::test_support
