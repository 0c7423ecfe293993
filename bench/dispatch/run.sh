#!/usr/bin/env bash
# Dispatch benchmark: Beckon sending N messages (default 100,000) through the generic `http` channel to a
# loopback gateway, with the ledger and receipts on, against wrk's request rate on the same gateway with
# the same number of connections, side by side. Prints both rates and the ratio (target: at least 0.20) for
# each of RUNS rounds (default 3; wrk's own rate moves by a quarter from run to run) and their median.
set -euo pipefail
cd "$(dirname "$0")/../.."
N="${1:-100000}"
CONNECTIONS="${CONNECTIONS:-32}"
PORT="${PORT:-18090}"
RUNS="${RUNS:-3}"
out=bench/out/dispatch
mkdir -p "$out"
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk; scripts/test installs it)"; exit 1; }
swift build -c release --scratch-path .build-release --product beckon >/dev/null
swift build -c release --scratch-path .build-release --product beckon-bench-gateway >/dev/null
bin=$PWD/.build-release/release

"$bin/beckon-bench-gateway" "$PORT" > "$out/gateway.log" 2>&1 &
gateway=$!
trap 'kill $gateway 2>/dev/null' EXIT
for _ in $(seq 50); do curl -s -o /dev/null -X POST "http://127.0.0.1:$PORT/send" && break; sleep 0.1; done


# A home whose one campaign sends every customer a message now.
home="$out/home"
rm -rf "$home" && mkdir -p "$home/etc/campaigns"
cat > "$home/etc/beckon.yaml" <<YAML
timezone: Asia/Shanghai
server: { port: 0 }
policy: { quiet_hours: none }
channels:
  gw:
    kind: http
    url: http://127.0.0.1:$PORT/send
    body: '{"to": "{{phone}}", "text": "{{text}}", "ref": "{{key}}"}'
    provider_id: data.id
    concurrency: $CONNECTIONS
YAML
cat > "$home/etc/campaigns/notice.yaml" <<YAML
id: notice
category: transactional
trigger: { kind: birthday }
window: "00:00-23:59"
spread: false
channel: gw
template: "【Beckon】{{name}}，您的账户通知"
YAML
today=$(TZ=Asia/Shanghai date +%m-%d)
python3 - "$N" "$today" > "$out/customers.csv" <<'PY'
import sys
n, today = int(sys.argv[1]), sys.argv[2]
print("customer_id,name,phone,birthday")
for i in range(n):
    print(f"C{i},客户{i},139{i:08d},1990-{today}")
PY
ratios=()
for run in $(seq "$RUNS"); do
  wrk -t 2 -c "$CONNECTIONS" -d 10s -s bench/dispatch/post.lua "http://127.0.0.1:$PORT/send" > "$out/wrk.txt"
  wrk_rate=$(awk '/Requests\/sec/ { print $2 }' "$out/wrk.txt")

  # Each round starts from an empty ledger: the same customers imported again, nothing planned yet.
  rm -rf "$home/var" "$home/outbox" "$home/inbox"
  "$bin/beckon" import "$out/customers.csv" --config "$home/etc/beckon.yaml" > /dev/null
  now=$(TZ=Asia/Shanghai date +%Y-%m-%dT%H:%M:%S+08:00)
  start=$(date +%s.%N)
  "$bin/beckon" run --once --now "$now" --config "$home/etc/beckon.yaml" --log-level error > "$out/beckon.txt"
  end=$(date +%s.%N)
  sent=$(awk '/sent [0-9]+,/ { gsub(",", "", $2); print $2 }' "$out/beckon.txt")
  [ "$sent" = "$N" ] || { echo "round $run sent ${sent:-nothing} of $N messages:"; cat "$out/beckon.txt"; exit 1; }
  seconds=$(echo "$end - $start" | bc -l)
  beckon_rate=$(echo "$sent / $seconds" | bc -l)
  ratio=$(echo "$beckon_rate / $wrk_rate" | bc -l)
  ratios+=("$ratio")

  printf 'round %s: wrk %.0f requests/s with %s connections; beckon %s messages in %.2f s = %.0f messages/s; ratio %.3f\n' \
    "$run" "$wrk_rate" "$CONNECTIONS" "$sent" "$seconds" "$beckon_rate" "$ratio"
done
cat "$out/beckon.txt"
median=$(printf '%s\n' "${ratios[@]}" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
printf 'beckon: plan, ledger, dispatch, receipts; concurrency %s\n' "$CONNECTIONS"
printf 'ratio beckon/wrk: median %.3f over %s rounds (target >= 0.20)\n' "$median" "$RUNS"
