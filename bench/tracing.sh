#!/usr/bin/env bash
# The cost of tracing (SPEC 16), one command: bench/tracing.sh (bench/run.sh runs it too). Its own Azurite and app
# instances on loopback; writes bench/tracing-results.md. About 15 minutes on 2 cores with 5 rounds (more with BEFORE_DIR).
# Two instances side by side on an empty audit table (memory store, SEDA): tracing off (the default), and on (every
# request sampled: the SDK's default sampler, OTLP over HTTP to a local receiver that answers 200 and counts what it
# got), each warmed up for 20 s with status and 20 s with submits. Status throughput of a finished job (nothing running), then submit throughput (each submit a job that runs;
# the next figure waits until that backlog has run), each with wrk -t2 -c64 for 10 s, off and on alternately, ROUNDS
# times (5 unless set), each submit round from the same state: the instance's finished jobs purged and its heap
# collected (without that, one round moved by 10-25 %, the first after the warm-up lowest on every side). With BEFORE_DIR=<a checkout from before tracing existed, its
# jar built>, a third instance of that app measured the same way in the same rounds, to show that tracing off costs nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/out/tracing
rm -rf "$out" && mkdir -p "$out"
jar=target/async-table-query.jar
source bench/lib.sh
rps() { local report; report=$(wrk -t2 -c64 -d10s "$1"); echo "$report" > "$out/wrk-$2.txt"; grep "Requests/sec" <<<"$report" | awk '{print $2}'; }

receiver_port=$(free_port)
node -e "
let requests = 0, bytes = 0;
require('http').createServer((q, s) => {
  if (q.url === '/stats') { s.end('requests=' + requests + ' bytes=' + bytes); return; }
  q.on('data', (d) => { bytes += d.length; });
  q.on('end', () => { requests++; s.writeHead(200, {'Content-Type': 'application/x-protobuf'}); s.end(); });
}).listen($receiver_port, '127.0.0.1');" > "$out/receiver.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 50); do listening "$receiver_port" && break; sleep 0.2; done

bench seed "$conn" auditempty 1990-01-01 0 0 1 >/dev/null
declare -A port id figures
sides=(off on)
port[off]=$(free_port); start_app off "${port[off]}" -Daudit.table-name=auditempty
port[on]=$(free_port); start_app on "${port[on]}" -Daudit.table-name=auditempty -Dotel.traces.exporter=otlp \
  -Dotel.exporter.otlp.protocol=http/protobuf -Dotel.exporter.otlp.endpoint="http://127.0.0.1:$receiver_port"
if [ -n "${BEFORE_DIR:-}" ]; then # a checkout from before tracing, its jar built: run there, with its own files
  sides=(before off on)
  port[before]=$(free_port); here=$PWD
  (cd "$BEFORE_DIR" && exec java -Dcamel.server.port="${port[before]}" -Dcamel.management.port="$(free_port)" \
    -Dazure.storage.connection-string="$conn" -Daudit.table-name=auditempty -Djobs.max-pending=10000000 \
    -Dapi.max-wait=600 -jar target/async-table-query.jar > "$here/$out/before.log" 2>&1) &
  pids+=($!)
  for _ in $(seq 1 300); do listening "${port[before]}" && break; sleep 0.2; done
fi
drained() { # BASE: a job submitted now finishes (within 30 s, tried up to 20 times): the backlog has run
  for _ in $(seq 1 20); do bench finished-job "$1" 2>/dev/null | grep -q '^id=' && return 0; done
  echo "the backlog of $1 did not drain" >&2; exit 1
}
# SIDE: its finished jobs purged and its heap collected, so that each submit round starts alike (the memory store
# keeps every finished job for jobs.retention: hundreds of thousands after a round, which the collector then walks
# during the next one, by a different amount on each side and in each round)
fresh() {
  curl -sf -o /dev/null -X DELETE "http://127.0.0.1:${port[$1]}/api/status?runtimeStatus=Completed"
  jcmd "$(pid_on "${port[$1]}")" GC.run >/dev/null
}
submit_path="/api/submit/query?s=01/01/1990&e=02/01/1990"
# status first, on instances that run nothing (a finished job each), then submits, each after the backlog has run
for side in "${sides[@]}"; do
  base="http://127.0.0.1:${port[$side]}"
  id[$side]=$(field id "$(bench finished-job "$base")")
  # warm-up: the JIT compiles the traced code as well (with 3 s, the figures below were half what they are after 20)
  wrk -t2 -c64 -d20s "$base/api/status/${id[$side]}" >/dev/null
  wrk -t2 -c64 -d20s "$base$submit_path" >/dev/null
  drained "$base"
