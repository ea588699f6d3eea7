#!/usr/bin/env bash
# Configures the sanitized build (build-asan/, or $MMM_ASAN_DIR) and builds the given targets:
# clang, RelWithDebInfo, ASan + UBSan with -fno-sanitize-recover=all (MMM_SANITIZE) and
# libFuzzer's coverage instrumentation (MMM_FUZZ), CUDA and its emulation off, no benchmarks.
# One build serves tools/sanitize.sh (targets mmm, mmm_tests) and tools/fuzz.sh
# (mmm_fuzz_targets), so the library is compiled once for both. clang, not g++: g++ with
# -fsanitize=address,undefined took 4.2x the CPU time of a Release compile on the heaviest file
# (host/pipeline/fit_pipeline.cpp, 51 s vs 12 s), clang 1.8x (22 s); see docs/hardening.md.
#   tools/asan_build.sh TARGET...
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${MMM_ASAN_DIR:-build-asan}"
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
CC=clang CXX=clang++ cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMMM_SANITIZE=ON -DMMM_ENABLE_MPI=OFF \
  -DMMM_FUZZ=ON -DMMM_ENABLE_CUDA=OFF -DMMM_EMULATE_CUDA=OFF -DMMM_BUILD_BENCH=OFF \
  "${launcher[@]}" >/dev/null
cmake --build "$dir" -j"$(nproc)" --target "$@"
