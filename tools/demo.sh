#!/usr/bin/env bash
# Command 1 of the README: install dependencies, build, simulate example data with known
# truth, fit it with the whole pipeline and print the summary.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install_deps.sh
tools/build.sh > /dev/null
mkdir -p example
build/mmm simulate --weeks 156 --channels 8 --seed 1 --out example/data.csv
build/mmm fit --data example/data.csv --out example/results
echo "results in example/results/; the true parameters are in example/data.truth.json"
