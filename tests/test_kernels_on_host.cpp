// The CUDA backend's kernels (kernels/step_kernels.cuh), compiled as host code and launched by an
// emulator that follows kernels/cuda_backend.cu step for step, must reproduce the CPU backend bit
// for bit in deterministic mode. This checks the kernels' logic (indexing, trace layout, spike
// lists, fixed-point input) on machines without a GPU; the CUDA runtime side (graphs, copies) is
// checked by tests/test_cuda_equivalence.cpp where a GPU is present.
#include "cuda_host_shim.hpp"
// The shim must come first.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <numeric>

#include "../kernels/build_kernels.cuh"
#include "../kernels/step_kernels.cuh"
#include "eisim/backend_setup.hpp"
#include "eisim/compare.hpp"
#include "eisim/random.hpp"
#include "test_support.hpp"

namespace eisim {
namespace {

// Host vectors in place of device buffers; otherwise what CudaBackend<Input> does.
template <typename Input>
class EmulatedGpu {
 public:
  EmulatedGpu(const NetworkSpec& spec, const Network& net, int64_t block) : spec_(spec), net_(net), block_(block) {
    const size_t n_pops = spec.populations.size();
    pops_.resize(n_pops);
    step_counts_.assign(2 * n_pops, 0);
    record_counts_.assign(n_pops, 0);
    for (size_t a = 0; a < n_pops; ++a) {
      const PopulationSpec& pop = spec.populations[a];
      Pop& p = pops_[a];
      p.capacity = static_cast<unsigned int>(pop.model == NeuronModel::poisson ? 2 * pop.size + 1024 : pop.size);
      p.step_spikes.resize(2 * p.capacity);
      p.record_neuron.resize(pop.size * block);
      p.record_step.resize(pop.size * block);
      if (pop.model == NeuronModel::poisson) {
        p.next = initial_poisson_candidates(spec, static_cast<int>(a));
        p.candidates.assign(pop.size, 0);
        continue;
      }
      p.V = initial_potentials(spec, static_cast<int>(a));
      for (int k : incoming_projections(spec, static_cast<int>(a))) {
        p.currents.emplace_back(pop.size, 0.0f);
        p.inputs.emplace_back(pop.size, Input(0));
        p.decays.push_back(synaptic_decay(spec.projections[k], spec.simulation.dt_ms));
      }
      for (auto& c : p.currents) p.current_pointers.push_back(c.data());
      for (auto& i : p.inputs) p.input_pointers.push_back(i.data());
    }
    channel_ = projection_channels(spec);
    plastic_.resize(spec.projections.size());
    for (size_t k = 0; k < spec.projections.size(); ++k) {
      const ProjectionSpec& proj = spec.projections[k];
      if (!proj.plasticity) continue;
      Plastic& p = plastic_[k];
      p.constants = plasticity_constants(proj, spec.simulation.dt_ms);
      p.weight.assign(net.projections[k].synapse_count(), static_cast<float>(proj.weight));
      p.y_pre.assign(spec.populations[proj.pre].size, 0.0f);
      p.y_post.assign(spec.populations[proj.post].size, 0.0f);
      p.index = postsynaptic_index(net.projections[k], spec.populations[proj.post].size);
    }
    for (const WeightRecordingSpec& w : spec.recording.weights) {
      WeightRecording r;
      for (uint64_t s : weight_sample(net.projections[w.projection].synapse_count(), w.sample)) r.sample.push_back(s);
      const size_t samples = static_cast<size_t>(block / w.every_steps + 1);
      r.partial_sums.resize(samples * kRecordThreads);
      r.sampled.resize(samples * r.sample.size());
      recordings_.push_back(r);
    }
    for (size_t t = 0; t < spec.recording.traces.size(); ++t) {
      const TraceSpec& trace = spec.recording.traces[t];
      Pop& p = pops_[trace.population];
      p.trace = static_cast<int>(t);
      p.trace_slot.assign(spec.populations[trace.population].size, -1);
      for (size_t s = 0; s < trace.neurons.size(); ++s) p.trace_slot[trace.neurons[s]] = static_cast<int32_t>(s);
      p.trace_buffer.resize((block / trace.every_steps + 1) * trace.neurons.size() * (1 + p.currents.size()));
    }
  }

