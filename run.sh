#!/usr/bin/env bash
# Runs async-table-query with its embedded defaults (./application.properties), demo data and per-day summaries on.
# Starts a local Azurite (the Azure Storage emulator, in memory) when nothing listens on its table
# port and no AZURE_STORAGE_CONNECTION_STRING is set, builds the jar when the sources are newer, then runs
# the app in the foreground (Ctrl+C stops both). Extra arguments go to java, e.g. ./run.sh -Dcamel.server.port=9090
#   ./run.sh --dev   also reloads a file of routes/ when it is saved (Camel Main's route reload): the
#                    routes of that file are replaced without a restart; a file that does not parse leaves
#                    the running routes as they were, and the log names its line and column.
set -euo pipefail
cd "$(dirname "$0")"

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# Azurite's graceful close can hang on one SIGTERM: give it a moment, then kill it.
stop() { kill "$1" 2>/dev/null || return 0; for _ in $(seq 1 20); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done; kill -9 "$1" 2>/dev/null || true; }

dev=()
if [ "${1:-}" = "--dev" ]; then
  shift
  dev=(-Dcamel.main.routes-reload-enabled=true -Dcamel.main.routes-reload-directory=routes
       -Dcamel.main.routes-reload-pattern='*.camel.yaml' -Dcamel.main.routes-reload-remove-all-routes=false)
fi

[ -x node_modules/.bin/azurite ] || npm ci --no-audit --no-fund

azurite_pid=
if [ -z "${AZURE_STORAGE_CONNECTION_STRING:-}" ] && ! listening 10002; then
  mkdir -p target
  node_modules/.bin/azurite --inMemoryPersistence --skipApiVersionCheck --silent \
    --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 > target/azurite.log 2>&1 &
  azurite_pid=$!
  trap 'stop $azurite_pid' EXIT
  for _ in $(seq 1 100); do listening 10002 && listening 10001 && break; sleep 0.2; done
  listening 10002 || { echo "Azurite did not start; see target/azurite.log" >&2; exit 1; }
  echo "Started Azurite on 127.0.0.1:10000-10002 (in memory)"
fi

jar=target/async-table-query.jar
if [ ! -f "$jar" ] || [ -n "$(find src pom.xml -newer "$jar" -print -quit)" ]; then
  mvn -B -q package -DskipTests
fi

if [ -z "$azurite_pid" ]; then
  exec java -Daudit.demo-data=true -Daudit.summaries=true "${dev[@]}" "$@" -jar "$jar"   # java as this process: SIGTERM reaches it
fi
java -Daudit.demo-data=true -Daudit.summaries=true "${dev[@]}" "$@" -jar "$jar"
