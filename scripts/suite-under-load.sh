#!/usr/bin/env bash
# Runs the whole suite (mvn -o verify -Dtests.require-tools=true, the README's test command offline, as CI runs it) N times in a row on a fresh clone
# of HEAD, with two busy loops taking the machine's cores meanwhile, as SPEC 14 asks ("a suite that never
# flakes"). Stops at the first red run. One line per run in target/suite-under-load/runs.log; each run's
# output beside it. Usage: scripts/suite-under-load.sh [N=10]   (Maven's and npm's packages must be cached:
# run `mvn verify` once before)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
out=$PWD/target/suite-under-load
clone=$(mktemp -d /tmp/suite-under-load.XXXXXX)
mkdir -p "$out"
git clone -q "$PWD" "$clone"
ln -s "$PWD/node_modules" "$clone/node_modules"
commit=$(git -C "$clone" log --oneline -1 | cut -c1-8)
sh -c 'while :; do :; done' & busy1=$!
sh -c 'while :; do :; done' & busy2=$!
trap 'kill $busy1 $busy2 2>/dev/null; rm -rf "$clone"' EXIT
for i in $(seq 1 "$runs"); do
  start=$(date +%s)
  if (cd "$clone" && mvn -B -o verify -Dtests.require-tools=true > "$out/run-$i.log" 2>&1); then result=green; else result=red; fi
  echo "$(date -u +%FT%TZ) run $i of $runs: $result in $(( $(date +%s) - start )) s at $commit" | tee -a "$out/runs.log"
  [ "$result" = green ] || { grep -E '<<< FAIL|Tests run:.*(Failures|Errors): [1-9]' "$out/run-$i.log" | head -5; exit 1; }
done
