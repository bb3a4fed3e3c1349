// Choosing a backend and its mode (include/eisim/engine/backend.hpp): backend and mode names parse back
// to what they name, and any other name is a UsageError naming it. Fast mode is the GPU's: the CPU
// backend, the deterministic reference, refuses it with a UsageError before any work, in a run and as
// the candidate of a comparison; so compare_backends must run its CPU reference deterministically
// whatever mode it is given (CudaVsCpu.CompareReportsIdenticalSpikesOrTheStatisticalDifferences checks
// that where a GPU runs).
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "eisim/engine/backend.hpp"
#include "eisim/engine/compare.hpp"
#include "eisim/engine/config.hpp"
#include "eisim/errors.hpp"
#include "test_support.hpp"

namespace eisim {
namespace {

// Runs `action`, which must throw UsageError whose message contains `words`.
template <typename Action>
void expect_usage_error(Action action, const std::string& words) {
  try {
    action();
    ADD_FAILURE() << "accepted; expected a UsageError naming \"" << words << "\"";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
  }
}

TEST(BackendChoice, NamesParseBackToTheirKindsAndOtherNamesAreUsageErrors) {
  for (BackendKind kind : {BackendKind::cpu, BackendKind::cuda}) EXPECT_EQ(parse_backend(backend_name(kind)), kind);
  for (AccumulationMode mode : {AccumulationMode::deterministic, AccumulationMode::fast}) {
    EXPECT_EQ(parse_mode(mode_name(mode)), mode);
  }
  EXPECT_STREQ(backend_name(BackendKind::cpu), "cpu");
  EXPECT_STREQ(backend_name(BackendKind::cuda), "cuda");
  EXPECT_STREQ(mode_name(AccumulationMode::deterministic), "deterministic");
  EXPECT_STREQ(mode_name(AccumulationMode::fast), "fast");
  expect_usage_error([] { parse_backend("gpu"); }, "--backend gpu");
  expect_usage_error([] { parse_backend("CPU"); }, "--backend CPU");
  expect_usage_error([] { parse_mode("turbo"); }, "--mode turbo");
}

// The canonical network at N = 10^7: about 90 TiB of synapses. A run of it that got past the option
// check would be refused for memory (a RuntimeProblem) or never end.
NetworkSpec huge_network() {
  return load_network_spec(test_support::source_path("configs/balanced_eif.json"), {"N=10000000"});
}

TEST(FastMode, TheCpuBackendRefusesItAsAUsageError) {
  const NetworkSpec spec = load_network_spec(test_support::source_path("configs/balanced_eif.json"), {"N=1000"});
  EXPECT_NO_THROW(require_runnable(BackendKind::cpu, spec, BackendOptions{AccumulationMode::deterministic, 100}));
  expect_usage_error([&] { require_runnable(BackendKind::cpu, spec, BackendOptions{AccumulationMode::fast, 100}); },
                     "--mode fast");
  // Before the memory check: the options mean nothing whatever the size.
  expect_usage_error(
      [&] { require_runnable(BackendKind::cpu, huge_network(), BackendOptions{AccumulationMode::fast, 100}); },
      "--mode fast");
}

TEST(FastMode, ACpuRunInFastModeIsRefusedBeforeAnyWork) {
  const test_support::TempFolder folder;
  RunOptions options;
  options.backend = BackendKind::cpu;
  options.backend_options.mode = AccumulationMode::fast;
  options.out_dir = (folder.path() / "out").string();
  expect_usage_error([&] { record_run(huge_network(), options); }, "--mode fast");
  EXPECT_FALSE(std::filesystem::exists(options.out_dir)) << "the output folder was made";
}

TEST(FastMode, ACompareWithTheCpuAsCandidateInFastModeIsRefusedBeforeTheReferenceRuns) {
  RunOptions options;
  options.backend = BackendKind::cpu;
  options.backend_options.mode = AccumulationMode::fast;
  expect_usage_error([&] { compare_backends(huge_network(), options); }, "--mode fast");
}

}  // namespace
}  // namespace eisim
