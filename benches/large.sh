#!/usr/bin/env bash
# Large reports, streamed: wall time and peak RSS of `treasury balances --split` against one
# sandbox bank of 100,000 accounts on 127.0.0.1, for
#
#   1. 10,000 accounts x 31 days   (50 requests, 310,000 rows),
#   2. 100,000 accounts x 31 days  (500 requests, 3.1 million rows): RSS should stay that of 1.,
#      wall time at most 11x that of 1.,
#   3. a year of one batch: 200 accounts x 365 days (12 windows, 73,000 rows),
#
# each CSV to a file at concurrency 4, timed by /usr/bin/time -v, RUNS times (median wall, max RSS).
# Needs cargo, python3 and GNU time at /usr/bin/time.
# Usage: benches/large.sh [RUNS]   (default 1)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
runs=${1:-1}
for tool in cargo python3 /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "large.sh needs $tool" >&2; exit 2; }
done

echo "building treasury --release ..." >&2
cargo build --release --quiet --bin treasury
bin=$root/target/release/treasury

work=$(mktemp -d)
sandbox_pid=
cleanup() {
    [ -n "$sandbox_pid" ] && kill "$sandbox_pid" 2>/dev/null && wait "$sandbox_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

export HOME=$work XDG_CONFIG_HOME=$work/config XDG_CACHE_HOME=$work/cache
export TREASURY_NO_KEYRING=1 NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost
unset TREASURY_CONFIG TREASURY_PROFILE TREASURY_FORMAT TREASURY_ACCESS_TOKEN
mkdir -p "$XDG_CONFIG_HOME/treasury" "$XDG_CACHE_HOME"

"$bin" sandbox serve --port 0 --accounts 100000 2>"$work/sandbox.log" &
sandbox_pid=$!
base=
for _ in $(seq 300); do
    base=$(grep -o 'Sandbox bank listening on http://127\.0\.0\.1:[0-9]*' "$work/sandbox.log" | grep -o 'http://.*' || true)
    [ -n "$base" ] && break
    sleep 0.1
done
[ -n "$base" ] || { echo "the sandbox did not start:" >&2; cat "$work/sandbox.log" >&2; exit 1; }

cat >"$XDG_CONFIG_HOME/treasury/config.toml" <<TOML
default_profile = "sandbox"

[profiles.sandbox]
base_url = "$base"
token_url = "$base/oauth2/token"
client_id = "sandbox"
TOML
export TREASURY_CLIENT_SECRET=sandbox

cd "$work"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
"$bin" accounts -f csv >accounts.csv
python3 - <<'PY'
import csv
with open("accounts.csv", newline="") as f, open("all.txt", "w") as out:
    for row in csv.DictReader(f):
        out.write(f"{row['bank_id']}/{row['account_id']}\n")
PY
[ "$(wc -l <all.txt)" -eq 100000 ] || { echo "expected 100000 accounts" >&2; exit 1; }
head -10000 all.txt >ten.txt
head -200 all.txt >batch.txt

wall_and_rss() {
    python3 - "$1" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
clock = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", text).group(1)
seconds = 0.0
for part in clock.split(":"):
    seconds = seconds * 60 + float(part)
rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1))
cpu = sum(float(re.search(rf"{kind} time \(seconds\): (\S+)", text).group(1)) for kind in ("User", "System"))
print(f"{seconds:.2f} {rss_kb / 1024:.0f} {cpu:.2f}")
PY
}

# measure NAME ACCOUNTS_FILE FROM TO: prints "median_wall max_rss median_cpu rows (walls...)"
measure() {
    local name=$1 file=$2 from=$3 to=$4
    for i in $(seq "$runs"); do
        /usr/bin/time -v -o "$name-$i.time" "$bin" -q balances --split --concurrency 4 \
            --from "$from" --to "$to" --accounts-file "$file" -f csv -o "$name.csv"
    done
    local rows=$(($(wc -l <"$name.csv") - 1))
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

read -r w100 r100 c100 n100 all100 < <(measure all all.txt "$from" "$to")
echo "== 100,000 accounts x 31 days, 500 requests, concurrency 4"
echo "wall ${w100} s (runs: ${all100})  cpu ${c100} s  peak RSS ${r100} MB  ($n100 rows)"
echo "wall ratio to 10,000: $(python3 -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.1f}')" "$w100" "$w10")x  (goal <= 11x; RSS goal <= 48 MB)"

year_from=$(date -d '-366 days' +%F)
year_to=$(date -d '-2 days' +%F)
read -r wy ry cy ny ally < <(measure year batch.txt "$year_from" "$year_to")
echo "== a year of one batch: 200 accounts x ($year_from..$year_to), 12 windows, concurrency 4"
echo "wall ${wy} s (runs: ${ally})  cpu ${cy} s  peak RSS ${ry} MB  ($ny rows)"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
