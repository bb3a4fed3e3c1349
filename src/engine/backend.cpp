// What every backend shares (docs/architecture.md, "Backends"): the start/collect protocol, checked
// once here, the names of backends and modes, and how projections map onto synaptic channels.
#include "eisim/engine/backend.hpp"

#include "eisim/errors.hpp"

namespace eisim {

void BlockOutput::reset(const NetworkSpec& spec) {
  spikes.assign(spec.populations.size(), SpikeRecord{});
  traces.assign(spec.recording.traces.size(), TraceRecord{});
  weights.assign(spec.recording.weights.size(), WeightRecord{});
}

void Backend::start(int64_t first_step, int64_t count) {
  if (outstanding_ == 2) throw InternalError(name() + " backend: start: two blocks are already outstanding");
  launch(first_step, count);
  ++outstanding_;
}

void Backend::collect(BlockOutput& out) {
  if (outstanding_ == 0) throw InternalError(name() + " backend: collect: no block was started");
  finish(out);
  --outstanding_;
}

const char* backend_name(BackendKind kind) { return kind == BackendKind::cpu ? "cpu" : "cuda"; }

BackendKind parse_backend(const std::string& name) {
  for (BackendKind kind : {BackendKind::cpu, BackendKind::cuda}) {
    if (name == backend_name(kind)) return kind;
  }
  throw UsageError("--backend " + name + ": unknown backend (known: cpu, cuda)");
}

const char* mode_name(AccumulationMode mode) {
  return mode == AccumulationMode::deterministic ? "deterministic" : "fast";
}

AccumulationMode parse_mode(const std::string& name) {
  for (AccumulationMode mode : {AccumulationMode::deterministic, AccumulationMode::fast}) {
    if (name == mode_name(mode)) return mode;
  }
  throw UsageError("--mode " + name + ": unknown mode (known: deterministic, fast)");
}

const char* delivery_name(Delivery delivery) { return delivery == Delivery::rows ? "rows" : "tiles"; }

Delivery parse_delivery(const std::string& name) {
  for (Delivery delivery : {Delivery::rows, Delivery::tiles}) {
    if (name == delivery_name(delivery)) return delivery;
  }
  throw UsageError("--delivery " + name + ": unknown layout (known: rows, tiles)");
}

std::vector<int> incoming_projections(const NetworkSpec& spec, int post) {
  std::vector<int> incoming;
  for (size_t k = 0; k < spec.projections.size(); ++k) {
    if (spec.projections[k].post == post) incoming.push_back(static_cast<int>(k));
  }
  return incoming;
}

int channel_count(const NetworkSpec& spec, int post) {
  return static_cast<int>(incoming_projections(spec, post).size()) + (spec.populations[post].poisson_input ? 1 : 0);
}

std::vector<double> channel_time_constants(const NetworkSpec& spec, int post) {
  std::vector<double> tau;
  for (int k : incoming_projections(spec, post)) tau.push_back(spec.projections[k].tau_syn);
  if (spec.populations[post].poisson_input) tau.push_back(spec.populations[post].poisson_input->tau_syn);
  return tau;
}

std::vector<int> projection_channels(const NetworkSpec& spec) {
  std::vector<int> channel, count(spec.populations.size(), 0);
  for (const ProjectionSpec& proj : spec.projections) channel.push_back(count[proj.post]++);
  return channel;
}

}  // namespace eisim
