// The CUDA backend against the CPU reference: bit-for-bit in deterministic mode, statistically in
// fast mode. Every test skips where no GPU can run (no device, or a build without CUDA).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>

#include "eisim/engine/compare.hpp"
#include "eisim/errors.hpp"
#include "eisim/engine/network.hpp"
#include "test_support.hpp"

namespace eisim {
namespace {

using CudaVsCpu = test_support::NeedsGpu;

TEST_F(CudaVsCpu, CanonicalNetworkGivesIdenticalSpikesInDeterministicMode) {
  const NetworkSpec spec = load_network_spec(test_support::source_path("configs/balanced_eif.json"));
  const RecordedRun cpu = test_support::run_collecting(spec, BackendKind::cpu), gpu = test_support::run_collecting(spec, BackendKind::cuda);
  EXPECT_EQ(gpu.report.backend, "cuda");
  // Its Erdős–Rényi projections were built on the GPU: the same synapses, or the spikes would differ.
  EXPECT_EQ(cpu.report.projection_synapses, gpu.report.projection_synapses);
  test_support::expect_identical_runs(spec, cpu, gpu);
}

// Delays (constant and drawn), drawn weights, a refractory period, and drawn weights on a plastic
// projection: through the ring slots and the kernels that deliver drawn synapses.
const std::vector<std::string> kDelayedCanonical = {
    "T=300", "projections.E->E.delay=1.5", "projections.E->E.delay_sd=0.75", "projections.I->E.delay=0.8",
    "projections.X->I.delay=2", "projections.E->I.weight_sd=30", "populations.I.t_ref=1.5"};

TEST_F(CudaVsCpu, DelaysDrawnWeightsAndRefractorinessGiveIdenticalSpikesInDeterministicMode) {
  const NetworkSpec spec = load_network_spec(test_support::source_path("configs/balanced_eif.json"), kDelayedCanonical);
  test_support::expect_identical_runs(spec, test_support::run_collecting(spec, BackendKind::cpu),
                                      test_support::run_collecting(spec, BackendKind::cuda));
}

// Delivery by postsynaptic tiles (kernels/tile_layout.hpp), on the delayed canonical network: tiles of
// 1024 neurons for the constant delays, of 64 for E->E's drawn ones (52 arrival steps each), several
// tiles to a row, and drawn weights. The fixed-point sums are the CPU's, so are the spikes.
TEST_F(CudaVsCpu, TilesGiveIdenticalSpikesInDeterministicMode) {
  const NetworkSpec spec = load_network_spec(test_support::source_path("configs/balanced_eif.json"), kDelayedCanonical);
  const RecordedRun gpu =
      test_support::run_collecting(spec, BackendKind::cuda, AccumulationMode::deterministic, Delivery::tiles);
  ASSERT_EQ(gpu.report.delivery.size(), spec.projections.size());
  for (size_t k = 0; k < spec.projections.size(); ++k) {
    EXPECT_EQ(gpu.report.delivery[k].layout, Delivery::tiles) << spec.projections[k].name;
    EXPECT_LT(gpu.report.delivery[k].bytes_per_synapse, 4.0 + (spec.projections[k].draws_weights() ? 4.0 : 0.0) +
                                                           (spec.projections[k].draws_delays() ? 2.0 : 0.0))
        << spec.projections[k].name;
  }
  test_support::expect_identical_runs(spec, test_support::run_collecting(spec, BackendKind::cpu), gpu);
}

// The scaled-down microcircuit by tiles: 55 projections of fixed total numbers with drawn weights and
// delays, in groups of eight per launch.
TEST_F(CudaVsCpu, TilesOfTheMicrocircuitGiveIdenticalSpikesInDeterministicMode) {
  const std::string path = test_support::source_path("configs/microcircuit.json");
  const NetworkSpec spec = load_network_spec(path, {"scale=0.05", "T=100", "burn_in=0"});
  const RecordedRun gpu =
      test_support::run_collecting(spec, BackendKind::cuda, AccumulationMode::deterministic, Delivery::tiles);
  const auto tiled = std::count_if(gpu.report.delivery.begin(), gpu.report.delivery.end(),
                                   [](const ProjectionDelivery& d) { return d.layout == Delivery::tiles; });
  EXPECT_GT(tiled, 8);
  test_support::expect_identical_runs(spec, test_support::run_collecting(spec, BackendKind::cpu), gpu);
}

// LIF populations integrated exactly, with a refractory period, a Poisson input, normal V(0) and a
// fixed total number of synapses (update_neurons' general kernel), next to an EIF one with none of
// these (the book's), in one launch each.
TEST_F(CudaVsCpu, ExactlyIntegratedRefractoryLifGivesIdenticalSpikesInDeterministicMode) {
  const NetworkSpec spec = parse_network_spec(R"({
    "simulation": {"dt": 0.1, "T": 300, "seed": 5},
    "populations": [
      {"name": "E", "model": "lif", "size": 800, "tau_m": 10, "E_L": -65, "V_th": -50, "V_re": -65, "V0": [-65, -50],
       "t_ref": 2, "integration": "exact", "poisson_input": {"rate_hz": 8000, "weight": 1, "tau_syn": 0.5}},
      {"name": "I", "model": "lif", "size": 200, "tau_m": 10, "E_L": -65, "V_th": -50, "V_re": -65,
       "V0": {"mean": -58, "sd": 5}, "integration": "exact"},
      {"name": "B", "model": "eif", "size": 200},
      {"name": "X", "model": "poisson", "size": 400, "rate_hz": 20}],
    "projections": [
      {"pre": "X", "post": "E", "p": 0.2, "weight": 12, "tau_syn": 0.5, "delay": 1.5, "delay_sd": 0.75},
      {"pre": "X", "post": "I", "p": 0.2, "weight": 12, "tau_syn": 0.5, "weight_sd": 1},
      {"pre": "X", "post": "B", "p": 0.2, "weight": 40, "tau_syn": 8},
      {"pre": "E", "post": "E", "p": 0.1, "weight": 0.5, "tau_syn": 0.5, "delay": 1.5, "delay_sd": 0.75, "weight_sd": 0.05},
      {"pre": "E", "post": "I", "p": 0.1, "weight": 0.5, "tau_syn": 10, "delay": 1.5},
      {"pre": "I", "post": "E", "p": 0.1, "weight": -2, "tau_syn": 0.5, "delay": 0.8, "delay_sd": 0.4, "weight_sd": 0.2},
      {"pre": "I", "post": "I", "rule": "fixed_total_number", "synapses": 6000, "weight": -2, "tau_syn": 0.5}],
    "recording": {"spikes": ["E", "I", "B"], "traces": [{"population": "E", "neurons": [0, 1, 799], "every_steps": 3}]}})");
  const RecordedRun cpu = test_support::run_collecting(spec, BackendKind::cpu);
  for (int a : {0, 1, 2}) EXPECT_GT(cpu.spikes[a].step.size(), 100u) << spec.populations[a].name;
  test_support::expect_identical_runs(spec, cpu, test_support::run_collecting(spec, BackendKind::cuda));
}

TEST_F(CudaVsCpu, TheLowerBoundCountIsIdenticalAndEngaged) {
  // The CPU counts in its vectorised loop, the GPU per neuron when the bound engages: the same
  // neuron-steps, since V follows the same float operations (docs/architecture.md, "The lower bound and
  // the balanced state").
  const NetworkSpec spec =
      load_network_spec(test_support::source_path("configs/balanced_eif.json"), {"T=200", "burn_in=0"});
  const RecordedRun cpu = test_support::run_collecting(spec, BackendKind::cpu), gpu = test_support::run_collecting(spec, BackendKind::cuda);
  ASSERT_EQ(cpu.report.steps_at_lower_bound.size(), 3u);
  EXPECT_EQ(cpu.report.steps_at_lower_bound, gpu.report.steps_at_lower_bound);
  // E and I: the bound holds V in a few percent of neuron-steps (5.9% and 8.7% over 1 s); X has none.
  const double steps = static_cast<double>(spec.simulation.n_steps());
  for (int a : {0, 1}) {
    const double fraction = static_cast<double>(cpu.report.steps_at_lower_bound[a]) /
                            (steps * static_cast<double>(spec.populations[a].size));
    EXPECT_GT(fraction, 0.005) << spec.populations[a].name;
    EXPECT_LT(fraction, 0.2) << spec.populations[a].name;
  }
  EXPECT_EQ(cpu.report.steps_at_lower_bound[2], 0u);
}

TEST_F(CudaVsCpu, EveryConfigGivesIdenticalSpikesAndTracesInDeterministicMode) {
  for (const auto& entry : std::filesystem::directory_iterator(test_support::source_path("configs"))) {
    if (entry.path().extension() != ".json") continue;
    SCOPED_TRACE(entry.path().string());
    // 7345 steps (2345): not a whole number of 100-step blocks, so the last, shorter block runs as plain launches too.
    const std::string path = entry.path().string();
    // The microcircuit (scalable) at 1% and for 234.5 ms: its 55 projections take 8 launches a step,
    // slow on the emulated runtime.
    const std::string T = test_support::scalable(path) ? "simulation.T=234.5" : "simulation.T=734.5";
    const NetworkSpec spec = load_network_spec(path, test_support::test_overrides(path, 0.01, {T, "simulation.burn_in=0"}));
    test_support::expect_identical_runs(spec, test_support::run_collecting(spec, BackendKind::cpu), test_support::run_collecting(spec, BackendKind::cuda));
  }
}

// Both backends step a plastic network in blocks of 100; spikes, recorded weights and the final
// weights of every plastic projection must be the same bits.
void expect_identical_plastic_runs(const NetworkSpec& spec) {
  const Network net = build_network(spec, 1);
  BlockOutput cpu_out, gpu_out;
  cpu_out.reset(spec);
  gpu_out.reset(spec);
  auto cpu = make_backend(BackendKind::cpu, spec, net, BackendOptions{});
  auto gpu = make_backend(BackendKind::cuda, spec, net, BackendOptions{});
  for (int64_t first = 0; first < spec.simulation.n_steps(); first += 100) {
    const int64_t count = std::min<int64_t>(100, spec.simulation.n_steps() - first);
    cpu->advance(first, count, cpu_out);
    gpu->advance(first, count, gpu_out);
  }
  for (size_t p = 0; p < spec.populations.size(); ++p) {
    EXPECT_EQ(cpu_out.spikes[p].step, gpu_out.spikes[p].step) << spec.populations[p].name;
    EXPECT_EQ(cpu_out.spikes[p].neuron, gpu_out.spikes[p].neuron) << spec.populations[p].name;
  }
  for (size_t k = 0; k < spec.projections.size(); ++k) {
    if (!spec.projections[k].plasticity) continue;
    SCOPED_TRACE(spec.projections[k].name);
    const std::vector<float> a = cpu->weights(static_cast<int>(k)), b = gpu->weights(static_cast<int>(k));
    ASSERT_EQ(a.size(), b.size());
    EXPECT_NE(a, std::vector<float>(a.size(), static_cast<float>(spec.projections[k].weight))) << "no weight changed";
    EXPECT_EQ(0, std::memcmp(a.data(), b.data(), a.size() * sizeof(float)));
  }
  for (size_t r = 0; r < spec.recording.weights.size(); ++r) EXPECT_EQ(cpu_out.weights[r].sample, gpu_out.weights[r].sample);
}

TEST_F(CudaVsCpu, PlasticWeightsAndSpikesAreIdenticalInDeterministicMode) {
  expect_identical_plastic_runs(load_network_spec(test_support::source_path("configs/plasticity_eif.json"),
                                                  {"T=1200", "burn_in=0", "eta=100"}));
}

TEST_F(CudaVsCpu, DrawnWeightsAndADelayOfAPlasticProjectionGiveIdenticalWeights) {
  expect_identical_plastic_runs(load_network_spec(
      test_support::source_path("configs/plasticity_eif.json"),
      {"T=300", "burn_in=0", "projections.I->E.weight_sd=10", "projections.I->E.delay=0.8"}));
}

TEST_F(CudaVsCpu, PlasticRowsAndColumnsLongerThanAChunkGiveIdenticalWeights) {
  // p = 0.9: I-to-E rows of about 4300 synapses and columns of about 1080, each cut into chunks.
  const NetworkSpec spec = load_network_spec(test_support::source_path("configs/plasticity_eif.json"),
                                             {"N=6000", "p=0.9", "T=150", "burn_in=0", "eta=200"});
  ASSERT_GT(0.9 * static_cast<double>(spec.populations[spec.projections[1].pre].size), 1024.0);
  expect_identical_plastic_runs(spec);
}

TEST_F(CudaVsCpu, RowsLongerThanADeliveryChunkGiveIdenticalSpikes) {
  // p = 0.6: rows of about 1900 targets, cut into two chunks of at most 1024 (kDeliveryChunk).
  const NetworkSpec spec = load_network_spec(test_support::source_path("configs/balanced_eif.json"),
                                             {"N=4000", "p=0.6", "T=300", "burn_in=0"});
  const RecordedRun cpu = test_support::run_collecting(spec, BackendKind::cpu), gpu = test_support::run_collecting(spec, BackendKind::cuda);
  const double mean_row = static_cast<double>(cpu.report.projection_synapses[0]) /
                          static_cast<double>(spec.populations[spec.projections[0].pre].size);
  ASSERT_GT(mean_row, 1.5 * 1024) << spec.projections[0].name;
  test_support::expect_identical_runs(spec, cpu, gpu);
}

// Ten populations and eighteen projections: more than one launch's worth of each
// (kPopulationsPerLaunch, kProjectionsPerLaunch are 8), so several launches share a step.
NetworkSpec ring_of_nine_populations() {
  std::string populations, projections;
  for (int k = 0; k < 9; ++k) {
    const std::string name = "P" + std::to_string(k), next = "P" + std::to_string((k + 1) % 9);
    populations += R"({"name": ")" + name + R"(", "model": "eif", "size": 200, "tau_m": 15, "E_L": -72, "V_T": -55,
                      "D": 1, "V_th": 10, "V_re": -75, "V_lb": -85, "V0": [-75, -55]},)";
    projections += R"({"pre": "X", "post": ")" + name + R"(", "p": 0.1, "weight": 80, "tau_syn": 10},
                      {"pre": ")" + name + R"(", "post": ")" + next + R"(", "p": 0.1, "weight": )" +
                   (k % 2 ? "-25" : "12") + R"(, "tau_syn": )" + (k % 2 ? "4" : "8") + "},";
  }
  projections.pop_back();
  return parse_network_spec(R"({"simulation": {"dt": 0.1, "T": 300, "burn_in": 0, "seed": 3},
    "populations": [)" + populations + R"({"name": "X", "model": "poisson", "size": 400, "rate_hz": 10}],
    "projections": [)" + projections + R"(],
    "recording": {"spikes": ["P0", "P4", "P8", "X"], "traces": [{"population": "P8", "neurons": [0, 199], "every_steps": 7}]}})");
}

