#include "host/simulate/simulation_files.hpp"

#include <cstdio>
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
  const auto fail = [&](const std::string& path) {
    std::error_code ignored;
    std::filesystem::remove(csv_tmp, ignored);
    std::filesystem::remove(json_tmp, ignored);
    return InputError("cannot write `" + path +
                      "`: the output folder does not exist or is not writable");
  };
  {
    std::ofstream out(csv_tmp, std::ios::binary);
    if (!out) throw fail(csv_path);
    write_csv(out);
    out.close();
    if (!out) throw fail(csv_path);
  }
  {
    std::ofstream out(json_tmp, std::ios::binary);
    if (!out) throw fail(json_path);
    out << truth_json << '\n';
    out.close();
    if (!out) throw fail(json_path);
  }
  std::error_code ec;
  std::filesystem::rename(json_tmp, json_path, ec);
  if (ec) throw fail(json_path);
  std::filesystem::rename(csv_tmp, csv_path, ec);
  if (ec) {
    std::filesystem::remove(json_path, ec);  // no truth file without its data
    throw fail(csv_path);
  }
}

}  // namespace mmm
