// Recordings on several ranks (docs/architecture.md, "Running on several ranks"): each rank records
// the neurons and synapses it holds, and rank 0 gathers each block's records into the order of one
// process. Both backends use these, so that their outputs are the same on any number of ranks.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "eisim/cluster/communicator.hpp"
#include "eisim/cluster/partition.hpp"
#include "eisim/engine/backend.hpp"

namespace eisim {

// The synapses of a weight recording (weight_sample, backend_setup.hpp) that this rank holds.
struct RankWeightSample {
  std::vector<uint64_t> synapse;  // this rank's synapse indices, in sample order
  std::vector<int> owner;         // on rank 0: the rank that holds each sampled synapse
  uint64_t synapses = 0;          // of the whole projection
};

// From this rank's CSR row starts (every presynaptic row, its synapses onto this rank's slice): the
// ranks' row lengths place each synapse in one process's presynaptic-major order. Collective.
RankWeightSample rank_weight_sample(Communicator& ranks, const std::vector<uint64_t>& row_start, int64_t count);

// On rank 0, the sampled synapses of every rank in sample order, from this rank's `mine` (the
// synapses of `sample`, with population indices). Collective.
SampledSynapses gather_sampled_synapses(Communicator& ranks, const RankWeightSample& sample, const SampledSynapses& mine);

// How much of each trace and weight record a block found already there (collect appends).
struct RecordMarks {
  std::vector<std::pair<size_t, size_t>> trace;   // steps, values
  std::vector<std::pair<size_t, size_t>> weight;  // steps, samples
};
RecordMarks record_marks(const BlockOutput& out);

// After a block recorded on every rank, from `marks` on: this rank's trace values (its neurons of each
// TraceSpec, in the spec's order), weight samples (its synapses of `samples`) and, per weight recording,
// one exact weight sum per sampled step (weight_sum_term). On rank 0 they become every rank's, merged in
// one process's order, with the mean weight; the other ranks' records are emptied. Collective.
void gather_block_recordings(Communicator& ranks, const NetworkSpec& spec, const Partition& share,
                             const std::vector<RankWeightSample>& samples,
                             std::vector<std::vector<__int128>>& weight_sums, const RecordMarks& marks, BlockOutput& out);

}  // namespace eisim
