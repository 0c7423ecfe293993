#!/usr/bin/env bash
# Redirect benchmark: Beckon's tracked-link listener (a store lookup, bot checks, the click handed to the
# write-behind recorder, a 302) against a static Hummingbird route answering the same 302, both measured by
# wrk on this machine with the same connections and the same requests (10,000 sent messages' tokens in turn,
# a phone's user agent). Prints both rates and the ratio (target: at least 0.5) for each of RUNS rounds
# (default 3) and their median, then how many clicks the store holds (every request's).
set -euo pipefail
cd "$(dirname "$0")/../.."
LINKS="${LINKS:-10000}"
CONNECTIONS="${CONNECTIONS:-32}"
THREADS="${THREADS:-2}"
SECONDS_EACH="${SECONDS_EACH:-10}"
RUNS="${RUNS:-3}"
PORT="${PORT:-18471}"
out=bench/out/redirect
mkdir -p "$out"
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk; scripts/test installs it)"; exit 1; }
swift build -c release --scratch-path .build-release --product beckon-bench-redirect >/dev/null
bin=$PWD/.build-release/release/beckon-bench-redirect
export TOKENS="$PWD/$out/tokens.txt"

server=""
stop() { if [ -n "$server" ]; then kill -TERM "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; server=""; fi; }
trap stop EXIT
start() {
    "$bin" "$@" > "$out/server.log" 2>&1 &
    server=$!
    for _ in $(seq 300); do
        [ -s "$TOKENS" ] && curl -s -o /dev/null "http://127.0.0.1:$PORT/$(head -1 "$TOKENS")" && return
        sleep 0.1
    done
    echo "the server did not start; see $out/server.log"; exit 1
}
rate() { wrk -t"$THREADS" -c"$CONNECTIONS" -d"${SECONDS_EACH}s" -s bench/redirect/tokens.lua "http://127.0.0.1:$PORT" | awk '/Requests\/sec/ { print $2 }'; }

ratios=()
for run in $(seq "$RUNS"); do
    rm -f "$out"/links.sqlite* "$TOKENS"
    start links "$PORT" "$out/links.sqlite" "$TOKENS" "$LINKS"
    links=$(rate)
    stop
    clicks=$(sqlite3 "$out/links.sqlite" "SELECT COUNT(*) FROM click")
    unique=$(sqlite3 "$out/links.sqlite" "SELECT SUM(is_unique) FROM click")
    start static "$PORT"
    static=$(rate)
    stop
    ratio=$(python3 -c "print(f'{$links / $static:.2f}')")
    ratios+=("$ratio")
    printf 'run %d: beckon %s redirects/s, static route %s requests/s, ratio %s (clicks stored %s, unique %s)\n' \
        "$run" "$links" "$static" "$ratio" "$clicks" "$unique"
done
median=$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
echo "median ratio $median (target >= 0.5), $CONNECTIONS connections, $THREADS wrk threads, ${SECONDS_EACH}s each, $(nproc) cores"
