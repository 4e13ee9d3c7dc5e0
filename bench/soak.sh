#!/usr/bin/env bash
# The soak of SPEC §14, one command: bench/soak.sh [minutes, default 10]
# Three instances in queue mode (java -jar, as users run them) with their storage behind fault proxies; a
# steady stream of submits over mixed ranges, some terminated, while instances are killed (kill -9), stopped
# (SIGTERM) and started again and storage is cut for 5-10 s. Then it checks that nothing was lost or doubled
# (bench/Soak.java says what), prints the figures and writes them to bench/soak-results.md (bench/run.sh
# adds that file to bench/RESULTS.md). Loopback only, stops by itself; not part of .ci/run.
# Instance logs: target/it-logs/<run>-soak-*.log.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x node_modules/.bin/azurite ] || npm ci --no-audit --no-fund
mvn -B -q package -DskipTests
mkdir -p bench/out
minutes=${1:-10}
status=0
java -cp "target/async-table-query.jar:target/test-classes" bench/Soak.java "$minutes" | tee bench/out/soak.log || status=$?
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
{
  echo "## The soak"
  echo
  echo "Command: \`bench/soak.sh $minutes\`. Run $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores ($cpu), Java $(java -version 2>&1 | head -1 | cut -d'\"' -f2), Azurite in memory; exit $status."
  echo
  echo '```'
  sed -n '/^jobs: /,$p' bench/out/soak.log
  echo '```'
} > bench/soak-results.md
exit "$status"