  const std::vector<float>& weights(int projection) const { return plastic_[projection].weight; }

  void advance(int64_t first, int64_t count, BlockOutput& out) {
    const double dt = spec_.simulation.dt_ms;
    std::fill(record_counts_.begin(), record_counts_.end(), 0);
    for (size_t a = 0; a < pops_.size(); ++a) {
      const PopulationSpec& pop = spec_.populations[a];
      if (pop.model == NeuronModel::poisson) {
        pops_[a].acceptance = poisson_acceptance(pop, dt, first, count);
      } else {
        pops_[a].external = external_current(pop, dt, first, count);
      }
    }
    const cuda::BlockClock clock{first};
    for (int64_t s = 0; s < count; ++s) step(clock, static_cast<int>(s));
    for (size_t r = 0; r < recordings_.size(); ++r) {
      const WeightRecordingSpec& w = spec_.recording.weights[r];
      const int64_t first_sample = (first + w.every_steps - 1) / w.every_steps;
      const int64_t last_sample = (first + count - 1) / w.every_steps;
      const double synapses = static_cast<double>(plastic_[w.projection].weight.size());
      for (int64_t s = first_sample; s <= last_sample; ++s) {
        const size_t k = static_cast<size_t>(s - first_sample);
        double sum = 0.0;
        for (size_t t = 0; t < kRecordThreads; ++t) sum += recordings_[r].partial_sums[k * kRecordThreads + t];
        out.weights[r].step.push_back(s * w.every_steps);
        out.weights[r].mean.push_back(sum / synapses);
        const auto row = recordings_[r].sampled.begin() + static_cast<std::ptrdiff_t>(k * recordings_[r].sample.size());
        out.weights[r].sample.insert(out.weights[r].sample.end(), row, row + static_cast<std::ptrdiff_t>(recordings_[r].sample.size()));
      }
    }
    for (size_t a = 0; a < pops_.size(); ++a) {
      ASSERT_EQ(overflow_, 0u);
      std::vector<uint64_t> keys;
      for (size_t r = 0; r < record_counts_[a]; ++r) {
        keys.push_back((static_cast<uint64_t>(pops_[a].record_step[r]) << 32) | pops_[a].record_neuron[r]);
      }
      std::sort(keys.begin(), keys.end());
      for (uint64_t key : keys) {
        out.spikes[a].step.push_back(first + static_cast<int64_t>(key >> 32));
        out.spikes[a].neuron.push_back(static_cast<uint32_t>(key & 0xFFFFFFFFu));
      }
    }
    for (size_t t = 0; t < spec_.recording.traces.size(); ++t) {
      const TraceSpec& trace = spec_.recording.traces[t];
      const int64_t first_sample = (first + trace.every_steps - 1) / trace.every_steps;
      const int64_t last_sample = (first + count - 1) / trace.every_steps;
      const Pop& p = pops_[trace.population];
      const size_t width = trace.neurons.size() * (1 + p.currents.size());
      for (int64_t s = first_sample; s <= last_sample; ++s) {
        out.traces[t].step.push_back(s * trace.every_steps);
        const float* row = p.trace_buffer.data() + (s - first_sample) * width;
        out.traces[t].values.insert(out.traces[t].values.end(), row, row + width);
      }
    }
  }

 private:
  struct Plastic {
    PlasticityConstants constants{};
    std::vector<float> weight, y_pre, y_post;
    PostsynapticIndex index;
  };

  cuda::SpikeList list(size_t a) {
    return cuda::SpikeList{pops_[a].step_spikes.data(), &step_counts_[2 * a], pops_[a].capacity};
  }

  struct Pop {
    std::vector<float> V;
    std::vector<std::vector<float>> currents;
    std::vector<std::vector<Input>> inputs;
    std::vector<float*> current_pointers;
    std::vector<Input*> input_pointers;
    std::vector<float> decays, external, trace_buffer;
    std::vector<double> next, acceptance;
    std::vector<unsigned long long> candidates;
    std::vector<int32_t> trace_slot;
    int trace = -1;
    std::vector<uint32_t> step_spikes, record_neuron;
    unsigned int capacity = 0;
    std::vector<int32_t> record_step;
  };

