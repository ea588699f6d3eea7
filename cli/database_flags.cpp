#include "cli/database_flags.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <vector>

#include "host/common/errors.hpp"
#include "host/data/table_fingerprint.hpp"
#include "host/database/data_query.hpp"
#include "host/database/run_writer.hpp"
#include "host/database/schema.hpp"
#include "host/pipeline/sweep_pipeline.hpp"

namespace mmm::cli {
namespace {

std::vector<std::string>& command_line() {
  static std::vector<std::string> args;
  return args;
}

std::optional<double> number(const nlohmann::json& j, const char* key) {
  if (j.contains(key) && j[key].is_number()) return j[key].get<double>();
  return std::nullopt;
}

}  // namespace

void set_command_line(int argc, char** argv) {
  command_line().assign(argv, argv + argc);
  // A password in a --db or --data URL must not be stored in the database.
  for (std::string& a : command_line()) a = redact_url(a);
}

std::shared_ptr<const CsvTable> database_input(const std::string& data, const std::string& query) {
  if (!is_database_source(data)) {
    if (!query.empty()) {
      throw InputError("--query needs --data sqlite:FILE or postgresql://…; `" + data +
                       "` is a file");
    }
    return nullptr;
  }
  return std::make_shared<const CsvTable>(read_query_table(data, query));
}

std::unique_ptr<Database> open_results_database(const std::string& db) {
  if (db.empty()) return nullptr;
  std::unique_ptr<Database> d = open_database(db);
  check_readable(*d);  // a database of a later mmm is refused now, not after the fit
  return d;
}

long store_run(Database& db, const std::string& command, const std::string& data,
               const CsvTable* table, const OutputDir& out, const nlohmann::json& summary,
               bool quiet) {
  RunRecord rec;
  rec.command = command;
  rec.data_source = redact_url(data);
  rec.data_fingerprint = table ? table_fingerprint(*table) : "file:" + file_fingerprint(data);
  nlohmann::json settings = {{"args", command_line()}};
  // model.json's config (the resolved options), when the run wrote one.
  std::ifstream model((std::filesystem::path(out.path()) / "model.json").string());
  if (model) {
    const nlohmann::json m = nlohmann::json::parse(model, nullptr, false);
    if (!m.is_discarded() && m.contains("config")) settings["config"] = m["config"];
  }
  rec.settings = settings.dump();
  rec.backend = summary.value("backend", "");
  rec.metrics = summary.dump();
  rec.loss = number(summary, "loss");
  if (!rec.loss) rec.loss = number(summary, "best_loss");
  rec.r2 = number(summary, "r2");
  if (!rec.r2) rec.r2 = number(summary, "best_r2");
  rec.cv_mape = number(summary, "cv_mape");
  rec.out_dir = out.path();
  const long id = write_run(db, rec, out.path(), out.written());
  if (!quiet) std::fprintf(stderr, "notice: stored run %ld in %s\n", id, db.name().c_str());
  return id;
}

}  // namespace mmm::cli
