#!/usr/bin/env bash
# Prepares the one-shot GPU check (tools/gpu_check.sh) on a machine without a GPU: builds mmm,
# the tests and the benchmarks for Hopper (sm_90, plus the default PTX) with -DMMM_NATIVE=OFF
# (the device's CPU differs from this one's) into build-gpu/, and copies the shared libraries
# the device lacks (everything ldd finds outside glibc and the CUDA driver) into .device/lib/.
# Then, with the `device` tool: carry build-gpu/mmm, build-gpu/tests/mmm_tests,
# build-gpu/bench/mmm_bench and .device, and run `tools/gpu_check.sh` (timeout_s 540).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build-gpu -DCMAKE_BUILD_TYPE=Release -DMMM_ENABLE_CUDA=ON -DMMM_NATIVE=OFF \
  -DCMAKE_CUDA_ARCHITECTURES="80-virtual;90" -DMMM_EMULATE_CUDA=OFF "$@"
cmake --build build-gpu -j"$(nproc)" --target mmm mmm_tests mmm_bench
mkdir -p .device/lib
for bin in build-gpu/mmm build-gpu/tests/mmm_tests build-gpu/bench/mmm_bench; do
  ldd "$bin" | awk '/=> \//{print $3}' | while read -r lib; do
    case "$(basename "$lib")" in
      libc.so*|libm.so*|libpthread.so*|libdl.so*|librt.so*|ld-linux*|libcuda.so*) ;;
      *) cp -Lu "$lib" .device/lib/ ;;
    esac
  done
done
# The test binary runs `mmm` and reads tests/data by the absolute paths of this checkout;
# gpu_check.sh links that path to wherever the copy lands on the device.
pwd >.device/source_dir
du -sh build-gpu/mmm build-gpu/tests/mmm_tests build-gpu/bench/mmm_bench .device
echo "ready: carry build-gpu/mmm build-gpu/tests/mmm_tests build-gpu/bench/mmm_bench .device;"
echo "run tools/gpu_check.sh (writes summary.txt, steps.log and the JSON results to \$OUT)"
