#include "host/io/sweep_all_writer.hpp"

#include <unistd.h>
#include <zlib.h>

#include <filesystem>

#include "host/common/errors.hpp"
#include "host/io/csv_writer.hpp"

namespace mmm {
namespace fs = std::filesystem;

SweepAllWriter::SweepAllWriter(std::string dir, const std::vector<std::string>& channels,
                               bool resume)
    : dir_(std::move(dir)) {
  final_ = (fs::path(dir_) / "sweep_all.csv.gz").string();
  tmp_ = (fs::path(dir_) / (".sweep_all.csv.gz.tmp" + std::to_string(::getpid()))).string();
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) throw std::runtime_error("cannot create `" + dir_ + "`: " + ec.message());
  if (resume) {
    if (!fs::exists(final_, ec)) {
      throw InputError("cannot --resume with --all: `" + final_ +
                       "` is missing (the interrupted run had no --all?)");
    }
    fs::copy_file(final_, tmp_, fs::copy_options::overwrite_existing, ec);
    if (ec) throw std::runtime_error("cannot copy `" + final_ + "`: " + ec.message());
  }
  // Level 1: the file is large and written while the backend waits; speed beats ratio here.
  gz_ = gzopen(tmp_.c_str(), resume ? "ab1" : "wb1");
  if (gz_ == nullptr) throw std::runtime_error("cannot write `" + tmp_ + "`");
  if (!resume) {
    std::string header = "index,loss,r2";
    for (const auto& c : channels) header += "," + c + "_theta," + c + "_alpha," + c + "_gamma";
    for (const auto& c : channels) header += "," + c + "_coef";
    header += "\n";
    gzwrite(static_cast<gzFile>(gz_), header.data(), static_cast<unsigned>(header.size()));
  }
}

SweepAllWriter::~SweepAllWriter() {
  if (committed_) return;
  if (gz_ != nullptr) gzclose(static_cast<gzFile>(gz_));
  std::error_code ec;
  fs::remove(tmp_, ec);
}

void SweepAllWriter::write(std::uint64_t first, int count, int C, const double* params,
                           const BatchResult& r) {
  buffer_.clear();
  for (int i = 0; i < count; ++i) {
    buffer_ += std::to_string(first + static_cast<std::uint64_t>(i));
    buffer_ += ',';
    buffer_ += format_number(r.loss[i]);
    buffer_ += ',';
    buffer_ += format_number(r.r2[i]);
    for (int k = 0; k < 3 * C; ++k) {
      buffer_ += ',';
      buffer_ += format_number(params[static_cast<size_t>(i) * 3 * C + k]);
    }
    for (int c = 0; c < C; ++c) {
      buffer_ += ',';
      buffer_ += format_number(r.coef[static_cast<size_t>(i) * r.parameters + c]);
    }
    buffer_ += '\n';
  }
  if (!buffer_.empty() && gzwrite(static_cast<gzFile>(gz_), buffer_.data(),
                                  static_cast<unsigned>(buffer_.size())) <= 0) {
    throw std::runtime_error("failed to write `" + tmp_ + "`");
  }
}

void SweepAllWriter::commit() {
  const int rc = gzclose(static_cast<gzFile>(gz_));
  gz_ = nullptr;
  if (rc != Z_OK) throw std::runtime_error("failed to finish `" + tmp_ + "`");
  std::error_code ec;
  fs::rename(tmp_, final_, ec);
  if (ec) throw std::runtime_error("failed to move `" + final_ + "` into place: " + ec.message());
  committed_ = true;
}

}  // namespace mmm
