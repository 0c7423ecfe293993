#!/usr/bin/env bash
# Import benchmark: `beckon import` of a realistic 1,000,000-row customer CSV against sqlite3's own
# `.import --csv` of the same file into a bare table, side by side, and what sqlite3 alone needs to land the
# same rows in Beckon's stored form (the floor). Targets (issue 15): a first import at most 1.2x that floor; the
# same export again with 1% of its rows changed at most 0.3x `sqlite3 .import` of it; peak memory under 150 MB
# for both.
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

# A floor for any importer that keeps Beckon's stored form: sqlite3 alone, no parsing or checking, loading the
# same file into a staging table and upserting it into Beckon's own customer table (its schema, its phone
# index, the store's WAL settings), the way each batch lands.
rm -f "$out"/floor.sqlite*
{
  echo "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -16384; PRAGMA wal_autocheckpoint = 16384;"
  sqlite3 "$home/var/beckon.sqlite" ".schema customer"
  echo ".import --csv $out/customers-$N.csv staging"
  echo "INSERT INTO customer (id, name, phone, birthday, tier, total_spend, attributes, source)
        SELECT customer_id, name, phone, birthday, tier, total_spend, json_object('city', city), 'customers.csv:' || rowid
        FROM staging WHERE true
        ON CONFLICT(id) DO UPDATE SET name = excluded.name, phone = excluded.phone;"
} > "$out/floor.sql"
start=$(date +%s.%N)
sqlite3 "$out/floor.sqlite" < "$out/floor.sql" > /dev/null
end=$(date +%s.%N)
floor=$(echo "$end - $start" | bc -l)

printf 'beckon import: %.2f s for %s rows (peak memory %s MB; target < 150 MB)\n' "$beckon" "$N" "$peak"
printf 'sqlite3 .import --csv: %.2f s\n' "$sqlite"
printf 'sqlite3 alone into the stored form (staging + upsert, phone index, WAL): %.2f s = %.2fx .import\n' "$floor" "$(echo "$floor / $sqlite" | bc -l)"
printf 'ratio beckon/sqlite3: %.2f; beckon/stored-form floor: %.2f (target <= 1.2)\n' "$(echo "$beckon / $sqlite" | bc -l)" "$(echo "$beckon / $floor" | bc -l)"

# The nightly case: the same export again with 1% of the rows changed (their spend), imported into the same store,
# against sqlite3 .import of that file (target: at most 0.3x), under 150 MB.
python3 - "$out/customers-$N.csv" "$out/customers-$N-again.csv" <<'PY'
import sys
src, dst = sys.argv[1], sys.argv[2]
with open(src, encoding="utf-8") as f, open(dst, "w", encoding="utf-8", newline="") as g:
    for i, line in enumerate(f):
        if i > 0 and i % 100 == 0:
            parts = line.rstrip("\n").split(",")
            # total_spend is the seventh column unless a quoted city shifts nothing (cities have no commas).
            parts[6] = str(float(parts[6]) + 1.0) if parts[6].replace(".", "", 1).isdigit() else parts[6]
            line = ",".join(parts) + "\n"
        g.write(line)
PY
/usr/bin/time -v "$bin" import "$out/customers-$N-again.csv" --config "$home/etc/beckon.yaml" > "$out/again.txt" 2> "$out/again.time"
again=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$out/again.time")
again_peak=$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$out/again.time")
cat "$out/again.txt"
rm -f "$out/bare-again.sqlite"
start=$(date +%s.%N)
sqlite3 "$out/bare-again.sqlite" ".import --csv $out/customers-$N-again.csv customer"
end=$(date +%s.%N)
sqlite_again=$(echo "$end - $start" | bc -l)
printf 're-import with 1%% changed: %.2f s (peak memory %s MB; target < 150 MB); sqlite3 .import of it: %.2f s; ratio %.2f (target <= 0.3)\n' \
  "$again" "$again_peak" "$sqlite_again" "$(echo "$again / $sqlite_again" | bc -l)"