TEST_F(CudaVsCpu, ManyPopulationsAndProjectionsTakeSeveralLaunchesAStep) {
  const NetworkSpec spec = ring_of_nine_populations();
  ASSERT_EQ(spec.populations.size(), 10u);
  ASSERT_EQ(spec.projections.size(), 18u);
  const RecordedRun cpu = test_support::run_collecting(spec, BackendKind::cpu), gpu = test_support::run_collecting(spec, BackendKind::cuda);
  for (int a : {0, 4, 8}) EXPECT_GT(cpu.spikes[a].step.size(), 100u) << spec.populations[a].name << " hardly spiked: " << cpu.spikes[a].step.size();
  test_support::expect_identical_runs(spec, cpu, gpu);
}

TEST_F(CudaVsCpu, ManyPlasticProjectionsTakeSeveralLaunchesAStep) {
  // Every projection of the ring plastic: nine, so their postsynaptic updates ride along with three
  // update_neurons launches (kPlasticPerLaunch is 4), the third without populations of its own.
  NetworkSpec spec = ring_of_nine_populations();
  int plastic = 0;
  for (ProjectionSpec& proj : spec.projections) {
    if (spec.populations[proj.pre].model == NeuronModel::poisson) continue;
    proj.plasticity = PlasticitySpec{200.0, 10.0, 100.0, false};
    ++plastic;
  }
  ASSERT_EQ(plastic, 9);
  expect_identical_plastic_runs(spec);
}

