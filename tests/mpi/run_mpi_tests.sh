#!/usr/bin/env bash
# MPI runs of `mmm` on this machine (ctest: mpi.*, registered when MPI is built and mpirun is
# found): `mpirun -np 1/2/3` must write the same files, byte for byte, as a run without
# mpirun; a sweep stopped under one number of ranks resumes exactly under another; a rank that
# fails or is killed makes the job exit non-zero with no output; a segmented fit, a sweep with
# --all, a fit under --objective pareto and a sweep's periodic checkpoints too.
# Usage:
#   run_mpi_tests.sh MMM MPIRUN CASE
#   (CASE: sweep | resume | fit | failure | segments | all | pareto | checkpoint)
set -euo pipefail
mmm="$1"
mpirun_bin="$2"
case_name="$3"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"

# Open MPI in a container, possibly as root: shared memory without the single-copy mechanism
# (CMA needs ptrace rights containers often lack), no network transports, and oversubscribe
# (CI has 2 cores, the tests use 3 ranks).
export OMPI_MCA_btl_vader_single_copy_mechanism=none
export OMPI_MCA_btl=self,vader
export OMPI_MCA_rmaps_base_oversubscribe=1
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# A container without ssh or rsh: Open MPI refuses to start even on one node unless its
# remote-launch agent names something that exists (open-mpi/ompi#12386); `sh` does.
command -v ssh >/dev/null || command -v rsh >/dev/null || export OMPI_MCA_plm_rsh_agent=sh
mpi() {
  local np="$1"
  shift
  "$mpirun_bin" --oversubscribe -np "$np" "$@"
}
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
same() {  # same FILE_A FILE_B: byte for byte
  cmp "$1" "$2" || fail "$1 and $2 differ"
}
# model.json without its timings, search_trace.csv without its SECONDS column (and the
# manifest without those two files' hashes): the only parts of a fit's output that differ
# between two runs of the same command.
untimed() {
  case "$1" in
    *model.json) sed '/"timings_seconds": {/,/}/d' "$1" ;;
    *search_trace.csv) cut -d, -f1-4 "$1" ;;
    # The set's manifest: the size and SHA-256 of those two files carry their timings too;
    # every other file's entry must match.
    *mmm_manifest.json)
      sed -e '/"model.json": {/,/}/{/"bytes"\|"sha256"/d}' \
          -e '/"search_trace.csv": {/,/}/{/"bytes"\|"sha256"/d}' "$1" ;;
    *) cat "$1" ;;
  esac
}
same_fit() {  # same_fit DIR_A DIR_B: every file of A in B, equal but for timings
  local f
  for f in "$1"/*; do
    cmp <(untimed "$f") <(untimed "$2/$(basename "$f")") || fail "$f and $2/$(basename "$f") differ"
  done
}

"$mmm" simulate --weeks 104 --channels 3 --seed 7 --out data.csv >/dev/null 2>&1
sweep=(sweep --data data.csv --n 6000 --top 25 --chunk 400 --threads 1 --quiet)

case "$case_name" in
  sweep)
    # Every rank knows its place in the job.
    [ "$(mpi 2 "$mmm" info | grep -c "this process: rank [01] of 2")" = 2 ] || fail "mmm info ranks"
    "$mmm" "${sweep[@]}" --out serial >/dev/null
    for np in 1 2 3; do
      mpi "$np" "$mmm" "${sweep[@]}" --out "np$np" >/dev/null
      same serial/sweep_top.csv "np$np/sweep_top.csv"
      same serial/sweep_summary.csv "np$np/sweep_summary.csv"
    done
    # Another design and chunk size: LHS, chunks that do not divide the rounds.
    lhs=(sweep --data data.csv --design lhs --n 2000 --top 10 --chunk 333 --threads 1 --quiet)
    "$mmm" "${lhs[@]}" --out lhs_serial >/dev/null
    mpi 3 "$mmm" "${lhs[@]}" --out lhs_np3 >/dev/null
    same lhs_serial/sweep_top.csv lhs_np3/sweep_top.csv
    same lhs_serial/sweep_summary.csv lhs_np3/sweep_summary.csv
    ;;
  resume)
    "$mmm" "${sweep[@]}" --out serial >/dev/null
    # Stopped at 2,500 under 3 ranks (exit 130), resumed under 2; stopped without mpirun,
    # resumed under 3; stopped under 2, resumed without mpirun.
    for pair in "3 2" "0 3" "2 0"; do
      read -r first then <<<"$pair"
      dir="r$first$then"
      run() {
        if [ "$1" = 0 ]; then "$mmm" "${@:2}"; else mpi "$1" "$mmm" "${@:2}"; fi
      }
      rc=0
      run "$first" "${sweep[@]}" --out "$dir" --stop-after 2500 >/dev/null 2>&1 || rc=$?
      [ "$rc" -ne 0 ] || fail "a stopped sweep exited 0"
      grep -Eq '"next_index": ?2500' "$dir/sweep_state.json" || fail "$dir: next_index is not 2500"
      run "$then" "${sweep[@]}" --out "$dir" --resume >/dev/null
      same serial/sweep_top.csv "$dir/sweep_top.csv"
      same serial/sweep_summary.csv "$dir/sweep_summary.csv"
    done
    ;;
  fit)
    # Trials, the nested bootstrap, then the plain bootstrap: all divided among the ranks.
    for boot in "--nested-evaluations 150" "--nested-evaluations 0"; do
      # shellcheck disable=SC2206
      fit=(fit --data data.csv --budget 300 --trials 3 --bootstrap 20 $boot --threads 1 --quiet)
      rm -rf serial np1 np2 np3
      "$mmm" "${fit[@]}" --out serial >/dev/null 2>&1
      for np in 1 2 3; do
        mpi "$np" "$mmm" "${fit[@]}" --out "np$np" >/dev/null 2>&1
        same_fit serial "np$np"
      done
    done
    ;;
  failure)
    # A rank that throws: its error, prefixed with its rank, a non-zero exit, no output.
    rc=0
    mpi 2 -x MMM_TEST_FAIL_RANK=1 "$mmm" "${sweep[@]}" --out failed >out.txt 2>err.txt || rc=$?
    [ "$rc" -ne 0 ] || fail "a failing rank left exit code 0"
    grep -q "error: rank 1 of 2: test failure requested" err.txt || fail "no rank-1 error: $(cat err.txt)"
    [ ! -e failed ] || fail "a failed job wrote $(ls failed)"
    # A rank killed (SIGKILL) in the middle of a fit.
    rc=0
    mpi 3 -x MMM_TEST_KILL_RANK=1 "$mmm" fit --data data.csv --budget 300 --bootstrap 20 \
      --threads 1 --quiet --out killed >/dev/null 2>&1 || rc=$?
    [ "$rc" -ne 0 ] || fail "a killed rank left exit code 0"
    [ ! -e killed ] || fail "a job with a killed rank wrote $(ls killed)"
    ;;
  segments)
    # A segmented fit: the shared search's candidates, the per-segment searches and the
    # bootstrap resamples divided; then the same with partial pooling's default search alone.
    "$mmm" simulate --weeks 60 --channels 3 --segments 4 --segment-hyper-spread 0.3 --seed 5 \
      --out seg.csv >/dev/null 2>&1
    for extra in "--per-segment-hyperparameters --segment-budget 120" "--pooling none"; do
      # shellcheck disable=SC2206
      seg=(fit --data seg.csv --segments segment --budget 240 --bootstrap 14 $extra --threads 1 --quiet)
      rm -rf serial np1 np2 np3
      "$mmm" "${seg[@]}" --out serial >/dev/null 2>&1
      [ -s serial/segment_performance.csv ] || fail "no segmented output"
      for np in 1 2 3; do
        mpi "$np" "$mmm" "${seg[@]}" --out "np$np" >/dev/null 2>&1
        same_fit serial "np$np"
      done
    done
    ;;
  all)
    # --all: every rank formats its chunks' rows, rank 0 writes them in design order: the same
    # gzip bytes. Stopped under 3 ranks and resumed under 2: the file of a single process
    # stopped and resumed at the same candidate (a new gzip member each).
    "$mmm" "${sweep[@]}" --all --out serial >/dev/null
    for np in 2 3; do
      mpi "$np" "$mmm" "${sweep[@]}" --all --out "np$np" >/dev/null
      same serial/sweep_all.csv.gz "np$np/sweep_all.csv.gz"
      same serial/sweep_top.csv "np$np/sweep_top.csv"
      same serial/sweep_summary.csv "np$np/sweep_summary.csv"
    done
    "$mmm" "${sweep[@]}" --all --out r00 --stop-after 2500 >/dev/null 2>&1 || true
    "$mmm" "${sweep[@]}" --all --out r00 --resume >/dev/null
    mpi 3 "$mmm" "${sweep[@]}" --all --out r32 --stop-after 2500 >/dev/null 2>&1 || true
    grep -Eq '"next_index": ?2500' r32/sweep_state.json || fail "r32: next_index is not 2500"
    mpi 2 "$mmm" "${sweep[@]}" --all --out r32 --resume >/dev/null
    same r00/sweep_all.csv.gz r32/sweep_all.csv.gz
    cmp <(gzip -dc serial/sweep_all.csv.gz) <(gzip -dc r32/sweep_all.csv.gz) || fail "r32 rows differ"
    ;;
  pareto)
    # --objective pareto (one search: --trials > 1 is refused with it): the nested bootstrap's
    # resamples, each choosing its model on its own front, divided among the ranks.
    fit=(fit --data data.csv --budget 240 --objective pareto --bootstrap 12
      --nested-evaluations 120 --threads 1 --quiet)
    "$mmm" "${fit[@]}" --out serial >/dev/null 2>&1
    [ -s serial/pareto.csv ] || fail "no pareto.csv"
    for np in 1 2 3; do
      mpi "$np" "$mmm" "${fit[@]}" --out "np$np" >/dev/null 2>&1
      same_fit serial "np$np"
    done
    ;;
  checkpoint)
    # Periodic checkpoints under 2 ranks (with --all): rank 0 writes the merged state; rank 0
    # SIGKILLed just after its first checkpoint, the job ends non-zero, and the checkpoint
    # resumes exactly under 3 ranks and without mpirun.
    "$mmm" "${sweep[@]}" --all --out serial >/dev/null
    for resume_np in 3 0; do
      dir="k$resume_np"
      rc=0
      mpi 2 -x MMM_TEST_HOOK='sweep-checkpoint#1:kill' "$mmm" "${sweep[@]}" --all \
        --checkpoint-every 0.000001 --out "$dir" >/dev/null 2>&1 || rc=$?
      [ "$rc" -ne 0 ] || fail "a job whose rank 0 was killed exited 0"
      next=$(grep -Eo '"next_index": ?[0-9]+' "$dir/sweep_state.json" | grep -Eo '[0-9]+$')
      if [ "$next" -le 0 ] || [ "$next" -ge 6000 ] || [ $((next % 800)) -ne 0 ]; then
        fail "$dir: checkpoint at $next, expected a round of 2 × 400 before 6000"
      fi
      if [ "$resume_np" = 0 ]; then
        "$mmm" "${sweep[@]}" --all --out "$dir" --resume >/dev/null
      else
        mpi "$resume_np" "$mmm" "${sweep[@]}" --all --out "$dir" --resume >/dev/null
      fi
      same serial/sweep_top.csv "$dir/sweep_top.csv"
      same serial/sweep_summary.csv "$dir/sweep_summary.csv"
      cmp <(gzip -dc serial/sweep_all.csv.gz) <(gzip -dc "$dir/sweep_all.csv.gz") ||
        fail "$dir: rows differ"
    done
    ;;
  *)
    fail "unknown case $case_name"
    ;;
esac
echo "mpi $case_name: passed"
