#!/usr/bin/env bash
# The figure of schedules (SPEC 17), one command: bench/schedules.sh (bench/run.sh runs it too). Its own Azurite and
# app instances on loopback; writes bench/schedules-results.md. About 2 minutes on 2 cores.
# Through the Azure model (the tests' fault proxy in model mode, in front of the table endpoint), summaries on, 367
# days of 300 entities ending yesterday: an instance with a daily schedule over the last 365 days, whose run is
# started now (POST .../trigger: what its next occurrence does) and awaited; then a person's first ask (wait=30) of
# the settled days (all but the last audit.summaries.settled-after) and of 90 days inside them, each side by side with
# the same ask on an instance without the schedule (its own summaries container: nothing summarised before).
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/out/schedules
rm -rf "$out" && mkdir -p "$out"
jar=target/async-table-query.jar
source bench/lib.sh
[ -f target/test-classes/io/asynctablequery/support/FaultProxy.class ] || mvn -B -q test-compile
served() { field entities "$(curl -s "http://127.0.0.1:$model_port/model/stats")"; }
iso() { date -u -d "$1" +%Y-%m-%d; }
dmy() { date -u -d "$1" +%d/%m/%Y; }

first=$(iso "367 days ago")
echo "== seeding: 367 days of 300 entities, $first to yesterday"
seed=$(bench seed "$conn" auditsched "$first" 367 300 40000); echo "seeded: $seed"
settled_from="365 days ago"; settled_to="3 days ago"     # the schedule's days that have settled (P2D)
inside_from="200 days ago"; inside_to="111 days ago"     # 90 days inside them
settled=$(bench baseline "$conn" auditsched "$(iso "$settled_from")" "$(iso "$settled_to")")
inside=$(bench baseline "$conn" auditsched "$(iso "$inside_from")" "$(iso "$inside_to")")

model_port=$(free_port)
java -cp "target/test-classes:$jar" io.asynctablequery.support.FaultProxy "$model_port" "$table_port" > "$out/model.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do listening "$model_port" && break; sleep 0.2; done
mconn=${conn/TableEndpoint=http:\/\/127.0.0.1:$table_port/TableEndpoint=http://127.0.0.1:$model_port}
summaries_app() { app_conn=$mconn start_app "$1" "$2" -Daudit.table-name=auditsched -Daudit.summaries=true \
  -Daudit.summaries.container="$3"; }
ask() { bench job "http://127.0.0.1:$1" "s=$(dmy "$2")&e=$(dmy "$3")" 30; }

echo "== with the schedule"
pa=$(free_port); summaries_app scheduled "$pa" bench-scheduled
created=$(curl -s -X POST -H 'Content-Type: application/json' "http://127.0.0.1:$pa/api/schedules" \
  -d '{"name": "the last year, every morning", "cron": "0 6 * * *", "timeZone": "UTC", "range": {"lastDays": 365}}')
schedule=$(node -e "console.log(JSON.parse(process.argv[1]).id)" "$created")
t0=$(date +%s.%N)
run=$(curl -s -X POST "http://127.0.0.1:$pa/api/schedules/$schedule/trigger")
run_id=$(node -e "console.log(JSON.parse(process.argv[1]).id)" "$run")
ran=$(bench await "http://127.0.0.1:$pa" "$run_id")
run_seconds=$(node -e "console.log((Number(process.argv[2]) - Number(process.argv[1])).toFixed(3))" "$t0" "$(date +%s.%N)")
echo "the schedule's run: $ran in $run_seconds s"
e0=$(served); a1=$(ask "$pa" "$settled_from" "$settled_to"); e1=$(served)
a2=$(ask "$pa" "$inside_from" "$inside_to"); e2=$(served)
echo "asks after it: settled $a1 ($((e1 - e0)) entities served), 90 days $a2 ($((e2 - e1)))"
stop "$(pid_on "$pa")"

echo "== without the schedule"
pb=$(free_port); summaries_app plain-settled "$pb" bench-unscheduled-1
e3=$(served); b1=$(ask "$pb" "$settled_from" "$settled_to"); e4=$(served)
stop "$(pid_on "$pb")"
pc=$(free_port); summaries_app plain-inside "$pc" bench-unscheduled-2
b2=$(ask "$pc" "$inside_from" "$inside_to"); e5=$(served)
stop "$(pid_on "$pc")"
echo "asks without it: settled $b1 ($((e4 - e3)) entities served), 90 days $b2 ($((e5 - e4)))"

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
table=$(cat <<TABLE
| figure | with the daily schedule (its run done) | without it | ratio | target |
| --- | --- | --- | --- | --- |
| a person's first ask, wait=30, of the settled days ($(iso "$settled_from") to $(iso "$settled_to"), $(field entities "$settled") matching entities) | $(field seconds "$a1") s, $((e1 - e0)) entities served by the model, $(field from_summaries "$a1") days from summaries, result $(field result "$a1") | $(field seconds "$b1") s, $((e4 - e3)) entities served, result $(field result "$b1") | $(ratio "$(field seconds "$b1")" "$(field seconds "$a1")")x faster | < 1 s, expected $(field result "$settled") |
| a person's first ask, wait=30, of 90 days inside them ($(iso "$inside_from") to $(iso "$inside_to")) | $(field seconds "$a2") s, $((e2 - e1)) entities served, $(field from_summaries "$a2") days from summaries, result $(field result "$a2") | $(field seconds "$b2") s, $((e5 - e4)) entities served, result $(field result "$b2") | $(ratio "$(field seconds "$b2")" "$(field seconds "$a2")")x faster | < 1 s, expected $(field result "$inside") |
| the schedule's own run (lastDays 365, started by trigger) | $run_seconds s from the trigger to Completed ($ran) | | | report |
TABLE
)
echo; echo "$table"
cat > bench/schedules-results.md <<RESULTS
## Schedules (bench/schedules.sh)

Latest run: $(date -u +%Y-%m-%dT%H:%MZ), on $(nproc) cores ($cpu), Azurite in memory; the model serves 2,000
entities/s per partition, 20,000/s per account, 5 ms a request, to the table endpoint only (summary blobs are read
from Azurite directly); summaries on (settled after P2D). Side by side in the same run: each ask without the schedule
on an instance of its own with an empty summaries container.

$table
RESULTS
echo; echo "Written to bench/schedules-results.md"
