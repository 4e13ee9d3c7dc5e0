#!/usr/bin/env bash
# Runs the whole suite (mvn -o verify -Dtests.require-tools=true: the README's test command offline, as CI runs it,
# so that a test skipped for a missing tool is red) N times in a row on a fresh clone of HEAD, with busy loops
# taking the machine's cores meanwhile (two by default, as SPEC 14 asks: "a suite that never flakes"; 0 for the
# times on an idle machine of bench/suite-results.md). Stops at the first red run. One line per run in
# target/suite-under-load/runs.log; each run's output beside it.
# Usage: scripts/suite-under-load.sh [N=10] [busy loops=2]   (Maven's and npm's packages must be cached: run
# `mvn verify` once before)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
loops=${2:-2}
out=$PWD/target/suite-under-load
clone=$(mktemp -d /tmp/suite-under-load.XXXXXX)
mkdir -p "$out"
git clone -q "$PWD" "$clone"
ln -s "$PWD/node_modules" "$clone/node_modules"
commit=$(git -C "$clone" log --oneline -1 | cut -c1-8)
busy=()
for _ in $(seq 1 "$loops"); do
  sh -c 'while :; do :; done' & busy+=($!)
done
trap 'for pid in ${busy[@]+"${busy[@]}"}; do kill "$pid" 2>/dev/null; done; rm -rf "$clone"' EXIT
for i in $(seq 1 "$runs"); do
  start=$(date +%s)
  if (cd "$clone" && mvn -B -o verify -Dtests.require-tools=true > "$out/run-$i.log" 2>&1); then result=green; else result=red; fi
  tests=$(grep -E '^\[(INFO|WARNING|ERROR)\] Tests run: [0-9]+, Failures' "$out/run-$i.log" | grep -v ' in ' \
    | sed -E 's/.*Tests run: ([0-9]+).*/\1/' | awk '{ s += $1 } END { print s }')
  echo "$(date -u +%FT%TZ) run $i of $runs: $result in $(( $(date +%s) - start )) s at $commit, $loops busy loops, ${tests:-0} tests" | tee -a "$out/runs.log"
  [ "$result" = green ] || { grep -E '<<< FAIL|Tests run:.*(Failures|Errors): [1-9]' "$out/run-$i.log" | head -5; exit 1; }
done