TEST_F(CudaVsCpu, RecordingsAreIdenticalWhateverTheBlockLength) {
  // 97-step blocks: weight samples every 45 steps and traces every 10 fall anywhere in a block,
  // several to a block, and the run ends with a short block.
  NetworkSpec spec = load_network_spec(test_support::source_path("configs/plasticity_eif.json"),
                                       {"N=1000", "T=600", "burn_in=0", "eta=200"});
  spec.recording.weights[0].every_steps = 45;
  spec.recording.traces.push_back(TraceSpec{0, {0, 7, 799}, 10});
  RunOptions options;
  options.backend = BackendKind::cuda;
  options.backend_options.block_steps = 97;
  const RecordedRun cpu = test_support::run_collecting(spec, BackendKind::cpu), gpu = record_run(spec, options);
  test_support::expect_identical_runs(spec, cpu, gpu);
  const WeightRecord &a = cpu.weights[0], &b = gpu.weights[0];
  EXPECT_EQ(a.step, b.step);
  EXPECT_EQ(a.sample, b.sample);
  ASSERT_EQ(a.mean.size(), b.mean.size());
  ASSERT_GT(a.mean.size(), 100u);
  for (size_t s = 0; s < a.mean.size(); ++s) EXPECT_NEAR(a.mean[s], b.mean[s], 1e-9) << "sample " << s;  // summation order
}

