#!/usr/bin/env bash
# Report benchmark: `beckon report` over a month of 1,000,000 customers (one message each, 3,000,000 receipt
# events, 100,000 clicks) against sqlite3 running the same GROUP BY counts on the same file, side by side.
# Prints both times, the ratio (target: at most 3x) and Beckon's peak memory (target: under 300 MB; under 10 s).
set -euo pipefail
cd "$(dirname "$0")/../.."
N="${1:-1000000}"
out=bench/out/report
mkdir -p "$out"
swift build -c release --scratch-path .build-release --product beckon >/dev/null
bin=$PWD/.build-release/release/beckon

home="$out/home"
rm -rf "$home" && mkdir -p "$home/etc"
printf 'timezone: Asia/Shanghai\n' > "$home/etc/beckon.yaml"
db="$home/var/beckon.sqlite"
# The store's schema, made by Beckon itself (a report of an empty store).
"$bin" report --config "$home/etc/beckon.yaml" --from 2026-11-01 --to 2026-11-30 --format json --out - > /dev/null

# A month: customers in three zones (one in five with none: the number's country decides), a message each on a
# day of November, 88% delivered, 10% clicked (a tenth of them by a link preview), three receipt events each.
sqlite3 "$db" > /dev/null <<SQL
PRAGMA journal_mode = WAL;
BEGIN;
CREATE TEMP TABLE n AS WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $N - 1) SELECT i FROM n;
INSERT INTO customer (id, name, phone, timezone)
SELECT printf('C%07d', i), 'name' || i,
       CASE i % 5 WHEN 3 THEN printf('+49151%08d', i) ELSE printf('+861%d%08d', 3 + i % 7, i) END,
       CASE i % 5 WHEN 0 THEN 'Asia/Shanghai' WHEN 1 THEN 'Asia/Shanghai' WHEN 2 THEN 'Asia/Kolkata' WHEN 3 THEN 'Europe/Berlin' ELSE NULL END
FROM n;
INSERT INTO message (key, campaign, wave, customer_id, local_date, category, phone, channel, text, variant, reason, send_at,
                     valid_until, status, provider_code, reason_code, segments, encoding, created_at, updated_at)
SELECT 'c' || (i % 10) || '/0/' || printf('C%07d', i) || '/' || printf('2026-11-%02d', 1 + i % 30), 'c' || (i % 10), 0, printf('C%07d', i),
       printf('2026-11-%02d', 1 + i % 30), 'marketing',
       CASE i % 5 WHEN 3 THEN printf('+49151%08d', i) ELSE printf('+861%d%08d', 3 + i % 7, i) END,
       'outbox', 'text', CASE i % 2 WHEN 0 THEN 'a' ELSE 'b' END, '',
       1793491200 + (i % 30) * 86400 + 3600 + (i * 7919) % 36000, 1793491200 + (i % 30) * 86400 + 86400,
       CASE WHEN i % 100 < 88 THEN 'delivered' WHEN i % 100 < 94 THEN 'undelivered' WHEN i % 100 < 97 THEN 'suppressed' ELSE 'failed' END,
       CASE WHEN i % 100 BETWEEN 88 AND 93 THEN 'UNDELIV' WHEN i % 100 >= 97 THEN 'HTTP 400' END,
       CASE WHEN i % 100 BETWEEN 94 AND 96 THEN 'frequency_cap' END,
       1 + i % 2, 'UCS2', 1793491200, 1793491200 + (i % 30) * 86400 + 3700 + (i * 7919) % 36000
FROM n;
INSERT INTO receipt_event (key, status, segments, event_at)
SELECT key, s.status, segments, updated_at FROM message, (SELECT 'pending' AS status UNION ALL SELECT 'sent' UNION ALL SELECT 'delivered') s;
INSERT INTO link (token, message_key, campaign, variant, target, created_at, expires_at)
SELECT 'T' || substr(customer_id, 2), key, campaign, variant, 'https://shop.example/', created_at, created_at + 5184000 FROM message
WHERE CAST(substr(customer_id, 2) AS INTEGER) % 10 = 1;
INSERT INTO click (token, message_key, campaign, variant, at, method, user_agent, bot, is_unique)
SELECT token, message_key, campaign, variant, created_at + 90000 + CAST(substr(token, 2) AS INTEGER) % 86400, 'GET', 'Mozilla/5.0',
       CASE WHEN CAST(substr(token, 2) AS INTEGER) % 100 = 1 THEN 'user_agent' END,
       CASE WHEN CAST(substr(token, 2) AS INTEGER) % 100 = 1 THEN 0 ELSE 1 END FROM link;
