// `mmm runs`: the runs a results database holds (--db), and one run's output set written
// back as the CSV and JSON files it wrote (--run ID --out DIR).

#include <cstdio>
#include <memory>

#include "cli/commands.hpp"
#include "host/common/errors.hpp"
#include "host/database/database.hpp"
#include "host/database/run_export.hpp"
#include "host/io/csv_writer.hpp"
#include "host/io/output_dir.hpp"
#include "host/io/output_files.hpp"

namespace mmm::cli {
namespace {

struct RunsFlags {
  std::string db, out;
  long run = 0;
  bool csv = false;
};

std::string number_text(const std::optional<std::string>& v, const char* format) {
  if (!v) return "";
  char buf[32];
  std::snprintf(buf, sizeof buf, format, std::strtod(v->c_str(), nullptr));
  return buf;
}

void print_runs(const SqlRows& runs, bool csv) {
  if (csv) {
    CsvWriter w(runs.columns);
    for (const auto& row : runs.rows) {
      for (const auto& v : row) w.cell(v.value_or(""));
      w.end_row();
    }
    std::fputs(w.text().c_str(), stdout);
    return;
  }
  std::printf("%6s  %-20s  %-14s  %-16s  %10s  %7s  %8s  %s\n", "run_id", "created_at", "command",
              "backend", "loss", "r2", "cv_mape", "data_source");
  for (const auto& r : runs.rows) {
    std::printf("%6s  %-20s  %-14s  %-16s  %10s  %7s  %8s  %s\n", r[0].value_or("").c_str(),
                r[1].value_or("").c_str(), r[2].value_or("").c_str(), r[4].value_or("").c_str(),
                number_text(r[5], "%.6g").c_str(), number_text(r[6], "%.4f").c_str(),
                number_text(r[7], "%.4f").c_str(), r[3].value_or("").c_str());
  }
}

}  // namespace

Runner add_runs_command(CLI::App& app) {
  auto f = std::make_shared<RunsFlags>();
  app.add_option("--db", f->db, "results database: FILE.sqlite or postgresql://…")->required();
  app.add_option("--run", f->run, "the run to export (its run_id)");
  app.add_option("--out", f->out, "with --run: folder to write the run's files into");
  app.add_flag("--csv", f->csv, "list the runs as CSV on stdout");
  return [f] {
    if (f->run != 0 && f->out.empty()) throw InputError("mmm runs: --run needs --out DIR");
    if (f->run == 0 && !f->out.empty()) throw InputError("mmm runs: --out needs --run ID");
    if (f->run < 0) {
      throw InputError("invalid --run " + std::to_string(f->run) + ": expected a run_id ≥ 1");
    }
    if (!is_postgres_url(f->db)) {
      // Listing must not create an empty database where a name was mistyped.
      const std::string file = f->db.rfind("sqlite:", 0) == 0 ? f->db.substr(7) : f->db;
      if (std::FILE* probe = std::fopen(file.c_str(), "rb")) {
        std::fclose(probe);
      } else {
        throw InputError("no SQLite database `" + file + "`");
      }
    }
    std::unique_ptr<Database> db = open_database(f->db);
    if (f->run == 0) {
      print_runs(list_runs(*db), f->csv);
      return 0;
    }
    OutputDir out(f->out);
    const auto files = run_output_files(*db, f->run);
    for (const auto& [name, content] : files) out.add(name, content);
    out.commit();
    std::fprintf(stderr, "wrote %s (%zu files of run %ld)\n", f->out.c_str(), files.size(), f->run);
    return 0;
  };
}

}  // namespace mmm::cli
