// The output writer: recorded blocks to .npy files on a thread of its own;
// docs/architecture.md, "Outputs".
#include "eisim/engine/output_writer.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "eisim/engine/backend_setup.hpp"

#include "eisim/errors.hpp"

namespace eisim {
namespace {
constexpr size_t kMaxQueuedBlocks = 64;
}

std::string current_label(const NetworkSpec& spec, int post, int channel) {
  const std::vector<int> incoming = incoming_projections(spec, post);
  if (channel == static_cast<int>(incoming.size())) return "poisson_input";  // the last channel
  const ProjectionSpec& proj = spec.projections[incoming[channel]];
  int same_source = 0;
  for (int k : incoming) same_source += spec.projections[k].pre == proj.pre;
  if (same_source == 1) return spec.populations[proj.pre].name;
  std::string name = proj.name;
  for (char& c : name) {
    if (c == '>' || c == '-' || c == '/') c = '_';
  }
  return name;
}

std::string projection_file_label(const ProjectionSpec& proj) {
  std::string label;
  for (size_t k = 0; k < proj.name.size(); ++k) {
    if (proj.name.compare(k, 2, "->") == 0) {
      label += "_to_";
      ++k;
    } else {
      label += std::isalnum(static_cast<unsigned char>(proj.name[k])) ? proj.name[k] : '_';
    }
  }
  return label;
}

OutputWriter::OutputWriter(const NetworkSpec& spec, const std::string& dir)
    : spec_(spec), spike_slot_(spec.populations.size(), -1), dir_(dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw RuntimeProblem("--out " + dir + ": cannot create the folder (" + ec.message() + ")");
  auto path = [&](const std::string& name) {
    files_.push_back(name);
    return (std::filesystem::path(dir) / name).string();
  };
  for (int a : spec.recording.spike_populations) {
    if (spike_slot_[a] >= 0) continue;
    const std::string& name = spec.populations[a].name;
    spike_slot_[a] = static_cast<int>(spike_files_.size());
    spike_files_.emplace_back(NpyWriter::of<double>(path(name + "_spike_times.npy")),
                              NpyWriter::of<int32_t>(path(name + "_spike_ids.npy")));
  }
  for (size_t k = 0; k < spec.recording.traces.size(); ++k) {
    const TraceSpec& trace = spec.recording.traces[k];
    const std::string prefix = spec.populations[trace.population].name + "_trace";
    std::vector<int32_t> ids(trace.neurons.begin(), trace.neurons.end());
    write_npy(path(prefix + "_ids.npy"), ids);
    TraceFiles files{NpyWriter::of<double>(path(prefix + "_t.npy")), {}};
    files.columns.push_back(NpyWriter::of<float>(path(prefix + "_V.npy"), ids.size()));
    const size_t channels = static_cast<size_t>(channel_count(spec, trace.population));
    for (size_t c = 0; c < channels; ++c) {
      const std::string label = current_label(spec, trace.population, static_cast<int>(c));
      files.columns.push_back(NpyWriter::of<float>(path(prefix + "_I_" + label + ".npy"), ids.size()));
    }
    trace_files_.push_back(std::move(files));
  }
  thread_ = std::thread([this] { run(); });
}

void OutputWriter::open_weight_files(const std::vector<SampledSynapses>& sampled) {
  for (size_t r = 0; r < spec_.recording.weights.size(); ++r) {
    const WeightRecordingSpec& w = spec_.recording.weights[r];
    const std::vector<int32_t>&pre = sampled[r].pre, &post = sampled[r].post;
    const std::string prefix = projection_file_label(spec_.projections[w.projection]) + "_weights";
    auto path = [&](const std::string& suffix) {
      files_.push_back(prefix + suffix);
      return (std::filesystem::path(dir_) / (prefix + suffix)).string();
    };
    write_npy(path("_sample_pre.npy"), pre);
    write_npy(path("_sample_post.npy"), post);
    weight_files_.push_back(WeightFiles{NpyWriter::of<double>(path("_t.npy")), NpyWriter::of<double>(path("_mean.npy")),
                                        NpyWriter::of<float>(path("_sample.npy"), pre.size())});
  }
}

OutputWriter::~OutputWriter() {
  if (thread_.joinable()) {
    try {
      finish();
    } catch (...) {  // finish() explicitly to see write errors
    }
  }
}

void OutputWriter::submit(BlockOutput&& block) {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [&] { return queue_.size() < kMaxQueuedBlocks || error_; });
  if (error_) std::rethrow_exception(error_);
  queue_.push_back(std::move(block));
  changed_.notify_all();
}

