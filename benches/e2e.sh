#!/usr/bin/env bash
# End-to-end figures for `treasury` against its own sandbox bank on 127.0.0.1, beside curl doing
# the same HTTP work, so the ratio shows what treasury adds (process startup, its HTTP client,
# parsing, merging, rendering) on top of the bank's own time.
#
#   1. a split run: 10,000 accounts x 31 days = 50 requests at concurrency 4, CSV to a file;
#      wall time and peak RSS (/usr/bin/time -v), against curl POSTing the same 50 bodies
#      (from --dry-run --split) at concurrency 4 with a token it fetched itself.
#   2. one small request (--prior-day, 3 accounts), repeated: mean wall time against curl doing
#      the token request and the POST.
#
# Needs cargo, curl, python3 and GNU time at /usr/bin/time.
# Usage: benches/e2e.sh [RUNS]   (RUNS of the small request, default 20; SPLIT_RUNS=3 split runs)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
ACCOUNTS=10000 IDS=ids.txt NEEDS=curl
. benches/setup.sh

ratio() { python3 -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.2f}')" "$1" "$2"; }

# 1. The split run.
from=$(date -d '-60 days' +%F)
to=$(date -d "$from +30 days" +%F)
split_args=(balances --split --concurrency 4 --from "$from" --to "$to" --accounts-file ids.txt)
"$bin" "${split_args[@]}" --dry-run >bodies.ndjson
requests=$(wc -l <bodies.ndjson)
mkdir bodies
python3 - <<'PY'
with open("bodies.ndjson") as f:
    for i, line in enumerate(f):
        with open(f"bodies/body-{i:03}.json", "w") as out:
            out.write(line.rstrip("\n"))
PY

# Alternate the two, SPLIT_RUNS times each, and take the median wall time: a 2-core machine
# running the sandbox, the client and curl at once is noisy.
split_runs=${SPLIT_RUNS:-3}
for i in $(seq "$split_runs"); do
    /usr/bin/time -v -o "treasury-$i.time" "$bin" -q "${split_args[@]}" -f csv -o out.csv
    rm -f bodies/*.out
    /usr/bin/time -v -o "curl-$i.time" bash "$root/benches/curl_post.sh" "$base" bodies 4
done
summary() { # median wall, max RSS, median CPU, then every wall time, of the time reports given
    for f in "$@"; do wall_and_rss "$f"; done | python3 -c '
import statistics, sys
rows = [line.split() for line in sys.stdin]
print(f"{statistics.median(float(r[0]) for r in rows):.2f} {max(int(r[1]) for r in rows)}",
      f"{statistics.median(float(r[2]) for r in rows):.2f}", " ".join(r[0] for r in rows))'
}
read -r t_wall t_rss t_cpu t_all < <(summary treasury-*.time)
read -r c_wall _ c_cpu c_all < <(summary curl-*.time)
rows=$(($(wc -l <out.csv) - 1))
answers=$(find bodies -name '*.out' | wc -l)
answer_mb=$(du -cm bodies/*.out | tail -1 | cut -f1)

echo "== split run: $ACCOUNTS accounts x 31 days ($from..$to), $requests requests, concurrency 4"
echo "treasury  wall ${t_wall} s (median of: ${t_all})  cpu ${t_cpu} s  peak RSS ${t_rss} MB  ($rows CSV rows)"
echo "curl      wall ${c_wall} s (median of: ${c_all})  cpu ${c_cpu} s  ($answers answers, ${answer_mb} MB of JSON)"
echo "ratio     $(ratio "$t_wall" "$c_wall")  (goal <= 1.15; RSS goal <= 48 MB)"

# 2. One small request, repeated.
small=$(head -3 ids.txt | sed 's/^/-a /' | tr '\n' ' ')
head -3 ids.txt | python3 -c '
import json, sys
ids = [l.strip().split("/") for l in sys.stdin]
print(json.dumps({"relativeDateType": "PRIOR_DAY", "accountList": [{"accountId": a, "bankId": b} for b, a in ids]}, separators=(",", ":")))
' >small.json
# shellcheck disable=SC2086
read -r ts_mean ts_median ts_min < <(python3 "$root/benches/mean_wall.py" "$runs" "$bin" -q balances --prior-day $small -f csv)
read -r cs_mean cs_median cs_min < <(python3 "$root/benches/mean_wall.py" "$runs" bash "$root/benches/curl_small.sh" "$base" small.json)

echo "== small request: --prior-day, 3 accounts, token + 1 POST, $runs runs each (after 2 warm-ups)"
echo "treasury  mean ${ts_mean} ms  (median ${ts_median}, min ${ts_min})"
echo "curl      mean ${cs_mean} ms  (median ${cs_median}, min ${cs_min})"
echo "ratio     $(ratio "$ts_mean" "$cs_mean")  (goal <= 1.3)"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores (figures are only comparable on a quiet machine)"
