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
# Debian's python3, not one a version manager put first on PATH: the module's tests need
# Debian's pandas and pytest (docs/python.md).
tools/build.sh -DMMM_WARNINGS_AS_ERRORS=ON "${emulation[@]}" -DPython_EXECUTABLE=/usr/bin/python3
# The PostgreSQL tests need a server: tools/with_postgres.sh starts a private one for ctest
# (they skip, saying so, where none is installed).
tools/with_postgres.sh ctest --test-dir build --output-on-failure -j"$(nproc)"
# The Python module as a user installs it: `pip install .` into a fresh venv that sees
# Debian's pandas and pytest (pip fetches only the build backend), then its tests against the
# installed package (ctest above ran them against build/python).
tools/python_check.sh
# The checks that keep issue 13's defects found (docs/hardening.md): the suite again under
# ASan + UBSan, then every fuzz target for a bounded time. MMM_SKIP_HARDENING=1 skips both
# for a quick local run.
if [ "${MMM_SKIP_HARDENING:-0}" != 1 ]; then
  tools/sanitize.sh
  tools/fuzz.sh "${MMM_FUZZ_SECONDS:-30}"
fi