void OutputWriter::finish() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    done_ = true;
    changed_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
  if (error_) std::rethrow_exception(error_);
  for_each_stream([](NpyWriter& file) { file.close(); });
}

template <typename Action>
void OutputWriter::for_each_stream(Action action) {
  for (auto& [times, ids] : spike_files_) {
    action(times);
    action(ids);
  }
  for (auto& files : trace_files_) {
    action(files.t);
    for (auto& column : files.columns) action(column);
  }
  for (auto& files : weight_files_) {
    action(files.t);
    action(files.mean);
    action(files.sample);
  }
}

void OutputWriter::run() {
  while (true) {
    BlockOutput block;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      changed_.wait(lock, [&] { return !queue_.empty() || done_; });
      if (queue_.empty()) return;
      block = std::move(queue_.front());
      queue_.pop_front();
      changed_.notify_all();
    }
    try {
      write(block);
    } catch (...) {
      std::lock_guard<std::mutex> lock(mutex_);
      error_ = std::current_exception();
      changed_.notify_all();
      return;
    }
  }
}

void OutputWriter::write(const BlockOutput& block) {
  const double dt = spec_.simulation.dt_ms;
  std::vector<double> times;
  for (size_t a = 0; a < block.spikes.size(); ++a) {
    if (spike_slot_[a] < 0) continue;
    const SpikeRecord& record = block.spikes[a];
    times.resize(record.step.size());
    for (size_t k = 0; k < times.size(); ++k) times[k] = static_cast<double>(record.step[k] + 1) * dt;
    const std::vector<int32_t> ids(record.neuron.begin(), record.neuron.end());
    auto& [time_file, id_file] = spike_files_[spike_slot_[a]];
    time_file.append(times.data(), times.size());
    id_file.append(ids.data(), ids.size());
  }
  for (size_t k = 0; k < block.traces.size(); ++k) {
    const TraceRecord& record = block.traces[k];
    TraceFiles& files = trace_files_[k];
    const size_t neurons = spec_.recording.traces[k].neurons.size();
    const size_t columns = files.columns.size();
    times.resize(record.step.size());
    for (size_t s = 0; s < times.size(); ++s) times[s] = static_cast<double>(record.step[s]) * dt;
    files.t.append(times.data(), times.size());
    // Values arrive neuron-major ([V, I...] per neuron); each file holds one variable.
    std::vector<float> column(record.step.size() * neurons);
    for (size_t c = 0; c < columns; ++c) {
      for (size_t s = 0; s < record.step.size(); ++s) {
        for (size_t j = 0; j < neurons; ++j) column[s * neurons + j] = record.values[(s * neurons + j) * columns + c];
      }
      files.columns[c].append(column.data(), column.size());
    }
  }
  for (size_t k = 0; k < block.weights.size(); ++k) {
    const WeightRecord& record = block.weights[k];
    WeightFiles& files = weight_files_[k];
    times.resize(record.step.size());
    for (size_t s = 0; s < times.size(); ++s) times[s] = static_cast<double>(record.step[s]) * dt;
    files.t.append(times.data(), times.size());
    files.mean.append(record.mean.data(), record.mean.size());
    files.sample.append(record.sample.data(), record.sample.size());
  }
  for_each_stream([](NpyWriter& file) { file.flush(); });  // each block on disk, loadable
}

}  // namespace eisim
