// The CUDA kernels index connectivity with 64-bit offsets: a projection with more than 2^32 synapses,
// which this machine cannot hold, is stood in for by a small one whose row starts are shifted by 2^32,
// with the target pointer moved back by as much, so that every offset the kernel forms passes 2^32.
// Delivery must reach exactly the targets a host sum over the same rows reaches.
#include <cuda_runtime.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "kernels/device_buffer.hpp"
#include "kernels/kernel_launch.hpp"
#include "kernels/spike_delivery.cuh"

namespace eisim {
namespace {

constexpr unsigned long long kShift = 1ull << 32;

template <typename Input>
std::vector<Input> deliver_past_2_to_32(Input jump, std::vector<Input>& expected) {
  // Three spiking rows of 5000, 1 and 3000 targets (longer than a delivery chunk) into 7 neurons.
  const std::vector<unsigned long long> lengths = {5000, 1, 3000};
  std::vector<uint32_t> targets;
  std::vector<unsigned long long> starts = {kShift};
  expected.assign(7, Input(0));
  for (unsigned long long length : lengths) {
    for (unsigned long long k = 0; k < length; ++k) {
      const uint32_t target = static_cast<uint32_t>((k * 5 + length) % 7);
      targets.push_back(target);
      expected[target] += jump;
    }
    starts.push_back(starts.back() + length);
  }
  DeviceBuffer<uint32_t> d_targets(targets);
  DeviceBuffer<unsigned long long> d_starts(starts);
  DeviceBuffer<uint32_t> spikes(std::vector<uint32_t>{0, 1, 2, 0, 0, 0});  // two parities of 3
  DeviceBuffer<unsigned int> counts(std::vector<unsigned int>{3, 0});
  DeviceBuffer<Input> input(std::vector<Input>(7, Input(0)));
  DeviceBuffer<cuda::BlockClock> clock(std::vector<cuda::BlockClock>{cuda::BlockClock{0}});

  cuda::DeliveryGroup<Input> group{};
  group.count = 1;
  group.views[0].pre = cuda::SpikeList{spikes.data(), counts.data(), 3};
  group.views[0].chunk_size = cuda::kDeliveryChunk;
  group.views[0].chunks = cuda::chunks_for(5000, cuda::kDeliveryChunk);
  group.views[0].row_start = d_starts.data();
  group.views[0].targets = d_targets.data() - kShift;  // row_start[k] indexes it past 2^32
  group.views[0].input = input.data();
  group.views[0].ring = 1;  // no delays: every spike acts at the next step, in the one slot
  group.views[0].slot_size = 7;
  group.views[0].delay = 1;
  group.views[0].jump = jump;
  EXPECT_EQ(cudaSuccess, cudaDeviceSynchronize());
  launch_kernel("deliver_spikes", 4, cuda::kDeliveryThreads, nullptr, cuda::deliver_spikes<Input, false>, group, counts.data(), 1,
                static_cast<const cuda::BlockClock*>(clock.data()), 0);
  EXPECT_EQ(cudaSuccess, cudaDeviceSynchronize());
  std::vector<Input> out(7);
  EXPECT_EQ(cudaSuccess, cudaMemcpy(out.data(), input.data(), input.bytes(), cudaMemcpyDeviceToHost));
  return out;
}

TEST(LargeOffsets, DeliveryIndexesRowsPast2To32SynapsesInFixedPoint) {
  std::vector<cuda::FixedInput> expected;
  const auto delivered = deliver_past_2_to_32<cuda::FixedInput>(cuda::FixedInput(3) << 32, expected);
  EXPECT_EQ(delivered, expected);
}

TEST(LargeOffsets, DeliveryIndexesRowsPast2To32SynapsesInFloat) {
  std::vector<float> expected;
  const auto delivered = deliver_past_2_to_32<float>(0.25f, expected);  // sums of 0.25 are exact in float
  EXPECT_EQ(delivered, expected);
}

}  // namespace
}  // namespace eisim
