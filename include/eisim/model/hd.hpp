// Marks small functions that both backends compile: host code and, under nvcc, device code.
// docs/architecture.md, "Where each equation lives".
#pragma once

#if defined(__CUDACC__)
#define EISIM_HD __host__ __device__ __forceinline__
#else
#define EISIM_HD inline
#endif
