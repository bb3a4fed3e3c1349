// The emulated runtime's (cuda_runtime.h here) stand-in for the cuBLAS calls eisim makes, with
// cuBLAS's conventions: column-major matrices, only the named triangle of a symmetric matrix read
// or written, scalars read from device memory at execution time in device pointer mode, and every
// call queued on the handle's stream (the legacy one).
#pragma once

#include <cuda_runtime.h>

enum cublasStatus_t { CUBLAS_STATUS_SUCCESS = 0, CUBLAS_STATUS_NOT_INITIALIZED = 1, CUBLAS_STATUS_INVALID_VALUE = 7 };
enum cublasOperation_t { CUBLAS_OP_N = 0, CUBLAS_OP_T = 1 };
enum cublasFillMode_t { CUBLAS_FILL_MODE_LOWER = 0, CUBLAS_FILL_MODE_UPPER = 1 };
enum cublasPointerMode_t { CUBLAS_POINTER_MODE_HOST = 0, CUBLAS_POINTER_MODE_DEVICE = 1 };

struct cublasContext {
  cublasPointerMode_t pointer_mode = CUBLAS_POINTER_MODE_HOST;
};
using cublasHandle_t = cublasContext*;

namespace emulated_gpu {

// A scalar argument: its value now (host mode) or a device address read when the call runs.
struct Scalar {
  double value;
  const double* device;
  double get() const { return device ? *device : value; }
};

inline bool scalar_of(cublasHandle_t h, const double* p, Scalar& s) {
  if (h->pointer_mode == CUBLAS_POINTER_MODE_HOST) {
    s = Scalar{*p, nullptr};
    return true;
  }
  s = Scalar{0.0, p};
  return is_device_range(p, sizeof(double));
}

inline bool vector_ok(const double* x, int n, int inc) { return inc > 0 && is_device_range(x, sizeof(double) * (1 + (n - 1) * size_t(inc))); }
inline bool matrix_ok(const double* A, int rows, int cols, int lda) {
  return lda >= std::max(1, rows) && is_device_range(A, sizeof(double) * (size_t(lda) * (cols - 1) + rows));
}

// Queued on the legacy stream; a call that returns a scalar to the host (Ddot in host pointer
// mode) blocks until it is done.
inline cublasStatus_t queue_blas(EmulatedOp op, bool blocks = false) {
  enqueue(nullptr, std::move(op));
  if (blocks) flush(runtime().legacy);
  return CUBLAS_STATUS_SUCCESS;
}

}  // namespace emulated_gpu

inline cublasStatus_t cublasCreate(cublasHandle_t* h) {
  *h = new cublasContext;
  return CUBLAS_STATUS_SUCCESS;
}
inline cublasStatus_t cublasDestroy(cublasHandle_t h) {
  if (!h) return CUBLAS_STATUS_NOT_INITIALIZED;
  emulated_gpu::flush(emulated_gpu::runtime().legacy);
  delete h;
  return CUBLAS_STATUS_SUCCESS;
}
inline cublasStatus_t cublasSetPointerMode(cublasHandle_t h, cublasPointerMode_t mode) {
  if (!h) return CUBLAS_STATUS_NOT_INITIALIZED;
  h->pointer_mode = mode;
  return CUBLAS_STATUS_SUCCESS;
}

// result = x . y
inline cublasStatus_t cublasDdot(cublasHandle_t h, int n, const double* x, int incx, const double* y, int incy,
                                 double* result) {
  using namespace emulated_gpu;
  if (n < 1 || !vector_ok(x, n, incx) || !vector_ok(y, n, incy)) return CUBLAS_STATUS_INVALID_VALUE;
  if (h->pointer_mode == CUBLAS_POINTER_MODE_DEVICE && !is_device_range(result, sizeof(double))) {
    return CUBLAS_STATUS_INVALID_VALUE;
  }
  return queue_blas([=] {
    double sum = 0.0;
    for (int k = 0; k < n; ++k) sum += x[size_t(k) * incx] * y[size_t(k) * incy];
    *result = sum;
  }, h->pointer_mode == CUBLAS_POINTER_MODE_HOST);
}

