#!/usr/bin/env bash
# Installs the Debian packages mmm builds with (nothing is downloaded at build time).
set -euo pipefail
packages=(cmake g++ make libeigen3-dev libcli11-dev libtomlplusplus-dev nlohmann-json3-dev
          libnlopt-dev libnlopt-cxx-dev librandom123-dev libgtest-dev libbenchmark-dev
          zlib1g-dev libtbb-dev libsqlite3-dev libpq-dev postgresql
          clang libclang-rt-14-dev  # clang + compiler-rt: libFuzzer for tools/fuzz.sh
          libopenmpi-dev openmpi-bin  # MPI: `mpirun -np N mmm …` (docs/distributed.md)
          python3-dev pybind11-dev python3-venv python3-pip  # the Python module (docs/python.md)
          python3-numpy python3-pandas python3-pytest        # … its glue and its tests
          libjs-chart.js  # Chart.js, read by `mmm report` / `fit --report` when it writes a page
          chromium)       # headless browser of the report's test (skipped without it)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "dependencies: all ${#packages[@]} Debian packages present"
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "dependencies: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
