// NumPy .npy files written as a stream, the header kept valid at every flush;
// docs/architecture.md, "Outputs".
#include "eisim/engine/npy.hpp"

#include <cerrno>
#include <cstring>

#include "eisim/errors.hpp"

namespace eisim {
namespace {
// Header size reserved up front: fits any shape, a multiple of 64 as the format asks.
constexpr size_t kHeaderBytes = 128;
}  // namespace

NpyWriter::NpyWriter(const std::string& path, const char* dtype, size_t item_bytes, size_t columns)
    : path_(path), dtype_(dtype), item_bytes_(item_bytes), columns_(columns) {
  file_ = std::fopen(path.c_str(), "wb");
  if (!file_) throw RuntimeProblem(path + ": cannot write (" + std::strerror(errno) + ")");
  write_header();
}

NpyWriter::NpyWriter(NpyWriter&& other) noexcept
    : path_(std::move(other.path_)),
      dtype_(std::move(other.dtype_)),
      item_bytes_(other.item_bytes_),
      columns_(other.columns_),
      items_(other.items_),
      file_(other.file_) {
  other.file_ = nullptr;
}

NpyWriter::~NpyWriter() {
  if (file_) {
    try {
      close();
    } catch (...) {  // a destructor must not throw; close() explicitly to see errors
    }
  }
}

void NpyWriter::write_header() {
  std::string shape = columns_ == 0 ? "(" + std::to_string(items_) + ",)"
                                    : "(" + std::to_string(items_ / columns_) + ", " + std::to_string(columns_) + ")";
  std::string dict = "{'descr': '" + dtype_ + "', 'fortran_order': False, 'shape': " + shape + ", }";
  const size_t preamble = 10;  // magic (6) + version (2) + header length (2)
  dict.append(kHeaderBytes - preamble - dict.size() - 1, ' ');
  dict.push_back('\n');
  const unsigned char start[preamble] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0,
                                         static_cast<unsigned char>(dict.size() & 0xFF),
                                         static_cast<unsigned char>(dict.size() >> 8)};
  std::fseek(file_, 0, SEEK_SET);
  if (std::fwrite(start, 1, preamble, file_) != preamble || std::fwrite(dict.data(), 1, dict.size(), file_) != dict.size()) {
    throw RuntimeProblem(path_ + ": write failed (" + std::strerror(errno) + ")");
  }
}

void NpyWriter::append(const void* items, size_t count) {
  if (count == 0) return;
  if (std::fwrite(items, item_bytes_, count, file_) != count) {
    throw RuntimeProblem(path_ + ": write failed (" + std::strerror(errno) + "); is the disk full?");
  }
  items_ += count;
}

void NpyWriter::flush() {
  if (!file_) return;
  // Data first, then the header that counts it: a run killed at any moment leaves a file that loads,
  // holding at least what the header says.
  if (std::fflush(file_) != 0) throw RuntimeProblem(path_ + ": write failed (" + std::strerror(errno) + ")");
  const long end = std::ftell(file_);
  write_header();
  if (std::fseek(file_, end, SEEK_SET) != 0 || std::fflush(file_) != 0) {
    throw RuntimeProblem(path_ + ": write failed (" + std::strerror(errno) + ")");
  }
}

void NpyWriter::close() {
  if (!file_) return;
  write_header();
  const bool ok = std::fclose(file_) == 0;
  file_ = nullptr;
  if (!ok) throw RuntimeProblem(path_ + ": could not be completed (" + std::strerror(errno) + ")");
}

}  // namespace eisim
