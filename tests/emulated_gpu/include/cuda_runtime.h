// An emulated CUDA runtime: kernels/*.cu compile against it as host code, so that the CUDA
// backend's host side (buffers, streams, graphs, copies, launches) runs in the tests where there
// is no GPU. Only what eisim uses is here.
//
// It is strict where a real GPU may be forgiving by luck:
//  * work queued on a stream runs only when the program synchronises with that stream (stream or
//    device synchronisation, an event, a synchronous copy on the legacy stream), so a missing
//    synchronisation leaves stale data behind. With EISIM_EMULATED_GPU=eager in the environment
//    it runs at once instead, so the host reading a buffer that queued work overwrites sees the
//    new data; the tests run in both modes;
//  * new device and pinned memory holds a poison pattern, not zeros;
//  * a copy must lie inside one allocation of the right kind (device or host);
//  * while a stream is captured, the calls that capture forbids fail and invalidate the capture;
//  * a launch needs at least one block and 1 to 1024 threads;
//  * threads run in descending order, so nothing may rely on the order of atomic appends;
//  * blocks run last first, and first first in eager mode, so blocks of one launch that depend on
//    each other's order (rather than touching disjoint data) fail in one of the modes.
// Kernels run one thread after another, so atomics are plain read-modify-writes and races between
// threads are not found here (compute-sanitizer's racecheck on a GPU does that). A block's threads
// cooperate only through block_phases (kernels/block_phases.cuh): the first of them to run does every
// phase for all, one phase after another, and the rest find the block's work done; `__shared__`
// arrays are static, one per kernel, and hold the previous block's values, not zeros.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <utility>
#include <vector>
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#endif

// ---- what kernels see
#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __grid_constant__
#define __launch_bounds__(...)

struct dim3 {
  unsigned int x, y, z;
  constexpr dim3(unsigned int x_ = 1, unsigned int y_ = 1, unsigned int z_ = 1) : x(x_), y(y_), z(z_) {}
};
inline dim3 threadIdx, blockIdx, blockDim, gridDim;
#define __shared__ static

template <typename T>
T atomicAdd(T* address, T value) {
  const T old = *address;
  *address = old + value;
  return old;
}
template <typename T>
T atomicMax(T* address, T value) {
  const T old = *address;
  *address = std::max(old, value);
  return old;
}
inline unsigned int atomicOr(unsigned int* address, unsigned int value) {
  const unsigned int old = *address;
  *address = old | value;
  return old;
}
using std::min;

// ---- runtime types
enum cudaError_t {
  cudaSuccess = 0,
  cudaErrorInvalidValue = 1,
  cudaErrorMemoryAllocation = 2,
  cudaErrorInvalidConfiguration = 9,
  cudaErrorInvalidResourceHandle = 400,
  cudaErrorStreamCaptureUnsupported = 900,
  cudaErrorStreamCaptureInvalidated = 901,
  cudaErrorStreamCaptureImplicit = 906,
};
enum cudaMemcpyKind { cudaMemcpyHostToHost, cudaMemcpyHostToDevice, cudaMemcpyDeviceToHost, cudaMemcpyDeviceToDevice };
enum cudaStreamCaptureMode { cudaStreamCaptureModeGlobal, cudaStreamCaptureModeThreadLocal, cudaStreamCaptureModeRelaxed };
enum cudaDeviceAttr { cudaDevAttrMultiProcessorCount = 16 };
constexpr unsigned int cudaStreamDefault = 0, cudaStreamNonBlocking = 1;

struct cudaDeviceProp {
  char name[256];
  size_t totalGlobalMem;
  int major, minor;
};