// y = alpha x + y
inline cublasStatus_t cublasDaxpy(cublasHandle_t h, int n, const double* alpha, const double* x, int incx, double* y,
                                  int incy) {
  using namespace emulated_gpu;
  Scalar a;
  if (n < 1 || !scalar_of(h, alpha, a) || !vector_ok(x, n, incx) || !vector_ok(y, n, incy)) {
    return CUBLAS_STATUS_INVALID_VALUE;
  }
  return queue_blas([=] {
    const double av = a.get();
    for (int k = 0; k < n; ++k) y[size_t(k) * incy] += av * x[size_t(k) * incx];
  });
}

// y = alpha op(A) x + beta y, A m x n; y is not read when beta is 0.
inline cublasStatus_t cublasDgemv(cublasHandle_t h, cublasOperation_t trans, int m, int n, const double* alpha,
                                  const double* A, int lda, const double* x, int incx, const double* beta, double* y,
                                  int incy) {
  using namespace emulated_gpu;
  const int x_len = trans == CUBLAS_OP_N ? n : m, y_len = trans == CUBLAS_OP_N ? m : n;
  Scalar a, b;
  if (m < 1 || n < 1 || !scalar_of(h, alpha, a) || !scalar_of(h, beta, b) || !matrix_ok(A, m, n, lda) ||
      !vector_ok(x, x_len, incx) || !vector_ok(y, y_len, incy)) {
    return CUBLAS_STATUS_INVALID_VALUE;
  }
  return queue_blas([=] {
    const double av = a.get(), bv = b.get();
    for (int i = 0; i < y_len; ++i) {
      double sum = 0.0;
      for (int j = 0; j < x_len; ++j) {
        const double Aij = trans == CUBLAS_OP_N ? A[i + size_t(j) * lda] : A[j + size_t(i) * lda];
        sum += Aij * x[size_t(j) * incx];
      }
      double& yi = y[size_t(i) * incy];
      yi = av * sum + (bv == 0.0 ? 0.0 : bv * yi);
    }
  });
}

// y = alpha A x + beta y, A symmetric n x n of which only the `uplo` triangle is read.
inline cublasStatus_t cublasDsymv(cublasHandle_t h, cublasFillMode_t uplo, int n, const double* alpha, const double* A,
                                  int lda, const double* x, int incx, const double* beta, double* y, int incy) {
  using namespace emulated_gpu;
  Scalar a, b;
  if (n < 1 || !scalar_of(h, alpha, a) || !scalar_of(h, beta, b) || !matrix_ok(A, n, n, lda) ||
      !vector_ok(x, n, incx) || !vector_ok(y, n, incy)) {
    return CUBLAS_STATUS_INVALID_VALUE;
  }
  return queue_blas([=] {
    const double av = a.get(), bv = b.get();
    const auto element = [&](int i, int j) {
      const bool stored = uplo == CUBLAS_FILL_MODE_LOWER ? i >= j : i <= j;
      return stored ? A[i + size_t(j) * lda] : A[j + size_t(i) * lda];
    };
    std::vector<double> out(n);
    for (int i = 0; i < n; ++i) {
      double sum = 0.0;
      for (int j = 0; j < n; ++j) sum += element(i, j) * x[size_t(j) * incx];
      out[i] = av * sum + (bv == 0.0 ? 0.0 : bv * y[size_t(i) * incy]);
    }
    for (int i = 0; i < n; ++i) y[size_t(i) * incy] = out[i];
  });
}

// A += alpha x x^T on the `uplo` triangle only.
inline cublasStatus_t cublasDsyr(cublasHandle_t h, cublasFillMode_t uplo, int n, const double* alpha, const double* x,
                                 int incx, double* A, int lda) {
  using namespace emulated_gpu;
  Scalar a;
  if (n < 1 || !scalar_of(h, alpha, a) || !vector_ok(x, n, incx) || !matrix_ok(A, n, n, lda)) {
    return CUBLAS_STATUS_INVALID_VALUE;
  }
  return queue_blas([=] {
    const double av = a.get();
    for (int j = 0; j < n; ++j) {
      const int first = uplo == CUBLAS_FILL_MODE_LOWER ? j : 0, last = uplo == CUBLAS_FILL_MODE_LOWER ? n - 1 : j;
      for (int i = first; i <= last; ++i) A[i + size_t(j) * lda] += av * x[size_t(i) * incx] * x[size_t(j) * incx];
    }
  });
}
