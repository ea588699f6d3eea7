#!/usr/bin/env bash
# The one-shot check on a lent GPU (issue "Measure the CUDA backend on a real GPU"), prepared by
# tools/gpu_prepare.sh: the device, the CUDA tests with zero skips asserted, compute-sanitizer
# memcheck on the parity tests, the evaluator and bootstrap benchmarks (JSON named after the
# device), and `mmm fit` on cuda against cpu at the same seed. Each step has its own time limit
# so the whole stays under ~8 minutes; a failing step is recorded and the next one still runs.
# $OUT (or ./gpu-check-out) gets four files — the device tool brings back at most eight:
# summary.txt (one line per step), steps.log (every step's output), cuda_tests.json and
# bench_<device>.json. Exit status: the number of failed steps.
set -uo pipefail
cd "$(dirname "$0")/.."
OUT="${OUT:-$PWD/gpu-check-out}"
BUILD="${BUILD:-build-gpu}"
mkdir -p "$OUT"
export LD_LIBRARY_PATH="$PWD/.device/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
# The test binary knows this checkout by the absolute path it was built in.
source_dir="$(cat .device/source_dir 2>/dev/null || true)"
if [ -n "$source_dir" ] && [ "$source_dir" != "$PWD" ] && [ ! -e "$source_dir" ]; then
  mkdir -p "$(dirname "$source_dir")" && ln -s "$PWD" "$source_dir"
fi
logs="$(mktemp -d)"
failed=0
step() {  # step NAME SECONDS COMMAND...
  local name="$1" limit="$2"
  shift 2
  local t0=$SECONDS
  timeout "$limit" "$@" >"$logs/$name.log" 2>&1
  local rc=$?
  { echo "===== $name (exit $rc, $((SECONDS - t0)) s): $*"; cat "$logs/$name.log"; } >>"$OUT/steps.log"
  echo "$name: exit $rc in $((SECONDS - t0)) s" | tee -a "$OUT/summary.txt"
  [ "$rc" -eq 0 ] || failed=$((failed + 1))
  return 0
}
: >"$OUT/summary.txt"
: >"$OUT/steps.log"
nvidia-smi -L | tee -a "$OUT/summary.txt"
device="$(nvidia-smi --query-gpu=name --format=csv,noheader | head -1 | tr ' ' '_')"
step info 30 "$BUILD/mmm" info
# The CUDA tests: CudaParity.*, CudaFused.*, CudaBatchedSolve.*, Device.*, SegmentBackend.*,
# SegmentsDeviceCli.*.
cuda_tests='Cuda*:Device*:SegmentBackend*:SegmentsDeviceCli*'
step cuda_tests 240 "$BUILD/tests/mmm_tests" --gtest_filter="$cuda_tests" \
  --gtest_output=json:"$OUT/cuda_tests.json"
skipped=$(grep -c '^\[  SKIPPED \]' "$logs/cuda_tests.log" || true)
echo "cuda_tests: $skipped skipped (expected 0)" | tee -a "$OUT/summary.txt"
[ "$skipped" -eq 0 ] || failed=$((failed + 1))
if command -v compute-sanitizer >/dev/null; then
  step memcheck 180 compute-sanitizer --tool memcheck --error-exitcode 1 \
    "$BUILD/tests/mmm_tests" \
    --gtest_filter='CudaParity.*:CudaFused.*:CudaBatchedSolve.*-CudaParity.BatchLargerThanOneChunk'
else
  echo "memcheck: compute-sanitizer not found" | tee -a "$OUT/summary.txt"
  failed=$((failed + 1))
fi
step bench_evaluator 150 "$BUILD/bench/mmm_bench" \
  --benchmark_filter='BM_Cuda(Search|Unfused)?(Evaluate|EvaluateDefault|EvaluateDefaultLogistic|Bootstrap)' \
  --benchmark_min_time=0.2 \
  --benchmark_out_format=json --benchmark_out="$OUT/bench_${device}.json" \
  --benchmark_context=device="$device"
# End to end: the same seed on both backends; the best losses must agree to 1e-6 relative.
"$BUILD/mmm" simulate --weeks 156 --channels 20 --seed 1 --out "$OUT/sim20.csv" --quiet
fit_args=(fit --data "$OUT/sim20.csv" --budget 1000000 --population 16384 --bootstrap 10000
          --nested-budget 0 --seed 1 --quiet --json)
step fit_cuda 60 "$BUILD/mmm" "${fit_args[@]}" --device cuda --out "$OUT/fit_cuda"
step fit_cpu 120 "$BUILD/mmm" "${fit_args[@]}" --device cpu --out "$OUT/fit_cpu"
step nested_cuda 60 "$BUILD/mmm" fit --data "$OUT/sim20.csv" --bootstrap 100 \
  --nested-budget 100000 --population 16384 --device cuda --seed 1 --quiet --json \
  --out "$OUT/fit_nested"
python3 - "$OUT" "$logs" <<'PY' | tee -a "$OUT/summary.txt" || failed=$((failed + 1))
import json, sys, pathlib
out, logs = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
def last_json(name):
    lines = [l for l in (logs / f"{name}.log").read_text().splitlines() if l.startswith("{")]
    return json.loads(lines[-1]) if lines else None
cuda, cpu = last_json("fit_cuda"), last_json("fit_cpu")
if not cuda or not cpu:
    sys.exit("fit: a run wrote no JSON summary")
rel = abs(cuda["loss"] - cpu["loss"]) / abs(cpu["loss"])
print(f"fit: cuda loss {cuda['loss']:.12g} in {cuda['seconds']:.3f} s, cpu {cpu['loss']:.12g} in "
      f"{cpu['seconds']:.3f} s, relative difference {rel:.2e} (bound 1e-6)")
sys.exit(0 if rel <= 1e-6 else 1)
PY
rm -rf "$OUT/sim20.csv" "$OUT/sim20.truth.json" "$OUT"/fit_cuda "$OUT"/fit_cpu "$OUT"/fit_nested
echo "failed steps: $failed" | tee -a "$OUT/summary.txt"
exit "$failed"
