# Sourced by e2e.sh and large.sh (not run on its own): checks the tools, builds the release
# binary ($bin), makes a private HOME in $work (removed on exit, with the sandbox), starts
# `treasury sandbox serve` with $ACCOUNTS accounts on 127.0.0.1, writes a profile for it, cds
# into $work and lists its accounts as BANK_ID/ACCOUNT_ID lines in $IDS.
# The caller sets: ACCOUNTS, IDS, NEEDS (its own extra tools), and runs from the repository root.
root=$PWD
for tool in cargo python3 /usr/bin/time $NEEDS; do
    command -v "$tool" >/dev/null || { echo "$(basename "$0") needs $tool" >&2; exit 2; }
done

echo "building treasury --release ..." >&2
cargo build --release --quiet --bin treasury
bin=$root/target/release/treasury

work=$(mktemp -d)
sandbox_pid=
cleanup() {
    # The sandbox ends by SIGTERM (wait says 143): not a failure of the benchmark.
    [ -n "$sandbox_pid" ] && kill "$sandbox_pid" 2>/dev/null && { wait "$sandbox_pid" 2>/dev/null || true; }
    rm -rf "$work"
}
trap cleanup EXIT

# Nothing of the caller's treasury setup: a private HOME, config and cache.
export HOME=$work XDG_CONFIG_HOME=$work/config XDG_CACHE_HOME=$work/cache
export TREASURY_NO_KEYRING=1 NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost
unset TREASURY_CONFIG TREASURY_PROFILE TREASURY_FORMAT TREASURY_ACCESS_TOKEN
mkdir -p "$XDG_CONFIG_HOME/treasury" "$XDG_CACHE_HOME"

"$bin" sandbox serve --port 0 --accounts "$ACCOUNTS" 2>"$work/sandbox.log" &
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
python3 - "$IDS" <<'PY'
import csv, sys
with open("accounts.csv", newline="") as f, open(sys.argv[1], "w") as out:
    for row in csv.DictReader(f):
        out.write(f"{row['bank_id']}/{row['account_id']}\n")
PY
listed=$(wc -l <"$IDS")
[ "$listed" -eq "$ACCOUNTS" ] || { echo "expected $ACCOUNTS accounts, got $listed" >&2; exit 1; }

# Seconds of wall time, peak RSS in MB and CPU seconds (user + system) from a `/usr/bin/time -v`
# report.
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
