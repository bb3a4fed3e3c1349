// NumPy .npy files, written as a stream: the length is filled in at each flush and when the file is
// closed, so arrays of unknown final size (spike trains) never have to sit in memory, and a run killed
// at any moment leaves files that load.
// docs/architecture.md, "Outputs".
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace eisim {

template <typename T> constexpr const char* npy_dtype();
template <> constexpr const char* npy_dtype<double>() { return "<f8"; }
template <> constexpr const char* npy_dtype<float>() { return "<f4"; }
template <> constexpr const char* npy_dtype<int32_t>() { return "<i4"; }
template <> constexpr const char* npy_dtype<int64_t>() { return "<i8"; }

class NpyWriter {
 public:
  // `columns` = 0 for a 1-D array, else the width of each row of a 2-D array.
  NpyWriter(const std::string& path, const char* dtype, size_t item_bytes, size_t columns = 0);
  ~NpyWriter();
  NpyWriter(const NpyWriter&) = delete;
  NpyWriter& operator=(const NpyWriter&) = delete;

  template <typename T>
  static NpyWriter of(const std::string& path, size_t columns = 0) {
    return NpyWriter(path, npy_dtype<T>(), sizeof(T), columns);
  }
  NpyWriter(NpyWriter&& other) noexcept;

  void append(const void* items, size_t count);  // `count` items, whole rows for 2-D
  void flush();  // puts what was appended on disk, with a header that counts it; throws on I/O errors
  void close();  // writes the final shape; throws on I/O errors

 private:
  void write_header();
  std::string path_;
  std::string dtype_;
  size_t item_bytes_ = 0;
  size_t columns_ = 0;
  uint64_t items_ = 0;
  std::FILE* file_ = nullptr;
};

template <typename T>
void write_npy(const std::string& path, const std::vector<T>& values, size_t columns = 0) {
  NpyWriter out = NpyWriter::of<T>(path, columns);
  out.append(values.data(), values.size());
  out.close();
}

}  // namespace eisim