using EmulatedOp = std::function<void()>;
struct CUstream_st {
  std::deque<EmulatedOp> pending;
  bool capturing = false;
  std::vector<EmulatedOp> captured;
};
struct CUgraph_st {
  std::vector<EmulatedOp> ops;
};
struct CUgraphExec_st {
  std::vector<EmulatedOp> ops;
};
// An event: how often it was recorded, and the last record its stream has passed.
struct CUevent_st {
  CUstream_st* stream = nullptr;
  uint64_t recorded = 0, reached = 0;
};
using cudaStream_t = CUstream_st*;
using cudaGraph_t = CUgraph_st*;
using cudaGraphExec_t = CUgraphExec_st*;
using cudaEvent_t = CUevent_st*;
constexpr unsigned int cudaEventDisableTiming = 2;

struct cudaLaunchConfig_t {
  dim3 gridDim, blockDim;
  size_t dynamicSmemBytes;
  cudaStream_t stream;
  void* attrs;
  unsigned int numAttrs;
};

namespace emulated_gpu {

constexpr size_t kDeviceBytes = size_t{80} << 30;  // what cudaMemGetInfo reports as total
constexpr int kMultiprocessors = 4;
constexpr unsigned char kPoison = 0xA5;

struct Allocation {
  size_t bytes;
  bool device;  // else pinned host memory
};

struct Runtime {
  std::map<const char*, Allocation> allocations;  // by first byte
  size_t device_bytes = 0;
  CUstream_st legacy;                 // stream 0, also used by blocking streams
  std::vector<CUstream_st*> streams;  // non-blocking ones, in creation order
  CUstream_st* capturing = nullptr;
  bool capture_invalidated = false;
  cudaError_t last_error = cudaSuccess;
  bool eager = [] {
    const char* mode = std::getenv("EISIM_EMULATED_GPU");
    return mode && std::string(mode) == "eager";
  }();
};
inline Runtime& runtime() {
  static Runtime r;
  return r;
}

inline cudaError_t fail(cudaError_t error) {
  runtime().last_error = error;
  return error;
}

// A call that capture forbids: it fails and the capture is invalidated.
inline bool forbidden_during_capture() {
  if (!runtime().capturing) return false;
  runtime().capture_invalidated = true;
  fail(cudaErrorStreamCaptureImplicit);
  return true;
}

// The allocation that holds [p, p + bytes), if any.
inline const Allocation* allocation_of(const void* p, size_t bytes) {
  const char* c = static_cast<const char*>(p);
  auto it = runtime().allocations.upper_bound(c);
  if (it == runtime().allocations.begin()) return nullptr;
  --it;
  if (c < it->first || c + bytes > it->first + it->second.bytes) return nullptr;
  return &it->second;
}
inline bool is_device_range(const void* p, size_t bytes) {
  const Allocation* a = allocation_of(p, bytes);
  return a && a->device;
}
// Host memory: pageable, or wholly inside one pinned allocation; never device memory.
inline bool is_host_range(const void* p, size_t bytes) {
  if (!p) return false;
  const Allocation* a = allocation_of(p, 1);
  if (!a) return true;
  return !a->device && allocation_of(p, bytes) != nullptr;
}
inline bool is_pinned(const void* p) {
  const Allocation* a = allocation_of(p, 1);
  return a && !a->device;
}

inline CUstream_st& stream_of(cudaStream_t s) { return s ? *s : runtime().legacy; }

inline void run_next(CUstream_st& stream) {
  EmulatedOp op = std::move(stream.pending.front());
  stream.pending.pop_front();
  op();
}

inline void flush(CUstream_st& stream) {
  while (!stream.pending.empty()) run_next(stream);
}

// Runs an event's stream up to its last record, and no further.
inline void flush_to(CUevent_st& event) {
  while (event.reached < event.recorded && !event.stream->pending.empty()) run_next(*event.stream);
}

// User streams first: work that waits for legacy-stream set-up without synchronising sees stale data.
inline void flush_all() {
  for (CUstream_st* s : runtime().streams) flush(*s);
  flush(runtime().legacy);
}

inline cudaError_t enqueue(cudaStream_t s, EmulatedOp op) {
  CUstream_st& stream = stream_of(s);
  if (stream.capturing) {
    stream.captured.push_back(std::move(op));
    return cudaSuccess;
  }
  if (&stream == &runtime().legacy && forbidden_during_capture()) return cudaErrorStreamCaptureImplicit;
  stream.pending.push_back(std::move(op));
  if (runtime().eager) flush(stream);
  return cudaSuccess;
}

// Allocations are whole multiples of 256 bytes, aligned as cudaMalloc's are.
inline size_t footprint(size_t bytes) { return (std::max<size_t>(bytes, 1) + 255) / 256 * 256; }

inline cudaError_t allocate(void** p, size_t bytes, bool device) {
  if (forbidden_during_capture()) return cudaErrorStreamCaptureImplicit;
  if (!p) return fail(cudaErrorInvalidValue);
  const size_t rounded = footprint(bytes);
  if (device && runtime().device_bytes + rounded > kDeviceBytes) return fail(cudaErrorMemoryAllocation);
  char* memory = static_cast<char*>(std::aligned_alloc(256, rounded));
  if (!memory) return fail(cudaErrorMemoryAllocation);
  std::memset(memory, kPoison, rounded);
#if defined(__SANITIZE_ADDRESS__)  // kernels that read or write past the end are reported, as by compute-sanitizer
  ASAN_POISON_MEMORY_REGION(memory + bytes, rounded - bytes);
#endif
  runtime().allocations[memory] = Allocation{bytes, device};
  if (device) runtime().device_bytes += rounded;
  *p = memory;
  return cudaSuccess;
}

inline cudaError_t release(void* p, bool device) {
  if (!p) return cudaSuccess;
  if (forbidden_during_capture()) return cudaErrorStreamCaptureImplicit;
  auto it = runtime().allocations.find(static_cast<const char*>(p));
  if (it == runtime().allocations.end() || it->second.device != device) return fail(cudaErrorInvalidValue);
  flush_all();  // freeing waits for the device
  if (device) runtime().device_bytes -= footprint(it->second.bytes);
#if defined(__SANITIZE_ADDRESS__)
  ASAN_UNPOISON_MEMORY_REGION(p, footprint(it->second.bytes));
#endif
  runtime().allocations.erase(it);
  std::free(p);
  return cudaSuccess;
}

// Copies follow the runtime's documented synchronisation: a pageable source is staged when the
// call is made; a synchronous copy to the host returns when it has happened.
inline cudaError_t copy(void* dst, const void* src, size_t bytes, cudaMemcpyKind kind, cudaStream_t s, bool synchronous) {
  if (bytes == 0) return cudaSuccess;
  const bool dst_device = kind == cudaMemcpyHostToDevice || kind == cudaMemcpyDeviceToDevice;
  const bool src_device = kind == cudaMemcpyDeviceToHost || kind == cudaMemcpyDeviceToDevice;
  if (kind == cudaMemcpyHostToHost) return fail(cudaErrorInvalidValue);
  if (dst_device ? !is_device_range(dst, bytes) : !is_host_range(dst, bytes)) return fail(cudaErrorInvalidValue);
  if (src_device ? !is_device_range(src, bytes) : !is_host_range(src, bytes)) return fail(cudaErrorInvalidValue);
  if (synchronous && forbidden_during_capture()) return cudaErrorStreamCaptureImplicit;
  const bool pageable_host = (!dst_device && !is_pinned(dst)) || (!src_device && !is_pinned(src));
  if (stream_of(s).capturing && pageable_host) {  // a graph cannot replay a copy from or to pageable memory
    runtime().capture_invalidated = true;
    return fail(cudaErrorStreamCaptureUnsupported);
  }
  EmulatedOp op;
  if (kind == cudaMemcpyHostToDevice) {
    auto staged = std::make_shared<std::vector<char>>(static_cast<const char*>(src), static_cast<const char*>(src) + bytes);
    op = [dst, staged] { std::memcpy(dst, staged->data(), staged->size()); };
  } else {
    op = [dst, src, bytes] { std::memcpy(dst, src, bytes); };
  }
  if (synchronous && kind == cudaMemcpyHostToDevice) flush(stream_of(s));  // "a stream sync is performed before the copy"
  const cudaError_t status = enqueue(s, std::move(op));
  if (synchronous && (kind == cudaMemcpyDeviceToHost || is_pinned(src))) flush(stream_of(s));
  return status;
}

inline cudaError_t fill(void* dst, int value, size_t bytes, cudaStream_t s) {
  if (bytes == 0) return cudaSuccess;
  if (!is_device_range(dst, bytes)) return fail(cudaErrorInvalidValue);
  return enqueue(s, [dst, value, bytes] { std::memset(dst, value, bytes); });
}

// Whether the block's first thread has run the kernel, and with it the block_phases of every thread.
inline bool block_cooperation_done = false;

// Every (block, thread) of a launch, one after another, threads last first: whatever the kernels
// append with atomics comes out in descending order, so the host must not rely on any order.
// Blocks run last first too, but first first in eager mode, so the tests see both orders.
template <typename Body>
void run_grid(dim3 grid, dim3 block, const Body& body) {
  gridDim = grid;
  blockDim = block;
  for (unsigned int k = 0; k < grid.x; ++k) {
    const unsigned int b = runtime().eager ? k : grid.x - 1 - k;
    blockIdx = dim3(b);
    block_cooperation_done = false;
    for (unsigned int t = block.x; t-- > 0;) {
      threadIdx = dim3(t);
      body();
      block_cooperation_done = true;
    }
  }
}

}  // namespace emulated_gpu