done
rounds=$(seq 1 "${ROUNDS:-5}")
for round in $rounds; do
  for side in "${sides[@]}"; do
    figures[status-$side$round]=$(rps "http://127.0.0.1:${port[$side]}/api/status/${id[$side]}" "$side-$round-status")
  done
done
for round in $rounds; do
  for side in "${sides[@]}"; do
    fresh "$side"
    figures[submit-$side$round]=$(rps "http://127.0.0.1:${port[$side]}$submit_path" "$side-$round-submit")
    drained "http://127.0.0.1:${port[$side]}"
    echo "round $round, $side: status ${figures[status-$side$round]}, submit ${figures[submit-$side$round]}"
  done
done
sleep 2 # the last spans leave within the exporter's schedule delay (5 s default; the measure took longer)
received=$(curl -s "http://127.0.0.1:$receiver_port/stats")
for side in "${sides[@]}"; do stop "$(pid_on "${port[$side]}")"; done
mean() { node -e "const v = process.argv.slice(1).map(Number); console.log((v.reduce((a, b) => a + b) / v.length).toFixed(0))" "$@"; }
each() { local r v=(); for r in $rounds; do v+=("${figures[$1-$2$r]}"); done; local IFS=/; echo "${v[*]}"; }
mean_of() { mean $(each "$1" "$2" | tr / ' '); }
s_off=$(mean_of submit off); s_on=$(mean_of submit on); t_off=$(mean_of status off); t_on=$(mean_of status on)
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
table=$(cat <<TABLE
| figure | tracing off | tracing on (every request sampled) | ratio on/off | target |
| --- | --- | --- | --- | --- |
| submit throughput (req/s, wrk -t2 -c64 10 s, each submit a job that runs; mean of ${ROUNDS:-5} rounds: $(each submit off) off; $(each submit on) on) | $s_off | $s_on | $(ratio "$s_on" "$s_off") | >= 0.8 |
| status throughput (req/s, a finished job, nothing running; mean of ${ROUNDS:-5} rounds: $(each status off) off; $(each status on) on) | $t_off | $t_on | $(ratio "$t_on" "$t_off") | >= 0.8 |
| what the local OTLP receiver got | | $received | | spans sent |
TABLE
)
if [ -n "${BEFORE_DIR:-}" ]; then
  s_b=$(mean_of submit before); t_b=$(mean_of status before)
  table="$table
| the app from before tracing existed ($(git -C "$BEFORE_DIR" log --oneline -1 | cut -c1-7)), a third instance measured in the same rounds (submit $(each submit before); status $(each status before)) | submit $s_b, status $t_b | | off / before: submit $(ratio "$s_off" "$s_b"), status $(ratio "$t_off" "$t_b") | off unchanged |"
fi
echo; echo "$table"
cat > bench/tracing-results.md <<RESULTS
## Tracing (bench/tracing.sh)

Latest run: $(date -u +%Y-%m-%dT%H:%MZ), on $(nproc) cores ($cpu), Azurite in memory, memory store and SEDA, an
empty audit table (each submit's job runs and finishes at once). Off and on are two instances, each warmed up for 20 s
with status and 20 s with submits, then measured one after the other, ${ROUNDS:-5} times, each submit round after that
instance's finished jobs were purged and its heap collected; the OTLP receiver is a local HTTP
server that answers 200.

$table
RESULTS
echo; echo "Written to bench/tracing-results.md"
