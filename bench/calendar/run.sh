#!/usr/bin/env bash
# Calendar benchmark: Beckon's trigger evaluation for 1,000,000 customers and 6 campaigns (birthday, pre-expiry,
# recall waves, payday, holiday countdown, cron) over one day, against a plain SQLite scan of the same
# customers' birthdays with the sqlite3 command line. Prints both times and their ratio.
set -euo pipefail
cd "$(dirname "$0")/../.."
N="${1:-1000000}"
out=bench/out/calendar
mkdir -p "$out"
swift build -c release --scratch-path .build-release --product beckon-bench-calendar >/dev/null
bin=.build-release/release/beckon-bench-calendar
"$bin" "$N" "$out/customers.csv" | tee "$out/beckon.txt"
beckon=$(grep BECKON_SECONDS "$out/beckon.txt" | cut -d= -f2)

rm -f "$out/scan.sqlite"
sqlite3 "$out/scan.sqlite" ".mode csv" ".import $out/customers.csv customer"
start=$(date +%s.%N)
sqlite3 "$out/scan.sqlite" "SELECT COUNT(*) FROM customer WHERE substr(birthday, 6) = '11-24';" >/dev/null
end=$(date +%s.%N)
scan=$(echo "$end - $start" | bc -l)
printf 'sqlite3: birthday scan of %s customers in %.3f s\n' "$N" "$scan"
printf 'ratio beckon/sqlite3: %.2f (target: beckon under 2 s)\n' "$(echo "$beckon / $scan" | bc -l)"
