#!/usr/bin/env bash
# Proves that routes/ + application.properties run unchanged under Camel JBang 4.17 and complete a
# query: starts its own Azurite on free ports, runs `camel run` with the project's beans as a Maven
# dependency, submits the demo query and compares the answer with the one the demo data computed.
# Settings are passed as environment variables, as a user would in a container; the port goes on the
# command line (under JBang 4.17 camel.server.port from application.properties beats an environment
# variable and --port).
set -euo pipefail
cd "$(dirname "$0")/.."
work=target/camel-jbang
mkdir -p "$work"

free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# Azurite's graceful close can hang on one SIGTERM: give a process a moment, then kill it.
stop() { kill "$1" 2>/dev/null || return 0; for _ in $(seq 1 50); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done; kill -9 "$1" 2>/dev/null || true; }

[ -x node_modules/.bin/azurite ] || npm ci --no-audit --no-fund
mvn -B -q install -DskipTests                         # the beans, as mvn:io.asynctablequery:async-table-query
mvn -B -q -f scripts/camel-jbang/pom.xml dependency:copy-dependencies -DoutputDirectory="$PWD/$work/lib"
version=$(mvn -B -q -Dstyle.color=never help:evaluate -Dexpression=project.version -DforceStdout | sed "s/\x1b\[[0-9;]*m//g")

table_port=$(free_port); queue_port=$(free_port); blob_port=$(free_port); app_port=$(free_port)
node_modules/.bin/azurite --inMemoryPersistence --skipApiVersionCheck --silent \
  --blobHost 127.0.0.1 --blobPort "$blob_port" --queueHost 127.0.0.1 --queuePort "$queue_port" \
  --tableHost 127.0.0.1 --tablePort "$table_port" > "$work/azurite.log" 2>&1 &
azurite_pid=$!
app_pid=
cleanup() { [ -n "$app_pid" ] && stop "$app_pid"; stop "$azurite_pid"; }
trap cleanup EXIT
for _ in $(seq 1 100); do listening "$table_port" && break; sleep 0.2; done

key='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='
export AZURE_STORAGE_CONNECTION_STRING="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$key;TableEndpoint=http://127.0.0.1:$table_port/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$queue_port/devstoreaccount1;"
export AUDIT_DEMO_DATA=true

java -cp "$work/lib/*" scripts/camel-jbang/CamelLauncher.java run application.properties routes/*.camel.yaml \
  --dep="mvn:io.asynctablequery:async-table-query:$version" --port="$app_port" --prop=camel.server.port="$app_port" --prop=camel.management.port="$(free_port)" > "$work/camel-run.log" 2>&1 &
app_pid=$!

expected=
for _ in $(seq 1 600); do
  expected=$(grep -o 'It answers "result": [0-9]*' "$work/camel-run.log" | grep -o '[0-9]*$' || true)
  [ -n "$expected" ] && listening "$app_port" && break
  kill -0 "$app_pid" 2>/dev/null || break
  sleep 0.2
done
if [ -z "$expected" ] || ! listening "$app_port"; then
  echo "camel run did not start; last lines of $work/camel-run.log:" >&2; tail -40 "$work/camel-run.log" >&2; exit 1
fi

# The port listens before the routes are on it: wait until the API answers.
for _ in $(seq 1 300); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$app_port/api/status?top=1")" = 200 ] && break
  sleep 0.2
done
answer=$(curl -s --max-time 60 "http://127.0.0.1:$app_port/api/submit/query?s=01/01/2024&e=31/01/2024&wait=30")
result=$(node -e 'const d=JSON.parse(process.argv[1]); console.log(d.status + " " + d.result)' "$answer")
if [ "$result" != "Completed $expected" ]; then
  echo "Camel JBang check FAILED: expected 'Completed $expected', got '$result' from: $answer" >&2; exit 1
fi
echo "Camel JBang check passed: routes/ under camel run 4.17 answered $expected, as the demo data computed."