TEST_F(CudaVsCpu, WeightRecordingsSampleTheSameExistingSynapses) {
  // The GPU builds the plastic projection itself; the CPU's copy comes from the host builder.
  const NetworkSpec spec = load_network_spec(test_support::source_path("configs/plasticity_eif.json"),
                                             {"N=1000", "T=10", "burn_in=0"});
  const int plastic = spec.recording.weights[0].projection;
  const Network host = build_network(spec, 1), partial = build_network(spec, 1, projections_built_on_host(BackendKind::cuda, spec));
  ASSERT_TRUE(partial.projections[plastic].row_start.empty());
  const SampledSynapses a = make_backend(BackendKind::cpu, spec, host, BackendOptions{})->sampled_synapses(0);
  const SampledSynapses b = make_backend(BackendKind::cuda, spec, partial, BackendOptions{})->sampled_synapses(0);
  ASSERT_EQ(a.pre.size(), static_cast<size_t>(spec.recording.weights[0].sample));
  EXPECT_EQ(a.pre, b.pre);
  EXPECT_EQ(a.post, b.post);
  const Connectivity& c = host.projections[plastic];
  for (size_t k = 0; k < a.pre.size(); ++k) {
    const auto row = c.targets.begin() + static_cast<std::ptrdiff_t>(c.row_start[a.pre[k]]);
    const auto end = c.targets.begin() + static_cast<std::ptrdiff_t>(c.row_start[a.pre[k] + 1]);
    EXPECT_NE(std::find(row, end, static_cast<uint32_t>(a.post[k])), end) << "no synapse " << a.pre[k] << " -> " << a.post[k];
  }
}