  cuda::SpikeSink sink(size_t a) {
    Pop& p = pops_[a];
    return cuda::SpikeSink{list(a), p.record_neuron.data(), p.record_step.data(), &record_counts_[a],
                           p.record_neuron.size(), &overflow_};
  }

  void step(const cuda::BlockClock& clock, int s) {
    for (size_t r = 0; r < recordings_.size(); ++r) {
      const WeightRecordingSpec& w = spec_.recording.weights[r];
      WeightRecording& rec = recordings_[r];
      const cuda::WeightRecordView view{plastic_[w.projection].weight.data(), plastic_[w.projection].weight.size(),
                                        rec.sample.data(), static_cast<int>(rec.sample.size()), w.every_steps,
                                        rec.partial_sums.data(), rec.sampled.data()};
      emulate_launch(kRecordThreads / 64, 64, cuda::record_weights, view, &clock, s);
    }
    std::vector<cuda::PopulationView<Input>> views;
    int neurons = 0;
    for (size_t a = 0; a < pops_.size(); ++a) {
      const PopulationSpec& pop = spec_.populations[a];
      Pop& p = pops_[a];
      cuda::PopulationView<Input> v{};
      v.first = neurons;
      v.n = static_cast<int>(pop.size);
      v.poisson = pop.model == NeuronModel::poisson;
      v.sink = sink(a);
      if (v.poisson) {
        v.source = cuda::PoissonView{spec_.simulation.seed, random_stream(RandomPurpose::poisson, static_cast<uint32_t>(a)),
                                     spec_.simulation.dt_ms, pop.rate.max_hz() / 1000.0, p.next.data(),
                                     p.candidates.data(), p.acceptance.data()};
      } else {
        const TraceSpec* trace = p.trace >= 0 ? &spec_.recording.traces[p.trace] : nullptr;
        v.membrane = cuda::MembraneView<Input>{pop.model,
                                               membrane_constants(pop.membrane, spec_.simulation.dt_ms),
                                               p.V.data(),
                                               static_cast<int>(p.currents.size()),
                                               p.current_pointers.data(),
                                               p.input_pointers.data(),
                                               p.decays.data(),
                                               p.external.data(),
                                               trace ? p.trace_slot.data() : nullptr,
                                               trace ? static_cast<int>(trace->neurons.size()) : 0,
                                               trace ? trace->every_steps : 1,
                                               trace ? p.trace_buffer.data() : nullptr};
      }
      neurons += v.n;
      views.push_back(v);
    }
    emulate_launch(static_cast<unsigned int>((neurons + 255) / 256), 256, cuda::update_neurons<Input>,
                   static_cast<const cuda::PopulationView<Input>*>(views.data()), static_cast<int>(views.size()),
                   neurons, &clock, s);
    std::vector<cuda::DeliveryView<Input>> deliveries;
    for (size_t k = 0; k < spec_.projections.size(); ++k) {
      const ProjectionSpec& proj = spec_.projections[k];
      const Connectivity& c = net_.projections[k];
      const Input jump = std::is_same_v<Input, float> ? static_cast<Input>(jump_float(proj))
                                                      : static_cast<Input>(jump_fixed(proj));
      Plastic& plastic = plastic_[k];
      deliveries.push_back(cuda::DeliveryView<Input>{list(proj.pre),
                                                     reinterpret_cast<const unsigned long long*>(c.row_start.data()),
                                                     c.targets.data(), pops_[proj.post].input_pointers[channel_[k]], jump,
                                                     proj.plasticity ? plastic.weight.data() : nullptr,
                                                     plastic.constants});
    }
    emulate_launch(7, 32, cuda::deliver_spikes<Input>, static_cast<const cuda::DeliveryView<Input>*>(deliveries.data()),
                   static_cast<int>(deliveries.size()), step_counts_.data(), static_cast<int>(pops_.size()), &clock, s);
    for (size_t k = 0; k < spec_.projections.size(); ++k) {
      const ProjectionSpec& proj = spec_.projections[k];
      if (!proj.plasticity) continue;
      Plastic& p = plastic_[k];
      const Connectivity& c = net_.projections[k];
      const cuda::PlasticView view{list(proj.pre), list(proj.post),
                                   static_cast<int>(p.y_pre.size()), static_cast<int>(p.y_post.size()),
                                   reinterpret_cast<const unsigned long long*>(c.row_start.data()), c.targets.data(),
                                   reinterpret_cast<const unsigned long long*>(p.index.start.data()),
                                   reinterpret_cast<const unsigned long long*>(p.index.synapse.data()),
                                   p.index.pre.data(), p.weight.data(), p.y_pre.data(), p.y_post.data(), p.constants};
      const unsigned int blocks = static_cast<unsigned int>((std::max(view.n_pre, view.n_post) + 255) / 256);
      emulate_launch(blocks, 256, cuda::decay_traces, view);
      emulate_launch(5, 32, cuda::presynaptic_updates, view, &clock, s);
      emulate_launch(blocks, 256, cuda::add_spikes_to_trace, view.pre, view.y_pre, p.constants.trace_jump, &clock, s);
      emulate_launch(5, 32, cuda::postsynaptic_updates, view, &clock, s);
      emulate_launch(blocks, 256, cuda::add_spikes_to_trace, view.post, view.y_post, p.constants.trace_jump, &clock, s);
    }
  }

