#pragma once
// Shared by the database tests: a fresh results database per test on either engine (a SQLite
// file in a scratch folder, or a private schema on the PostgreSQL server that
// tools/with_postgres.sh starts and names in MMM_TEST_POSTGRES_URL), and starting `mmm` in
// the background with extra environment variables (the kill and concurrency tests).

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "host/database/database.hpp"
#include "tests/test_files.hpp"

namespace mmm::test {

/// The server URL of tools/with_postgres.sh, or "" (the PostgreSQL tests then skip).
inline std::string postgres_url() {
  const char* url = std::getenv("MMM_TEST_POSTGRES_URL");
  return url ? url : "";
}

/// A results database of its own for one test: `url()` is what --db takes.
class TestDatabase {
 public:
  /// `engine`: "sqlite" or "postgresql". For PostgreSQL without a server, available() is false.
  TestDatabase(const std::string& engine, const TempDir& dir) : engine_(engine) {
    if (engine == "sqlite") {
      url_ = dir / "results.sqlite";
      return;
    }
    const std::string base = postgres_url();
    if (base.empty()) return;
    static std::atomic<int> counter{0};
    schema_ = "mmm_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
    open_database(base)->query("CREATE SCHEMA " + schema_);
    // libpq URL parameters are percent-decoded: %3D is '='.
    url_ = base + (base.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" +
           schema_;
  }
  ~TestDatabase() {
    if (schema_.empty()) return;
    try {
      open_database(postgres_url())->query("DROP SCHEMA " + schema_ + " CASCADE");
    } catch (...) {
    }
  }
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  bool available() const { return !url_.empty(); }
  const std::string& url() const { return url_; }
  /// `--data` for a query on this database: sqlite:FILE?query=… or URL&query=….
  std::string data_url(const std::string& query) const {
    if (engine_ == "sqlite") return "sqlite:" + url_ + "?query=" + query;
    return url_ + "&query=" + query;
  }
  /// `--data` naming this database without a query (for --query).
  std::string source() const { return engine_ == "sqlite" ? "sqlite:" + url_ : url_; }
  std::unique_ptr<Database> open() const { return open_database(url_); }

 private:
  std::string engine_, url_, schema_;
};

/// Starts MMM_BINARY with `args` and extra environment variables, stdout and stderr to
/// /dev/null; returns its pid.
inline pid_t spawn_mmm(const std::vector<std::string>& args,
                       const std::map<std::string, std::string>& env) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    for (const auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
    std::FILE* null = std::fopen("/dev/null", "w");
    if (null) {
      ::dup2(::fileno(null), 1);
      ::dup2(::fileno(null), 2);
    }
    std::vector<char*> argv;
    std::string binary = MMM_BINARY;
    argv.push_back(binary.data());
    std::vector<std::string> copy = args;
    for (std::string& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(binary.c_str(), argv.data());
    ::_exit(127);
  }
  return pid;
}

/// Waits for `pid`; its exit code, or 128 + the signal that ended it.
inline int wait_for(pid_t pid) {
  int status = 0;
  if (::waitpid(pid, &status, 0) != pid) return -1;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
}

/// Number of runs in the database (0 when mmm never wrote to it).
inline long count_runs(Database& db) {
  if (db.table_columns("runs").empty()) return 0;
  return std::stol(*db.query("SELECT count(*) FROM runs").rows[0][0]);
}

}  // namespace mmm::test
