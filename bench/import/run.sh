#!/usr/bin/env bash
# Import benchmark: `beckon import` of a realistic 1,000,000-row customer CSV against sqlite3's own
# `.import --csv` of the same file into a bare table, side by side. Prints both times, the ratio (target:
# at most 1.5x) and Beckon's peak memory (target: under 200 MB).
set -euo pipefail
cd "$(dirname "$0")/../.."
N="${1:-1000000}"
out=bench/out/import
mkdir -p "$out"
[ -f "$out/customers-$N.csv" ] || python3 bench/import/generate.py "$N" "$out/customers-$N.csv"
swift build -c release --scratch-path .build-release --product beckon >/dev/null
bin=$PWD/.build-release/release/beckon

home="$out/home"
rm -rf "$home" && mkdir -p "$home/etc"
: > "$home/etc/beckon.yaml"
/usr/bin/time -v "$bin" import "$out/customers-$N.csv" --config "$home/etc/beckon.yaml" > "$out/beckon.txt" 2> "$out/beckon.time"
beckon=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$out/beckon.time")
peak=$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$out/beckon.time")
cat "$out/beckon.txt"

rm -f "$out/bare.sqlite"
start=$(date +%s.%N)
sqlite3 "$out/bare.sqlite" ".import --csv $out/customers-$N.csv customer"
end=$(date +%s.%N)
sqlite=$(echo "$end - $start" | bc -l)

printf 'beckon import: %.2f s for %s rows (peak memory %s MB; target < 200 MB)\n' "$beckon" "$N" "$peak"
printf 'sqlite3 .import --csv: %.2f s\n' "$sqlite"
printf 'ratio beckon/sqlite3: %.2f (target <= 1.5)\n' "$(echo "$beckon / $sqlite" | bc -l)"