// Each phase in every thread of the block (threads last first) before the next phase, as the device's
// block_phases does with __syncthreads(); run by the block's first thread, a no-op for the others.
template <typename... Phases>
void block_phases(const Phases&... phases) {
  if (emulated_gpu::block_cooperation_done) return;
  const dim3 caller = threadIdx;
  const auto in_every_thread = [](const auto& phase) {
    for (unsigned int t = blockDim.x; t-- > 0;) {
      threadIdx = dim3(t);
      phase();
    }
  };
  (in_every_thread(phases), ...);
  threadIdx = caller;
}

// ---- the runtime API
inline const char* cudaGetErrorString(cudaError_t error) {
  switch (error) {
    case cudaSuccess: return "no error";
    case cudaErrorInvalidValue: return "invalid argument";
    case cudaErrorMemoryAllocation: return "out of memory";
    case cudaErrorInvalidConfiguration: return "invalid configuration argument";
    case cudaErrorInvalidResourceHandle: return "invalid resource handle";
    case cudaErrorStreamCaptureUnsupported: return "operation not permitted when stream is capturing";
    case cudaErrorStreamCaptureInvalidated: return "operation failed due to a previous error during capture";
    case cudaErrorStreamCaptureImplicit: return "operation would make the legacy stream depend on a capturing blocking stream";
  }
  return "unknown error";
}
inline cudaError_t cudaGetLastError() { return std::exchange(emulated_gpu::runtime().last_error, cudaSuccess); }

