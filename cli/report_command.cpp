// `mmm report`: the HTML report of a saved fit, from its model.json and the CSVs beside it.

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>

#include "cli/commands.hpp"
#include "host/common/errors.hpp"
#include "host/io/committed_folder.hpp"
#include "host/io/json_file.hpp"
#include "host/report/chartjs_library.hpp"
#include "host/report/report_file.hpp"

namespace mmm::cli {

namespace {

namespace fs = std::filesystem;

struct ReportFlags {
  std::string model, out;
  bool quiet = false;
};

/// Writes `text` to `path` under a temporary name first, so a failed write never leaves half a
/// page where an earlier report was.
void write_atomically(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp" + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary);
    if (!out) throw InputError("cannot write `" + path + "`: " + std::strerror(errno));
    out << text;
    out.close();
    if (!out) {
      std::error_code ec;
      fs::remove(tmp, ec);
      throw InputError("cannot write `" + path + "`: " + std::strerror(errno));
    }
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(tmp, ignored);
    throw InputError("cannot write `" + path + "`: " + ec.message());
  }
}

}  // namespace

Runner add_report_command(CLI::App& app) {
  auto f = std::make_shared<ReportFlags>();
  app.add_option("--model", f->model,
                 "model.json of a fit; the CSVs the fit wrote beside it are read too")
      ->required();
  app.add_option("--out", f->out, "the HTML file to write (default: report.html beside the model)");
  app.add_flag("--quiet", f->quiet, "do not print where the report went");
  return [f] {
    const std::string out =
        f->out.empty() ? (fs::path(f->model).parent_path() / "report.html").string() : f->out;
    std::error_code ec;
    if (fs::is_directory(out, ec))
      throw InputError("--out `" + out + "` is a folder; give the HTML file to write");
    const std::string folder = fs::path(f->model).parent_path().string();
    // model.json and the CSVs beside it as one set: read again if a run replaced the set
    // meanwhile (output_manifest.hpp).
    std::string page;
    for (int attempt = 1;; ++attempt) {
      const CommittedFolder set(folder);
      const nlohmann::json model = read_json_file(f->model, "model file");
      page = fit_report_html(model, f->model, folder_source(folder.empty() ? "." : folder),
                             chartjs_path());
      if (set.replaced_since() && attempt < 3) continue;
      if (!f->quiet) {
        for (const std::string& n : set.changed_files({fs::path(f->model).filename().string()}))
          std::fprintf(stderr, "notice: %s\n", n.c_str());
      }
      break;
    }
    write_atomically(out, page);
    if (!f->quiet) std::printf("wrote %s (%zu bytes)\n", out.c_str(), page.size());
    return 0;
  };
}

}  // namespace mmm::cli
