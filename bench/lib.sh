# Shared by bench/run.sh and bench/summaries.sh (sourced, with $out and $jar set): helpers, the build, and an
# Azurite of the benchmark's own on free ports ($table_port, $queue_port, $blob_port; $conn is its connection
# string; an app started with $app_conn set uses that one instead).
bench() { java -cp "$jar" bench/Bench.java "$@"; }
free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
pids=()
stop() { kill "$1" 2>/dev/null || return 0; for _ in $(seq 1 50); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done; kill -9 "$1" 2>/dev/null || true; }
cleanup() { for pid in "${pids[@]}"; do stop "$pid"; done; }
trap cleanup EXIT
field() { { grep -oE "(^| )$1=[^ ]*" <<<"$2" || true; } | head -1 | cut -d= -f2; }
ratio() { node -e "console.log((Number(process.argv[1])/Number(process.argv[2])).toFixed(2))" "$1" "$2"; }

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
[ -x node_modules/.bin/azurite ] || npm ci --no-audit --no-fund
mvn -B -q package -DskipTests

table_port=$(free_port); queue_port=$(free_port); blob_port=$(free_port)
node_modules/.bin/azurite --inMemoryPersistence --skipApiVersionCheck --silent \
  --blobHost 127.0.0.1 --blobPort "$blob_port" --queueHost 127.0.0.1 --queuePort "$queue_port" \
  --tableHost 127.0.0.1 --tablePort "$table_port" > "$out/azurite.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do listening "$table_port" && break; sleep 0.2; done
key='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='
conn="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$key;TableEndpoint=http://127.0.0.1:$table_port/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$queue_port/devstoreaccount1;BlobEndpoint=http://127.0.0.1:$blob_port/devstoreaccount1;"

# start_app NAME PORT [java options...]: the app with the bare route added, in the background (storage: $app_conn
# when set, else $conn)
start_app() {
  local name=$1 port=$2; shift 2
  java "$@" -Dcamel.server.port="$port" -Dcamel.management.port="$(free_port)" -Dazure.storage.connection-string="${app_conn:-$conn}" \
    -Dcamel.main.routes-include-pattern='file:routes/*.camel.yaml,file:bench/bare-route.camel.yaml' \
    -Djobs.max-pending=10000000 -Dapi.max-wait=600 -jar "$jar" > "$out/$name.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 300); do listening "$port" && return 0; sleep 0.2; done
  echo "$name did not start; see $out/$name.log" >&2; exit 1
}
heap_mb() { jcmd "$1" GC.run >/dev/null; sleep 1; jcmd "$1" GC.heap_info | grep -o 'used [0-9]*K' | head -1 | grep -o '[0-9]*' | awk '{printf "%.1f", $1/1024}'; }
pid_on() { pgrep -f "camel.server.port=$1 " | head -1; }
