#!/usr/bin/env bash
# The soak of SPEC §14, one command: bench/soak.sh [minutes, default 10]
# Three instances in queue mode (java -jar, as users run them) with their storage behind fault proxies; a
# steady stream of submits over mixed ranges, some terminated, while instances are killed (kill -9), stopped
# (SIGTERM) and started again and storage is cut for 5-10 s. Then it checks that nothing was lost or doubled
# (bench/Soak.java says what) and prints the figures. Loopback only, stops by itself; not part of .ci/run.
# Instance logs: target/it-logs/<run>-soak-*.log.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x node_modules/.bin/azurite ] || npm ci --no-audit --no-fund
mvn -B -q package -DskipTests
java -cp "target/async-table-query.jar:target/test-classes" bench/Soak.java "${1:-10}"
