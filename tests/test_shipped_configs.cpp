// Every network description shipped in configs/ runs on the CPU and does what it is for: its rates are
// finite and non-negative, its summary covers every population, its spikes name neurons of their
// population at steps within the run, and every population that its inputs drive spikes. And a run is
// reproducible: the same seed gives the same spikes, another seed others.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "eisim/cli/summary.hpp"
#include "eisim/engine/config.hpp"
#include "test_support.hpp"

namespace eisim {
namespace {

// The input current (mV) held at which a neuron spikes: I_th = V_T - E_L - D for the EIF (book
// Sec. 1.2), V_th - E_L for the LIF.
double rheobase_mv(const PopulationSpec& pop) {
  const MembraneParams& m = pop.membrane;
  return pop.model == NeuronModel::eif ? m.V_T - m.E_L - m.D : m.V_th - m.E_L;
}

// Whether the population's external current exceeds its rheobase at some time in [0, t_ms).
bool has_suprathreshold_current(const PopulationSpec& pop, double t_ms) {
  const CurrentSchedule& I = pop.external_current;
  for (size_t k = 0; k < I.value.size(); ++k) {
    if ((k == 0 || I.t_ms[k] < t_ms) && I.value[k] > rheobase_mv(pop)) return true;
  }
  return false;
}

// The populations a run of t_ms must see spike: Poisson sources with a positive rate, and spiking
// neurons (not leaky integrators, which never spike) that receive input: an external current above
// their rheobase during the run, or an excitatory projection (positive weight, some synapses) from a
// population that spikes, or an excitatory Poisson input, followed through recurrent networks until
// nothing changes.
std::vector<bool> expected_to_spike(const NetworkSpec& spec, double t_ms) {
  std::vector<bool> expected(spec.populations.size(), false);
  for (size_t a = 0; a < spec.populations.size(); ++a) {
    const PopulationSpec& pop = spec.populations[a];
    if (pop.model == NeuronModel::poisson) {
      expected[a] = pop.rate.max_hz() > 0.0;
    } else if (pop.spiking()) {
      expected[a] = has_suprathreshold_current(pop, t_ms) ||
                    (pop.poisson_input && pop.poisson_input->rate_hz > 0 && pop.poisson_input->weight > 0);
    }
  }
  for (bool changed = true; changed;) {
    changed = false;
    for (const ProjectionSpec& proj : spec.projections) {
      const PopulationSpec& post = spec.populations[proj.post];
      if (expected[proj.post] || !expected[proj.pre] || !post.spiking() || post.model == NeuronModel::poisson) continue;
      if (proj.weight > 0.0 && proj.mean_indegree(spec.populations[proj.pre].size, post.size) > 0.0) {
        expected[proj.post] = true;
        changed = true;
      }
    }
  }
  return expected;
}

std::string number(double x) {
  std::ostringstream out;
  out.precision(17);
  out << x;
  return out.str();
}

// How long each config runs. The networks of thousands of neurons run 50 ms: driven by hundreds of
// inputs each, they spike within milliseconds. A config of at most 1000 integrating neurons runs its
// whole T, which is cheap (under 0.2 s) and needed: its input may come late or its spikes be sparse.
constexpr double kBriefMs = 50.0;
constexpr double kTestScale = 0.05;  // a config with a `scale` parameter (the microcircuit) runs at it
constexpr int64_t kSmallNetworkNeurons = 1000;

double run_length_ms(const NetworkSpec& spec) {
  int64_t integrating = 0;
  for (const PopulationSpec& pop : spec.populations) {
    if (pop.model != NeuronModel::poisson) integrating += pop.size;
  }
  return integrating <= kSmallNetworkNeurons ? spec.simulation.t_ms : kBriefMs;
}

// Why each shipped config's populations are expected to spike, and what they did when this was written
// (CPU, the configs' seeds):
//   balanced_eif.json, plasticity_eif.json (50 ms): X is Poisson at 10 Hz; E and I receive it with
//     positive weights, a mean drive K j r_x of 42 and 32 mV, far above I_th = 16 mV (the balancing
//     inhibition builds up only as they fire). About 1050 E, 560 I and 480 X spikes.
//   feedforward_eif.json (whole 2000 ms, 100 EIF neurons): E and I are Poisson at 8 and 15 Hz; post
//     receives E. Its mean input, 12.75 mV, is below I_th = 15 mV, but the fluctuations make it fire at
//     about 6 Hz (book Fig. 2.6): about 1270 spikes.
//   eif_poisson_synapses.json (whole 2000 ms, one EIF neuron): the same input to one neuron, Pe and Pi
//     Poisson: the neuron fires about 7 times, Pe and Pi thousands.
//   eif_step_input.json (whole 1000 ms, one EIF neuron, no projections): I_ext is 20 mV from 600 to
//     800 ms, above I_th = 15 mV, so it spikes periodically there (5 spikes); the 10 mV step at
//     200-400 ms is below I_th and alone would not count.
//   microcircuit.json at scale 0.05 (50 ms, 3860 LIF neurons): every population has its Poisson input
//     (K_ext 8 Hz with weight J_E) and a DC input; 12 to 133 spikes per population.
TEST(Configs, EveryShippedConfigRunsAndItsSpikingPopulationsSpike) {
  int seen = 0;
  for (const auto& entry : std::filesystem::directory_iterator(test_support::source_path("configs"))) {
    if (entry.path().extension() != ".json") continue;
    SCOPED_TRACE(entry.path().string());
    const std::string path = entry.path().string();
    const double t_ms = run_length_ms(load_network_spec(path, test_support::test_overrides(path, kTestScale, {})));
    const NetworkSpec spec = load_network_spec(
        path, test_support::test_overrides(path, kTestScale, {"simulation.T=" + number(t_ms), "simulation.burn_in=0"}));
    const auto run = test_support::run_collecting(spec);
    EXPECT_EQ(run.report.populations.size(), spec.populations.size());
    ASSERT_EQ(run.spikes.size(), spec.populations.size());
    const nlohmann::ordered_json summary = make_summary(spec, run.report, entry.path().string());
    const std::vector<bool> expected = expected_to_spike(spec, t_ms);
    const int64_t n_steps = spec.simulation.n_steps();
    int spiking = 0;
    for (size_t a = 0; a < spec.populations.size() && a < run.report.populations.size(); ++a) {
      const PopulationSpec& pop = spec.populations[a];
      SCOPED_TRACE(pop.name);
      const PopulationStatistics& stats = run.report.populations[a];
      EXPECT_TRUE(std::isfinite(stats.rate_hz) && stats.rate_hz >= 0.0) << stats.rate_hz;
      for (double rate : stats.rate_hz_windows) EXPECT_TRUE(std::isfinite(rate) && rate >= 0.0) << rate;

      ASSERT_TRUE(summary["populations"].contains(pop.name)) << summary["populations"].dump();
      const auto& entry_summary = summary["populations"][pop.name];
      EXPECT_EQ(entry_summary["n"].get<int64_t>(), pop.size);
      EXPECT_TRUE(entry_summary["rate_hz"].is_number()) << entry_summary.dump();

      const SpikeRecord& spikes = run.spikes[a];
      ASSERT_EQ(spikes.step.size(), spikes.neuron.size());
      EXPECT_EQ(stats.spikes, spikes.step.size());
      EXPECT_EQ(entry_summary["spikes"].get<uint64_t>(), spikes.step.size());
      if (expected[a]) {
        ++spiking;
        EXPECT_GT(spikes.step.size(), 0u) << pop.name << " receives input but never spiked in " << t_ms << " ms";
      }
      if (pop.model == NeuronModel::leaky_integrator) {
        EXPECT_TRUE(spikes.step.empty()) << "a leaky integrator spiked";
      }
      for (size_t k = 0; k < spikes.step.size(); ++k) {
        ASSERT_LT(static_cast<int64_t>(spikes.neuron[k]), pop.size) << "spike " << k;
        ASSERT_GE(spikes.step[k], 0) << "spike " << k;
        ASSERT_LT(spikes.step[k], n_steps) << "spike " << k;
        if (k > 0) {
          ASSERT_GE(spikes.step[k], spikes.step[k - 1]) << "spike " << k << ": out of step order";
        }
      }
    }
    EXPECT_GT(spiking, 0) << "nothing in this config is expected to spike: the check above would be empty";
    ++seen;
  }
  EXPECT_GE(seen, 5);
}

TEST(Reproducibility, SameSeedSameSpikesOtherSeedOtherSpikes) {
  const std::string path = test_support::source_path("configs/balanced_eif.json");
  const std::vector<std::string> small{"N=2000", "T=300", "burn_in=100"};
  auto with_seed = [&](const std::string& seed) {
    std::vector<std::string> o = small;
    o.push_back("seed=" + seed);
    return test_support::run_collecting(load_network_spec(path, o));
  };
  const auto a = with_seed("7"), b = with_seed("7"), c = with_seed("8");
  for (size_t p = 0; p < a.spikes.size(); ++p) {
    ASSERT_FALSE(a.spikes[p].step.empty());
    EXPECT_EQ(a.spikes[p].step, b.spikes[p].step);
    EXPECT_EQ(a.spikes[p].neuron, b.spikes[p].neuron);
    EXPECT_NE(a.spikes[p].neuron, c.spikes[p].neuron);
  }
}

}  // namespace
}  // namespace eisim
