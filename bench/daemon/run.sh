#!/usr/bin/env bash
# Daemon benchmark: a store of N customers (default 1,000,000) and ten campaigns of the usual kinds (birthday,
# lunar birthday, pre-expiry, three recall waves, payday, a holiday countdown, a weekly cron, an abandoned-cart
# event). Prints, side by side in one run on the release build:
#   - the first plan of the day (`run --once`'s plan phase at 09:00, after a pass over everyone the evening
#     before) against a sqlite3 scan of the same customer table (target: at most 5x), and that evening pass;
#   - the idle daemon's CPU over IDLE_SECONDS (default 600) from /proc/PID/stat (target: under 1% of one core)
#     and its resident memory;
#   - how long a one-row customer file dropped into the inbox (with its .done marker) takes to be imported and
#     that customer's message planned (target: within 2 s);
#   - how long SIGTERM takes to end the daemon when idle and in the middle of a full pass (target: within 5 s).
set -euo pipefail
cd "$(dirname "$0")/../.."
N="${1:-1000000}"
IDLE_SECONDS="${IDLE_SECONDS:-600}"
# The customers' zone (their file's timezone column): pick one where no local midnight falls inside the run,
# or the idle minutes include the new day's full pass.
ZONE="${ZONE:-Asia/Shanghai}"
out=bench/out/daemon
mkdir -p "$out"
today=$(TZ=$ZONE date +%F)
csv="$out/customers-$N-$today-${ZONE//\//_}.csv"
[ -f "$csv" ] || python3 bench/daemon/generate.py "$N" "$csv" "$today" "$ZONE"
swift build -c release --scratch-path .build-release --product beckon >/dev/null
bin=$PWD/.build-release/release/beckon
clk=$(getconf CLK_TCK)

home="$out/home"
rm -rf "$home" && mkdir -p "$home/etc/campaigns" "$home/inbox"
cp -r etc/calendars etc/routing "$home/etc/"
cat > "$home/etc/beckon.yaml" <<YAML
timezone: $ZONE
tick_seconds: 60
rescan_seconds: 30
stable_seconds: 5
content: { brand: Beckon }
policy: { daily_limit: 1 }
server: { port: 0 }
YAML
campaign() { printf '%s\n' "$2" > "$home/etc/campaigns/$1.yaml"; }
campaign birthday 'id: birthday
priority: 9
trigger: { kind: birthday }
audience: [calendar = solar]
template: "{{name}}，生日快乐！"'
campaign lunar-birthday 'id: lunar-birthday
priority: 9
trigger: { kind: birthday }
audience: [calendar = lunar]
template: "{{name}}，农历生日快乐！"'
campaign expiry 'id: expiry
category: care
priority: 8
trigger: { kind: date_offset, field: card_expires_on, days: -3 }
template: "{{name}}，您的会员卡将于{{card_expires_on}}到期"'
for wave in 7 15 30; do campaign "recall-$wave" "id: recall-$wave
priority: 5
trigger: { kind: date_offset, field: last_order_at, after_days: 90, days: $wave, cancelled_by: [purchase] }
template: \"{{name}}，好久不见，送您一张优惠券\""; done
campaign payday 'id: payday
priority: 3
trigger: { kind: payday, day: 25 }
template: "{{name}}，发薪日专享"'
campaign festival 'id: festival
priority: 4
trigger: { kind: holiday_countdown, holiday: spring_festival, days_before: [3, 1, 0] }
template: "{{name}}，新春快乐"'
campaign weekly 'id: weekly
priority: 1
trigger: { kind: cron, expression: "0 10 * * 4" }
audience: [tier = vip]
template: "{{name}}，本周新品"'
campaign cart 'id: cart
priority: 7
trigger: { kind: event, event: cart_abandoned, delay_minutes: 180, cancelled_by: [purchase] }
template: "{{name}}，您的{{product | default: \"商品\"}}还在购物车里"'
cfg="$home/etc/beckon.yaml"

echo "importing $N customers..."
"$bin" import "$csv" --config "$cfg" > "$out/import.txt" 2>&1
tail -1 "$out/import.txt"