TEST_F(CudaVsCpu, APopulationWithTooManyPlasticProjectionsIsRefusedBeforeAnyWork) {
  NetworkSpec spec = load_network_spec(test_support::source_path("configs/plasticity_eif.json"), {"N=1000"});
  for (int copies = 0; copies < 4; ++copies) spec.projections.push_back(spec.projections[1]);  // five plastic I->E
  EXPECT_NO_THROW(require_runnable(BackendKind::cpu, spec, BackendOptions{}));
  try {
    require_runnable(BackendKind::cuda, spec, BackendOptions{});
    ADD_FAILURE() << "five plastic projections onto E were accepted";
  } catch (const RuntimeProblem& e) {
    EXPECT_NE(std::string(e.what()).find("population E needs 5"), std::string::npos) << e.what();
  }
}

TEST_F(CudaVsCpu, FastModeRatesAgreeWithinTwoPercent) {
  // With delays, drawn weights and a refractory period, so that fast mode's kernels for them run too.
  std::vector<std::string> sets = kDelayedCanonical;
  sets[0] = "T=2000";
  const NetworkSpec spec = load_network_spec(test_support::source_path("configs/balanced_eif.json"), sets);
  const RecordedRun cpu = test_support::run_collecting(spec, BackendKind::cpu);
  const RecordedRun gpu = test_support::run_collecting(spec, BackendKind::cuda, AccumulationMode::fast);
  EXPECT_EQ(gpu.report.mode, AccumulationMode::fast);
  for (size_t p = 0; p < spec.populations.size(); ++p) {
    SCOPED_TRACE(spec.populations[p].name);
    // About 4·10^4 E spikes after burn-in: a relative standard error near 0.5%.
    EXPECT_NEAR(gpu.report.populations[p].rate_hz / cpu.report.populations[p].rate_hz, 1.0, 0.02);
    ASSERT_TRUE(cpu.report.populations[p].cv_isi && gpu.report.populations[p].cv_isi);
    EXPECT_NEAR(*gpu.report.populations[p].cv_isi / *cpu.report.populations[p].cv_isi, 1.0, 0.05);
  }
}