inline cudaError_t cudaGetDeviceCount(int* count) {
  *count = 1;
  return cudaSuccess;
}
inline cudaError_t cudaSetDevice(int device) { return device == 0 ? cudaSuccess : emulated_gpu::fail(cudaErrorInvalidValue); }
inline cudaError_t cudaGetDevice(int* device) {
  *device = 0;
  return cudaSuccess;
}
inline cudaError_t cudaGetDeviceProperties(cudaDeviceProp* prop, int device) {
  if (device != 0) return emulated_gpu::fail(cudaErrorInvalidValue);
  *prop = cudaDeviceProp{};
  std::strcpy(prop->name, "emulated GPU (host code, tests only)");
  prop->totalGlobalMem = emulated_gpu::kDeviceBytes;
  prop->major = 9;
  return cudaSuccess;
}
inline cudaError_t cudaDeviceGetAttribute(int* value, cudaDeviceAttr attr, int device) {
  if (device != 0 || attr != cudaDevAttrMultiProcessorCount) return emulated_gpu::fail(cudaErrorInvalidValue);
  *value = emulated_gpu::kMultiprocessors;
  return cudaSuccess;
}
inline cudaError_t cudaMemGetInfo(size_t* free_bytes, size_t* total_bytes) {
  *total_bytes = emulated_gpu::kDeviceBytes;
  *free_bytes = emulated_gpu::kDeviceBytes - emulated_gpu::runtime().device_bytes;
  return cudaSuccess;
}

