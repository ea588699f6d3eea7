#include "host/outputs/sweep_all_writer.hpp"

#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "host/common/errors.hpp"
#include "host/io/csv_writer.hpp"

namespace mmm {
namespace fs = std::filesystem;

SweepAllWriter::SweepAllWriter(OutputDir& out, const std::vector<std::string>& channels,
                               bool resume) {
  final_ = (fs::path(out.path()) / "sweep_all.csv.gz").string();
  std::error_code ec;
  if (resume && !fs::exists(final_, ec)) {
    throw InputError("cannot --resume with --all: `" + final_ +
                     "` is missing (the interrupted run had no --all?)");
  }
  open(out, resume);
  if (!resume) {
    std::string header = "index,loss,r2";
    for (const auto& c : channels) header += "," + c + "_theta," + c + "_alpha," + c + "_gamma";
    for (const auto& c : channels) header += "," + c + "_coef";
    header += "\n";
    write_buffer(header.data(), header.size());
  }
}

void SweepAllWriter::open(OutputDir& out, bool continue_committed) {
  tmp_ = out.reserve("sweep_all.csv.gz");
  if (continue_committed) {
    std::error_code ec;
    fs::copy_file(final_, tmp_, fs::copy_options::overwrite_existing, ec);
    if (ec) throw std::runtime_error("cannot copy `" + final_ + "`: " + ec.message());
  }
  // Level 1: the file is large and written while the backend waits; speed beats ratio here.
  errno = 0;
  gz_ = gzopen(tmp_.c_str(), continue_committed ? "ab1" : "wb1");
  if (gz_ == nullptr) throw std::runtime_error(failure("cannot write"));
}

void SweepAllWriter::continue_after_commit(OutputDir& out) { open(out, true); }

SweepAllWriter::~SweepAllWriter() {
  if (gz_ != nullptr) gzclose(static_cast<gzFile>(gz_));
}

std::string SweepAllWriter::failure(const std::string& what) const {
  // zlib reports a failed write()/close() as Z_ERRNO; errno then says why (a full disk).
  const int error = errno;
  return what + " `" + tmp_ + "`" + (error != 0 ? ": " + std::string(std::strerror(error)) : "");
}

void SweepAllWriter::write_buffer(const char* text, std::size_t size) {
  // gzwrite takes an unsigned length: a chunk's rows (tens of MB) go in pieces below 2^30.
  constexpr std::size_t kPiece = std::size_t{1} << 30;
  for (std::size_t at = 0; at < size; at += kPiece) {
    const auto n = static_cast<unsigned>(std::min(kPiece, size - at));
    errno = 0;
    if (gzwrite(static_cast<gzFile>(gz_), text + at, n) <= 0) {
      throw std::runtime_error(failure("failed to write"));
    }
  }
}

std::string SweepAllWriter::format_rows(std::uint64_t first, int count, int C, const double* params,
                                        const BatchResult& r) {
  std::string rows;
  for (int i = 0; i < count; ++i) {
    rows += std::to_string(first + static_cast<std::uint64_t>(i));
    rows += ',';
    rows += format_number(r.loss[i]);
    rows += ',';
    rows += format_number(r.r2[i]);
    for (int k = 0; k < 3 * C; ++k) {
      rows += ',';
      rows += format_number(params[static_cast<size_t>(i) * 3 * C + k]);
    }
    for (int c = 0; c < C; ++c) {
      rows += ',';
      rows += format_number(r.coef[static_cast<size_t>(i) * r.parameters + c]);
    }
    rows += '\n';
  }
  return rows;
}

void SweepAllWriter::write_rows(const char* rows, std::size_t size) { write_buffer(rows, size); }

void SweepAllWriter::commit() {
  errno = 0;
  const int rc = gzclose(static_cast<gzFile>(gz_));
  gz_ = nullptr;
  if (rc != Z_OK) throw std::runtime_error(failure("failed to finish"));
}

}  // namespace mmm
