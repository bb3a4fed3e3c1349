// Recordings on several ranks, gathered by rank 0; docs/architecture.md, "Running on several ranks".
#include "eisim/cluster/rank_recording.hpp"

#include <algorithm>
#include <cstddef>

#include "eisim/engine/backend_setup.hpp"

namespace eisim {
namespace {

// Rank 0's merge of the ranks' parts: `repeats` rounds of the items in `owner`'s order, each item
// `width` values from the part of its owner, taken in turn.
template <typename T>
std::vector<T> merge_parts(const std::vector<T>& all, const std::vector<size_t>& counts, const std::vector<int>& owner,
                           size_t repeats, size_t width) {
  std::vector<size_t> next(counts.size(), 0);
  for (size_t r = 1; r < counts.size(); ++r) next[r] = next[r - 1] + counts[r - 1];
  std::vector<T> out;
  for (size_t k = 0; k < repeats; ++k) {
    for (int r : owner) {
      out.insert(out.end(), all.begin() + static_cast<std::ptrdiff_t>(next[r]),
                 all.begin() + static_cast<std::ptrdiff_t>(next[r] + width));
      next[r] += width;
    }
  }
  return out;
}

// What was appended to `values` after its first `mark` entries, taken out of it.
template <typename T>
std::vector<T> take_tail(std::vector<T>& values, size_t mark) {
  std::vector<T> tail(values.begin() + static_cast<std::ptrdiff_t>(mark), values.end());
  values.resize(mark);
  return tail;
}

}  // namespace

RankWeightSample rank_weight_sample(Communicator& ranks, const std::vector<uint64_t>& row_start, int64_t count) {
  // Synapse s of the projection, in one process's presynaptic-major order, is in row i at place
  // o = s - start(i); this rank holds places [below(i), below(i) + length(i)) of row i.
  const size_t n_pre = row_start.size() - 1;
  std::vector<uint64_t> length(n_pre);
  for (size_t i = 0; i < n_pre; ++i) length[i] = row_start[i + 1] - row_start[i];
  std::vector<uint64_t> below = length, total = length;
  ranks.sum_below(below.data(), n_pre);
  ranks.sum(total.data(), n_pre);
  std::vector<uint64_t> start(n_pre + 1, 0);
  for (size_t i = 0; i < n_pre; ++i) start[i + 1] = start[i] + total[i];

  RankWeightSample sample;
  sample.synapses = start[n_pre];
  const std::vector<uint64_t> wanted = weight_sample(sample.synapses, count);
  std::vector<uint64_t> mine;  // places in the sample
  for (size_t q = 0; q < wanted.size(); ++q) {
    const size_t i = static_cast<size_t>(std::upper_bound(start.begin(), start.end(), wanted[q]) - start.begin()) - 1;
    const uint64_t place = wanted[q] - start[i];
    if (place < below[i] || place >= below[i] + length[i]) continue;
    sample.synapse.push_back(row_start[i] + place - below[i]);
    mine.push_back(q);
  }
  std::vector<size_t> counts;
  const std::vector<uint64_t> places = gather(ranks, mine, &counts);
  if (ranks.rank() == 0) {
    sample.owner.assign(wanted.size(), 0);
    size_t k = 0;
    for (size_t r = 0; r < counts.size(); ++r) {
      for (size_t m = 0; m < counts[r]; ++m) sample.owner[places[k++]] = static_cast<int>(r);
    }
  }
  return sample;
}

SampledSynapses gather_sampled_synapses(Communicator& ranks, const RankWeightSample& sample, const SampledSynapses& mine) {
  std::vector<size_t> counts;
  const std::vector<int32_t> pre = gather(ranks, mine.pre, &counts), post = gather(ranks, mine.post);
  if (ranks.rank() != 0) return {};
  return SampledSynapses{merge_parts(pre, counts, sample.owner, 1, 1), merge_parts(post, counts, sample.owner, 1, 1)};
}

RecordMarks record_marks(const BlockOutput& out) {
  RecordMarks marks;
  for (const TraceRecord& t : out.traces) marks.trace.emplace_back(t.step.size(), t.values.size());
  for (const WeightRecord& w : out.weights) marks.weight.emplace_back(w.step.size(), w.sample.size());
  return marks;
}

void gather_block_recordings(Communicator& ranks, const NetworkSpec& spec, const Partition& share,
                             const std::vector<RankWeightSample>& samples,
                             std::vector<std::vector<__int128>>& weight_sums, const RecordMarks& marks, BlockOutput& out) {
  const bool root = ranks.rank() == 0;
  for (size_t k = 0; k < spec.recording.traces.size(); ++k) {
    const TraceSpec& trace = spec.recording.traces[k];
    TraceRecord& record = out.traces[k];
    std::vector<size_t> counts;
    const std::vector<float> all = gather(ranks, take_tail(record.values, marks.trace[k].second), &counts);
    if (!root) {
      record.step.resize(marks.trace[k].first);
      continue;
    }
    std::vector<int> owner;
    for (int64_t j : trace.neurons) owner.push_back(share.owner(trace.population, j));
    const size_t width = 1 + static_cast<size_t>(channel_count(spec, trace.population));
    const std::vector<float> merged = merge_parts(all, counts, owner, record.step.size() - marks.trace[k].first, width);
    record.values.insert(record.values.end(), merged.begin(), merged.end());
  }
  for (size_t r = 0; r < spec.recording.weights.size(); ++r) {
    WeightRecord& record = out.weights[r];
    std::vector<size_t> counts;
    const std::vector<float> values = gather(ranks, take_tail(record.sample, marks.weight[r].second), &counts);
    const std::vector<__int128> sums = gather(ranks, weight_sums[r]);
    weight_sums[r].clear();
    if (!root) {
      record.step.resize(marks.weight[r].first);
      continue;
    }
    const size_t steps = record.step.size() - marks.weight[r].first;
    for (size_t s = 0; s < steps; ++s) {
      __int128 total = 0;
      for (int rank = 0; rank < ranks.size(); ++rank) total += sums[rank * steps + s];
      record.mean.push_back(weight_mean(total, samples[r].synapses));
    }
    const std::vector<float> merged = merge_parts(values, counts, samples[r].owner, steps, 1);
    record.sample.insert(record.sample.end(), merged.begin(), merged.end());
  }
}

}  // namespace eisim
