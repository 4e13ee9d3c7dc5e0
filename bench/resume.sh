#!/usr/bin/env bash
# The figures of jobs that pick up where they stopped (SPEC 15), one command: bench/resume.sh (bench/run.sh runs it
# too). Its own Azurite and app instances on loopback; writes bench/resume-results.md. About 5 minutes on 2 cores.
#  - through the Azure model (the tests' fault proxy in model mode, in front of the table endpoint), 365 days of 300
#    entities, two instances in queue mode with the job table and checkpoints in Blob Storage: the entities the model
#    served for a job whose instance is killed (kill -9) at two thirds, one stopped (SIGTERM, jobs.shutdown-grace=PT0S:
#    handed back at once) at two thirds, one suspended at half way and resumed, and one Failed (its jobs.timeout set
#    to about 70 % of a scan) then rewound, each against one uninterrupted scan;
#  - an uninterrupted scan with checkpoints on against off, side by side (two of each, alternated);
#  - a year with 250,000 distinct values, suspended at half way and resumed, on an instance run with -Xmx256m.
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/out/resume
rm -rf "$out" && mkdir -p "$out"
jar=target/async-table-query.jar
source bench/lib.sh
[ -f target/test-classes/io/asynctablequery/support/FaultProxy.class ] || mvn -B -q test-compile
served() { field day_entities "$(curl -s "http://127.0.0.1:$model_port/model/stats")"; }
post() { curl -s -o /dev/null -w '%{http_code}' -X POST "$1"; }

echo "== seeding: 365 days of 300 entities (2023), and a year of 1,000 a day with 250,000 ids (2021)"
seed=$(bench seed "$conn" auditres 2023-01-01 365 300 40000); echo "seeded: $seed"
seedbig=$(bench seed "$conn" auditresbig 2021-01-01 365 1000 250000); echo "seeded: $seedbig"
year=$(bench baseline "$conn" auditres 2023-01-01 2023-12-31)
bigyear=$(bench baseline "$conn" auditresbig 2021-01-01 2021-12-31)

model_port=$(free_port)
java -cp "target/test-classes:$jar" io.asynctablequery.support.FaultProxy "$model_port" "$table_port" > "$out/model.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do listening "$model_port" && break; sleep 0.2; done
mconn=${conn/TableEndpoint=http:\/\/127.0.0.1:$table_port/TableEndpoint=http://127.0.0.1:$model_port}
# queue_app NAME PORT QUEUE [options...]: an instance in queue mode with checkpoints in blobs, through the model
queue_app() {
  local name=$1 port=$2 queue=$3; shift 3
  app_conn=$mconn start_app "$name" "$port" -Daudit.table-name=auditres -Djobs.dispatch=azure-storage-queue \
    -Djobs.store=table -Djobs.queue-name="$queue" -Djobs.table-name="jobs${queue//-/}" -Djobs.workers=1 \
    -Djobs.queue-visibility-timeout=PT10S -Djobs.queue-poll-delay=200 -Djobs.shutdown-grace=PT0S \
    -Djobs.checkpoints.container=bench-checkpoints "$@"
}
S="s=01/01/2023&e=31/12/2023"
# The status shows a job's progress once a second, and the model serves some 70 days a second: asked to stop when it
# shows 180 (half: 120) days done, a job stops at about two thirds (half); the table shows the days it showed then.
two_thirds=180; half=120

echo "== uninterrupted scans, checkpoints on and off, alternated"
pon=$(free_port); queue_app on "$pon" res-on
poff=$(free_port); queue_app off "$poff" res-off -Djobs.checkpoints=false
for p in "$pon" "$poff"; do bench job "http://127.0.0.1:$p" "s=01/06/2022&e=30/06/2022" >/dev/null; done # warm-up
e0=$(served); on1=$(bench job "http://127.0.0.1:$pon" "$S"); e1=$(served)
off1=$(bench job "http://127.0.0.1:$poff" "$S")
on2=$(bench job "http://127.0.0.1:$pon" "$S")
off2=$(bench job "http://127.0.0.1:$poff" "$S")
full=$((e1 - e0))
on_s=$(node -e "console.log(((+process.argv[1]+ +process.argv[2])/2).toFixed(3))" "$(field seconds "$on1")" "$(field seconds "$on2")")
off_s=$(node -e "console.log(((+process.argv[1]+ +process.argv[2])/2).toFixed(3))" "$(field seconds "$off1")" "$(field seconds "$off2")")
echo "on: $on1 / $on2; off: $off1 / $off2; one scan: $full entities served"
stop "$(pid_on "$poff")"

# stopped SIGNAL: a job on two instances sharing a queue, its runner sent SIGNAL at two thirds; prints the outcome
stopped() {
  local signal=$1 pa pb base id runner pid e_start outcome
  pa=$(free_port); queue_app "$signal-a" "$pa" res-stop
  pb=$(free_port); queue_app "$signal-b" "$pb" res-stop
  base="http://127.0.0.1:$pa"
  pid_a=$(pid_on "$pa")
  e_start=$(served)
  stop=$(bench submit-and "$base" "$S" "$two_thirds" "$signal")
  id=$(field id "$stop"); pid=$(field pid "$stop")
  if [ "$pid" = "$pid_a" ]; then base="http://127.0.0.1:$pb"; fi
  outcome=$(bench await "$base" "$id")
  echo "$outcome served=$(( $(served) - e_start )) stopped_at=$(field done "$stop")"
  stop "$(pid_on "$pa")"; stop "$(pid_on "$pb")"
}
echo "== kill -9 at two thirds"; killed=$(stopped KILL); echo "$killed"
echo "== SIGTERM at two thirds"; termed=$(stopped TERM); echo "$termed"

echo "== suspended at half way, resumed"
base="http://127.0.0.1:$pon"
e_start=$(served)
suspended=$(bench submit-and "$base" "$S" "$half" suspend); id=$(field id "$suspended")
post "$base/api/status/$id/resume" >/dev/null   # at once: the resumed run waits for the suspended one's last days
resumed="$(bench await "$base" "$id") served=$(( $(served) - e_start )) stopped_at=$(field done "$suspended")"
echo "$resumed"

echo "== failed at about 70 % (jobs.timeout), rewound"
timeout_s=$(node -e "console.log(Math.max(1, Math.round(0.7 * process.argv[1])))" "$on_s")
prw=$(free_port); queue_app rewind "$prw" res-rw "-Djobs.timeout=PT${timeout_s}S"
base="http://127.0.0.1:$prw"
bench job "$base" "s=01/06/2022&e=30/06/2022" >/dev/null
e_start=$(served)
id=$(field id "$(bench submit "$base" "$S")")
failed=$(bench await "$base" "$id")
post "$base/api/status/$id/rewind" >/dev/null
rewound="$(bench await "$base" "$id") served=$(( $(served) - e_start )) stopped_at=$(field done "$failed")"
echo "failed: $failed; rewound: $rewound"
stop "$(pid_on "$prw")"; stop "$(pid_on "$pon")"

echo "== a year of 250,000 distinct values, -Xmx256m, suspended at half way and resumed"
pbig=$(free_port); app_conn=$conn start_app big "$pbig" -Xmx256m -Daudit.table-name=auditresbig -Djobs.store=table \
  -Djobs.table-name=jobsresbig -Djobs.checkpoints.container=bench-checkpoints-big
base="http://127.0.0.1:$pbig"
id=$(field id "$(bench submit-and "$base" "s=01/01/2021&e=31/12/2021" 183 suspend)")
post "$base/api/status/$id/resume" >/dev/null
big=$(bench await "$base" "$id")
bheap=$(heap_mb "$(pid_on "$pbig")")
echo "big: $big, heap $bheap MB"
stop "$(pid_on "$pbig")"

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
expected=$(field result "$year")
row() { # NAME OUTCOME: a row of the table for a job that ran more than once
  echo "| $1 | $(field served "$2") entities served (one scan: $full); stopped with $(field stopped_at "$2") days shown done; result $(field result "$2") (expected $expected), $(field from_checkpoint "$2") days from the checkpoint | $(ratio "$(field served "$2")" "$full")x | <= 1.15x, same count |"
}
table=$(cat <<TABLE
| figure | measured | ratio | target |
| --- | --- | --- | --- |
$(row "through the Azure model, 365 days ($(field entities "$year") matching entities): the runner killed (kill -9) at two thirds, taken over by the other instance" "$killed")
$(row "the same, the runner stopped (SIGTERM, handed back at once) at two thirds" "$termed")
$(row "the same, suspended at half way, then resumed" "$resumed")
$(row "the same, Failed at about 70 % (jobs.timeout PT${timeout_s}S), then rewound (first run: $(field state "$failed"))" "$rewound")
| an uninterrupted scan, checkpoints on vs off (two of each, alternated) | on $(field seconds "$on1") s, $(field seconds "$on2") s (results $(field result "$on1"), $(field result "$on2")); off $(field seconds "$off1") s, $(field seconds "$off2") s | on takes $(ratio "$on_s" "$off_s")x the time of off | <= 1.05x |
| a year of $(field entities "$seedbig") entities, $(field result "$bigyear") distinct values, -Xmx256m, suspended at half way and resumed | result $(field result "$big") ($(field state "$big")), $(field from_checkpoint "$big") days from the checkpoint; heap after $bheap MB | | completes, same count |
TABLE
)
echo; echo "$table"
cat > bench/resume-results.md <<RESULTS
## Jobs that pick up where they stopped (bench/resume.sh)

Latest run: $(date -u +%Y-%m-%dT%H:%MZ), on $(nproc) cores ($cpu), Azurite in memory; the model serves 2,000
entities/s per partition, 20,000/s per account, 5 ms a request, to the table endpoint (jobs and audit rows; the
entities counted are the audit rows'); checkpoints are blobs in Azurite. Ratios are measured side by side in one run.

$table
RESULTS
echo; echo "Written to bench/resume-results.md"
