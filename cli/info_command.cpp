// `mmm info`: what this build can do and which devices are visible.

#include <cstdio>

#include "cli/commands.hpp"
#include "cli/job.hpp"
#include "host/backend/cuda_switch.hpp"
#include "host/backend/device.hpp"
#include "host/common/errors.hpp"
#include "host/common/quoted_excerpt.hpp"
#include "host/common/thread_pool.hpp"

namespace mmm::cli {

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;      // inside "…": commas are part of the name
  bool was_quoted = false;  // the piece was quoted: kept as written, spaces and all
  auto flush = [&] {
    if (was_quoted) {
      out.push_back(cur);
    } else {
      const auto b = cur.find_first_not_of(" \t");
      const auto e = cur.find_last_not_of(" \t");
      if (b != std::string::npos) out.push_back(cur.substr(b, e - b + 1));
    }
    cur.clear();
    was_quoted = false;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char ch = text[i];
    if (quoted) {
      if (ch == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        cur += '"';
        ++i;
      } else if (ch == '"') {
        quoted = false;
      } else {
        cur += ch;
      }
    } else if (ch == '"' && cur.find_first_not_of(" \t") == std::string::npos) {
      // A quote opening a piece, as in CSV: `"north, east",south` is two names.
      quoted = was_quoted = true;
      cur.clear();
    } else if (ch == ',') {
      flush();
    } else {
      cur += ch;
    }
  }
  if (quoted) {
    throw InputError("the list `" + quoted_excerpt(text) +
                     "` has a quote that is not closed; write a name with a comma as \"a,b\"");
  }
  flush();
  return out;
}

Runner add_info_command(CLI::App& /*app*/) {
  return [] {
    const CudaStatus s = cuda_status();
    std::printf("mmm %s\n", MMM_VERSION);
    std::printf("cpu backend: yes (%d hardware threads, float64, Eigen)\n", hardware_threads());
    std::printf("cuda backend: %s\n", s.built ? "built" : "not built");
    std::printf("mpi: %s; this process: rank %d of %d\n",
                mpi_built() ? "built (mpirun -np N mmm …, docs/distributed.md)" : "not built",
                job().rank(), job().size());
    std::printf("cuda devices: %d%s%s\n", s.device_count, s.detail.empty() ? "" : " — ",
                s.detail.c_str());
    for (size_t i = 0; i < s.devices.size(); ++i)
      std::printf("  cuda:%zu %s\n", i, s.devices[i].c_str());
    if (s.built) {
      const std::string problem = cuda_math_library_problem();
      std::printf("cuda math libraries (cuBLAS, cuSOLVER; for segment solves): %s\n",
                  problem.empty() ? "loadable" : problem.c_str());
    }
    return 0;
  };
}

}  // namespace mmm::cli
