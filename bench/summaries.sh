#!/usr/bin/env bash
# The figures of per-day summaries (SPEC 11), one command: bench/summaries.sh (bench/run.sh runs it too).
# Its own Azurite and app instances on loopback; writes bench/summaries-results.md. About 5 minutes on 2 cores.
#  - through the Azure model (the tests' fault proxy in model mode, in front of the table endpoint; blobs go
#    straight to Azurite), 365 days: the first job of a range against the second, the same on another instance
#    (no summary blob cached), and the range moved 7 days later, with the entities the model served to each;
#  - on plain Azurite, the same first and second job;
#  - a year with about 280,000 distinct values answered from its summaries by an instance run with -Xmx256m.
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/out/summaries
rm -rf "$out" && mkdir -p "$out"
jar=target/async-table-query.jar
source bench/lib.sh
[ -f target/test-classes/io/asynctablequery/support/FaultProxy.class ] || mvn -B -q test-compile
served() { field entities "$(curl -s "http://127.0.0.1:$model_port/model/stats")"; }
# An instance's warm-up, on days without rows (not those measured): scanned, then answered from summaries twice.
warm_up() { for _ in 1 2 3; do bench job "$1" "s=2022-06-01&e=2022-06-30" >/dev/null; done; }

echo "== seeding: 372 days of 300 entities (2023-01-01 to 2024-01-07), and a year of 1,000 a day with 1,000,000 ids"
seed=$(bench seed "$conn" auditsum 2023-01-01 372 300 40000); echo "seeded: $seed"
seedbig=$(bench seed "$conn" auditsumbig 2021-01-01 365 1000 1000000); echo "seeded: $seedbig"
year=$(bench baseline "$conn" auditsum 2023-01-01 2023-12-31)
moved=$(bench baseline "$conn" auditsum 2023-01-08 2024-01-07)
new7=$(bench baseline "$conn" auditsum 2024-01-01 2024-01-07)
bigyear=$(bench baseline "$conn" auditsumbig 2021-01-01 2021-12-31)

echo "== through the Azure model"
model_port=$(free_port)
java -cp "target/test-classes:$jar" io.asynctablequery.support.FaultProxy "$model_port" "$table_port" > "$out/model.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do listening "$model_port" && break; sleep 0.2; done
mconn=${conn/TableEndpoint=http:\/\/127.0.0.1:$table_port/TableEndpoint=http://127.0.0.1:$model_port}
pm=$(free_port); app_conn=$mconn start_app model "$pm" -Daudit.table-name=auditsum -Daudit.summaries=true \
  -Daudit.summaries.container=bench-model
warm_up "http://127.0.0.1:$pm"
e0=$(served); m1=$(bench job "http://127.0.0.1:$pm" "s=01/01/2023&e=31/12/2023")
e1=$(served); m2=$(bench job "http://127.0.0.1:$pm" "s=01/01/2023&e=31/12/2023")
e2=$(served); m3=$(bench job "http://127.0.0.1:$pm" "s=08/01/2023&e=07/01/2024")
e3=$(served)
echo "model: first $m1 ($((e1 - e0)) entities served), second $m2 ($((e2 - e1))), moved $m3 ($((e3 - e2)))"
stop "$(pid_on "$pm")"
# Another instance, which has read no summary blob yet: the same range, every summary read from blob storage.
pc=$(free_port); app_conn=$mconn start_app model-cold "$pc" -Daudit.table-name=auditsum -Daudit.summaries=true \
  -Daudit.summaries.container=bench-model
warm_up "http://127.0.0.1:$pc"
e4=$(served); m4=$(bench job "http://127.0.0.1:$pc" "s=01/01/2023&e=31/12/2023"); e5=$(served)
echo "model, another instance: $m4 ($((e5 - e4)) entities served)"
stop "$(pid_on "$pc")"

echo "== plain Azurite"
pp=$(free_port); start_app plain "$pp" -Daudit.table-name=auditsum -Daudit.summaries=true -Daudit.summaries.container=bench-plain
warm_up "http://127.0.0.1:$pp"
p1=$(bench job "http://127.0.0.1:$pp" "s=01/01/2023&e=31/12/2023")
p2=$(bench job "http://127.0.0.1:$pp" "s=01/01/2023&e=31/12/2023")
echo "plain: first $p1, second $p2"
stop "$(pid_on "$pp")"

echo "== a year of many distinct values, -Xmx256m"
pb=$(free_port); start_app big "$pb" -Xmx256m -Daudit.table-name=auditsumbig -Daudit.summaries=true \
  -Daudit.summaries.container=bench-big
b1=$(bench job "http://127.0.0.1:$pb" "s=01/01/2021&e=31/12/2021")
b2=$(bench job "http://127.0.0.1:$pb" "s=01/01/2021&e=31/12/2021")
bheap=$(heap_mb "$(pid_on "$pb")")
echo "big: first $b1, second $b2, heap $bheap MB"
stop "$(pid_on "$pb")"

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
table=$(cat <<TABLE
| figure | measured | ratio | target |
| --- | --- | --- | --- |
| through the Azure model, 365 days ($(field entities "$year") matching entities): first job vs the same range again | first $(field seconds "$m1") s, $((e1 - e0)) entities served by the model (result $(field result "$m1"), from summaries $(field from_summaries "$m1")); again $(field seconds "$m2") s, $((e2 - e1)) entities served (result $(field result "$m2"), from summaries $(field from_summaries "$m2")); expected $(field result "$year") | $(ratio "$(field seconds "$m1")" "$(field seconds "$m2")")x faster | >= 20x, 0 entities read, same count |
| through the Azure model: the same range again on another instance (its summary cache empty: 365 blobs read) | $(field seconds "$m4") s, $((e5 - e4)) entities served (result $(field result "$m4"), from summaries $(field from_summaries "$m4")) | $(ratio "$(field seconds "$m1")" "$(field seconds "$m4")")x faster than the first | report |
| through the Azure model: the range moved 7 days later (2023-01-08 to 2024-01-07) | $(field seconds "$m3") s, $((e3 - e2)) entities served (the 7 new days hold $(field entities "$new7")), result $(field result "$m3") (expected $(field result "$moved")), from summaries $(field from_summaries "$m3") | | only the new days' entities |
| plain Azurite, the same 365 days: first job vs again | first $(field seconds "$p1") s (result $(field result "$p1")); again $(field seconds "$p2") s (result $(field result "$p2"), from summaries $(field from_summaries "$p2")) | $(ratio "$(field seconds "$p1")" "$(field seconds "$p2")")x faster | report |
| a year of $(field entities "$seedbig") entities, $(field result "$bigyear") distinct values, instance with -Xmx256m | first $(field seconds "$b1") s (result $(field result "$b1")); from summaries $(field seconds "$b2") s (result $(field result "$b2"), days from summaries $(field from_summaries "$b2")); heap after $bheap MB | | completes, same count |
TABLE
)
echo; echo "$table"
cat > bench/summaries-results.md <<RESULTS
## Per-day summaries (bench/summaries.sh)

Latest run: $(date -u +%Y-%m-%dT%H:%MZ), on $(nproc) cores ($cpu), Azurite in memory; the model serves 2,000
entities/s per partition, 20,000/s per account, 5 ms a request, to the table endpoint only (summary blobs are
read from Azurite directly). Ratios are measured side by side in the same run.

$table
RESULTS
echo; echo "Written to bench/summaries-results.md"