COMMIT;
SQL
printf 'store: %s customers, %s messages, %s receipt events, %s clicks\n' \
  "$(sqlite3 "$db" 'SELECT COUNT(*) FROM customer')" "$(sqlite3 "$db" 'SELECT COUNT(*) FROM message')" \
  "$(sqlite3 "$db" 'SELECT COUNT(*) FROM receipt_event')" "$(sqlite3 "$db" 'SELECT COUNT(*) FROM click')"

seconds() { awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$1"; }
# Warm the page cache the same way for both.
cat "$db" > /dev/null
/usr/bin/time -v "$bin" report --config "$home/etc/beckon.yaml" --from 2026-11-01 --to 2026-11-30 --out "$out/november.html" > /dev/null 2> "$out/beckon.time"
beckon=$(seconds "$out/beckon.time")
peak=$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$out/beckon.time")

# The anchor: the same counts as GROUP BYs in sqlite3 (funnel, delivered by zone and quarter hour, clicks by zone and
# quarter hour, carrier prefixes, failure codes, clicks per variant).
cat > "$out/anchor.sql" <<'SQL'
SELECT campaign, variant, channel, status, COALESCE(reason_code, '') AS r, COUNT(*), SUM(segments) FROM message m
  WHERE m.local_date BETWEEN '2026-11-01' AND '2026-11-30' GROUP BY campaign, variant, channel, status, r;
SELECT NULLIF(c.timezone, '') AS zone, CASE WHEN COALESCE(c.timezone, '') = '' THEN substr(m.phone, 1, 5) ELSE '' END AS prefix,
       CAST(m.updated_at / 900 AS INTEGER) AS q, COUNT(*) FROM message m LEFT JOIN customer c ON c.id = m.customer_id
  WHERE m.local_date BETWEEN '2026-11-01' AND '2026-11-30' AND m.status = 'delivered' GROUP BY zone, prefix, q;
SELECT NULLIF(c.timezone, '') AS zone, CASE WHEN COALESCE(c.timezone, '') = '' THEN substr(m.phone, 1, 5) ELSE '' END AS prefix,
       CAST(k.at / 900 AS INTEGER) AS q, COUNT(*) FROM click k JOIN message m ON m.key = k.message_key LEFT JOIN customer c ON c.id = m.customer_id
  WHERE m.local_date BETWEEN '2026-11-01' AND '2026-11-30' AND k.bot IS NULL GROUP BY zone, prefix, q;
SELECT substr(phone, 1, 6) AS p, status, COUNT(*) FROM message m
  WHERE m.local_date BETWEEN '2026-11-01' AND '2026-11-30' AND status IN ('delivered', 'queued', 'sent', 'undelivered', 'unknown') GROUP BY p, status;
SELECT channel, COALESCE(NULLIF(provider_code, ''), reason_code, '') AS code, COUNT(*) FROM message m
  WHERE m.local_date BETWEEN '2026-11-01' AND '2026-11-30' AND status IN ('failed', 'undelivered') GROUP BY channel, code;
SELECT m.campaign, m.variant, COUNT(*), SUM(k.bot IS NOT NULL), SUM(k.is_unique) FROM click k JOIN message m ON m.key = k.message_key
  WHERE m.local_date BETWEEN '2026-11-01' AND '2026-11-30' GROUP BY m.campaign, m.variant;
SQL
/usr/bin/time -v sqlite3 "$db" < "$out/anchor.sql" > /dev/null 2> "$out/sqlite.time"
sqlite=$(seconds "$out/sqlite.time")

printf 'beckon report: %.2f s (peak memory %s MB; targets < 10 s, < 300 MB), %s bytes of HTML\n' "$beckon" "$peak" "$(stat -c %s "$out/november.html")"
printf 'sqlite3, the same GROUP BY counts: %.2f s\n' "$sqlite"
printf 'ratio beckon/sqlite3: %.2f (target <= 3)\n' "$(echo "$beckon / $sqlite" | bc -l)"
