// Writes recorded spikes and traces to .npy files on a thread of its own, so the run loop does
// not wait for the disk. A full queue makes the run loop wait; nothing is ever dropped.
// docs/architecture.md, "Outputs".
#pragma once

#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "eisim/engine/backend.hpp"
#include "eisim/engine/npy.hpp"

namespace eisim {

class OutputWriter {
 public:
  // Creates `dir` and the files: per recorded population P, P_spike_times.npy (float64, ms) and
  // P_spike_ids.npy (int32); per traced population P, P_trace_t.npy (ms), P_trace_ids.npy, P_trace_V.npy
  // and one P_trace_I_<source>.npy per synaptic current, each (samples, neurons) float32; per
  // recorded plastic projection W, W_weights_t.npy (ms), W_weights_mean.npy and W_weights_sample.npy
  // (samples, synapses), and W_weights_sample_pre.npy / _post.npy naming the sampled synapses.
  OutputWriter(const NetworkSpec& spec, const std::string& dir);
  ~OutputWriter();

  void submit(BlockOutput&& block);
  void finish();  // writes what is queued, completes the files; rethrows a write error
  const std::vector<std::string>& files() const { return files_; }
  // The weight recordings' files: which synapses are sampled (one entry per recording) is known
  // once the network is built; call before the first block.
  void open_weight_files(const std::vector<SampledSynapses>& sampled);

 private:
  struct TraceFiles {
    NpyWriter t;
    std::vector<NpyWriter> columns;  // V, then one per current
  };
  void run();
  void write(const BlockOutput& block);
  template <typename Action>
  void for_each_stream(Action action);  // every file written block by block

  const NetworkSpec& spec_;
  std::vector<std::string> files_;
  std::vector<int> spike_slot_;  // population -> index in spike_files_, -1 if not recorded
  std::vector<std::pair<NpyWriter, NpyWriter>> spike_files_;
  std::vector<TraceFiles> trace_files_;
  struct WeightFiles {
    NpyWriter t, mean, sample;
  };
  std::vector<WeightFiles> weight_files_;
  std::string dir_;

  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<BlockOutput> queue_;
  bool done_ = false;
  std::exception_ptr error_;
  std::thread thread_;
};

// Makes sure `dir` will hold one run's files only: throws UsageError when it holds files an earlier run
// of eisim wrote, unless `overwrite`, which removes those (and nothing else) first.
void prepare_output_folder(const std::string& dir, bool overwrite);

// Name of synaptic current `channel` of population `post`: its source population, or the
// projection name where two projections come from the same population.
std::string current_label(const NetworkSpec& spec, int post, int channel);

// A projection's name as a file name: "I->E" becomes "I_to_E".
std::string projection_file_label(const ProjectionSpec& proj);

}  // namespace eisim
