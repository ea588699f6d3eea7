#!/usr/bin/env bash
# `pip install .` into a fresh venv (Debian's python3, --system-site-packages for pandas and
# pytest), then python/tests against the installed package and build/mmm (docs/python.md).
# pytest's exit code 5 (no test collected) fails here: the tests must be found.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
venv="$root/build/python-venv"
rm -rf "$venv"
/usr/bin/python3 -m venv --system-site-packages "$venv"
# Make, not ninja (which pip would download); ccache when there is one.
export CMAKE_GENERATOR="Unix Makefiles" CMAKE_BUILD_PARALLEL_LEVEL="$(nproc)"
if command -v ccache > /dev/null; then export CMAKE_CXX_COMPILER_LAUNCHER=ccache; fi
# Warnings are errors here as in tools/build.sh (and the same flags let ccache reuse its objects).
"$venv/bin/pip" install --quiet --disable-pip-version-check \
  --config-settings=cmake.define.MMM_WARNINGS_AS_ERRORS=ON "$root"
# From a folder outside the source tree, so `import mmm` is the installed package.
cd "$venv"
status=0
MMM_BINARY="$root/build/mmm" MMM_SOURCE_DIR="$root" \
  "$venv/bin/python" -m pytest -q -p no:cacheprovider "$root/python/tests" || status=$?
if [ "$status" -eq 5 ]; then
  echo "python_check: pytest collected no tests in python/tests" >&2
  exit 1
fi
exit "$status"
