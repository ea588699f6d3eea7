#include "python/src/output_set.hpp"

#include <stdlib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace mmm::python {
namespace {

/// A fresh private folder under the system's temporary directory, removed on destruction.
class StagingFolder {
 public:
  StagingFolder() {
    std::string pattern = (std::filesystem::temp_directory_path() / "mmm-python-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error("cannot create a temporary folder for the run's tables: " +
                               std::string(std::strerror(errno)));
    }
    path_ = pattern;
  }
  ~StagingFolder() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  StagingFolder(const StagingFolder&) = delete;
  StagingFolder& operator=(const StagingFolder&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace

OutputSet capture_outputs(const std::function<void(OutputDir&)>& write) {
  StagingFolder staging;
  OutputSet files;
  OutputDir out((std::filesystem::path(staging.path()) / "out").string());
  write(out);
  const std::vector<std::string> names = out.written();
  for (const std::string& name : names) files.emplace_back(name, out.written(name).value());
  return files;  // `out` is not committed: its destructor removes the temporaries
}

void save_outputs(const std::string& path, const OutputSet& files,
                  const std::vector<std::string>& replaces) {
  OutputDir out(path, replaces);
  for (const auto& [name, text] : files) out.add(name, text);
  out.commit();
}

}  // namespace mmm::python
