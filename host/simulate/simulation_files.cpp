#include "host/simulate/simulation_files.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "host/common/errors.hpp"
#include "host/simulate/simulator.hpp"

namespace mmm {

std::string format_exact(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

void write_data_and_truth(const std::string& csv_path,
                          const std::function<void(std::ostream&)>& write_csv,
                          const std::string& truth_json) {
  const std::string json_path = truth_path_for(csv_path);
  const std::string csv_tmp = csv_path + ".tmp", json_tmp = json_path + ".tmp";
  // The reason is the system's (errno of the failed open, write or close; the rename's error
  // code), so a full disk says "No space left on device" rather than blaming the folder.
  const auto fail = [&](const std::string& path, int error) {
    std::error_code ignored;
    std::filesystem::remove(csv_tmp, ignored);
    std::filesystem::remove(json_tmp, ignored);
    return InputError("cannot write `" + path + "`: " +
                      (error != 0 ? std::string(std::strerror(error))
                                  : std::string("the output folder is not writable")));
  };
  {
    errno = 0;
    std::ofstream out(csv_tmp, std::ios::binary);
    if (!out) throw fail(csv_path, errno);
    write_csv(out);
    out.close();
    if (!out) throw fail(csv_path, errno);
  }
  {
    errno = 0;
    std::ofstream out(json_tmp, std::ios::binary);
    if (!out) throw fail(json_path, errno);
    out << truth_json << '\n';
    out.close();
    if (!out) throw fail(json_path, errno);
  }
  std::error_code ec;
  std::filesystem::rename(json_tmp, json_path, ec);
  if (ec) throw fail(json_path, ec.value());
  std::filesystem::rename(csv_tmp, csv_path, ec);
  if (ec) {
    const int error = ec.value();
    std::filesystem::remove(json_path, ec);  // no truth file without its data
    throw fail(csv_path, error);
  }
}

}  // namespace mmm
