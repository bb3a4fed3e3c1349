// CUDA backend: weight recording of plastic projections (docs/architecture.md, "Recording").
// Mirrors src/cpu/recording.cpp.
#pragma once

#include "eisim/model/plasticity.hpp"
#include "kernels/views.cuh"

namespace eisim::cuda {

static __global__ void record_weights(WeightRecordView v, const BlockClock* clock, int s) {
  const long long step = step_of(clock, s);
  if (step % v.every != 0) return;
  const long long sample = step / v.every - (clock->block_first + v.every - 1) / v.every;
  const unsigned long long thread = blockIdx.x * blockDim.x + threadIdx.x;
  const unsigned long long threads = gridDim.x * blockDim.x;
  __int128 sum = 0;
  for (unsigned long long i = thread; i < v.synapses; i += threads) sum += weight_sum_term(v.weight[i]);
  v.partial_sums[sample * threads + thread] = sum;
  if (thread < static_cast<unsigned long long>(v.sample_count)) {
    v.sampled[sample * v.sample_count + thread] = v.weight[v.sample[thread]];
  }
}

}  // namespace eisim::cuda
