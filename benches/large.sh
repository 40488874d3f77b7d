#!/usr/bin/env bash
# Large reports, streamed: wall time and peak RSS of `treasury balances --split` against one
# sandbox bank of 100,000 accounts on 127.0.0.1, for
#
#   1. 10,000 accounts x 31 days   (50 requests, 310,000 rows),
#   2. 100,000 accounts x 31 days  (500 requests, 3.1 million rows): RSS should stay that of 1.,
#      wall time at most 11x that of 1.,
#   3. a year of one batch: 200 accounts x 365 days (12 windows, 73,000 rows),
#   4. the run of 1. written as bank files, BAI2 and camt.053, beside its CSV: wall time at most
#      1.2x the CSV's, peak RSS under 48 MB (BAI2 keeps its groups apart until the end),
#
# each CSV to a file at concurrency 4, timed by /usr/bin/time -v, RUNS times (median wall, max RSS).
# Then the history (docs/history.md): run 1. with TREASURY_NO_HISTORY=1 against run 1. recorded
# (goal: recording adds at most 15%), and `treasury history -f csv` reading those 310,000 rows
# back (goal: at least as fast as run 1.), each with its peak RSS (goal < 48 MB).
# Needs cargo, python3 and GNU time at /usr/bin/time.
# Usage: benches/large.sh [RUNS]   (default 1); SECTION=history benches/large.sh runs only 1.
# and the history part; BANK_FILES_ONLY=1 (or SECTION=bank-files) runs only 1. and 4.;
# SECTION=accounts runs only 1. and 2. (peak RSS flat with the account count).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-1}
section=${SECTION:-all}
[ -n "${BANK_FILES_ONLY:-}" ] && section=bank-files
case $section in
    all | accounts) ACCOUNTS=100000 ;;
    *) ACCOUNTS=10000 ;;
esac
IDS=all.txt NEEDS=
. benches/setup.sh
head -10000 all.txt >ten.txt
head -200 all.txt >batch.txt

# measure NAME ACCOUNTS_FILE FROM TO [FORMAT]: prints "median_wall max_rss median_cpu rows (walls...)"
measure() {
    local name=$1 file=$2 from=$3 to=$4 format=${5:-csv}
    for i in $(seq "$runs"); do
        /usr/bin/time -v -o "$name-$i.time" env ${RUN_ENV:-} "$bin" -q balances --split --concurrency 4 \
            --from "$from" --to "$to" --accounts-file "$file" -f "$format" -o "$name.$format"
    done
    local rows
    case $format in
        bai2) rows=$(grep -c '^03,' "$name.$format") ;;
        camt053) rows=$(grep -c '<Stmt>' "$name.$format") ;;
        *) rows=$(($(wc -l <"$name.$format") - 1)) ;;
    esac
    for f in "$name"-*.time; do wall_and_rss "$f"; done | python3 -c '
import statistics, sys
rows = [line.split() for line in sys.stdin]
print(f"{statistics.median(float(r[0]) for r in rows):.2f} {max(int(r[1]) for r in rows)}",
      f"{statistics.median(float(r[2]) for r in rows):.2f}", sys.argv[1], " ".join(r[0] for r in rows))' "$rows"
}

from=$(date -d '-60 days' +%F)
to=$(date -d "$from +30 days" +%F)
read -r w10 r10 c10 n10 all10 < <(measure ten ten.txt "$from" "$to")
echo "== 10,000 accounts x 31 days ($from..$to), 50 requests, concurrency 4"
echo "wall ${w10} s (runs: ${all10})  cpu ${c10} s  peak RSS ${r10} MB  ($n10 rows)"

bank_files_section() {
    for format in bai2 camt053; do
        read -r wf rf cf nf allf < <(measure "ten-$format" ten.txt "$from" "$to" "$format")
        echo "== the same as $format"
        echo "wall ${wf} s (runs: ${allf})  cpu ${cf} s  peak RSS ${rf} MB  ($nf rows)"
        echo "wall ratio to CSV: $(python3 -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.2f}')" "$wf" "$w10")x  (goal <= 1.2x; RSS goal < 48 MB)"
    done
}
history_section() {
    read -r wo ro co no allo < <(RUN_ENV=TREASURY_NO_HISTORY=1 measure ten-off ten.txt "$from" "$to")
    echo "== history: the 10,000 x 31 run without recording (TREASURY_NO_HISTORY=1) and recorded"
    echo "not recorded  wall ${wo} s (runs: ${allo})  cpu ${co} s  peak RSS ${ro} MB  ($no rows)"
    echo "recorded      wall ${w10} s (runs: ${all10})  cpu ${c10} s  peak RSS ${r10} MB  ($n10 rows)"
    echo "recording adds $(python3 -c "import sys; print(f'{(float(sys.argv[1]) / float(sys.argv[2]) - 1) * 100:.0f}')" "$w10" "$wo")%  (goal <= 15%)"
    for i in $(seq "$runs"); do
        /usr/bin/time -v -o "readback-$i.time" "$bin" -q history -f csv -o readback.csv
    done
    local rows=$(($(wc -l <readback.csv) - 1))
    read -r wr rr cr allr < <(for f in readback-*.time; do wall_and_rss "$f"; done | python3 -c '
import statistics, sys
rows = [line.split() for line in sys.stdin]
print(f"{statistics.median(float(r[0]) for r in rows):.2f} {max(int(r[1]) for r in rows)}",
      f"{statistics.median(float(r[2]) for r in rows):.2f}", " ".join(r[0] for r in rows))')
    echo "history -f csv  wall ${wr} s (runs: ${allr})  cpu ${cr} s  peak RSS ${rr} MB  ($rows rows read back; goal: wall <= ${w10} s)"
    echo "history file: $(du -h "$HOME/.local/share/treasury/history.sqlite3" | cut -f1)"
}
hundred_thousand_section() {
    read -r w100 r100 c100 n100 all100 < <(measure all all.txt "$from" "$to")
    echo "== 100,000 accounts x 31 days, 500 requests, concurrency 4"
    echo "wall ${w100} s (runs: ${all100})  cpu ${c100} s  peak RSS ${r100} MB  ($n100 rows)"
    echo "wall ratio to 10,000: $(python3 -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.1f}')" "$w100" "$w10")x  (goal <= 11x; RSS goal <= 48 MB at both)"
}
if [ "$section" = accounts ]; then
    hundred_thousand_section
    echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
    exit 0
fi
if [ "$section" = bank-files ]; then
    bank_files_section
    echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
    exit 0
fi
if [ "$section" = history ]; then
    history_section
    echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
    exit 0
fi

bank_files_section

hundred_thousand_section

year_from=$(date -d '-366 days' +%F)
year_to=$(date -d '-2 days' +%F)
read -r wy ry cy ny ally < <(measure year batch.txt "$year_from" "$year_to")
echo "== a year of one batch: 200 accounts x ($year_from..$year_to), 12 windows, concurrency 4"
echo "wall ${wy} s (runs: ${ally})  cpu ${cy} s  peak RSS ${ry} MB  ($ny rows)"
history_section
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
