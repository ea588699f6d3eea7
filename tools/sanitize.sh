#!/usr/bin/env bash
# The unit and CLI test suite again, built with AddressSanitizer + UndefinedBehaviorSanitizer
# into build-asan/ (MMM_SANITIZE=ON). Any sanitizer report aborts its test (-fno-sanitize-recover,
# halt_on_error), so a memory error, leak or undefined behaviour fails the run. The CUDA backend
# and its emulation stay off: the emulated build compiles the host code a second time for a
# second library and test binary, which would double the cost for CUDA parity checks that
# tools/test.sh already runs; benchmarks are not built.
# docs/hardening.md says how to run it by hand and what it costs.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMMM_SANITIZE=ON \
  -DMMM_ENABLE_CUDA=OFF -DMMM_EMULATE_CUDA=OFF -DMMM_BUILD_BENCH=OFF \
  -DMMM_WARNINGS_AS_ERRORS=ON "${launcher[@]}" "$@"
cmake --build build-asan -j"$(nproc)"
built=$(date +%s)
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
ctest --test-dir build-asan --output-on-failure -j"$(nproc)"
end=$(date +%s)
echo "sanitizers: build $((built - start)) s, tests $((end - built)) s"