template <typename T>
cudaError_t cudaMalloc(T** p, size_t bytes) {
  return emulated_gpu::allocate(reinterpret_cast<void**>(p), bytes, true);
}
template <typename T>
cudaError_t cudaMallocHost(T** p, size_t bytes) {
  return emulated_gpu::allocate(reinterpret_cast<void**>(p), bytes, false);
}
inline cudaError_t cudaFree(void* p) { return emulated_gpu::release(p, true); }
inline cudaError_t cudaFreeHost(void* p) { return emulated_gpu::release(p, false); }

inline cudaError_t cudaMemcpy(void* dst, const void* src, size_t bytes, cudaMemcpyKind kind) {
  return emulated_gpu::copy(dst, src, bytes, kind, nullptr, true);
}
inline cudaError_t cudaMemcpyAsync(void* dst, const void* src, size_t bytes, cudaMemcpyKind kind, cudaStream_t s = nullptr) {
  return emulated_gpu::copy(dst, src, bytes, kind, s, false);
}
inline cudaError_t cudaMemset(void* dst, int value, size_t bytes) {
  if (emulated_gpu::forbidden_during_capture()) return cudaErrorStreamCaptureImplicit;
  return emulated_gpu::fill(dst, value, bytes, nullptr);
}
inline cudaError_t cudaMemsetAsync(void* dst, int value, size_t bytes, cudaStream_t s = nullptr) {
  return emulated_gpu::fill(dst, value, bytes, s);
}

inline cudaError_t cudaStreamCreateWithFlags(cudaStream_t* s, unsigned int flags) {
  if (flags != cudaStreamNonBlocking) return emulated_gpu::fail(cudaErrorInvalidValue);  // only what eisim uses
  *s = new CUstream_st;
  emulated_gpu::runtime().streams.push_back(*s);
  return cudaSuccess;
}
inline cudaError_t cudaStreamDestroy(cudaStream_t s) {
  auto& streams = emulated_gpu::runtime().streams;
  const auto it = std::find(streams.begin(), streams.end(), s);
  if (it == streams.end()) return emulated_gpu::fail(cudaErrorInvalidResourceHandle);
  emulated_gpu::flush(*s);  // its queued work still completes
  streams.erase(it);
  delete s;
  return cudaSuccess;
}
inline cudaError_t cudaStreamSynchronize(cudaStream_t s) {
  if (emulated_gpu::forbidden_during_capture()) return cudaErrorStreamCaptureImplicit;
  emulated_gpu::flush(emulated_gpu::stream_of(s));
  return cudaSuccess;
}
inline cudaError_t cudaDeviceSynchronize() {
  if (emulated_gpu::forbidden_during_capture()) return cudaErrorStreamCaptureImplicit;
  emulated_gpu::flush_all();
  return cudaSuccess;
}