# A pass over everyone after the import (yesterday evening, as a daemon that ran then would have), then the
# first plan of today (09:00), both `run --once`; their plan phase from the debug log.
plan_phase() { grep -o 'plan_ms=[0-9.]*' "$1" | head -1 | cut -d= -f2; }
yesterday=$(TZ=$ZONE date -Iseconds -d "yesterday 20:00")
morning=$(TZ=$ZONE date -Iseconds -d "today 09:00")
"$bin" run --once --now "$yesterday" --config "$cfg" --log-level debug > "$out/everyone.txt" 2> "$out/everyone.log"
printf 'pass over everyone after the import (%s): %.2f s\n' "$yesterday" "$(echo "$(plan_phase "$out/everyone.log") / 1000" | bc -l)"
/usr/bin/time -v "$bin" run --once --now "$morning" --config "$cfg" --log-level debug > "$out/first.txt" 2> "$out/first.log"
plan_ms=$(plan_phase "$out/first.log")
first_rss=$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$out/first.log")
grep -E "planned|sent" "$out/first.txt" | head -2
start=$(date +%s.%N)
sqlite3 "$home/var/beckon.sqlite" "SELECT COUNT(*), SUM(length(name) + length(phone) + length(attributes) + length(consents)) FROM customer WHERE active = 1;" >/dev/null
end=$(date +%s.%N)
scan=$(echo "$end - $start" | bc -l)
printf 'first plan of the day (%s): %.2f s (peak RSS %s MB); sqlite3 scan of the same table: %.3f s; ratio %.2f (target: at most 5)\n' \
  "$morning" "$(echo "$plan_ms / 1000" | bc -l)" "$first_rss" "$scan" "$(echo "$plan_ms / 1000 / $scan" | bc -l)"

# The daemon, idle after that pass.
"$bin" run --config "$cfg" > "$out/daemon.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
sleep 20
cpu() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
t0=$(cpu "$pid"); s0=$(date +%s.%N)
sleep "$IDLE_SECONDS"
t1=$(cpu "$pid"); s1=$(date +%s.%N)
rss=$(awk '/VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$pid/status")
printf 'idle daemon: %.3f%% of one core over %.0f s (target: under 1%%); resident memory %s MB\n' \
  "$(echo "($t1 - $t0) / $clk / ($s1 - $s0) * 100" | bc -l)" "$(echo "$s1 - $s0" | bc -l)" "$rss"

# One new customer whose birthday is today, handed over with its .done marker.
md=$(TZ=$ZONE date +%m-%d)
printf 'customer_id,name,phone,birthday,calendar,timezone\nNEW000001,新客户,13800138999,1990-%s,solar,%s\n' "$md" "$ZONE" > "$home/inbox/.one.csv.part"
t0=$(date +%s.%N)
mv "$home/inbox/.one.csv.part" "$home/inbox/one.csv" && : > "$home/inbox/one.csv.done"
while [ "$(sqlite3 "$home/var/beckon.sqlite" "SELECT COUNT(*) FROM message WHERE customer_id = 'NEW000001'" 2>/dev/null || echo 0)" = 0 ]; do
  sleep 0.05
  if [ "$(echo "$(date +%s.%N) - $t0 > 60" | bc)" = 1 ]; then echo "one-row file: not planned within 60 s"; break; fi
done
printf 'one-row customer file: imported and planned in %.2f s (target: within 2 s)\n' "$(echo "$(date +%s.%N) - $t0" | bc -l)"

stop() {
  local t0; t0=$(date +%s.%N)
  kill -TERM "$pid"
  while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
  printf 'SIGTERM %s: exited in %.2f s (target: within 5 s)\n' "$1" "$(echo "$(date +%s.%N) - $t0" | bc -l)"
}
stop "when idle"

# A changed configuration makes the next start plan everyone; SIGTERM two seconds into that pass.
sed -i 's/生日快乐！"/生日快乐！!"/' "$home/etc/campaigns/birthday.yaml"
"$bin" run --config "$cfg" > "$out/daemon2.log" 2>&1 &
pid=$!
sleep 2
stop "two seconds into a full pass"
trap - EXIT