// `eisim compare`: identical spikes in deterministic mode; in fast mode, rates, CVs and Fano
// factors of both backends with their relative differences.
TEST_F(CudaVsCpu, CompareReportsIdenticalSpikesOrTheStatisticalDifferences) {
  const NetworkSpec spec =
      load_network_spec(test_support::source_path("configs/balanced_eif.json"), {"N=2000", "T=1500", "burn_in=300"});
  RunOptions options;
  options.backend = BackendKind::cuda;
  const nlohmann::ordered_json deterministic = compare_backends(spec, options);
  EXPECT_EQ(deterministic["reference"], "cpu");
  EXPECT_EQ(deterministic["candidate"], "cuda");
  EXPECT_EQ(deterministic["mode"], "deterministic");
  EXPECT_TRUE(deterministic["identical_spikes"].get<bool>()) << deterministic.dump(2);
  EXPECT_FALSE(deterministic.contains("first_difference"));
  EXPECT_EQ(deterministic["populations"]["E"]["rate_rel_diff"].get<double>(), 0.0);

  // Fast mode by tiles (fast mode by rows: FastModeRatesAgreeWithinTwoPercent).
  options.backend_options.mode = AccumulationMode::fast;
  options.backend_options.delivery = Delivery::tiles;
  const nlohmann::ordered_json fast = compare_backends(spec, options);
  EXPECT_EQ(fast["mode"], "fast");
  for (const char* population : {"E", "I"}) {
    const nlohmann::ordered_json& p = fast["populations"][population];
    EXPECT_GT(p["rate_hz"][0].get<double>(), 1.0) << population;
    EXPECT_LT(std::abs(p["rate_rel_diff"].get<double>()), 0.05) << population << ": " << p.dump();
    EXPECT_LT(std::abs(p["cv_rel_diff"].get<double>()), 0.1) << population << ": " << p.dump();
    EXPECT_TRUE(p.contains("fano_rel_diff")) << population;
  }

  // The fast comparison's reference is the CPU in deterministic mode, whatever mode the candidate has:
  // the CPU refuses fast mode (FastMode.*), so a fast reference could not have run at all. The JSON's
  // "mode" is the candidate's and nothing in it names the reference's; but the reference ran as in the
  // deterministic comparison: the same spikes, so the same statistics to the bit.
  EXPECT_EQ(fast["reference"], "cpu");
  EXPECT_EQ(fast["candidate"], "cuda");
  for (const char* population : {"E", "I"}) {
    const nlohmann::ordered_json& f = fast["populations"][population];
    const nlohmann::ordered_json& d = deterministic["populations"][population];
    for (const char* statistic : {"rate_hz", "cv_isi", "fano"}) {
      EXPECT_EQ(f[statistic][0], d[statistic][0]) << population << " " << statistic << ": the reference ran otherwise";
    }
  }
}

TEST_F(CudaVsCpu, ANetworkThatWillNotFitOnTheGpuIsRefusedBeforeAnyWork) {
  const NetworkSpec spec =
      load_network_spec(test_support::source_path("configs/balanced_eif.json"), {"N=100000", "p=0.001"});
  RunOptions options;
  options.backend = BackendKind::cuda;
  options.backend_options.block_steps = 1000000;  // spike buffers of 8 bytes * 1.2e5 neurons * 1e6 steps
  try {
    run_simulation(spec, options);
    FAIL() << "expected the run to be refused";
  } catch (const RuntimeProblem& e) {
    EXPECT_NE(std::string(e.what()).find("will not fit on the GPU"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("free"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace eisim
