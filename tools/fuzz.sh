#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz/ in the sanitized build (tools/asan_build.sh:
# clang, ASan + UBSan, build-asan/) and runs each for a bounded time on its seed corpus
# (tests/fuzz/corpus/<target>/; new inputs go to build-asan/corpus/<target>/, the committed
# seeds are not touched). Exits non-zero when a target crashes, leaks, trips a sanitizer, times
# out on one input or throws anything but InputError; the input that did it is saved as
# build-asan/artifacts/<target>-crash-… (replay: build-asan/tests/fuzz/<target> FILE).
#   tools/fuzz.sh [seconds per target, default 30] [target ...]
# docs/hardening.md says how to run them longer.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"
shift || true
dir="${MMM_ASAN_DIR:-build-asan}"
tools/asan_build.sh mmm_fuzz_targets
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for d in tests/fuzz/corpus/*/; do targets+=("$(basename "$d")"); done
fi
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
mkdir -p "$dir/artifacts" "$dir/logs" "$dir/fuzz-tmp"
# The targets write each input to a file under the temporary directory; keep those in the build.
export TMPDIR="$PWD/$dir/fuzz-tmp"
failed=()
printf '%-24s %12s %10s %8s\n' target executions exec/s result
for t in "${targets[@]}"; do
  mkdir -p "$dir/corpus/$t"
  log="$dir/logs/$t.log"
  # -timeout: one input taking 10 s is a hang; -rss_limit_mb: one input must not need 2 GB.
  if "$dir/tests/fuzz/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
       -max_len=65536 -print_final_stats=1 -artifact_prefix="$dir/artifacts/$t-" \
       "$dir/corpus/$t" "tests/fuzz/corpus/$t" >"$log" 2>&1; then
    result=ok
  else
    result=FAILED
    failed+=("$t")
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  printf '%-24s %12s %10s %8s\n' "$t" "${runs:-?}" "${rate:-?}" "$result"
done
if [ ${#failed[@]} -gt 0 ]; then
  for t in "${failed[@]}"; do
    echo "---- $t ($dir/logs/$t.log, last 40 lines)"
    tail -40 "$dir/logs/$t.log"
  done
  echo "fuzz: ${#failed[@]} of ${#targets[@]} targets failed: ${failed[*]}"
  exit 1
fi
echo "fuzz: ${#targets[@]} targets, ${seconds} s each, no crash"