inline cudaError_t cudaEventCreateWithFlags(cudaEvent_t* event, unsigned int) {
  *event = new CUevent_st;
  return cudaSuccess;
}
inline cudaError_t cudaEventDestroy(cudaEvent_t event) {
  if (!event) return emulated_gpu::fail(cudaErrorInvalidResourceHandle);
  if (event->stream) emulated_gpu::flush_to(*event);  // its pending record still refers to it
  delete event;
  return cudaSuccess;
}
inline cudaError_t cudaEventRecord(cudaEvent_t event, cudaStream_t s = nullptr) {
  if (!event) return emulated_gpu::fail(cudaErrorInvalidResourceHandle);
  event->stream = &emulated_gpu::stream_of(s);
  const uint64_t mark = ++event->recorded;
  return emulated_gpu::enqueue(s, [event, mark] { event->reached = mark; });
}
inline cudaError_t cudaEventSynchronize(cudaEvent_t event) {
  if (!event) return emulated_gpu::fail(cudaErrorInvalidResourceHandle);
  if (emulated_gpu::forbidden_during_capture()) return cudaErrorStreamCaptureImplicit;
  if (event->stream) emulated_gpu::flush_to(*event);
  return cudaSuccess;
}

inline cudaError_t cudaStreamBeginCapture(cudaStream_t s, cudaStreamCaptureMode) {
  emulated_gpu::Runtime& rt = emulated_gpu::runtime();
  if (!s || rt.capturing) return emulated_gpu::fail(cudaErrorStreamCaptureUnsupported);
  s->capturing = true;
  s->captured.clear();
  rt.capturing = s;
  rt.capture_invalidated = false;
  return cudaSuccess;
}
inline cudaError_t cudaStreamEndCapture(cudaStream_t s, cudaGraph_t* graph) {
  emulated_gpu::Runtime& rt = emulated_gpu::runtime();
  if (!s || rt.capturing != s) return emulated_gpu::fail(cudaErrorInvalidValue);
  s->capturing = false;
  rt.capturing = nullptr;
  if (rt.capture_invalidated) {
    *graph = nullptr;
    return emulated_gpu::fail(cudaErrorStreamCaptureInvalidated);
  }
  *graph = new CUgraph_st{std::move(s->captured)};
  return cudaSuccess;
}
inline cudaError_t cudaGraphInstantiate(cudaGraphExec_t* exec, cudaGraph_t graph, unsigned long long = 0) {
  if (!graph) return emulated_gpu::fail(cudaErrorInvalidValue);
  *exec = new CUgraphExec_st{graph->ops};
  return cudaSuccess;
}
inline cudaError_t cudaGraphDestroy(cudaGraph_t graph) {
  delete graph;
  return cudaSuccess;
}
inline cudaError_t cudaGraphExecDestroy(cudaGraphExec_t exec) {
  delete exec;
  return cudaSuccess;
}
inline cudaError_t cudaGraphLaunch(cudaGraphExec_t exec, cudaStream_t s) {
  if (!exec) return emulated_gpu::fail(cudaErrorInvalidValue);
  const CUgraphExec_st* graph = exec;
  return emulated_gpu::enqueue(s, [graph] {
    for (const EmulatedOp& op : graph->ops) op();
  });
}

// The kernel's arguments are converted to its parameter types at the call, as the runtime's does.
template <typename... Params, typename... Args>
cudaError_t cudaLaunchKernelEx(const cudaLaunchConfig_t* config, void (*kernel)(Params...), Args&&... args) {
  const dim3 grid = config->gridDim, block = config->blockDim;
  if (grid.x < 1 || grid.y != 1 || grid.z != 1 || block.x < 1 || block.x > 1024 || block.y != 1 || block.z != 1) {
    return emulated_gpu::fail(cudaErrorInvalidConfiguration);
  }
  auto params = std::make_shared<std::tuple<Params...>>(std::forward<Args>(args)...);
  return emulated_gpu::enqueue(config->stream, [kernel, params, grid, block] {
    emulated_gpu::run_grid(grid, block, [&] { std::apply(kernel, *params); });
  });
}
