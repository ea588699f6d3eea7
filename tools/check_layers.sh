#!/usr/bin/env bash
# The layering rule of docs/architecture.md: a file may include headers of its own layer and
# of the layers below it, never of a layer above. Data flows up the list below, so a lower
# layer that included a higher one would tie the readers under the pipelines to the pipelines
# (the cycle host/io had: config_file on FitOptions, sweep_files on the sweep pipeline).
#
#   tools/check_layers.sh [ROOT]    check the tree at ROOT (default: this repository)
#   tools/check_layers.sh --self-test   check that an upward include and an unplaced
#                                       directory fail, and that a clean tree passes
#
# Every directory under host/ must be placed in a layer: a new one fails until it is.
# Exit 0 when the rule holds, 1 with one line per offending include otherwise.
set -euo pipefail

# Bottom to top; the directories on one line are peers (they may include one another).
LAYERS=(
  "host/common"
  "host/data"
  "host/features"
  "host/model"
  "host/backend kernels host/distributed host/sweep"
  "host/search host/validation"
  "host/bootstrap"
  "host/curves host/simulate"
  "host/channels host/allocation host/diagnostics"
  "host/io"
  "host/pipeline host/scenarios host/database host/report"
  "host/segments"
  "host/outputs"
  "cli python/src"
)

check() {
  local root=$1 status=0 i d
  local table=""
  for i in "${!LAYERS[@]}"; do
    for d in ${LAYERS[$i]}; do table+="$d $i"$'\n'; done
  done
  # Directories under host/ that no layer names.
  for d in "$root"/host/*/; do
    d=${d%/}
    d=host/${d##*/}
    if ! grep -qx "$d [0-9]*" <<< "$table"; then
      echo "$d: not in a layer of tools/check_layers.sh (place it there and in docs/architecture.md)"
      status=1
    fi
  done
  local dirs=()
  for i in "${!LAYERS[@]}"; do
    for d in ${LAYERS[$i]}; do [[ -d "$root/$d" ]] && dirs+=("$d"); done
  done
  # file:line:#include "a/b/c.hpp" for every quoted include of a layered file (none: grep's
  # status 1, not an error).
  local includes
  includes=$(cd "$root" && grep -rnE --include='*.cpp' --include='*.hpp' --include='*.cu' \
               --include='*.cuh' --include='*.h' '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' \
               "${dirs[@]}" || [[ $? == 1 ]])
  if ! awk -v table="$table" '
        BEGIN {
          n = split(table, rows, "\n")
          for (r = 1; r <= n; ++r) if (split(rows[r], f, " ") == 2) rank[f[1]] = f[2] + 0
        }
        # The layer of a path: its two first components (host/io), else its first (cli).
        function layer(path,   parts, k) {
          k = split(path, parts, "/")
          if (k >= 3 && ((parts[1] "/" parts[2]) in rank)) return rank[parts[1] "/" parts[2]]
          if (k >= 2 && (parts[1] in rank)) return rank[parts[1]]
          return -1
        }
        {
          file = $0; sub(/:.*/, "", file)
          target = $0; sub(/^[^"]*"/, "", target); sub(/".*/, "", target)
          from = layer(file); to = layer(target)
          if (from >= 0 && to > from) {
            print $0 "  <- layer " from " includes layer " to
            bad = 1
          }
        }
        END { exit bad }' <<< "$includes"; then
    status=1
  fi
  return $status
}

self_test() {
  local tmp
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' RETURN
  mkdir -p "$tmp/host/common" "$tmp/host/io" "$tmp/host/pipeline" "$tmp/cli"
  echo '#include "host/common/a.hpp"' > "$tmp/host/io/b.hpp"
  echo '#include "host/io/b.hpp"' > "$tmp/host/pipeline/c.hpp"
  echo '#include "host/pipeline/c.hpp"' > "$tmp/cli/main.cpp"
  touch "$tmp/host/common/a.hpp"
  if ! check "$tmp" > /dev/null; then
    echo "self-test: a tree whose includes all point down fails"
    return 1
  fi
  echo '  #  include "host/pipeline/c.hpp"' >> "$tmp/host/io/b.hpp"
  if check "$tmp" > /dev/null; then
    echo "self-test: host/io including host/pipeline passes"
    return 1
  fi
  sed -i '$d' "$tmp/host/io/b.hpp"
  mkdir -p "$tmp/host/unplaced"
  if check "$tmp" > /dev/null; then
    echo "self-test: a directory in no layer passes"
    return 1
  fi
  echo "self-test: ok"
}

if [[ "${1:-}" == "--self-test" ]]; then
  self_test
else
  check "${1:-$(cd "$(dirname "$0")/.." && pwd)}"
fi
