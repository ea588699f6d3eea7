#!/usr/bin/env bash
# Command 2 of the README: install dependencies, build with warnings as errors, run every test,
# then the sanitizer build and the fuzz targets (tools/sanitize.sh, tools/fuzz.sh).
# Where HIP-CPU sits beside the repository (../shared/third_party/hip-cpu), the CUDA backend is
# also built on it and its parity tests run against the emulated device (MMM_EMULATE_CUDA).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install_deps.sh
hip_cpu="../shared/third_party/hip-cpu"
if [ -f "$hip_cpu/include/hip/hip_runtime.h" ]; then
  emulation=(-DMMM_EMULATE_CUDA=ON -DMMM_HIP_CPU_DIR="$(cd "$hip_cpu" && pwd)")
else
  echo "CUDA emulation: skipped (no HIP-CPU at $hip_cpu); CUDA tests run only where a GPU is visible"
  emulation=(-DMMM_EMULATE_CUDA=OFF)
fi
tools/build.sh -DMMM_WARNINGS_AS_ERRORS=ON "${emulation[@]}"
# The PostgreSQL tests need a server: tools/with_postgres.sh starts a private one for ctest
# (they skip, saying so, where none is installed).
tools/with_postgres.sh ctest --test-dir build --output-on-failure -j"$(nproc)"
# The checks that keep issue 13's defects found (docs/hardening.md): the suite again under
# ASan + UBSan, then every fuzz target for a bounded time. MMM_SKIP_HARDENING=1 skips both
# for a quick local run.
if [ "${MMM_SKIP_HARDENING:-0}" != 1 ]; then
  tools/sanitize.sh
  tools/fuzz.sh "${MMM_FUZZ_SECONDS:-30}"
fi