  const NetworkSpec& spec_;
  const Network& net_;
  int64_t block_;
  std::vector<Pop> pops_;
  std::vector<int> channel_;
  std::vector<Plastic> plastic_;  // by projection; empty for static ones
  struct WeightRecording {
    std::vector<unsigned long long> sample;
    std::vector<double> partial_sums;
    std::vector<float> sampled;
  };
  static constexpr size_t kRecordThreads = 1024;
  std::vector<WeightRecording> recordings_;
  std::vector<unsigned int> step_counts_;
  std::vector<unsigned long long> record_counts_;
  unsigned int overflow_ = 0;
};

// The emulated run's spikes and traces; `final_weights` gets projection `plastic`'s weights.
template <typename Input>
RecordedRun run_emulated(const NetworkSpec& spec, int plastic = -1, std::vector<float>* final_weights = nullptr) {
  const Network net = build_network(spec, 1);
  const int64_t block = 97;  // not a multiple of the trace intervals, to exercise the sample indexing
  EmulatedGpu<Input> gpu(spec, net, block);
  RecordedRun run;
  run.spikes.resize(spec.populations.size());
  run.traces.resize(spec.recording.traces.size());
  run.weights.resize(spec.recording.weights.size());
  for (int64_t first = 0; first < spec.simulation.n_steps(); first += block) {
    BlockOutput out;
    out.reset(spec);
    gpu.advance(first, std::min(block, spec.simulation.n_steps() - first), out);
    for (size_t a = 0; a < out.spikes.size(); ++a) {
      run.spikes[a].step.insert(run.spikes[a].step.end(), out.spikes[a].step.begin(), out.spikes[a].step.end());
      run.spikes[a].neuron.insert(run.spikes[a].neuron.end(), out.spikes[a].neuron.begin(), out.spikes[a].neuron.end());
    }
    for (size_t t = 0; t < out.traces.size(); ++t) {
      run.traces[t].step.insert(run.traces[t].step.end(), out.traces[t].step.begin(), out.traces[t].step.end());
      run.traces[t].values.insert(run.traces[t].values.end(), out.traces[t].values.begin(), out.traces[t].values.end());
    }
    for (size_t r = 0; r < out.weights.size(); ++r) {
      WeightRecord& w = run.weights[r];
      w.step.insert(w.step.end(), out.weights[r].step.begin(), out.weights[r].step.end());
      w.mean.insert(w.mean.end(), out.weights[r].mean.begin(), out.weights[r].mean.end());
      w.sample.insert(w.sample.end(), out.weights[r].sample.begin(), out.weights[r].sample.end());
    }
  }
  if (final_weights) *final_weights = gpu.weights(plastic);
  return run;
}

TEST(KernelsOnHost, DeterministicKernelsReproduceTheCpuBackendForEveryConfig) {
  for (const auto& entry : std::filesystem::directory_iterator(test_support::source_path("configs"))) {
    if (entry.path().extension() != ".json") continue;
    SCOPED_TRACE(entry.path().string());
    const NetworkSpec spec = load_network_spec(entry.path().string(), {"simulation.T=834.5", "simulation.burn_in=0"});
    const RecordedRun cpu = test_support::run_collecting(spec);
    test_support::expect_identical_runs(spec, cpu, run_emulated<cuda::FixedInput>(spec));
  }
}

TEST(KernelsOnHost, PlasticityKernelsGiveTheCpuBackendsWeightsBitForBit) {
  NetworkSpec spec = load_network_spec(test_support::source_path("configs/plasticity_eif.json"),
                                       {"N=1000", "T=600", "burn_in=0", "eta=200"});
  spec.recording.weights[0].every_steps = 45;  // several samples per 97-step block
  const Network net = build_network(spec, 1);
  auto cpu = make_backend("cpu", spec, net, BackendOptions{});
  BlockOutput out;
  out.reset(spec);
  cpu->advance(0, spec.simulation.n_steps(), out);
  std::vector<float> emulated;
  const RecordedRun gpu = run_emulated<cuda::FixedInput>(spec, 1, &emulated);
  // Recorded weights: the samples bit for bit, the means up to the order of summation.
  const WeightRecord& recorded = out.weights[0];
  EXPECT_EQ(recorded.step, gpu.weights[0].step);
  EXPECT_EQ(recorded.sample, gpu.weights[0].sample);
  ASSERT_EQ(recorded.mean.size(), gpu.weights[0].mean.size());
  ASSERT_GT(recorded.mean.size(), 100u);
  for (size_t s = 0; s < recorded.mean.size(); ++s) EXPECT_NEAR(recorded.mean[s], gpu.weights[0].mean[s], 1e-9);
  const std::vector<float> reference = cpu->weights(1);
  ASSERT_EQ(reference.size(), emulated.size());
  EXPECT_NE(reference, std::vector<float>(reference.size(), static_cast<float>(spec.projections[1].weight)));
  EXPECT_EQ(0, std::memcmp(reference.data(), emulated.data(), reference.size() * sizeof(float)));
}

TEST(KernelsOnHost, BuildKernelsMakeTheHostBuildersConnectivity) {
  const NetworkSpec spec = load_network_spec(test_support::source_path("configs/balanced_eif.json"), {"N=3000"});
  const Network host = build_network(spec, 2);
  for (size_t k = 0; k < spec.projections.size(); ++k) {
    const ProjectionSpec& proj = spec.projections[k];
    const int n_pre = static_cast<int>(spec.populations[proj.pre].size);
    const ErdosRenyiRows rows = erdos_renyi_rows(spec.simulation.seed, connectivity_stream(k), erdos_renyi_p(proj),
                                                 spec.populations[proj.post].size);
    std::vector<unsigned long long> counts(n_pre + 1, 0), row_start(n_pre + 1);
    const unsigned int blocks = static_cast<unsigned int>((n_pre + 255) / 256);
    emulate_launch(blocks, 256, cuda::count_rows, rows, n_pre, counts.data());
    std::exclusive_scan(counts.begin(), counts.end(), row_start.begin(), 0ull);  // cub::DeviceScan on the GPU
    std::vector<uint32_t> targets(row_start.back());
    emulate_launch(blocks, 256, cuda::fill_rows, rows, n_pre, static_cast<const unsigned long long*>(row_start.data()),
                   targets.data());
    EXPECT_TRUE(std::equal(row_start.begin(), row_start.end(), host.projections[k].row_start.begin())) << proj.name;
    EXPECT_EQ(targets, host.projections[k].targets) << proj.name;
  }
}

TEST(KernelsOnHost, FastKernelsGiveTheSameRates) {
  const NetworkSpec spec = load_network_spec(test_support::source_path("configs/balanced_eif.json"), {"N=2000"});
  const RecordedRun cpu = test_support::run_collecting(spec);
  const RecordedRun gpu = run_emulated<float>(spec);
  for (size_t a = 0; a < 2; ++a) {
    const double ratio = static_cast<double>(gpu.spikes[a].step.size()) / static_cast<double>(cpu.spikes[a].step.size());
    EXPECT_NEAR(ratio, 1.0, 0.05) << spec.populations[a].name;
  }
}

}  // namespace
}  // namespace eisim
