#!/usr/bin/env bash
# The unit and CLI test suite again, built with AddressSanitizer + UndefinedBehaviorSanitizer
# (tools/asan_build.sh: clang, build-asan/). The CLI tests run the sanitized `mmm`, so every
# end-to-end case is checked too. Any sanitizer report aborts its test (-fno-sanitize-recover,
# halt_on_error), so a memory error, leak or undefined behaviour fails the run. CUDA and its
# emulation stay off: the emulated build would compile the host code a second time for CUDA
# parity checks that tools/test.sh already runs. docs/hardening.md: how to run it, what it costs.
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${MMM_ASAN_DIR:-build-asan}"
start=$(date +%s)
tools/asan_build.sh mmm mmm_tests
built=$(date +%s)
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
ctest --test-dir "$dir" --output-on-failure -j"$(nproc)"
end=$(date +%s)
echo "sanitizers: build $((built - start)) s, tests $((end - built)) s"
