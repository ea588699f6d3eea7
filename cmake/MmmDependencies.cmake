# Every dependency comes from a Debian package (see .ci/run); nothing is downloaded at build time.
find_package(Threads REQUIRED)
find_package(Eigen3 3.3 REQUIRED NO_MODULE)
find_package(nlohmann_json 3 REQUIRED)
# zlib: sweep_all.csv.gz of `mmm sweep --all`.
find_package(ZLIB REQUIRED)

# SQLite (the embedded results database, --db FILE) and libpq (--db postgresql://…):
# host/database/. Plain library lookups: Debian's libsqlite3-dev and libpq-dev.
find_path(MMM_SQLITE_INCLUDE sqlite3.h REQUIRED)
find_library(MMM_SQLITE_LIB sqlite3 REQUIRED)
find_path(MMM_PQ_INCLUDE libpq-fe.h PATH_SUFFIXES postgresql REQUIRED)
find_library(MMM_PQ_LIB pq REQUIRED)

# CLI11, toml++ and Random123 are header-only.
find_path(MMM_CLI11_INCLUDE CLI/CLI.hpp REQUIRED)
find_path(MMM_TOMLPP_INCLUDE toml++/toml.h REQUIRED)
find_path(MMM_RANDOM123_INCLUDE Random123/philox.h REQUIRED)

# NLopt (SLSQP for the budget allocator); Debian ships a CMake config, but the plain library
# lookup is the most portable across versions.
find_path(MMM_NLOPT_INCLUDE nlopt.h REQUIRED)
find_library(MMM_NLOPT_LIB nlopt REQUIRED)
