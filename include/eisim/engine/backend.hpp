// The engine interface (docs/architecture.md, "Backends"): the run loop, recording and I/O do not
// know which backend is below.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "eisim/cluster/communicator.hpp"
#include "eisim/engine/config.hpp"
#include "eisim/engine/network.hpp"

namespace eisim {

// Spikes of one population during a block of steps, in step order. A spike in step n (from t_n to
// t_n + dt) is stamped t_{n+1} = (n + 1) dt, the time its synaptic effect begins.
struct SpikeRecord {
  std::vector<int64_t> step;
  std::vector<uint32_t> neuron;  // index within the population
};

// Samples of one TraceSpec: at each sampled step n, for each recorded neuron, V(t_n) followed by
// the population's synaptic currents I_c(t_n), one per incoming projection in config order.
struct TraceRecord {
  std::vector<int64_t> step;
  std::vector<float> values;
};

// Samples of one WeightRecordingSpec, taken at the start of step n (the weights at t_n):
// the mean over all synapses, and the sampled synapses' weights (see weight_sample()).
struct WeightRecord {
  std::vector<int64_t> step;
  std::vector<double> mean;
  std::vector<float> sample;
};

struct BlockOutput {
  std::vector<SpikeRecord> spikes;    // one per population
  std::vector<TraceRecord> traces;    // one per TraceSpec
  std::vector<WeightRecord> weights;  // one per WeightRecordingSpec
  void reset(const NetworkSpec& spec);
};

// Which engine computes: the CPU reference backend (src/cpu/) or the CUDA backend (kernels/).
enum class BackendKind { cpu, cuda };

const char* backend_name(BackendKind kind);  // "cpu", "cuda"
BackendKind parse_backend(const std::string& name);  // throws UsageError for any other name

// deterministic: synaptic input summed in 64-bit fixed point, so spikes do not depend on the
// order of summation and the CUDA backend reproduces the CPU's bit for bit.
// fast: float atomics on the GPU; statistically equivalent. The CPU backend is always deterministic.
enum class AccumulationMode { deterministic, fast };

const char* mode_name(AccumulationMode mode);  // "deterministic", "fast"
AccumulationMode parse_mode(const std::string& name);  // throws UsageError for any other name

// How the CUDA backend lays out connectivity for delivery: presynaptic rows (every backend), or
// postsynaptic tiles accumulated in shared memory where a projection suits them (kernels/tile_layout.hpp).
enum class Delivery { rows, tiles };

const char* delivery_name(Delivery delivery);  // "rows", "tiles"
Delivery parse_delivery(const std::string& name);  // throws UsageError for any other name

// How a backend delivers one projection's spikes, and the bytes of device or host memory its
// connectivity takes per synapse (row starts, targets or tile indices, drawn weights and delays).
struct ProjectionDelivery {
  Delivery layout = Delivery::rows;
  double bytes_per_synapse = 0.0;
};

struct BackendOptions {
  AccumulationMode mode = AccumulationMode::deterministic;
  int64_t block_steps = 100;  // most steps per start() call; the CUDA backend replays them as one graph
  Delivery delivery = Delivery::rows;
  // The ranks that share the network (communicator.hpp), each computing its slice; null: one process.
  Communicator* ranks = nullptr;
};

// The synapses a weight recording samples, by their neurons' indices in the two populations.
struct SampledSynapses {
  std::vector<int32_t> pre, post;
};

class Backend {
 public:
  virtual ~Backend() = default;
  virtual BackendKind kind() const = 0;
  std::string name() const { return backend_name(kind()); }
  virtual AccumulationMode mode() const = 0;
  virtual std::string device() const = 0;  // what computes: the CPU model, the GPU's name
  // Queues steps [first_step, first_step + count) to follow those already started. At most two
  // blocks may be outstanding: the CUDA backend computes one while its caller handles the other.
  void start(int64_t first_step, int64_t count);
  // Waits for the oldest outstanding block and appends what it produced to `out`.
  void collect(BlockOutput& out);
  // One block, start to finish.
  void advance(int64_t first_step, int64_t count, BlockOutput& out) {
    start(first_step, count);
    collect(out);
  }
  // Weights of projection k after every started block, one per synapse in presynaptic-major order.
  virtual std::vector<float> weights(int projection) const = 0;
  // Per population, the neuron-steps so far whose V the lower bound V_lb held (0 without a bound).
  virtual std::vector<uint64_t> steps_at_lower_bound() const = 0;
  // Synapses of every projection (a backend may have built some itself).
  virtual std::vector<uint64_t> synapse_counts() const = 0;
  // How each projection is delivered, on this rank.
  virtual std::vector<ProjectionDelivery> projection_delivery() const = 0;
  // The synapses that weight recording `recording` (of the spec's) samples (weight_sample,
  // backend_setup.hpp); on several ranks, on rank 0 (empty elsewhere).
  virtual SampledSynapses sampled_synapses(int recording) const = 0;

 protected:
  // start() and collect() for the backend, once the protocol has been checked.
  virtual void launch(int64_t first_step, int64_t count) = 0;
  virtual void finish(BlockOutput& out) = 0;

 private:
  int outstanding_ = 0;  // blocks started and not yet collected
};

// Throws RuntimeProblem, saying why, when backend `kind` cannot run here (no GPU, a build without CUDA).
void require_backend(BackendKind kind);

// What computes for backend `kind`: the CPU's model name, or the GPU's.
std::string device_description(BackendKind kind);

// Throws when backend `kind` cannot run this network with these options here: UsageError for options
// that mean nothing on it (fast mode on the CPU), RuntimeProblem for a feature it lacks or not enough
// host or (CUDA) GPU memory, naming the estimate and what is free. Cheap: it uses expected synapse counts.
void require_runnable(BackendKind kind, const NetworkSpec& spec, const BackendOptions& options);

// Bytes of GPU memory the network needs on backend `kind` (0 for the CPU backend).
double device_memory_estimate(BackendKind kind, const NetworkSpec& spec, const BackendOptions& options);

// The backend, set up for this network (call require_runnable first: it checks memory before the
// network is built); throws as require_backend does, and UsageError for options that mean nothing.
std::unique_ptr<Backend> make_backend(BackendKind kind, const NetworkSpec& spec, const Network& net,
                                      const BackendOptions& options);

// Indices of the projections onto population `post`, in config order: its first synaptic channels.
std::vector<int> incoming_projections(const NetworkSpec& spec, int post);

// A population's synaptic channels: its incoming projections', then its Poisson input's where it has
// one (the last); their number and their time constants tau_syn.
int channel_count(const NetworkSpec& spec, int post);
std::vector<double> channel_time_constants(const NetworkSpec& spec, int post);

// Which projections the run loop builds on the host for backend `kind`: all for the CPU; for CUDA
// those the GPU cannot build itself (fixed in-degree rules).
std::vector<bool> projections_built_on_host(BackendKind kind, const NetworkSpec& spec);

// For each projection, its channel: its position among the projections onto its population.
std::vector<int> projection_channels(const NetworkSpec& spec);

}  // namespace eisim
